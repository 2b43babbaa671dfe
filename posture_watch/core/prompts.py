"""What to suggest when an alert fires: typed prompts, their validation, and the choice.

Prompts live in TOML files (the packaged ``guide_prompts.toml`` plus the user's own); the
adapter :mod:`posture_watch.prompt_library` reads them and hands the parsed documents to
:func:`parse_prompts` here, so every rule about what a valid prompt is sits in one pure
place and is tested without touching the file system.

The :class:`PromptChooser` is deterministic for a given seed and call sequence: it owns a
private ``random.Random`` (never the global one), so replays and tests see the same
suggestions, and it never reads the clock — the caller decides *when* to ask.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

from posture_watch.core.text import _

SCHEMA_VERSION = 1

#: Shoulder tilt (degrees, either side) beyond which a slouch is blamed on uneven shoulders.
TILT_LIMIT_DEG = 5.0

#: Prompt ids are short slugs so users can override a built-in prompt by repeating its id.
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_E = TypeVar("_E", bound=StrEnum)

_REQUIRED = ("id", "kind", "title", "text", "source")
_OPTIONAL = ("steps", "hold_seconds", "repetitions", "answers", "both_sides")


class PromptKind(StrEnum):
    """What a prompt asks the person to do; the monitor asks for a kind per situation."""

    POSTURE_CHECK = "posture_check"
    STRETCH = "stretch"
    BREAK = "break"
    BREATHING = "breathing"
    RELAXATION = "relaxation"
    YOGA = "yoga"
    SELF_CARE = "self_care"


class Problem(StrEnum):
    """A posture problem a prompt is meant to counter (see :func:`problem_from_features`)."""

    FORWARD_HEAD = "forward_head"
    RAISED_SHOULDERS = "raised_shoulders"
    TILTED_SHOULDERS = "tilted_shoulders"
    LONG_SITTING = "long_sitting"
    STRESS = "stress"


@dataclass(frozen=True)
class Prompt:
    """One suggestion shown to the person.

    ``source`` names the guide section the advice comes from (``"Heading › Item"``), so a
    reader can check every prompt against the guide. Stretches also carry ``steps`` (short
    imperative sentences), ``hold_seconds`` per hold and ``repetitions``; ``answers`` lists
    the problems a prompt helps with, which the chooser uses to prefer it. A stretch with
    ``both_sides`` is held on the left, then the right, in each repetition.
    """

    id: str
    kind: PromptKind
    title: str
    text: str
    source: str
    steps: tuple[str, ...] = ()
    hold_seconds: int = 0
    repetitions: int = 0
    answers: tuple[Problem, ...] = ()
    both_sides: bool = False

    def __post_init__(self) -> None:
        if not _ID_PATTERN.match(self.id):
            raise ValueError(_("id must be lower-case letters, digits, '_' or '-'"))
        if not isinstance(self.kind, PromptKind):
            raise ValueError(
                _("kind must be a PromptKind, got {value}").format(value=repr(self.kind))
            )
        if self.hold_seconds < 0 or self.repetitions < 0:
            raise ValueError(_("hold_seconds and repetitions must not be negative"))
        if self.kind is PromptKind.STRETCH:
            if not self.steps:
                raise ValueError(_("a stretch needs a non-empty 'steps' list"))
            if self.hold_seconds <= 0:
                raise ValueError(_("a stretch needs 'hold_seconds' > 0"))
            if self.repetitions <= 0:
                raise ValueError(_("a stretch needs 'repetitions' > 0"))

    def shown(self) -> Prompt:
        """This prompt in the person's language, for a window or a notification.

        The library's words are data (``guide_prompts.toml``, or the person's own files),
        so they are translated here, where they are shown, not when they are loaded: the
        title, the text, each step and the guide section it comes from. The id, kind and
        answers stay the stored keys. A text no catalog has (a person's own prompt) comes
        back as written."""
        return replace(
            self,
            title=_(self.title),
            text=_(self.text),
            source=_(self.source),
            steps=tuple(_(step) for step in self.steps),
        )


def parse_prompts(doc: Mapping[str, Any], origin: str) -> list[Prompt]:
    """Validated prompts from a parsed TOML document (``schema_version`` + ``[[prompt]]``).

    Raises ``ValueError`` whose message starts with ``origin`` (a file name) and names the
    prompt and what is wrong, so a user editing their own file can fix it in one go.
    """
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ValueError(
            f"{origin}: "
            + _("schema_version must be {expected}, got {value}").format(
                expected=SCHEMA_VERSION, value=repr(version)
            )
        )
    unknown = sorted(set(doc) - {"schema_version", "prompt"})
    if unknown:
        keys = ", ".join(unknown)
        raise ValueError(f"{origin}: " + _("unknown top-level key(s): {keys}").format(keys=keys))
    entries = doc.get("prompt", [])
    if not isinstance(entries, list):
        raise ValueError(f"{origin}: " + _("'prompt' must be an array of tables ([[prompt]])"))
    prompts: list[Prompt] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        label = _("prompt #{number}").format(number=number)
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            label = _("prompt {id}").format(id=repr(entry["id"]))
        try:
            prompt = _parse_one(entry)
        except ValueError as exc:
            raise ValueError(f"{origin}: {label}: {exc}") from None
        if prompt.id in seen:
            twice = _("duplicate id (defined twice in this file)")
            raise ValueError(f"{origin}: {label}: {twice}")
        seen.add(prompt.id)
        prompts.append(prompt)
    return prompts


def _parse_one(entry: Any) -> Prompt:
    if not isinstance(entry, Mapping):
        raise ValueError(_("must be a table"))
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ValueError(_("unknown field(s): {fields}").format(fields=", ".join(unknown)))
    missing = [name for name in _REQUIRED if name not in entry]
    if missing:
        raise ValueError(_("missing field(s): {fields}").format(fields=", ".join(missing)))
    return Prompt(
        id=_text(entry, "id"),
        kind=_member(PromptKind, entry["kind"], "kind"),
        title=_text(entry, "title"),
        text=_text(entry, "text"),
        source=_text(entry, "source"),
        steps=tuple(_text_list(entry.get("steps", []), "steps")),
        hold_seconds=_count(entry.get("hold_seconds", 0), "hold_seconds"),
        repetitions=_count(entry.get("repetitions", 0), "repetitions"),
        answers=tuple(
            _member(Problem, value, "answers")
            for value in _list(entry.get("answers", []), "answers")
        ),
        both_sides=_flag(entry.get("both_sides", False), "both_sides"),
    )


def _text(entry: Mapping[str, Any], name: str) -> str:
    value = entry[name]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            _("field '{name}' must be a non-empty string, got {value}").format(
                name=name, value=repr(value)
            )
        )
    return value.strip()


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(
            _("field '{name}' must be a list, got {value}").format(name=name, value=repr(value))
        )
    return value


def _text_list(value: Any, name: str) -> list[str]:
    items = _list(value, name)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(
                _("field '{name}' must hold non-empty strings, got {value}").format(
                    name=name, value=repr(item)
                )
            )
    return [item.strip() for item in items]


def _count(value: Any, name: str) -> int:
    # bool is an int in Python; 'hold_seconds = true' is a typo, not 1 second
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            _("field '{name}' must be a whole number >= 0, got {value}").format(
                name=name, value=repr(value)
            )
        )
    return value


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(
            _("{name} must be true or false, got {value}").format(name=name, value=repr(value))
        )
    return value


def _member(enum: type[_E], value: Any, name: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ValueError(
            _("unknown {name} {value} (expected one of: {allowed})").format(
                name=name, value=repr(value), allowed=allowed
            )
        ) from None


class PromptChooser:
    """Picks the next prompt of a kind, preferring those that answer the current problem.

    Rotation: for each pool (a kind, narrowed to the prompts answering a problem when
    there are any) the chooser deals a shuffled cycle and walks through it, so every
    matching prompt comes once before any comes again. The same prompt never comes twice
    in a row for a kind: a fresh cycle never starts with the prompt just shown, and when a
    problem matches only one prompt that was just shown, the whole kind is used instead.
    Only a kind with a single prompt can repeat. Deterministic for a seed and call order.
    """

    def __init__(self, prompts: Iterable[Prompt], seed: int = 0) -> None:
        self._prompts = tuple(prompts)
        ids = [p.id for p in self._prompts]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate prompt id(s): {', '.join(duplicates)}")
        self._rng = random.Random(seed)
        self._cycles: dict[tuple[PromptKind, Problem | None], list[Prompt]] = {}
        self._last: dict[PromptKind, str] = {}

    def candidates(self, kind: PromptKind, problem: Problem | None = None) -> tuple[Prompt, ...]:
        """The prompts ``choose`` draws from: those answering ``problem``, else all of ``kind``."""
        return self._pool(kind, problem)[1]

    def choose(self, kind: PromptKind, problem: Problem | None = None) -> Prompt | None:
        """The next prompt of ``kind`` (None when there is no prompt of that kind)."""
        key, pool = self._pool(kind, problem)
        if not pool:
            return None
        last = self._last.get(kind)
        if len(pool) == 1 and pool[0].id == last:
            key, pool = self._pool(kind, None)
        prompt = self._draw((kind, key), pool, last)
        self._last[kind] = prompt.id
        return prompt

    def _pool(
        self, kind: PromptKind, problem: Problem | None
    ) -> tuple[Problem | None, tuple[Prompt, ...]]:
        of_kind = tuple(p for p in self._prompts if p.kind is kind)
        if problem is not None:
            matching = tuple(p for p in of_kind if problem in p.answers)
            if matching:
                return problem, matching
        return None, of_kind

    def _draw(
        self, key: tuple[PromptKind, Problem | None], pool: tuple[Prompt, ...], last: str | None
    ) -> Prompt:
        cycle = self._cycles.get(key, [])
        if not any(p.id != last for p in cycle):
            # cycle used up (or only the prompt just shown is left, via another pool)
            cycle = self._new_cycle(pool, last)
            self._cycles[key] = cycle
        index = next((i for i, p in enumerate(cycle) if p.id != last), 0)
        return cycle.pop(index)

    def _new_cycle(self, pool: tuple[Prompt, ...], last: str | None) -> list[Prompt]:
        cycle = list(pool)
        self._rng.shuffle(cycle)
        if len(cycle) > 1 and cycle[0].id == last:
            swap = self._rng.randrange(1, len(cycle))
            cycle[0], cycle[swap] = cycle[swap], cycle[0]
        return cycle


def problem_from_features(
    features_row: Mapping[str, float | None], lean: float | None
) -> Problem | None:
    """The problem a slouch most likely comes from, judged on one frame's features.

    ``features_row`` is :meth:`Features.row` (NaN already None; NaN is also accepted);
    ``lean`` is the lean-in ratio (1.0 = calibration distance) or None.

    Rule, in order:

    1. ``|shoulder_tilt| > 5`` degrees → ``tilted_shoulders``: a lopsided shoulder line is
       visible from the front and calls for a one-sided stretch.
    2. otherwise, if the head height, nose height or lean was measured → ``forward_head``:
       the slouch score is driven by the ears sinking towards the shoulder line (and by
       leaning in), which from a frontal webcam is what a head pushed forward looks like.
       Raised shoulders shorten the neck the same way from the front, so we never claim
       them from a single frame.
    3. nothing measurable (nobody in view) → None.
    """
    tilt = _finite(features_row.get("shoulder_tilt"))
    if tilt is not None and abs(tilt) > TILT_LIMIT_DEG:
        return Problem.TILTED_SHOULDERS
    head = (_finite(features_row.get(name)) for name in ("head_height", "nose_height"))
    if any(value is not None for value in head) or _finite(lean) is not None:
        return Problem.FORWARD_HEAD
    return None


def _finite(value: float | None) -> float | None:
    if value is None or math.isnan(value):
        return None
    return float(value)
