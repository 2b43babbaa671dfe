"""posture-watch: a quiet desktop posture monitor."""
