"""The README's settings table, rendered from the settings schema so its units cannot drift.

Every row comes from :data:`~posture_watch.core.settings_schema.TABLES`: the key, its unit
and range as the checks accept them, and the default written exactly as ``settings.toml``
takes it (the kind's own ``dump``), so a default copied from the table into the file is
valid. Only the plain-words description is kept here, for the person reading the README;
a key added to the schema without one gets the schema's own comment, so the table never
leaves a key out. ``scripts/settings_table.py`` puts the table into README.md between
:data:`START` and :data:`END`; ``tests/test_readme_settings.py`` fails when they differ.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from posture_watch.core.languages import AUTO, KNOWN
from posture_watch.core.settings import AppConfig
from posture_watch.core.settings_schema import (
    TABLES,
    BoolKey,
    ClockKey,
    Kind,
    LanguageKey,
    NumberKey,
    SourceKey,
)

START = "<!-- settings:start -->"
END = "<!-- settings:end -->"

#: What each key does, in the words of docs/words.md ("table.key" -> sentence).
PLAIN: dict[str, str] = {
    "camera.source": 'where frames come from: "auto" uses webcam 0, or the demo when there is '
    'no webcam; a camera number such as "1"; or a video or recording to replay',
    "camera.width": "picture width asked of the webcam",
    "camera.height": "picture height asked of the webcam",
    "camera.yield_to_calls": "let go of the webcam while a video call uses it, and take it "
    "back when the call ends",
    "sampling.stable_interval": "time between analysed frames while your posture stays the "
    "same (lower reacts faster, higher saves CPU)",
    "sampling.confirm_interval": "time between analysed frames while a change of posture is "
    "being confirmed",
    "posture.slouch_after": "how long you must be slouching before a posture nudge",
    "posture.glance_max": "a dip shorter than this (a look at the keyboard or phone) never "
    "counts as slouching",
    "posture.slouch_cooldown": "after a posture nudge, no other one for this long",
    "sitting.absence_grace": "time away shorter than this does not end a sitting spell",
    "sitting.break_min": "time away that counts as a break: the sitting spell ends and its "
    "timer starts again",
    "sitting.sit_max": "sitting this long without a break brings a break nudge and the "
    "stretch window",
    "prompts.check_every": "a posture check after this much time at the desk; 0 turns it off",
    "prompts.max_per_hour": "at most this many nudges in an hour",
    "prompts.snooze": "how long Snooze in the stretch window keeps nudges away",
    "prompts.break_warning": 'how long before a break nudge a warning comes ("Break in 1 min", '
    "with Postpone 5 min and Skip); 0 turns it off",
    "prompts.max_postpones": "how many times a break may be postponed in one sitting spell; "
    "after that the warning offers Skip only",
    "prompts.stretch_sound": "a soft chime in the stretch window when each hold ends",
    "prompts.hold_when_fullscreen": "hold nudges back while a full-screen window has the "
    "focus (a film, a presentation); they come when it ends. Turn it off if you work full "
    "screen all day (paused notifications and a video call still hold them back)",
    "quiet_hours.enabled": "turn quiet hours on: no nudges between start and end",
    "quiet_hours.start": "when quiet hours begin (24-hour clock)",
    "quiet_hours.end": "when quiet hours end; the range may run past midnight (22:00 to 07:00)",
    "report.daily_at": 'when the tray writes the day\'s report; "off" turns it off',
    "report.journal_prompt": "at that time, also ask how you feel (the pain journal), unless "
    "today has an entry",
    "pause.morning": '"Pause until tomorrow" lasts until this time the next morning',
    "general.language": 'the language of every window, nudge and report: "auto" follows '
    "the desktop (LANGUAGE, then LC_ALL, LC_MESSAGES, LANG; never LC_TIME), or a code "
    'such as "de"; applies when each program starts',
}

HEADER = ("setting", "what it does", "unit", "default", "allowed")


def unit_of(kind: Kind) -> str:
    """The unit a person writes the value in, as the checks read it."""
    if isinstance(kind, NumberKey):
        return kind.unit or "count"
    if isinstance(kind, BoolKey):
        return "true/false"
    if isinstance(kind, ClockKey):
        return "time of day"
    return "text"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def allowed_of(kind: Kind) -> str:
    """The range or choices the checks accept, in the file's own unit."""
    if isinstance(kind, NumberKey):
        whole = "whole number " if kind.whole else ""
        note = f" ({kind.note})" if kind.note else ""
        return f"{whole}{_num(kind.lo)} to {_num(kind.hi)}{note}"
    if isinstance(kind, BoolKey):
        return "`true`, `false`"
    if isinstance(kind, ClockKey):
        off = ', or `"off"`' if kind.allow_off else ""
        return f'`"00:00"` to `"23:59"`{off}'
    if isinstance(kind, SourceKey):
        return '`"auto"`, a camera number, or a file path'
    if isinstance(kind, LanguageKey):
        return ", ".join(f'`"{code}"`' for code in (AUTO, *KNOWN))
    raise TypeError(f"unknown kind of setting: {kind!r}")


def default_of(table: str, key: str, config: AppConfig | None = None) -> str:
    """The default exactly as ``settings.toml`` takes it (``50``, ``"17:30"``, ``true``)."""
    config = AppConfig.default() if config is None else config
    attr, _, keys = TABLES[table]
    kind = keys[key][0]
    return kind.dump(getattr(getattr(config, attr), key))


def describe(table: str, key: str) -> str:
    """Plain words for a key; the schema's comment for a key not described here yet."""
    return PLAIN.get(f"{table}.{key}") or TABLES[table][2][key][1]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rows() -> list[tuple[str, str, str, str, str]]:
    """One row per key, in the schema's order: setting, what it does, unit, default, allowed."""
    out = []
    for table, (_, _, keys) in TABLES.items():
        for key, (kind, _) in keys.items():
            out.append(
                (
                    f"`[{table}] {key}`",
                    describe(table, key),
                    unit_of(kind),
                    f"`{default_of(table, key)}`",
                    allowed_of(kind),
                )
            )
    return out


def render_table() -> str:
    """The markdown table (no markers), ending with a newline."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows()]
    return "\n".join(lines) + "\n"


def replace_block(text: str, table: str | None = None) -> str:
    """``text`` with the part between :data:`START` and :data:`END` replaced by the table.

    Raises ValueError when the markers are missing or out of order, so a README that lost
    them is noticed rather than silently left alone.
    """
    table = render_table() if table is None else table
    start, end = text.find(START), text.find(END)
    if start < 0 or end < 0 or end < start:
        raise ValueError(f"the markers {START} and {END} are missing or out of order")
    head = text[: start + len(START)]
    return f"{head}\n{table}{text[end:]}"


__all__ = [
    "END",
    "HEADER",
    "PLAIN",
    "START",
    "allowed_of",
    "default_of",
    "describe",
    "render_table",
    "replace_block",
    "rows",
    "unit_of",
]
