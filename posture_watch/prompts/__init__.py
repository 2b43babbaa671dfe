"""Package data: the built-in prompts (``guide_prompts.toml``), read by ``prompt_library``."""
