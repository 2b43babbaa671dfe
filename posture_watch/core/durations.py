"""How a person reads a length of time: one style, with the precision the caller needs.

Three formatters once disagreed: 3,900 s read "1 h 05 min" in the tray's tooltip and the
reports, and "1 h 5 min" in the control socket's replies. There is one style now, the one
the reports and the tooltip already used: after the hours the minutes always follow with
two digits, as on a clock ("1 h 05 min", "8 h 00 min"), so the columns of a week table
line up and an hour never stands alone as a bare "h" (the reports' plain-words rule).
What differs between callers is only how fine the figure is, so that is a parameter of
one function:

- a tooltip or a report shows whole minutes once a minute has passed ("12 min");
- a span a person is told about (a break, a sitting stretch) keeps its seconds under
  ten minutes, where "1 min" would hide almost half of "1 min 45 s";
- a pause that was asked for keeps every second ("1 min 30 s", "1 h 30 min").

Figures are rounded to the nearest unit shown, half up, never truncated: 31.6 s is
"32 s", a sitting spell of 1 min 52 s shown in whole minutes is "2 min", 59.5 s is "1 min"
and 89.5 min is "1 h 30 min". A truncated figure once said "longest sitting 1 min" for
1:52, and "31 s" beside a JSON 32.0. :func:`round_half_up` is that rule for any other
figure a person reads (minutes, percentages).

The unit words are the catalog's, one whole pattern per shape (context ``"duration"``),
so a language can drop the spaces or order the units its own way ("1時間05分").
"""

from __future__ import annotations

import math

from posture_watch.core.text import pgettext

#: Seconds kept below this many seconds by :func:`format_minutes` (a minute).
MINUTES = 60.0
#: Seconds kept below this many seconds by :func:`format_span` (ten minutes).
SPAN_SECONDS = 600.0


def round_half_up(value: float) -> int:
    """The nearest whole number, halves going up: 31.5 is 32, 2.5 is 3 (Python's
    ``round`` and ``format(x, ".0f")`` send halves to the even neighbour: 2.5 is 2)."""
    return math.floor(value + 0.5)


def format_duration(seconds: float, *, seconds_below: float = math.inf) -> str:
    """``45 s``, ``1 min 30 s``, ``30 min``, ``1 h 00 min``, ``1 h 05 min``.

    The seconds are shown while ``seconds`` is under ``seconds_below`` (always, by
    default) and are not zero; above it the figure is in whole minutes. Under a minute the
    seconds always show, whatever ``seconds_below`` says, so nothing reads as "0 min".
    Negative lengths read as ``0 s``.
    """
    whole = max(0, round_half_up(seconds))
    if whole >= max(seconds_below, MINUTES):  # whole minutes: round the minutes themselves
        whole = round_half_up(seconds / MINUTES) * 60
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        if secs:
            pattern = pgettext("duration", "{h} h {min} min {s} s")
        else:
            pattern = pgettext("duration", "{h} h {min} min")
        return pattern.format(h=hours, min=f"{minutes:02d}", s=secs)
    if minutes:
        if secs:
            return pgettext("duration", "{min} min {s} s").format(min=minutes, s=secs)
        return pgettext("duration", "{min} min").format(min=minutes)
    return pgettext("duration", "{s} s").format(s=secs)


def format_minutes(seconds: float) -> str:
    """``45 s``, ``12 min``, ``1 h 05 min``: whole minutes, short enough for a tooltip."""
    return format_duration(seconds, seconds_below=MINUTES)


def format_span(seconds: float) -> str:
    """Like :func:`format_minutes`, with the seconds under ten minutes (``1 min 45 s``);
    whole minutes stay ``2 min``."""
    return format_duration(seconds, seconds_below=SPAN_SECONDS)


__all__ = ["format_duration", "format_minutes", "format_span", "round_half_up"]
