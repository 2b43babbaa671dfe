"""What the settings file may hold: every key once, with what it allows and a comment.

The file uses human units (minutes where people think in minutes); the values in
:class:`~posture_watch.core.settings.AppConfig` are seconds. Every key is declared once in
:data:`TABLES` with its kind (a number in a unit and a range, true/false, a time of day,
a frame source) and a comment. The kinds both parse a value and write it back, and the
commented template (:data:`DEFAULT_TOML`) is generated from the defaults, so the file,
the checks (:mod:`posture_watch.core.settings_validation`) and the template cannot drift.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import time as dtime

from posture_watch.core.dates import minute_of_day
from posture_watch.core.languages import AUTO, KNOWN, is_known, normalize
from posture_watch.core.settings import MINUTE, AppConfig
from posture_watch.core.text import N_, _

#: Version of the settings file layout; a newer file is refused, not misread.
SCHEMA_VERSION = 1


class InvalidValue(Exception):
    """A value a key does not allow; carries the ``must be ...`` text."""


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass(frozen=True)
class NumberKey:
    """A number in ``unit``; stored times ``scale`` (60 turns minutes into seconds)."""

    lo: float
    hi: float
    unit: str = ""
    scale: float = 1.0
    whole: bool = False
    decimal: bool = False  # always written with a decimal point (1.0, 0.25)
    note: str = ""

    @property
    def must(self) -> str:
        lo, hi = _num(self.lo), _num(self.hi)
        if self.unit and self.whole:
            text = _("a whole number of {unit} between {lo} and {hi}")
        elif self.unit:
            text = _("a number of {unit} between {lo} and {hi}")
        elif self.whole:
            text = _("a whole number between {lo} and {hi}")
        else:
            text = _("a number between {lo} and {hi}")
        text = text.format(unit=_(self.unit) if self.unit else "", lo=lo, hi=hi)
        return _("{range} ({note})").format(range=text, note=_(self.note)) if self.note else text

    def parse(self, value: object) -> float | int:
        types = (int,) if self.whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, types):
            raise InvalidValue(self.must)
        if not self.lo <= value <= self.hi:  # also refuses nan
            raise InvalidValue(self.must)
        return value if self.whole else float(value) * self.scale

    def dump(self, stored: float | int) -> str:
        if self.whole:
            return str(stored)
        human = round(stored / self.scale, 6)
        return repr(float(human)) if self.decimal else _num(human)


@dataclass(frozen=True)
class BoolKey:
    @property
    def must(self) -> str:
        return _("true or false")

    def parse(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise InvalidValue(self.must)
        return value

    def dump(self, stored: bool) -> str:
        return "true" if stored else "false"


_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})")


@dataclass(frozen=True)
class ClockKey:
    """A time of day ``"HH:MM"``, stored as minutes after midnight (None for ``"off"``)."""

    allow_off: bool = False

    @property
    def must(self) -> str:
        if self.allow_off:
            return _('a time of day "HH:MM" from "00:00" to "23:59" or "off"')
        return _('a time of day "HH:MM" from "00:00" to "23:59"')

    def parse(self, value: object) -> int | None:
        if self.allow_off and value == "off":
            return None
        if isinstance(value, dtime):  # TOML local time, 22:00:00
            if value.second or value.microsecond or value.tzinfo:
                raise InvalidValue(self.must)
            return minute_of_day(value)
        match = _HHMM.fullmatch(value) if isinstance(value, str) else None
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise InvalidValue(self.must)
        return int(match[1]) * 60 + int(match[2])

    def dump(self, stored: int | None) -> str:
        return '"off"' if stored is None else f'"{stored // 60:02d}:{stored % 60:02d}"'


@dataclass(frozen=True)
class SourceKey:
    @property
    def must(self) -> str:
        return _('"auto", a camera index such as "0", or the path of a video or recording')

    def parse(self, value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        if not isinstance(value, str) or not value.strip():
            raise InvalidValue(self.must)
        return value.strip()

    def dump(self, stored: str) -> str:
        return json.dumps(stored, ensure_ascii=False).replace("\x7f", "\\u007f")


@dataclass(frozen=True)
class LanguageKey:
    """``"auto"`` (the desktop's language) or the code of a language posture-watch has a
    catalog for; stored normalized (``"pt-br"`` is ``"pt_BR"``)."""

    @property
    def must(self) -> str:
        codes = ", ".join(f'"{code}"' for code in KNOWN)
        return _('"{auto}" or a language code: {codes}').format(auto=AUTO, codes=codes)

    def parse(self, value: object) -> str:
        if not isinstance(value, str) or not is_known(value.strip()):
            raise InvalidValue(self.must)
        return AUTO if value.strip() == AUTO else normalize(value)

    def dump(self, stored: str) -> str:
        return json.dumps(stored)


Kind = NumberKey | BoolKey | ClockKey | SourceKey | LanguageKey
SECONDS = N_("seconds")
MINUTES = N_("minutes")

#: table -> (AppConfig attribute, comment, {key: (kind, comment)}); keys are field names.
TABLES: dict[str, tuple[str, str, dict[str, tuple[Kind, str]]]] = {
    "camera": ("camera", "where frames come from", {
        "source": (SourceKey(), '"auto" (webcam 0 if present, else the demo), a camera index '
                   'like "0", or a video/recording path'),
        "width": (NumberKey(160, 3840, N_("pixels"), whole=True),
                   "pixels requested from the webcam"),
        "height": (NumberKey(120, 2160, N_("pixels"), whole=True),
                   "pixels requested from the webcam"),
        "yield_to_calls": (BoolKey(), "true or false: let go of the webcam while a video call "
                           "uses it"),
    }),
    "sampling": ("sampling", "how often frames are analysed", {
        "stable_interval": (NumberKey(0.1, 60, SECONDS, decimal=True),
                            "seconds between analysed frames while the state is stable"),
        "confirm_interval": (NumberKey(0.05, 10, SECONDS, decimal=True),
                             "seconds between analysed frames while a change is confirmed"),
    }),
    "posture": ("decision", "when slouching counts", {
        "slouch_after": (NumberKey(1, 3600, SECONDS),
                         "seconds of slouching before a posture nudge"),
        "glance_max": (NumberKey(0, 600, SECONDS),
                       "seconds; a shorter dip (keyboard, phone) never counts"),
        "slouch_cooldown": (NumberKey(0, 240, MINUTES, MINUTE),
                            "minutes without another posture nudge after one"),
    }),
    "sitting": ("decision", "long sitting and breaks", {
        "absence_grace": (NumberKey(0, 3600, SECONDS),
                          "seconds; shorter absences do not interrupt sitting"),
        "break_min": (NumberKey(1, 240, MINUTES, MINUTE), "minutes away that count as a break"),
        "sit_max": (NumberKey(1, 480, MINUTES, MINUTE),
                    "minutes of sitting without a break before a break nudge"),
    }),
    "prompts": ("prompts", "nudges: posture nudges, break nudges and posture check-ins", {
        "check_every": (NumberKey(0, 480, MINUTES, MINUTE, note=N_("0 = off")),
                        "minutes between posture check-ins, 0 = off"),
        "max_per_hour": (NumberKey(1, 60, whole=True), "at most this many nudges an hour"),
        "snooze": (NumberKey(1, 240, MINUTES, MINUTE), "minutes of silence after a snooze"),
        "break_warning": (NumberKey(0, 600, SECONDS, note=N_("0 = off")),
                          "seconds of warning before a break nudge, 0 = off"),
        "max_postpones": (NumberKey(0, 10, whole=True),
                          "times a break may be postponed (5 min each) in one sitting spell"),
        "stretch_sound": (BoolKey(), "true or false: a soft chime when a stretch hold ends"),
        "hold_when_fullscreen": (BoolKey(), "true or false: hold nudges back while a "
                                 "full-screen window has the focus (a film, a presentation)"),
        "breaks_follow_posture": (BoolKey(), "true or false: a break nudge when your posture "
                                  "usually fades (measured), within 20 min and sit_max"),
    }),
    "quiet_hours": ("quiet_hours", "no nudges in this range (may wrap midnight)", {
        "enabled": (BoolKey(), "true or false"),
        "start": (ClockKey(), '"HH:MM", 24-hour clock'),
        "end": (ClockKey(), '"HH:MM", exclusive'),
    }),
    "report": ("report", "the daily summary", {
        "daily_at": (ClockKey(allow_off=True), '"HH:MM", or "off" to disable'),
        "journal_prompt": (BoolKey(), "true or false: also ask how you feel (pain journal)"),
    }),
    "pause": ("pause", "pauses you choose from the tray menu", {
        "morning": (ClockKey(), '"HH:MM": "Pause until tomorrow" ends at this time the next '
                    "morning"),
    }),
    "general": ("general", "the language posture-watch speaks", {
        "language": (LanguageKey(), '"auto" (the desktop\'s language: LANGUAGE, LC_ALL, '
                     'LC_MESSAGES, LANG) or a code such as "de", "pt_BR"'),
    }),
}  # fmt: skip


def to_toml(config: AppConfig, *, header: str = "") -> str:
    """``config`` as commented TOML in the file's units; parsing it gives ``config`` back."""
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    out += [""] if out else []
    out += [f"schema_version = {SCHEMA_VERSION}  # layout of this file; do not change"]
    for table, (attr, table_note, keys) in TABLES.items():
        part = getattr(config, attr)
        lines = [
            f"{key} = {kind.dump(getattr(part, key))}" for key, (kind, _comment) in keys.items()
        ]
        width = max(len(line) for line in lines)
        out += ["", f"[{table}]  # {table_note}"]
        out += [
            f"{line:<{width}}  # {note}"
            for line, (_, note) in zip(lines, keys.values(), strict=True)
        ]
    return "\n".join(out) + "\n"


DEFAULT_TOML: str = to_toml(
    AppConfig.default(),
    header=(
        "posture-watch settings. Created with the defaults; edit the values, then run\n"
        "    posture-watch settings --check\n"
        "A wrong key or value stops posture-watch with a message naming it; nothing is\n"
        "ignored. Times are in the units given in each comment."
    ),
)


__all__ = [
    "DEFAULT_TOML",
    "SCHEMA_VERSION",
    "TABLES",
    "BoolKey",
    "ClockKey",
    "InvalidValue",
    "Kind",
    "LanguageKey",
    "NumberKey",
    "SourceKey",
    "to_toml",
]
