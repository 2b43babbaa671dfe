"""The settings file as a person reads it: groups, plain words, units, ranges and checks.

The preferences window (:mod:`posture_watch.desktop.preferences_window`) shows every key
of :data:`~posture_watch.core.settings_schema.TABLES`, grouped the way a person thinks
(posture nudges, breaks, quiet hours, camera, report, privacy) rather than by the file's
tables. Each :class:`Field` says in plain words what it does, its unit, the allowed range
(the schema's own, so the window and the file cannot disagree) and whether it applies to
the running monitor at once or after a restart.

The checks are the file's: a field's text becomes the value the file would hold and goes
through the schema's kind (:meth:`~posture_watch.core.settings_schema.NumberKey.parse`),
then the whole form through :func:`~posture_watch.core.settings_validation.config_from_toml`
(the cross-field rules), so what the window accepts is exactly what the file accepts.
Pure: no Tk, no file (the window shows it; :func:`posture_watch.config.save_config` writes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from posture_watch.core.languages import KNOWN as LANGUAGES
from posture_watch.core.settings import AppConfig, setting_head
from posture_watch.core.settings_schema import (
    TABLES,
    BoolKey,
    ClockKey,
    InvalidValue,
    Kind,
    LanguageKey,
    NumberKey,
    SourceKey,
)
from posture_watch.core.settings_validation import config_from_toml
from posture_watch.core.text import N_, _, language
from posture_watch.errors import ConfigError

#: (table, key) of a setting in the file.
Key = tuple[str, str]
#: What a field holds in the form: its text, or a checkbox's state.
FormValue = str | bool

#: Said beside a field whose change the running monitor cannot take.
RESTART_NOTE = N_("applies after a restart of the monitor")


@dataclass(frozen=True)
class Field:
    """One setting as the window shows it. ``live``: the running monitor takes a change
    at once; otherwise it applies after a restart (the camera is opened once)."""

    table: str
    key: str
    label: str
    help: str = ""
    live: bool = True

    @property
    def kind(self) -> Kind:
        return TABLES[self.table][2][self.key][0]

    @property
    def unit(self) -> str:
        kind = self.kind
        return kind.unit if isinstance(kind, NumberKey) else ""

    @property
    def allowed(self) -> str:
        """The allowed values in a few words: ``1 to 480 minutes``, ``HH:MM or off``."""
        kind = self.kind
        if isinstance(kind, NumberKey):
            lo, hi = _num(kind.lo), _num(kind.hi)
            if kind.unit:
                text = _("{lo} to {hi} {unit}").format(lo=lo, hi=hi, unit=_(kind.unit))
            else:
                text = _("{lo} to {hi}").format(lo=lo, hi=hi)
            if kind.note:
                return _("{range} ({note})").format(range=text, note=_(kind.note))
            return text
        if isinstance(kind, ClockKey):
            return _('HH:MM, or "off"') if kind.allow_off else _("HH:MM, 24-hour clock")
        if isinstance(kind, SourceKey):
            return _("auto, a camera number such as 0, or a file")
        if isinstance(kind, LanguageKey):
            return _("auto, or {codes}").format(codes=", ".join(LANGUAGES))
        return ""

    @property
    def name(self) -> str:
        return f"[{self.table}] {self.key}"


@dataclass(frozen=True)
class Group:
    title: str
    intro: str
    fields: tuple[Field, ...]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


#: The groups in the order a person looks for them; every key of TABLES is in one of
#: them (keys added to the schema later land in :data:`OTHER` until they get words).
#: The words are marked ``N_`` (the language is chosen after import) and translated
#: where the window shows them; the titles stay English here, as keys of the groups.
KNOWN: tuple[Group, ...] = (
    Group(N_("Posture nudges"), N_("A posture nudge comes when slouching lasts."), (
        Field("posture", "slouch_after", N_("Nudge after slouching for")),
        Field("posture", "glance_max", N_("Ignore dips shorter than"),
              N_("a look at the keyboard or the phone never counts")),
        Field("posture", "slouch_cooldown", N_("Then no other posture nudge for")),
        Field("prompts", "check_every", N_("Ask how you sit every"), N_("a posture check-in")),
        Field("prompts", "max_per_hour", N_("At most this many nudges an hour"),
              N_("posture and break nudges together")),
        Field("prompts", "hold_when_fullscreen", N_("Hold nudges back during full screen"),
              N_("while a full-screen window has the focus (a film, a presentation); "
                 "off if you work full screen all day")),
    )),
    Group(N_("Breaks"), N_("A break nudge comes after a long sitting spell."), (
        Field("sitting", "sit_max", N_("Break nudge after sitting for")),
        Field("prompts", "breaks_follow_posture", N_("Time breaks by my posture"),
              N_("5 min after your posture usually fades (at most the time above)")),
        Field("sitting", "break_min", N_("Time away that counts as a break")),
        Field("sitting", "absence_grace", N_("Shorter absences do not end a sitting spell"),
              N_("time away shorter than this still counts as sitting")),
        Field("prompts", "snooze", N_("Snooze a nudge for")),
        Field("prompts", "break_warning", N_("Warn before a break nudge"),
              N_("“Break in 1 min”, with Postpone and Skip; 0 = no warning")),
        Field("prompts", "max_postpones", N_("Postpone a break at most"),
              N_("times in one sitting spell, 5 min each")),
        Field("prompts", "stretch_sound", N_("Chime when a stretch hold ends")),
    )),
    Group(N_("Quiet hours"), N_("No nudges during quiet hours; the monitor still watches."), (
        Field("quiet_hours", "enabled", N_("Keep quiet hours")),
        Field("quiet_hours", "start", N_("Quiet from")),
        Field("quiet_hours", "end", N_("Quiet until"), N_("the range may wrap midnight")),
        Field("pause", "morning", N_("“Pause until tomorrow” ends at")),
    )),
    Group(N_("Camera"), N_("Which camera, and how often its picture is looked at."), (
        Field("camera", "source", N_("Camera"), live=False),
        Field("camera", "width", N_("Picture width"), live=False),
        Field("camera", "height", N_("Picture height"), live=False),
        Field("sampling", "stable_interval", N_("Look every (steady)"),
              N_("how often the picture is read while your posture stays the same")),
        Field("sampling", "confirm_interval", N_("Look every (changing)"),
              N_("how often while a change is being confirmed; at most the steady time")),
    )),
    Group(N_("Report"), N_("Today's report: how you sat, and your breaks."), (
        Field("report", "daily_at", N_("Write today's report at")),
        Field("report", "journal_prompt", N_("Then ask how you feel (pain journal)")),
        Field("general", "language", N_("Language"),
              N_("auto follows the desktop's language"), live=False),
    )),
    Group(N_("Privacy"), N_("Pictures from the camera stay in memory and are never stored or "
                            "sent; the history keeps only numbers per minute."), (
        Field("camera", "yield_to_calls", N_("Let go of the camera while a video call uses it"),
              live=False),
    )),
)  # fmt: skip

#: Where keys without words of their own are shown, by table.
_OTHER_GROUP = {
    "posture": "Posture nudges",
    "sitting": "Breaks",
    "prompts": "Breaks",
    "quiet_hours": "Quiet hours",
    "pause": "Quiet hours",
    "camera": "Camera",
    "sampling": "Camera",
    "report": "Report",
    "general": "Report",
}


def groups() -> tuple[Group, ...]:
    """Every key of the schema in its group; a key without words here (added to the
    schema later) is shown with the schema's comment, at the end of its table's group."""
    known = {(f.table, f.key) for g in KNOWN for f in g.fields}
    extra: dict[str, list[Field]] = {}
    for table, (_attr, _note, keys) in TABLES.items():
        for key, (_kind, comment) in keys.items():
            if (table, key) not in known:
                title = _OTHER_GROUP.get(table, "Breaks")
                extra.setdefault(title, []).append(Field(table, key, _label(key, comment)))
    return tuple(
        Group(g.title, g.intro, tuple(_present(g.fields)) + tuple(extra.get(g.title, ())))
        for g in KNOWN
    )


def _present(fields: tuple[Field, ...]) -> list[Field]:
    """The fields whose keys the schema has (words may come before their key)."""
    return [f for f in fields if f.key in TABLES.get(f.table, ("", "", {}))[2]]


def _label(key: str, comment: str) -> str:
    """A label from the schema's comment (``minutes of ...`` becomes ``Minutes of ...``)."""
    words = re.split(r"[;:]", comment)[0].strip() or key.replace("_", " ")
    return words[:1].upper() + words[1:]


