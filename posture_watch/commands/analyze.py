"""``posture-watch analyze``: classify pictures, videos or recordings, frame by frame.

The ``jsonl`` output is a public interface (documented in docs/COMMANDS.md): one object per
frame, then one summary object per sequence with the alerts the tray would have raised.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from posture_watch.config import load_config
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.core.settings import Settings
from posture_watch.core.status import format_span
from posture_watch.core.summary import SessionSummary
from posture_watch.core.text import N_, _, ngettext, pgettext
from posture_watch.errors import ConfigError, ModelError
from posture_watch.model import OWN_MODEL
from posture_watch.offline import enforce_offline_in_cli
from posture_watch.pipeline import verdict_stream
from posture_watch.pose import open_estimator
from posture_watch.profiles import resolve_baseline
from posture_watch.progress import Progress
from posture_watch.sources.base import Frame, FrameSource
from posture_watch.sources.open import is_numbered_folder
from posture_watch.worker.frames import SourceOpener, model_for, need_model, opener, pixels

#: What the tray shows for each kind of alert (the JSON keeps the kinds themselves).
#: (Marked with N_, translated where shown: the language is chosen after import.)
NUDGE_NAMES = {"slouch": N_("posture nudge"), "long_sitting": N_("break nudge")}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help=_("classify posture in images, videos or recordings"))
    p.add_argument("paths", nargs="+", metavar="PATH", help=_("image, folder, video or .jsonl"))
    add_baseline_options(p)
    p.add_argument(
        "--fps",
        type=float,
        default=2.0,
        help=_("frame rate of a folder of numbered frames (frame_0001.png, frame_0002.png...)"),
    )
    p.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    p.add_argument(
        "--stills",
        action="store_true",
        help=_(
            "judge every picture of a folder alone, even numbered frames (a folder whose "
            "names are not numbered frames is judged so anyway)"
        ),
    )
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=_("settings file whose decision settings to use (default: the user's settings.toml)"),
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_("progress bar on stderr (default: when stderr is a terminal)"),
    )
    p.set_defaults(run=run)


def add_baseline_options(p: argparse.ArgumentParser) -> None:
    """Options shared by commands that score posture."""
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--calibration", type=Path, metavar="FILE", help=_("calibration profile file")
    )
    group.add_argument("--profile", metavar="NAME", help=_("calibration profile name"))
    group.add_argument(
        "--uncalibrated",
        action="store_true",
        help=_("ignore saved profiles, use population defaults"),
    )
    p.add_argument("--model", type=Path, metavar="FILE", help=_("pose model file (.task)"))
    add_model_variant(p)


def add_model_variant(p: argparse.ArgumentParser) -> None:
    """``--model-variant`` and ``--allow-own-model``, the same for every command that runs
    the model.

    ``--allow-own-model`` stores :data:`~posture_watch.model.OWN_MODEL` as the variant
    (the two exclude each other): every command already hands ``args.model_variant`` to
    :func:`~posture_watch.model.locate_model`, so all of them honour the opt-in.
    """
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--model-variant",
        choices=("lite", "full", "heavy"),
        default="lite",
        help=_(
            "which pose model: lite (bundled, fastest), or full/heavy (slower, a little more "
            "accurate; fetch them first with `posture-watch model pull full`)"
        ),
    )
    which.add_argument(
        "--allow-own-model",
        dest="model_variant",
        action="store_const",
        const=OWN_MODEL,
        help=_(
            "run the --model file even though it is not one of the pinned lite, full or "
            "heavy files (a warning says so); without it such a file is refused"
        ),
    )


def baseline_from_args(args: argparse.Namespace) -> Baseline:
    if args.uncalibrated:
        return Baseline.population()
    return resolve_baseline(args.calibration, args.profile)


@dataclass
class SourceReport:
    """Everything ``analyze`` learned about one source, for the table format."""

    label: str
    sequence: bool
    frames: int = 0
    people: int = 0
    still_states: dict[PostureState, int] = field(
        default_factory=lambda: dict.fromkeys(PostureState, 0)
    )
    summary: SessionSummary | None = None
    #: Frames per reason they could not be judged (see ``core.confidence``).
    reasons: Counter[str] = field(default_factory=Counter)
    #: One row per picture, for stills only (a sequence is summed up over time instead).
    pictures: list[PictureRow] = field(default_factory=list)


@dataclass(frozen=True)
class PictureRow:
    """One still picture's line in the table: what was decided and why."""

    name: str
    state: PostureState
    score: float  # NaN when no score could be computed
    reason: str | None  # why the state is unknown, else None


