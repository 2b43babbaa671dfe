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
- :mod:`.main`: the worker process itself;
- :mod:`.client`: the parent's side: start a worker, open sources, load the model;
- :mod:`.remote_source`: a frame source whose frames arrive as landmarks;
- :mod:`.remote_loop`: the monitor loop run in the worker, restarted after a crash.
"""
