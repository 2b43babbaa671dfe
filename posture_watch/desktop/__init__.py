"""Desktop adapters: notifications that never steal focus, and the stretch-break window.

Nothing is re-exported here on purpose: the tray imports :mod:`.notify` and
:class:`~.stretch_process.StretchWindowProcess` (also importable from
:mod:`.stretch_window`) without loading Tk, and the window itself runs as its own process
(``python -m posture_watch.desktop.stretch_window``) so Tk owns that process's main thread.
"""
