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
from posture_watch.core.text import N_, _

START = "<!-- settings:start -->"
END = "<!-- settings:end -->"

#: What each key does, in the words of docs/words.md ("table.key" -> sentence); marked
#: ``N_`` and translated where shown (:func:`describe`).
PLAIN: dict[str, str] = {
    "camera.source": N_(
        'where frames come from: "auto" uses webcam 0, or the demo when there is '
        'no webcam; a camera number such as "1"; or a video or recording to replay'
    ),
    "camera.width": N_("picture width asked of the webcam"),
    "camera.height": N_("picture height asked of the webcam"),
    "camera.yield_to_calls": N_(
        "let go of the webcam while a video call uses it, and take it back when the call ends"
    ),
    "sampling.stable_interval": N_(
        "time between analysed frames while your posture stays the "
        "same (lower reacts faster, higher saves CPU)"
    ),
    "sampling.confirm_interval": N_(
        "time between analysed frames while a change of posture is being confirmed"
    ),
    "posture.slouch_after": N_("how long you must be slouching before a posture nudge"),
    "posture.glance_max": N_(
        "a dip shorter than this (a look at the keyboard or phone) never counts as slouching"
    ),
    "posture.slouch_cooldown": N_("after a posture nudge, no other one for this long"),
    "sitting.absence_grace": N_("time away shorter than this does not end a sitting spell"),
    "sitting.break_min": N_(
        "time away that counts as a break: the sitting spell ends and its timer starts again"
    ),
    "sitting.sit_max": N_(
        "sitting this long without a break brings a break nudge and the stretch window"
    ),
    "prompts.check_every": N_("a posture check after this much time at the desk; 0 turns it off"),
    "prompts.max_per_hour": N_("at most this many nudges in an hour"),
    "prompts.snooze": N_("how long Snooze in the stretch window keeps nudges away"),
    "prompts.break_warning": N_(
        'how long before a break nudge a warning comes ("Break in 1 min", '
        "with Postpone 5 min and Skip); 0 turns it off"
    ),
    "prompts.max_postpones": N_(
        "how many times a break may be postponed in one sitting spell; "
        "after that the warning offers Skip only"
    ),
    "prompts.stretch_sound": N_("a soft chime in the stretch window when each hold ends"),
    "prompts.hold_when_fullscreen": N_(
        "hold nudges back while a full-screen window has the "
        "focus (a film, a presentation); they come when it ends. Turn it off if you work full "
        "screen all day (paused notifications and a video call still hold them back)"
    ),
    "prompts.breaks_follow_posture": N_(
        "time breaks by your posture: the break nudge comes 5 min after your posture usually "
        "fades (measured over the last 7 days), never before 20 min nor after sit_max; until 5 "
        "sitting spells are measured it comes after sit_max"
    ),
    "quiet_hours.enabled": N_("turn quiet hours on: no nudges between start and end"),
    "quiet_hours.start": N_("when quiet hours begin (24-hour clock)"),
    "quiet_hours.end": N_("when quiet hours end; the range may run past midnight (22:00 to 07:00)"),
    "report.daily_at": N_('when the tray writes the day\'s report; "off" turns it off'),
    "report.journal_prompt": N_(
        "at that time, also ask how you feel (the pain journal), unless today has an entry"
    ),
    "pause.morning": N_('"Pause until tomorrow" lasts until this time the next morning'),
    "general.language": N_(
        'the language of every window, nudge and report: "auto" follows '
        "the desktop (LANGUAGE, then LC_ALL, LC_MESSAGES, LANG; never LC_TIME), or a code "
        'such as "de"; applies when each program starts'
    ),
}

HEADER = (N_("setting"), N_("what it does"), N_("unit"), N_("default"), N_("allowed"))


def unit_of(kind: Kind) -> str:
    """The unit a person writes the value in, as the checks read it."""
    if isinstance(kind, NumberKey):
        return _(kind.unit) if kind.unit else _("count")
    if isinstance(kind, BoolKey):
        return _("true/false")
    if isinstance(kind, ClockKey):
        return _("time of day")
    return _("text")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def allowed_of(kind: Kind) -> str:
    """The range or choices the checks accept, in the file's own unit."""
    if isinstance(kind, NumberKey):
        text = _("whole number {lo} to {hi}") if kind.whole else _("{lo} to {hi}")
        text = text.format(lo=_num(kind.lo), hi=_num(kind.hi))
        return _("{range} ({note})").format(range=text, note=_(kind.note)) if kind.note else text
    if isinstance(kind, BoolKey):
        return "`true`, `false`"
    if isinstance(kind, ClockKey):
        if kind.allow_off:
            return _('`"00:00"` to `"23:59"`, or `"off"`')
        return _('`"00:00"` to `"23:59"`')
    if isinstance(kind, SourceKey):
        return _('`"auto"`, a camera number, or a file path')
    if isinstance(kind, LanguageKey):
        return ", ".join(f'`"{code}"`' for code in (AUTO, *KNOWN))
    raise TypeError(f"unknown kind of setting: {kind!r}")


def default_of(table: str, key: str, config: AppConfig | None = None) -> str:
    """The default exactly as ``settings.toml`` takes it (``50``, ``"17:30"``, ``true``)."""
    config = AppConfig.default() if config is None else config
    attr, _comment, keys = TABLES[table]
    kind = keys[key][0]
    return kind.dump(getattr(getattr(config, attr), key))


def describe(table: str, key: str) -> str:
    """Plain words for a key; the schema's comment for a key not described here yet."""
    plain = PLAIN.get(f"{table}.{key}")
    return _(plain) if plain else TABLES[table][2][key][1]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rows() -> list[tuple[str, str, str, str, str]]:
    """One row per key, in the schema's order: setting, what it does, unit, default, allowed."""
    out = []
    for table, (_attr, _comment, keys) in TABLES.items():
        for key, (kind, _note) in keys.items():
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
    header = [_(word) for word in HEADER]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(HEADER)]
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
