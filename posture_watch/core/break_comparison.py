"""Days with breaks that follow your posture against days on the fixed timer.

The history keeps how the break nudge was timed each time its limit was set (at the
monitor's start, at each new day, on a settings change:
:class:`~posture_watch.core.break_limits.BreakTimingSet`). A day whose records all say
the limit followed the posture is a day *with* it; a day with none that did (or no record
at all: an older posture-watch, the console monitor, or the fixed timer, which is all
there was) is a day *without*; a day that changed in the middle is left out, as is a day
with too little monitoring to count (the caller's ``counts``: the report's
:func:`~posture_watch.core.report_builder.day_counts`, so the week's table and this line
agree). A day that was on but still waiting for
enough sitting spells ran the fixed timer, and counts as such.

When the week has days of both kinds, the report says for each kind how much of the
posture seen was slouching and how many breaks were taken a day: two sentences, the
figures side by side, no verdict (a handful of days says little about cause).
"""

from __future__ import annotations

from collections.abc import Sequence

from posture_watch.core import formats
from posture_watch.core.break_limits import BreakTimingSet
from posture_watch.core.report import Summary
from posture_watch.core.text import ngettext


def day_followed(day: Summary, timings: Sequence[BreakTimingSet]) -> bool | None:
    """True: breaks followed the posture all ``day``; False: the fixed timer; None: it
    changed during the day. ``timings`` may cover more than the day."""
    kinds = {r.follows for r in timings if day.start <= r.t < day.end}
    if len(kinds) > 1:
        return None
    return kinds.pop() if kinds else False


def compare_days(
    days: Sequence[Summary], timings: Sequence[BreakTimingSet], counts: Sequence[bool]
) -> str:
    """Two sentences setting the days with and without breaks that follow the posture
    side by side; ``''`` unless the days that count (``counts``, one a day) hold both."""
    counted = [d for d, count in zip(days, counts, strict=True) if count]
    groups: dict[bool, list[Summary]] = {True: [], False: []}
    for day in counted:
        followed = day_followed(day, timings)
        if followed is not None:
            groups[followed].append(day)
    if not groups[True] or not groups[False]:
        return ""
    with_it = ngettext(
        "On {n} day with breaks timed by your posture, you slouched {share} of the time "
        "seen and took {breaks} breaks a day.",
        "On {n} days with breaks timed by your posture, you slouched {share} of the time "
        "seen and took {breaks} breaks a day.",
        len(groups[True]),
    )
    without = ngettext(
        "On {n} day on the fixed timer: {share} slouching, {breaks} breaks a day.",
        "On {n} days on the fixed timer: {share} slouching, {breaks} breaks a day.",
        len(groups[False]),
    )
    return " ".join(
        text.format(**_figures(groups[kind])) for kind, text in ((True, with_it), (False, without))
    )


def _figures(days: Sequence[Summary]) -> dict[str, object]:
    """The placeholders of one kind of day: how many, slouch share, breaks a day."""
    upright = sum(d.upright_s for d in days)
    slouch = sum(d.slouch_s for d in days)
    share = slouch / (upright + slouch) if upright + slouch > 0 else 0.0
    breaks = sum(d.breaks for d in days) / len(days)
    return {
        "n": len(days),
        "share": formats.percent(share),
        "breaks": formats.number(breaks, digits=1),
    }


__all__ = ["compare_days", "day_followed"]
