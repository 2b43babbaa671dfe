"""The posture-decay figures in words: the hold sentence, its definition, the curve's rows.

One place for the sentences the day and week reports, ``posture-watch insights`` and the
HTML page share, so they never disagree. Each sentence names its basis (the week, or the
7 days to a date) and how many sitting spells it rests on; too few spells say so instead
of guessing (:data:`~posture_watch.core.break_limits.MIN_SPELLS`). Whole sentences, one
catalog message each, built when shown (the language is chosen after import).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from posture_watch.core.break_limits import MIN_SPELLS
from posture_watch.core.dates import short_date
from posture_watch.core.durations import format_minutes, format_span
from posture_watch.core.posture_decay import (
    CURVE_BIN_MIN,
    MIN_SPELL_MIN,
    SUSTAINED_MIN,
    CurveBin,
    PostureDecay,
)
from posture_watch.core.text import _, ngettext

#: A bin of the curve is shown with at least this many minutes of posture seen in it.
MIN_BIN_SEEN = 5


@dataclass(frozen=True)
class Basis:
    """What the figure covers: the report's week (``last_day`` None) or the ``days`` days
    ending with ``last_day``."""

    days: int = 7
    last_day: date | None = None


def hold_sentence(decay: PostureDecay, basis: Basis) -> str:
    """One sentence: the median hold with its basis, or why there is none."""
    hold, n = decay.hold, decay.hold.spells
    when = short_date(basis.last_day) if basis.last_day is not None else ""
    if not decay.enough:
        if basis.last_day is None:
            text = ngettext(
                "Too few sitting spells after a break to say how long your posture holds: "
                "{n} this week, {need} are needed.",
                "Too few sitting spells after a break to say how long your posture holds: "
                "{n} this week, {need} are needed.",
                n,
            )
        else:
            # Translators: {days} is a number of days, {date} the last of them ("Mon 12 May")
            text = ngettext(
                "Too few sitting spells after a break to say how long your posture holds: "
                "{n} in the {days} days to {date}, {need} are needed.",
                "Too few sitting spells after a break to say how long your posture holds: "
                "{n} in the {days} days to {date}, {need} are needed.",
                n,
            )
        return text.format(n=n, need=MIN_SPELLS, days=basis.days, date=when)
    if hold.minutes is None:
        if basis.last_day is None:
            text = ngettext(
                "After a break your posture held: more than half of the {n} sitting spell "
                "this week ended without a sustained slouch.",
                "After a break your posture held: more than half of the {n} sitting spells "
                "this week ended without a sustained slouch.",
                n,
            )
        else:
            # Translators: {days} is a number of days, {date} the last of them ("Mon 12 May")
            text = ngettext(
                "After a break your posture held: more than half of the {n} sitting spell "
                "in the {days} days to {date} ended without a sustained slouch.",
                "After a break your posture held: more than half of the {n} sitting spells "
                "in the {days} days to {date} ended without a sustained slouch.",
                n,
            )
        return text.format(n=n, days=basis.days, date=when)
    duration = format_minutes(hold.minutes * 60.0)
    if basis.last_day is None:
        # Translators: {duration} is a length of time ("34 min"), {n} a number of spells
        text = ngettext(
            "After a break you stayed upright for about {duration} (median of {n} sitting "
            "spell this week).",
            "After a break you stayed upright for about {duration} (median of {n} sitting "
            "spells this week).",
            n,
        )
    else:
        # Translators: {duration} is a length of time ("34 min"); {days} a number of days,
        # {date} the last of them ("Mon 12 May")
        text = ngettext(
            "After a break you stayed upright for about {duration} (median of {n} sitting "
            "spell in the {days} days to {date}).",
            "After a break you stayed upright for about {duration} (median of {n} sitting "
            "spells in the {days} days to {date}).",
            n,
        )
    return text.format(duration=duration, n=n, days=basis.days, date=when)


def hold_definition() -> str:
    """How the hold is measured, in words (shown with the figure where there is room)."""
    counted = _(
        "Counted from the end of a break to the first sustained slouch ({sustained} min in a "
        "row mostly slouching)."
    ).format(sustained=SUSTAINED_MIN)
    left = _(
        "Spells with under {least} min of posture seen are left out; a spell that ended "
        "upright counts as holding at least its length."
    ).format(least=MIN_SPELL_MIN)
    return counted + " " + left


def left_out(decay: PostureDecay) -> str | None:
    """How many spells were too short to count, or None when none were."""
    n = decay.too_short
    if not n:
        return None
    return ngettext(
        "{n} shorter spell left out.",
        "{n} shorter spells left out.",
        n,
    ).format(n=n)


def shown_bins(curve: tuple[CurveBin, ...], width_min: int = CURVE_BIN_MIN) -> list[CurveBin]:
    """The curve in bins of ``width_min`` (a multiple of the curve's), up to the last bin
    with :data:`MIN_BIN_SEEN` minutes seen; a bin with fewer keeps its place (its share
    is not shown: :func:`bin_share`)."""
    step = max(1, width_min // CURVE_BIN_MIN)
    merged = [
        CurveBin(
            group[0].start_min,
            group[0].start_min + width_min,
            sum(b.minutes for b in group),
            sum(b.upright_s for b in group),
            sum(b.slouch_s for b in group),
        )
        for group in (curve[i : i + step] for i in range(0, len(curve), step))
    ]
    enough = [i for i, b in enumerate(merged) if b.minutes >= MIN_BIN_SEEN]
    return merged[: enough[-1] + 1] if enough else []


def bin_share(b: CurveBin) -> float | None:
    """The bin's upright share, None when it rests on under :data:`MIN_BIN_SEEN` minutes."""
    return b.upright_share if b.minutes >= MIN_BIN_SEEN else None


def bin_label(b: CurveBin) -> str:
    # Translators: a span of minutes since a break, as in "10–20 min"
    return _("{start}–{end} min").format(start=b.start_min, end=b.end_min)


def nudge_mark(sit_max: float) -> str:
    """Where the break nudge comes, beside the curve."""
    return _("break nudge after {limit}").format(limit=format_span(sit_max))