def decision_settings(config_file: Path | None) -> Settings:
    """The decision settings the monitor would use, so a replay alerts like a live session.

    Unlike the monitor, ``analyze`` never creates a settings file: without ``--config`` a
    missing user file means the defaults, and a named file that does not exist is an error.
    """
    if config_file is not None and not config_file.is_file():
        raise ConfigError(_("{config_file}: no such settings file").format(config_file=config_file))
    return load_config(config_file, create=False).decision


def run(args: argparse.Namespace) -> int:
    enforce_offline_in_cli()  # before the model loads: its telemetry cannot get out
    baseline = baseline_from_args(args)
    settings = decision_settings(args.config)
    found = model_for(args.model_variant, args.model)
    # the camera and the model in the worker (which may read these files only)
    with opener([*args.paths, found]) as frames:
        return _run(args, frames, found, baseline, settings)


def _run(
    args: argparse.Namespace,
    frames: SourceOpener,
    found: Path | ModelError,
    baseline: Baseline,
    settings: Settings,
) -> int:
    # a folder is stills unless its names are numbered frames; --stills: stills always
    sources = [frames.open(p, fps=args.fps, stills=args.stills or None) for p in args.paths]
    for source in sources:
        numbered = getattr(source, "numbered_folder", None)
        if numbered is None:  # a source of this process
            numbered = is_numbered_folder(source)
        if numbered:
            print(
                _(
                    "note: {source}: numbered pictures, analysed as a video at {fps} fps "
                    "(--stills judges each picture alone)"
                ).format(source=source.label, fps=f"{getattr(source, 'fps', args.fps):g}"),
                file=sys.stderr,
            )
    model = None
    if any(pixels(s) for s in sources):
        model = need_model(found)
        frames.use_model(model)
    if not baseline.calibrated:
        print(
            _(
                "note: uncalibrated — using population defaults; run 'posture-watch calibrate' "
                "for results tuned to you"
            ),
            file=sys.stderr,
        )
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    reports = []
    for source in sources:
        with source:
            reports.append(_analyze_one(source, baseline, settings, model, args, show_progress))
    if args.format == "table":
        _print_table(reports, baseline, sys.stdout)
    return 0


def _analyze_one(
    source: FrameSource,
    baseline: Baseline,
    settings: Settings,
    model: Path | None,
    args: argparse.Namespace,
    show_progress: bool,
) -> SourceReport:
    analyzer = PostureAnalyzer(baseline, settings, smooth=source.is_sequence)
    estimator = open_estimator(source, model)
    report = SourceReport(source.label, source.is_sequence)
    summary = SessionSummary() if source.is_sequence else None
    progress = Progress(
        Path(source.label).name or source.label,
        getattr(source, "frame_count", None),
        enabled=show_progress,
    )
    last: Frame | None = None
    step = 0.0
    try:
        for frame, verdict in verdict_stream(source, analyzer, estimator):
            if last is not None:
                step = frame.t - last.t
            last = frame
            report.frames += 1
            report.people += verdict.person
            report.still_states[verdict.state] += 1
            reason = None if verdict.reason is None else str(verdict.reason)
            if reason is not None:
                report.reasons[reason] += 1
            if not source.is_sequence:
                name = frame.name or Path(source.label).name
                report.pictures.append(PictureRow(name, verdict.state, verdict.score, reason))
            if summary is not None:
                summary.add(verdict.t, verdict.state, verdict.events)
            if args.format == "jsonl":
                print(json.dumps(_frame_json(source.label, frame, verdict, baseline)))
            progress.update(report.frames)
    finally:
        progress.close()
        estimator.close()
    if summary is not None and last is not None:
        t_end = last.t + step
        summary.close(t_end, analyzer.finish(t_end))
        report.summary = summary
        if args.format == "jsonl":
            print(json.dumps(_summary_json(source.label, summary)))
    return report


