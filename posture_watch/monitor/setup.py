"""Everything the console monitor and the tray share before the loop starts.

Reads the settings file, opens the first source (webcam, else the demo when the source is
``auto``), finds the calibration and the model, and builds the :class:`MonitorLoop`.
Command-line options override the settings file for one run: the commands turn them into
a :class:`SetupRequest` of plain values (``posture_watch.commands.monitor_options``), so
this module knows nothing of argparse.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from posture_watch import paths
from posture_watch.clock import Clock, ScaledClock, SystemClock
from posture_watch.config import AppConfig, load_config
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.scoring import Baseline
from posture_watch.core.text import _
from posture_watch.errors import CameraError, ConfigError, ModelError, SourceError
from posture_watch.model import locate_model
from posture_watch.monitor.loop import CRASH_LIMIT, MonitorLoop
from posture_watch.monitor.remote_loop import RemoteLoop
from posture_watch.monitor.replay_resume import ReplayPosition
from posture_watch.pose import MediaPipeEstimator, PoseEstimator, RecordedLandmarks
from posture_watch.profiles import resolve_baseline, saved_profiles
from posture_watch.sources import open_source
from posture_watch.sources.base import FrameSource
from posture_watch.sources.camera_users import device_for_index
from posture_watch.worker import client as worker_client
from posture_watch.worker import messages as m
from posture_watch.worker.client import WorkerClient
from posture_watch.worker.remote_source import RemoteSource
from posture_watch.worker.sandbox import Allowed

DEMO_SESSION = "demo-session.jsonl"
#: Calibration made from the demo's first upright seconds (by samples/make_recordings.py,
#: into posture_watch/demo/ like the session).
DEMO_PROFILE = "demo-profile.json"
#: The demo lasts about 5 minutes, so its break nudge comes after 30 s instead of the
#: default 50 min: anyone trying it sees the warning before it and a stretch too. It comes
#: before the recording's slouch (its posture nudge at 92 s, the person away at 112 s):
#: two nudges are never less than a minute apart (core/nudge_spacing.py).
DEMO_SIT_MAX = 30.0


def demo_path() -> Path:
    return paths.DEMO_DIR / DEMO_SESSION


@dataclass(frozen=True)
class SetupRequest:
    """What the person asked for when starting ``tray`` or ``monitor``.

    None means "not given": the settings file decides (``source``, the two sampling
    intervals) or the saved profiles do (``calibration``, ``profile``). ``speed`` and
    ``fps`` are replay rates; ``model_variant`` is what :func:`locate_model` takes.
    """

    source: str | None = None
    demo: bool = False
    config_file: Path | None = None
    speed: float = 1.0
    fps: float = 2.0
    stable_interval: float | None = None
    confirm_interval: float | None = None
    calibration: Path | None = None
    profile: str | None = None
    uncalibrated: bool = False
    model: Path | None = None
    model_variant: str = "lite"

    def baseline(self) -> Baseline:
        """The reference posture asked for: population defaults when uncalibrated."""
        if self.uncalibrated:
            return Baseline.population()
        return resolve_baseline(self.calibration, self.profile)


@dataclass
class MonitorSetup:
    """A source opened (or a camera to retry) and everything needed to run the loop.

    ``first`` is None when a camera named on the command line could not be opened at
    start (a login with the webcam unplugged): the loop then reports it unavailable and
    keeps retrying. ``estimator`` was loaded here, so a bad model file fails at start with
    one line, before any thread or tray icon exists.

    With ``worker`` (the command line's way, :func:`posture_watch.worker.client.wanted`),
    the source and the model are in that sandboxed worker process: ``first`` is its
    :class:`RemoteSource`, the model was loaded there, ``estimator`` is None, and
    :meth:`build_loop` gives a :class:`RemoteLoop`.
    """

    config: AppConfig
    first: FrameSource | None
    spec: str
    baseline: Baseline
    model: Path | None
    demo: bool
    note: str | None
    fps: float
    clock: Clock
    estimator: PoseEstimator | None
    worker: WorkerClient | None = None

    def build_loop(
        self, on_event: Callable[[object], None], *, crash_limit: int = CRASH_LIMIT
    ) -> MonitorLoop | RemoteLoop:
        if self.worker is not None:
            return self._remote_loop(on_event, crash_limit)
        pending = [self.first] if self.first is not None else []
        # a replay opened again after a pause or a calibration goes on where it stopped
        position = ReplayPosition()

        def opener() -> FrameSource:
            return position.wrap(pending.pop() if pending else self.reopen())

        def make_estimator(source: FrameSource) -> PoseEstimator:
            return self._new_estimator(source.has_pixels)

        sampling = self.config.sampling
        return MonitorLoop(
            opener,
            PostureAnalyzer(self.baseline, self.config.decision),
            on_event,
            make_estimator=make_estimator,
            clock=self.clock,
            sampler=AdaptiveSampler(sampling.stable_interval, sampling.confirm_interval),
            crash_limit=crash_limit,
            estimator=self.estimator,
            yield_camera=self.config.camera.yield_to_calls,
            camera_device=self.camera_device,
            profiles=saved_profiles,  # read again at each set-up change: new ones count
        )

    def _remote_loop(self, on_event: Callable[[object], None], crash_limit: int) -> RemoteLoop:
        assert self.worker is not None
        config, sampling = self.config, self.config.sampling
        first = self.first.source_id if isinstance(self.first, RemoteSource) else None
        clock = (
            m.ClockSpec(self.clock.speed, self.clock.origin)
            if isinstance(self.clock, ScaledClock)
            else m.ClockSpec()
        )
        spec = m.LoopSpec(
            self.spec,
            self.fps,
            (config.camera.width, config.camera.height),
            self.baseline,
            config.decision,
            sampling.stable_interval,
            sampling.confirm_interval,
            self.model,
            config.camera.yield_to_calls,
            self.camera_device,
            crash_limit,
            str(paths.log_file()),
            clock,
            first=first,
        )
        allowed = self.worker.allowed
        return RemoteLoop(
            self.worker,
            spec,
            on_event,
            clock=self.clock,
            start_worker=lambda: WorkerClient(allowed).start(),
        )

    def close(self) -> None:
        """End the worker if the loop never took it (a start that failed later on); a
        no-op without one (the in-process source is the loop's to close)."""
        if self.worker is not None:
            self.worker.close()

    @property
    def camera_device(self) -> Path | None:
        """The webcam's device node (``/dev/video0``) when the source is a camera index on
        Linux, known before the camera opens: a camera busy at start is then watched by
        the ``/proc`` scan instead of by trial opens."""
        if self.spec.isdigit() and sys.platform.startswith("linux"):
            return device_for_index(int(self.spec))
        return None

    def _new_estimator(self, pixels: bool) -> PoseEstimator:
        if not pixels:
            return RecordedLandmarks()
        assert self.model is not None
        return MediaPipeEstimator(self.model, video=True)

    def reopen(self) -> FrameSource:
        camera = self.config.camera
        return open_source(self.spec, fps=self.fps, size=(camera.width, camera.height))


def demo_config(config: AppConfig) -> AppConfig:
    """The settings the demo runs with: the person's, with a break nudge after
    :data:`DEMO_SIT_MAX` and no quiet hours (a demo tried at 23:00 must show its nudges)."""
    decision = config.decision.with_overrides(sit_max=DEMO_SIT_MAX)
    quiet = replace(config.quiet_hours, enabled=False)
    return replace(config, decision=decision, quiet_hours=quiet)


def _with_cli_overrides(config: AppConfig, request: SetupRequest) -> AppConfig:
    sampling = config.sampling
    if request.stable_interval is not None:
        sampling = replace(sampling, stable_interval=request.stable_interval)
    if request.confirm_interval is not None:
        sampling = replace(sampling, confirm_interval=request.confirm_interval)
    for name in ("stable_interval", "confirm_interval"):
        if not getattr(sampling, name) > 0:
            raise ConfigError(
                _("--{option} must be positive").format(option=name.replace("_", "-"))
            )
    if sampling.confirm_interval > sampling.stable_interval:  # else AdaptiveSampler refuses
        raise ConfigError(
            _(
                "the confirm interval ({confirm_interval!r} s) must not "
                "exceed the stable interval ({stable_interval!r} s)"
            ).format(
                confirm_interval=sampling.confirm_interval, stable_interval=sampling.stable_interval
            ),
            hint=_(
                "give --stable-interval and --confirm-interval together, or change [sampling]"
                " in the settings file"
            ),
        )
    return replace(config, sampling=sampling)


def prepare(request: SetupRequest) -> MonitorSetup:
    """Read settings, open the first source, find calibration and model (call under the
    instance lock, or after :meth:`InstanceLock.check_free`, so a second start says
    "already running", not "camera busy").

    The settings file is only read until the source is known: the demo (also the one a
    missing webcam leads to) creates nothing in the person's folders; any other source
    creates the commented settings file when it is missing, for the person to edit.
    """
    if not request.speed > 0:
        raise ConfigError(_("--speed must be positive, got {speed!r}").format(speed=request.speed))
    config = _with_cli_overrides(load_config(request.config_file, create=False), request)
    spec = request.source or config.camera.source
    worker, opener, located = _worker_for(spec, request)
    try:
        first, spec, note = _open_first(spec, request.demo, request.fps, config, opener)
    except BaseException:
        if worker is not None:
            worker.close()
        raise
    pixels = _pixels(first)
    try:
        demo = spec == str(demo_path())
        if not demo:
            config = _with_cli_overrides(load_config(request.config_file), request)
        if demo and not (request.calibration or request.profile or request.uncalibrated):
            request = replace(request, calibration=paths.DEMO_DIR / DEMO_PROFILE)
        if demo:
            config = demo_config(config)
        baseline = request.baseline()
        model = _model(located, request) if pixels else None
        estimator: PoseEstimator | None
        if worker is not None:
            estimator = None
            if model is not None:
                worker.request(m.LoadModel(model))  # a bad model fails here, in one line
        else:
            estimator = MediaPipeEstimator(model, video=True) if model else RecordedLandmarks()
    except BaseException:
        if first is not None:
            first.close()
        if worker is not None:
            worker.close()
        raise
    clock = ScaledClock(request.speed) if request.speed != 1 else SystemClock()
    return MonitorSetup(
        config, first, spec, baseline, model, demo, note, request.fps, clock, estimator, worker
    )


Opener = Callable[..., FrameSource]


def _pixels(source: FrameSource | None) -> bool:
    """Whether ``source`` has pixels (a remote source's frames do not, its source may)."""
    if source is None:
        return True
    return bool(getattr(source, "pixels", source.has_pixels))


def _worker_for(
    spec: str, request: SetupRequest
) -> tuple[WorkerClient | None, Opener, Path | ModelError | None]:
    """A started camera worker, the way to open sources in it, and the model it may read
    (or why there is none, raised once a source needs it; a recording does not), when the
    command line owns the process. Else None, :func:`open_source` (sources in this
    process) and None (the model is looked for once the source says it needs one)."""
    if not worker_client.wanted():
        return None, open_source, None
    reads: list[Path] = []
    if not spec.isdigit() and spec != "auto":
        reads.append(Path(spec))
    located: Path | ModelError
    try:
        located = locate_model(request.model_variant, request.model)
        reads.append(located)
    except ModelError as exc:
        located = exc
    worker = WorkerClient(Allowed(tuple(reads))).start()
    return worker, functools.partial(RemoteSource.open, worker), located


def _model(located: Path | ModelError | None, request: SetupRequest) -> Path:
    """The model file, from :func:`_worker_for`'s look or found now."""
    if located is None:
        return locate_model(request.model_variant, request.model)
    if isinstance(located, ModelError):
        raise located
    return located


def _open_first(
    spec: str, demo: bool, fps: float, config: AppConfig, opener: Opener = open_source
) -> tuple[FrameSource | None, str, str | None]:
    """``(source, spec to reopen it, note for the user)``: with ``auto`` the webcam is
    tried first, and when there is none the demo is replayed and the note says so. A
    camera named by its index that is not there yet gives no source and a note: the
    monitor starts anyway and keeps retrying (it may be plugged in later)."""
    size = (config.camera.width, config.camera.height)
    note = None
    if spec == "auto" and not demo:
        try:
            return opener("0", size=size), "0", None
        except SourceError:
            note = _("no webcam found: replaying the demo session instead")
    if demo or spec == "auto":
        return opener(demo_path()), str(demo_path()), note
    try:
        return opener(spec, fps=fps, size=size), spec, None
    except CameraError as exc:
        if not spec.isdigit():
            raise
        return None, spec, _("{problem}: waiting for it (retrying)").format(problem=exc.one_line())