def all_fields() -> tuple[Field, ...]:
    return tuple(f for g in groups() for f in g.fields)


# -- between the form and the file -------------------------------------------------------


def form_value(field: Field, config: AppConfig) -> FormValue:
    """What the form shows for ``field`` when the file holds ``config``: the file's
    value as text (``50``, ``22:00``, ``off``), or a checkbox's state."""
    stored = getattr(getattr(config, TABLES[field.table][0]), field.key)
    kind = field.kind
    if isinstance(kind, BoolKey):
        return bool(stored)
    text = kind.dump(stored)
    return json.loads(text) if text.startswith('"') else text


def file_value(field: Field, shown: FormValue) -> Any:
    """The value the file would hold for what the form shows; :class:`InvalidValue` with
    the file's own ``must be ...`` text when the field does not allow it."""
    kind = field.kind
    if isinstance(kind, BoolKey):
        value: Any = shown
    elif isinstance(kind, NumberKey):
        value = _number(str(shown), kind)
    else:
        value = str(shown).strip()
    kind.parse(value)  # the file's check
    return value


def _number(text: str, kind: NumberKey) -> int | float:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise InvalidValue(kind.must) from None


def field_error(field: Field, shown: FormValue) -> str | None:
    """What is wrong with one field on its own (``must be ...``), or None."""
    try:
        file_value(field, shown)
    except InvalidValue as exc:
        return _("must be {allowed}").format(allowed=exc)
    return None


