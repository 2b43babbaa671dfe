"""The background monitor: a worker loop that reads frames adaptively and posts events."""
