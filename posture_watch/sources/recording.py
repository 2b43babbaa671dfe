"""Landmark recordings: a session's pose landmarks as JSON lines, never its pixels.

A recording lets a session be replayed through the timeline and scoring without the camera
or the pose model (for tuning thresholds, bug reports and regression tests), while keeping
the privacy promise that no picture of the user is stored. Format, one JSON object a line::

    {"format": "posture-watch-landmarks", "version": 1, "source": "camera 0", "fps": 2.0}
    {"frame": 0, "t": 0.0, "name": "", "person": true, "size": [640, 480],
     "image": [[x, y, z, visibility, presence], ... 33 rows], "world": [... 33 rows]}
    {"frame": 1, "t": 0.5, "name": "", "person": false}

Timestamps are seconds from the start of the source: never negative, never decreasing
and never more than :data:`MAX_T` (a week). A recording edited by hand to start at
t = -1000 replayed 16 minutes that never happened; one with a frame at t = 1e12 would
replay centuries. A gap between frames within that range is kept: a machine that slept
while recording leaves one, and the replay sees no frames there, as the monitor did.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Self, TypeGuard

from posture_watch.atomic_file import AtomicFile
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.text import _
from posture_watch.errors import SourceError, StorageError
from posture_watch.sources._common import SourceMixin, existing_file, label_of
from posture_watch.sources.base import BadFrameHandler, Frame, SamplePredicate

FORMAT = "posture-watch-landmarks"
VERSION = 1
#: The latest timestamp a recording may hold, in seconds: one week of recording.
MAX_T = 7 * 24 * 3600.0


class _BadLine(ValueError):
    """A line that breaks the format; the reader adds path and line number."""


def _header(obj: object) -> tuple[str, float | None]:
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise _BadLine(
            _('missing header (expected {{"format": "{format}", ...}})').format(format=FORMAT)
        )
    if obj.get("version") != VERSION:
        raise _BadLine(
            _("unsupported version {version!r} (this program reads 1)").format(
                version=obj.get("version")
            )
        )
    fps = obj.get("fps")
    if fps is not None and (not _is_number(fps) or not 0 < fps < math.inf):
        raise _BadLine(_("fps must be a positive number or null, got {fps!r}").format(fps=fps))
    return str(obj.get("source", "")), None if fps is None else float(fps)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _frame(obj: object, previous_t: float) -> Frame:
    if not isinstance(obj, dict):
        raise _BadLine(_("expected a JSON object"))
    index, t, name, person = obj.get("frame"), obj.get("t"), obj.get("name", ""), obj.get("person")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise _BadLine(
            _('"frame" must be a non-negative integer, got {index!r}').format(index=index)
        )
    if not _is_number(t) or not math.isfinite(t):
        raise _BadLine(_('"t" must be a number of seconds, got {t!r}').format(t=t))
    if not 0 <= t <= MAX_T:
        raise _BadLine(
            _('"t" must be from 0 to {limit:.0f} seconds (a week), got {t!r}').format(
                limit=MAX_T, t=t
            )
        )
    if t < previous_t:
        raise _BadLine(
            _("timestamp {t} is earlier than the previous one ({previous_t})").format(
                t=t, previous_t=previous_t
            )
        )
    if not isinstance(name, str):
        raise _BadLine(_('"name" must be a string, got {name!r}').format(name=name))
    if not isinstance(person, bool):
        raise _BadLine(_('"person" must be true or false, got {person!r}').format(person=person))
    landmarks = None
    if person:
        try:
            landmarks = Landmarks.from_json(obj)
        except KeyError as exc:
            raise _BadLine(_("person frame without {key!r}").format(key=exc.args[0])) from exc
        except (TypeError, ValueError) as exc:
            raise _BadLine(_("bad landmarks ({problem})").format(problem=exc)) from exc
    return Frame(index=index, t=float(t), landmarks=landmarks, name=name)


class RecordingSource(SourceMixin):
    """Replays a ``.jsonl`` landmark recording; frames carry landmarks, not pixels.

    The whole file is checked on construction (a damaged recording fails before any
    processing, with its line number) and parsed again while iterating, so memory stays
    flat for long sessions.
    """

    is_sequence = True
    has_pixels = False

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.label = label_of(path)
        self.path = existing_file(path)
        #: Label of the source the recording was made from, and its sampling rate if known.
        self.recorded_from = ""
        self.fps: float | None = None
        self.frame_count = count = sum(1 for _ in self._frames())
        if count == 0:
            raise SourceError(_("{label}: recording has no frames").format(label=self.label))

    def _frames(self) -> Iterator[Frame]:
        try:
            with self.path.open(encoding="utf-8") as handle:
                yield from self._parse(handle)
        except OSError as exc:
            raise SourceError(
                _("{label}: cannot read ({reason})").format(
                    label=self.label, reason=exc.strerror or exc
                )
            ) from exc
        except UnicodeDecodeError as exc:
            raise SourceError(
                _("{label}: not a text file ({reason})").format(label=self.label, reason=exc.reason)
            ) from exc

    def _parse(self, lines: IO[str]) -> Iterator[Frame]:
        previous_t, seen_header = -math.inf, False
        for number, line in enumerate(_bounded_lines(lines), start=1):
            if line is None:
                raise SourceError(
                    _(
                        "{label}: line {number}: longer than {limit:,} characters "
                        "(a recorded frame is a few thousand): not a landmark "
                        "recording"
                    ).format(label=self.label, number=number, limit=MAX_LINE)
                )
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not seen_header:
                    self.recorded_from, self.fps = _header(obj)
                    seen_header = True
                    continue
                frame = _frame(obj, previous_t)
            except json.JSONDecodeError as exc:
                reason = f"not valid JSON ({exc.msg}, column {exc.colno})"
                raise SourceError(
                    _("{label}: line {number}: {reason}").format(
                        label=self.label, number=number, reason=reason
                    )
                ) from exc
            except _BadLine as exc:
                raise SourceError(
                    _("{label}: line {number}: {problem}").format(
                        label=self.label, number=number, problem=exc
                    )
                ) from exc
            previous_t = frame.t
            yield frame
        if not seen_header:
            raise SourceError(
                _("{label}: line 1: missing header (the file is empty)").format(label=self.label)
            )

    def frames(
        self, sample: SamplePredicate | None = None, on_bad_frame: BadFrameHandler | None = None
    ) -> Iterator[Frame]:
        """The recorded frames ``sample`` accepts (parsing a line is all a frame costs).

        The whole file was checked on construction, so a damaged line here means the file
        changed since: that is a :class:`SourceError` for the source, not one bad frame,
        and ``on_bad_frame`` is unused.
        """
        for frame in self._frames():
            if sample is None or sample(frame.t):
                yield frame

    def close(self) -> None:
        """Nothing is held open between iterations."""


#: The longest line read (a recorded frame is about 3,000 characters): a huge file of one
#: line (a renamed video, an attack) is refused after this much, never read whole.
MAX_LINE = 1_000_000


def _bounded_lines(handle: IO[str]) -> Iterator[str | None]:
    """The lines of ``handle``, each read at most :data:`MAX_LINE` characters at a time;
    None for a line longer than that (the caller stops there)."""
    while True:
        line = handle.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE:
            yield None
            return
        yield line


class RecordingWriter:
    """Writes a landmark recording atomically: the file appears only on :meth:`close`.

    Lines go to a hidden temporary file beside the target, which :meth:`close` syncs and
    renames over it (:class:`~posture_watch.atomic_file.AtomicFile`); leaving a ``with``
    block by an exception (or calling :meth:`discard`) deletes the temporary file, so a
    failed run leaves no half file and never clobbers an earlier recording. Only
    landmarks are written, never pixels.
    """

    def __init__(self, path: str | os.PathLike[str], source_label: str, fps: float | None) -> None:
        self.path = Path(path)
        self._label = label_of(path)
        self._previous_t = -math.inf
        try:
            self._out: AtomicFile | None = AtomicFile(self.path, suffix=".part", newline="\n")
        except OSError as exc:
            raise StorageError(
                _("{label}: cannot write ({reason})").format(
                    label=self._label, reason=exc.strerror or exc
                )
            ) from exc
        header = {"format": FORMAT, "version": VERSION, "source": source_label, "fps": fps}
        self._write_line(header)

    def _write_line(self, obj: dict) -> None:
        if self._out is None:
            raise StorageError(_("{label}: recording is already closed").format(label=self._label))
        try:
            self._out.write(json.dumps(obj, separators=(",", ":")) + "\n")
        except OSError as exc:
            self.discard()
            raise StorageError(
                _("{label}: cannot write ({reason})").format(
                    label=self._label, reason=exc.strerror or exc
                )
            ) from exc

    def write(self, frame_index: int, t: float, name: str, landmarks: Landmarks | None) -> None:
        """Append one frame; ``landmarks`` None records a frame with no person in it."""
        if not math.isfinite(t) or t < self._previous_t:
            raise ValueError(f"timestamps must be finite and non-decreasing, got {t}")
        self._previous_t = t
        line: dict = {"frame": int(frame_index), "t": round(float(t), 6), "name": name}
        line["person"] = landmarks is not None
        if landmarks is not None:
            line.update(landmarks.to_json())
        self._write_line(line)

    def close(self) -> None:
        """Finish the file and move it into place; safe to call twice."""
        out, self._out = self._out, None
        if out is None:
            return
        try:
            out.commit()
        except OSError as exc:
            raise StorageError(
                _("{label}: cannot write ({reason})").format(
                    label=self._label, reason=exc.strerror or exc
                )
            ) from exc

    def discard(self) -> None:
        """Drop everything written so far; the target file is left untouched."""
        out, self._out = self._out, None
        if out is not None:
            out.discard()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()
