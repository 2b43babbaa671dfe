"""The pain journal's entries: what the person felt, where, and any warning signs.

The guide asks readers to keep a pain journal so that patterns show (pain against slouch
minutes and sitting time); numbness, weakness and severe pain are also the signs the
report turns into "see a doctor". Body areas come from a fixed list so that entries can
be counted per area; validation lives here, pure, so every way in (the CLI, a tray
prompt) refuses the same things with the same words, in the person's language. The areas
themselves are stored keys and the CLI's values (``--where upper-back``), so they stay
English in the messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from posture_watch.core.text import _, pgettext
from posture_watch.errors import ConfigError

#: Where it hurts, head to toe. Stored comma-separated in this spelling.
BODY_AREAS: tuple[str, ...] = (
    "head",
    "jaw",
    "neck",
    "shoulders",
    "upper-back",
    "lower-back",
    "chest",
    "arms",
    "elbows",
    "wrists",
    "hands",
    "hips",
    "legs",
    "knees",
    "feet",
)
PAIN_MIN, PAIN_MAX = 0, 10
#: Pain at or above this is severe: the report advises seeing a doctor.
SEVERE_PAIN = 7


def area_label(area: str) -> str:
    """How a body area reads (the journal window's checkboxes, the CLI's entries):
    ``"upper-back"`` → ``"upper back"``; the stored key stays English, the words follow
    the language."""
    words = {
        "head": pgettext("body area", "head"),
        "jaw": pgettext("body area", "jaw"),
        "neck": pgettext("body area", "neck"),
        "shoulders": pgettext("body area", "shoulders"),
        "upper-back": pgettext("body area", "upper back"),
        "lower-back": pgettext("body area", "lower back"),
        "chest": pgettext("body area", "chest"),
        "arms": pgettext("body area", "arms"),
        "elbows": pgettext("body area", "elbows"),
        "wrists": pgettext("body area", "wrists"),
        "hands": pgettext("body area", "hands"),
        "hips": pgettext("body area", "hips"),
        "legs": pgettext("body area", "legs"),
        "knees": pgettext("body area", "knees"),
        "feet": pgettext("body area", "feet"),
    }
    return words.get(area, area.replace("-", " "))


@dataclass(frozen=True)
class JournalEntry:
    """One journal entry at ``t`` (epoch seconds). ``pain`` is 0-10, None if not rated."""

    t: float
    pain: int | None = None
    areas: tuple[str, ...] = ()
    note: str = ""
    numbness: bool = False
    weakness: bool = False

    def __post_init__(self) -> None:
        check_pain(self.pain)
        check_areas(self.areas)
        if self.pain is None and not (self.areas or self.note or self.numbness or self.weakness):
            raise ConfigError(
                _("an empty journal entry"),
                hint=_("give at least one of {options}").format(
                    options="--pain, --where, --note, --numbness, --weakness"
                ),
            )

    @property
    def warning_signs(self) -> bool:
        """Severe pain, numbness or weakness: reasons to see a doctor."""
        return self.numbness or self.weakness or (self.pain or 0) >= SEVERE_PAIN


def check_pain(pain: int | None) -> None:
    if pain is not None and not PAIN_MIN <= pain <= PAIN_MAX:
        raise ConfigError(
            _("pain must be {low} to {high}, got {pain}").format(
                low=PAIN_MIN, high=PAIN_MAX, pain=pain
            )
        )


def check_areas(areas: Iterable[str]) -> None:
    unknown = [a for a in areas if a not in BODY_AREAS]
    if unknown:
        raise ConfigError(
            _("unknown body area {areas}").format(areas=", ".join(map(repr, unknown))),
            hint=_("use one or more of: {areas}").format(areas=", ".join(BODY_AREAS)),
        )


def parse_areas(text: str) -> tuple[str, ...]:
    """``"Neck, upper back"`` → ``("neck", "upper-back")``: case, spaces and ``_`` are
    forgiven, duplicates dropped, order kept; an unknown area is a :class:`ConfigError`."""
    areas: list[str] = []
    for part in text.split(","):
        name = "-".join(part.strip().lower().replace("_", " ").replace("-", " ").split())
        if name and name not in areas:
            areas.append(name)
    check_areas(areas)
    return tuple(areas)
