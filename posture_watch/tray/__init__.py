"""The tray app: icon, menu and the controller that turns monitor events into prompts.

Nothing here is imported by the core. pystray itself is imported lazily by
:mod:`posture_watch.tray.backend`, because it needs a display at import time.
"""
