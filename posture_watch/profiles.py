"""Calibration profiles on disk: one JSON file per setup (laptop, desk monitor, ...).

Profiles live in the user's config folder (``profiles/NAME.json``) or wherever ``--out``
puts them. They hold only derived numbers (feature medians and spreads), never pictures.
Writes are atomic so an interrupted calibration never leaves a half-written profile.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from posture_watch import paths
from posture_watch.atomic_file import write_atomic
from posture_watch.core.calibration import MAX_HEAD_SPREAD
from posture_watch.core.scoring import POPULATION_MEDIANS, Baseline
from posture_watch.core.text import _
from posture_watch.errors import CalibrationError, StorageError
from posture_watch.private_files import private_folder

FORMAT = "posture-watch-calibration"
SCHEMA_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def profile_path(name: str) -> Path:
    """The file of profile ``name`` in the config folder (name checked: no paths)."""
    if not _NAME.match(name):
        raise CalibrationError(
            _("invalid profile name {name!r}").format(name=name),
            hint=_("use letters, digits, '.', '_' or '-', for example 'laptop'"),
        )
    return paths.profiles_dir() / f"{name}.json"


def save_profile(baseline: Baseline, path: Path, *, meta: dict[str, str]) -> Path:
    """Write ``baseline`` atomically to ``path``; returns the path."""
    doc = {"format": FORMAT, "schema_version": SCHEMA_VERSION, **baseline.to_json()}
    doc["meta"] = {**doc.get("meta", {}), **meta}
    try:
        private_folder(path.parent, paths.config_dir())
        write_atomic(path, json.dumps(doc, indent=2))
    except OSError as exc:
        raise StorageError(
            _("{path}: cannot write calibration profile: {reason}").format(
                path=path, reason=exc.strerror
            )
        ) from exc
    return path


def load_profile(path: Path) -> Baseline:
    """Read a profile; any problem is one :class:`CalibrationError` naming the file."""
    try:
        with path.open("rb") as file:  # a profile is about 1 KB: a huge file is refused unread
            data = file.read(MAX_PROFILE_BYTES + 1)
        text = data.decode("utf-8-sig")  # a BOM, as an editor on Windows writes it
    except FileNotFoundError as exc:
        raise CalibrationError(
            _("{path}: no such calibration file").format(path=path),
            hint=_("run 'posture-watch calibrate' or pass an existing --calibration FILE"),
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CalibrationError(
            _("{path}: cannot read calibration file: {problem}").format(path=path, problem=exc)
        ) from exc
    if len(data) > MAX_PROFILE_BYTES:
        raise CalibrationError(
            _("{path}: not a calibration profile (larger than {count} KB)").format(
                path=path, count=MAX_PROFILE_BYTES // 1024
            ),
            hint=_("recalibrate with 'posture-watch calibrate'"),
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalibrationError(
            _("{path}: not a calibration profile (invalid JSON at line {lineno})").format(
                path=path, lineno=exc.lineno
            ),
            hint=_("recalibrate with 'posture-watch calibrate'"),
        ) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CalibrationError(
            _("{path}: not a posture-watch calibration profile").format(path=path),
            hint=_("recalibrate with 'posture-watch calibrate'"),
        )
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION:
        raise CalibrationError(
            _(
                "{path}: calibration schema version {version!r} is not "
                "supported (this version reads {supported})"
            ).format(path=path, version=version, supported=SCHEMA_VERSION),
            hint=_("recalibrate with 'posture-watch calibrate'"),
        )
    try:
        return plausible(Baseline.from_json(doc))
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise CalibrationError(
            _("{path}: damaged calibration profile ({problem})").format(path=path, problem=exc),
            hint=_("recalibrate with 'posture-watch calibrate'"),
        ) from exc


#: The largest profile read: one holds a few numbers (about 1 KB).
MAX_PROFILE_BYTES = 64 * 1024
#: No feature is this large: heights are in shoulder widths, angles in degrees.
MAX_FEATURE_VALUE = 1000.0
#: Head and nose heights above this many shoulder widths are no person sitting upright.
MAX_HEIGHT = 10.0


def plausible(baseline: Baseline) -> Baseline:
    """``baseline`` when every number is one a calibration could have written; otherwise
    a ValueError naming the first that is not. A hand-edited profile with a spread of
    ``inf`` turned detection off without a word, and a median of ``1e308`` made every
    frame a slouch."""
    if baseline.n_frames < 0:
        raise ValueError(_("n_frames = {n_frames} is negative").format(n_frames=baseline.n_frames))
    for name, stat in baseline.stats.items():
        for what, value in (("median", stat.median), ("spread", stat.spread)):
            if not math.isfinite(value) or abs(value) > MAX_FEATURE_VALUE:
                raise ValueError(
                    _("{name} {what} = {value!r} is not a plausible number").format(
                        name=name, what=what, value=value
                    )
                )
        if stat.spread < 0:
            raise ValueError(
                _("{name} spread = {spread!r} is negative").format(name=name, spread=stat.spread)
            )
    for name in POPULATION_MEDIANS:
        if baseline.median(name) > MAX_HEIGHT:
            raise ValueError(
                _("{name} median = {median!r} is not a plausible height").format(
                    name=name, median=baseline.median(name)
                )
            )
    head = baseline.stats["head_height"]
    if head.spread / head.median > MAX_HEAD_SPREAD:  # calibration refuses such a reference
        raise ValueError(
            _("head_height spread = {spread!r} is more than {percent:.0f}% of its median").format(
                spread=head.spread, percent=100 * MAX_HEAD_SPREAD
            )
        )
    return baseline


def resolve_baseline(calibration: Path | None, profile: str | None) -> Baseline:
    """The baseline the user asked for.

    ``--calibration FILE`` wins, then ``--profile NAME`` (which must exist); with neither,
    the ``default`` profile is used if the user has calibrated it, else the population
    baseline (and the output says the result is uncalibrated).
    """
    if calibration is not None:
        return load_profile(calibration)
    if profile is not None:
        path = profile_path(profile)
        if not path.exists():
            raise CalibrationError(
                _("no calibration profile named {profile!r} ({path})").format(
                    profile=profile, path=path
                ),
                hint=_("run 'posture-watch calibrate --profile {profile}'").format(profile=profile),
            )
        return load_profile(path)
    default = profile_path("default")
    return load_profile(default) if default.exists() else Baseline.population()


def saved_profiles(folder: Path | None = None) -> dict[str, Baseline]:
    """Every readable profile in ``folder`` (default: the config folder's) by name.

    For picking the profile that fits a changed set-up
    (:func:`~posture_watch.core.setup_drift.best_profile`): a damaged or foreign file is
    left out rather than stopping the monitor, and a missing folder means no profiles.
    """
    folder = paths.profiles_dir() if folder is None else folder
    try:
        files = sorted(folder.glob("*.json"))
    except OSError:
        return {}
    found: dict[str, Baseline] = {}
    for path in files:
        if not _NAME.match(path.stem):
            continue
        try:
            found[path.stem] = load_profile(path)
        except CalibrationError:
            continue
    return found
