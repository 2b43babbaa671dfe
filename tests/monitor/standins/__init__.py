"""Stand-in D-Bus services for the session watcher tests (run by the system Python)."""