@dataclass(frozen=True)
class Checked:
    """The form checked as the file would be: ``config`` when all is right, else the
    errors by field and one that names no field (``general``)."""

    config: AppConfig | None
    errors: Mapping[Key, str]
    general: str | None = None


def check_form(shown: Mapping[Key, FormValue], origin: str = "preferences") -> Checked:
    """Check every field, then the whole form with the file's rules (a quiet range
    that starts where it ends, a break shorter than the absences it follows)."""
    fields = {(f.table, f.key): f for f in all_fields()}
    errors: dict[Key, str] = {}
    doc: dict[str, dict[str, Any]] = {}
    for key, field in fields.items():
        if key not in shown:
            continue
        try:
            doc.setdefault(field.table, {})[field.key] = file_value(field, shown[key])
        except InvalidValue as exc:
            errors[key] = _("must be {allowed}").format(allowed=exc)
    if errors:
        return Checked(None, errors)
    try:
        return Checked(config_from_toml(doc, origin), {})
    except ConfigError as exc:
        return _placed(exc, fields)


def _placed(exc: ConfigError, fields: Mapping[Key, Field]) -> Checked:
    """A whole-form error beside the field it names (``[quiet_hours] end = ...`` or
    ``setting break_min must ...``), else as a general one."""
    line = str(exc).split(": ", 1)[-1]
    named = re.search(r"\[(\w+)\] (\w+)", line)
    if named and (named[1], named[2]) in fields:
        key = (named[1], named[2])
        return Checked(None, {key: _in_words(_after_value(line), key[0], fields)})
    for key in fields:
        head = setting_head(key[1])  # ``setting break_min `` in the person's language
        if head is not None and head in line:
            text = line.split(head, 1)[1]
            return Checked(None, {key: _in_words(text, key[0], fields)})
    return Checked(None, {}, line)


def _in_words(text: str, table: str, fields: Mapping[Key, Field]) -> str:
    """The other keys a rule names, as the window names them: ``must differ from
    start`` becomes ``must differ from “Quiet from”`` (keys of the same table only)."""
    for (other_table, key), field in fields.items():
        if other_table == table or TABLES[other_table][0] == TABLES[table][0]:
            label = _("“{label}”").format(label=_(field.label))
            text = re.sub(rf"\b{key}\b", label.replace("\\", "\\\\"), text)  # taken as is
    return text


def _after_value(line: str) -> str:
    """``[table] key = value: must ...`` -> ``must ...``."""
    return line.split(": ", 1)[1] if ": " in line else line


def restart_fields(old: AppConfig, new: AppConfig) -> tuple[Field, ...]:
    """The fields whose change the running monitor cannot take (see :attr:`Field.live`)."""
    return tuple(f for f in all_fields() if not f.live and form_value(f, old) != form_value(f, new))


def mid_sentence(label: str) -> str:
    """A field's label inside a sentence: English lower-cases it (``camera``), French or
    Spanish its first letter (``largeur de l'image``); German keeps its capitals (nouns)."""
    shown = _(label)
    if shown == label:
        return label.lower()
    return shown if language().startswith("de") else shown[:1].lower() + shown[1:]


def restart_names(fields: Sequence[Field]) -> str:
    """The labels of ``fields`` (from :func:`restart_fields`) for "New {names}: ...", each
    once, in the words the notification, the tray's line and the window all use."""
    return ", ".join(dict.fromkeys(mid_sentence(f.label) for f in fields))


__all__ = [
    "KNOWN",
    "RESTART_NOTE",
    "Checked",
    "Field",
    "FormValue",
    "Group",
    "Key",
    "all_fields",
    "check_form",
    "field_error",
    "file_value",
    "form_value",
    "groups",
    "mid_sentence",
    "restart_fields",
    "restart_names",
]
