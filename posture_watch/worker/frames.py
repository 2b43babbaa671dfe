"""Where a command opens its sources: in the camera worker, or in this process.

``analyze``, ``record`` and the calibration (``calibrate`` and the tray's window) open
sources and run the model the same way, through :func:`opener`: with the worker
(:func:`~posture_watch.worker.client.wanted`), sources are :class:`RemoteSource` objects
whose frames arrive as landmarks; without it, the ordinary sources of
:func:`~posture_watch.sources.open_source`. Either way the command then reads frames and
picks its estimator (:func:`~posture_watch.pose.open_estimator`) as for any source, so one
code path serves both.

The worker may read only what it is told at its start, so the command names its files
first: the sources and the model. :func:`model_for` finds the model before anything is
opened, keeping a missing model's error for when a source turns out to need it (a
landmark recording does not).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from posture_watch.errors import ModelError
from posture_watch.model import locate_model
from posture_watch.sources import open_source
from posture_watch.sources.base import FrameSource
from posture_watch.worker import messages as m
from posture_watch.worker.client import WorkerClient, wanted
from posture_watch.worker.remote_source import RemoteSource
from posture_watch.worker.sandbox import Allowed


class SourceOpener:
    """Opens sources where the command's frames are read (see the module)."""

    def __init__(self, client: WorkerClient | None) -> None:
        self.client = client

    def open(
        self,
        spec: str | Path,
        *,
        fps: float = 2.0,
        stills: bool | None = False,
        size: tuple[int, int] = (640, 480),
        preview: int = 0,
    ) -> FrameSource:
        """Open ``spec``; ``preview``: from the worker, also a copy of each picture at most
        this wide (here the frames carry their pictures anyway)."""
        if self.client is None:
            return open_source(spec, fps=fps, stills=stills, size=size)
        return RemoteSource.open(
            self.client, spec, fps=fps, stills=stills, size=size, preview=preview
        )

    def use_model(self, model: Path | None, *, load: bool = False) -> None:
        """The model the worker runs on the sources with pixels (nothing to do here: the
        command passes it to its estimator). ``load``: load it now, so a bad file fails
        before anything else happens (the calibration's countdown)."""
        if self.client is not None and model is not None:
            self.client.request(m.LoadModel(model, load=load))


def pixels(source: FrameSource) -> bool:
    """Whether ``source`` has pixels, so needs the model (a remote source's frames arrive
    without them, but its source has them)."""
    return bool(getattr(source, "pixels", source.has_pixels))


def model_for(variant: str, given: Path | None) -> Path | ModelError:
    """The model file for ``--model-variant`` and ``--model``, or the error that says why
    there is none (raised by :func:`need_model` once a source needs it)."""
    try:
        return locate_model(variant, given)
    except ModelError as exc:
        return exc


def need_model(found: Path | ModelError) -> Path:
    """The model :func:`model_for` found; its error when it found none."""
    if isinstance(found, ModelError):
        raise found
    return found


@contextmanager
def opener(reads: Iterable[str | Path | ModelError | None]) -> Iterator[SourceOpener]:
    """A :class:`SourceOpener` for a command whose sources and model are ``reads`` (an
    error or None in it is skipped): a worker that may read them, or this process."""
    if not wanted():
        yield SourceOpener(None)
        return
    files = tuple(Path(r) for r in reads if isinstance(r, str | Path) and not str(r).isdigit())
    with WorkerClient(Allowed(files)) as client:
        yield SourceOpener(client)


__all__ = ["SourceOpener", "model_for", "need_model", "opener", "pixels"]