def _num(value: float) -> float | None:
    return None if value != value else round(value, 4)


def _frame_json(label: str, frame: Frame, v: Verdict, baseline: Baseline) -> dict:
    return {
        "source": label,
        "frame": frame.index,
        "t": round(frame.t, 3),
        "name": frame.name,
        "person": v.person,
        "state": v.state.value,
        "slouch_score": _num(v.score),
        "raw_state": v.raw_state.value,
        "raw_score": _num(v.raw_score),
        "reason": None if v.reason is None else str(v.reason),
        "calibrated": baseline.calibrated,
        "features": v.feature_row(),
    }


def _summary_json(label: str, summary: SessionSummary) -> dict:
    return {
        "source": label,
        "summary": summary.to_json(),
        "alerts": [{"t": round(a.t, 3), "kind": a.kind} for a in summary.alerts],
    }


def _print_table(reports: list[SourceReport], baseline: Baseline, out: TextIO) -> None:
    if not baseline.calibrated:
        how = _("UNCALIBRATED (population defaults; run 'posture-watch calibrate')")
    elif baseline.profile:
        how = _("calibrated (profile {name})").format(name=baseline.profile)
    else:
        how = _("calibrated (profile file)")
    out.write(_("posture-watch analyze — {how}").format(how=how) + "\n\n")
    for r in reports:
        if r.summary is None:
            _write_stills(r, out)
            continue
        out.write(f"{r.label}\n")
        out.write(
            _("  frames: {frames}, person found in {people}").format(
                frames=r.frames, people=r.people
            )
            + "\n"
        )
        total = sum(r.summary.seconds.values()) or 1.0
        for state, sec in r.summary.seconds.items():
            out.write(f"  {state.value:<8} {format_span(sec):>11}  {100 * sec / total:5.1f}%\n")
        _write_reasons(r, out)
        out.write(
            _("  longest sitting spell: {span}").format(span=format_span(r.summary.longest_bout))
            + "\n"
        )
        nudges = _(", ").join(
            _("{nudge} at {span}").format(
                nudge=_(NUDGE_NAMES[a.kind]) if a.kind in NUDGE_NAMES else a.kind,
                span=format_span(a.t),
            )
            for a in r.summary.alerts
        )
        out.write(
            _("  nudges the tray would show: {nudges}").format(
                nudges=nudges or pgettext("nudges", "none")
            )
            + "\n\n"
        )


def _write_stills(r: SourceReport, out: TextIO) -> None:
    """One row per picture (name, state, score, why unknown), then the counts.

    The score is the slouch score the state was decided from (0 = your upright, larger =
    more slouched); a picture without one (nobody seen, not judged) shows ``-``.
    """
    out.write(f"{r.label}\n")
    out.write(
        ngettext(
            "  {n} picture, person found in {people}",
            "  {n} pictures, person found in {people}",
            r.frames,
        ).format(n=r.frames, people=r.people)
        + "\n"
    )
    picture = pgettext("column", "picture")
    width = max([len(picture)] + [len(row.name) for row in r.pictures])
    state, score, why = (
        pgettext("column", "state"),
        pgettext("column", "score"),
        pgettext("column", "why unknown"),
    )
    out.write(f"  {picture:<{width}}  {state:<8} {score:>5}  {why}\n")
    for row in r.pictures:
        score = "-" if row.score != row.score else f"{row.score:.2f}"
        reason = row.reason or ""
        out.write(f"  {row.name:<{width}}  {row.state.value:<8} {score:>5}  {reason}".rstrip())
        out.write("\n")
    counts = ", ".join(f"{s.value} {n}" for s, n in r.still_states.items())
    out.write(_("  in all: {counts}").format(counts=counts) + "\n")
    _write_reasons(r, out)
    out.write("\n")


def _write_reasons(r: SourceReport, out: TextIO) -> None:
    """``  unknown because: too dark 3, turned away 1`` (frames), most frequent first."""
    if r.reasons:
        counts = ", ".join(f"{reason} {n}" for reason, n in r.reasons.most_common())
        out.write(_("  unknown because: {counts}").format(counts=counts) + "\n")
