"""The camera and the pose model in a sandboxed process of their own.

Why: the pose model (MediaPipe) and the video decoders (FFmpeg inside OpenCV) are large
native libraries fed with pixels from the webcam and from files the person names. The
model ships a telemetry uploader (see :mod:`posture_watch.offline`), and a decoder bug
could be reached through a crafted video. So they run in a process that holds no socket
at all, may not make one (seccomp), may read only what it needs and write nothing
(Landlock, where the kernel has it), and whose native crash kills only itself: the tray
or console process that started it says so and starts another.

- :mod:`.messages`: what the two processes say to each other;
- :mod:`.protocol`: how a message crosses the pipe (length-prefixed pickles, read back
  with an unpickler that only knows our message and event types);
- :mod:`.sandbox`: what the worker applies to itself before it touches a source;
- :mod:`.client`: the parent's side: start a worker, open sources, load the model;
- :mod:`.inbox`: the worker's side of the pipe from the parent;
- :mod:`.remote_source`: a frame source whose frames arrive as landmarks;
- :mod:`.frames`: where a command opens its sources (the worker, or this process).

The worker process itself is in the monitor layer, since it runs the monitor loop:
:mod:`posture_watch.monitor.worker_entry` (the sandbox first),
:mod:`~posture_watch.monitor.worker_main` (the requests),
:mod:`~posture_watch.monitor.worker_loop` (the loop in the worker) and
:mod:`~posture_watch.monitor.remote_loop` (the loop seen from the tray or console).
"""
