"""What the report tells the person: concrete suggestions, and when to see a doctor.

Both are drawn from the guide "Understanding Chronic Muscle Knots", written in our own
words, and every piece names the guide section it comes from, like the prompts in
``guide_prompts.toml`` do ("Heading › Item"). Suggestions are tied to the period's own
figures (when the slouching happened, how long the longest sitting lasted, how prompts
were answered), so they read as advice about *this* day rather than a generic tip.

The medical-advice check is deliberately conservative and explicit about its rules,
because it is the one place where the program nudges someone towards a doctor; it never
diagnoses anything and says so.

Every sentence is one catalog message (``posture_watch.core.text``), written out once for
a day and once for a week rather than with a " this week" fragment slipped in, so a
language can put the period where its grammar wants it. The module-level tables hold
English marked with ``N_`` and are translated where a suggestion is made, since the
language is chosen after import; the guide sections in ``sources`` stay English (they
name the guide's headings) and are translated only in :attr:`Suggestion.cite`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time, tzinfo

import numpy as np

from posture_watch.core import formats
from posture_watch.core.dates import epoch_day, short_date
from posture_watch.core.durations import format_minutes, round_half_up
from posture_watch.core.journal import SEVERE_PAIN, JournalEntry
from posture_watch.core.prompts import Problem
from posture_watch.core.report import Summary
from posture_watch.core.text import N_, _, ngettext
from posture_watch.core.words import percent, times

TAKE_BREAKS = N_("Preventing Chronic Muscle Knots › Take breaks")
STAY_ACTIVE = N_("Preventing Chronic Muscle Knots › Stay active")
STRETCHING = N_("At-Home Treatments for Chronic Muscle Knots › Stretching")
POSTURE_CHECKS = N_("At-Home Treatments for Chronic Muscle Knots › Posture checks")
CONSISTENCY = N_("At-Home Treatments for Chronic Muscle Knots")
SEEK_MEDICAL = N_("When to Seek Medical Attention")

#: Below this much sitting in the period there is too little to base advice on.
MIN_SITTING_S = 15 * 60.0
#: Slouch minutes from which the timing of the slouching is worth a suggestion.
MIN_SLOUCH_MIN = 5.0
#: "Most slouching came after 15:00": at least this share of the slouch minutes …
TIMING_SHARE = 0.6
#: … and this much more than the share of monitored time in the same hours.
TIMING_EXCESS = 0.2
#: A good day: at least this upright share and no sitting stretch over the limit.
GOOD_SHARE = 0.85
MAX_SUGGESTIONS = 2
#: Stretches and breaks not done (skipped, snoozed, ignored) from which consistency is raised.
MIN_DECLINED = 3

#: What to do for each problem, as the object of "do …" / "fit in …" (translated at use).
_STRETCH_FOR: dict[Problem, str] = {
    Problem.FORWARD_HEAD: N_("a few chin tucks (hold each about half a minute)"),
    Problem.TILTED_SHOULDERS: N_("shoulder rolls and a neck side bend (hold about half a minute)"),
}
#: The guide stretches each of those names (prompt ids), whose drawings the report shows.
_STRETCH_IDS: dict[Problem, tuple[str, ...]] = {
    Problem.FORWARD_HEAD: ("chin-tuck",),
    Problem.TILTED_SHOULDERS: ("shoulder-rolls", "upper-trapezius-stretch"),
}


@dataclass(frozen=True)
class Suggestion:
    """One concrete suggestion and the guide sections it paraphrases; ``stretches`` are
    the ids of the guide stretches it names (the report shows their drawings)."""

    text: str
    sources: tuple[str, ...]
    stretches: tuple[str, ...] = ()

    @property
    def cite(self) -> str:
        """``guide: Heading › Item; Heading``, in the person's language."""
        sections = "; ".join(_(source) for source in self.sources)
        return _("guide: {sections}").format(sections=sections)


def _period(summary: Summary, day: str, week: str) -> str:
    """``day`` for a one-day summary, else ``week``: two whole messages, not a fragment."""
    return day if summary.n_days == 1 else week


def suggest(summary: Summary, sit_max: float = 3000.0) -> tuple[Suggestion, ...]:
    """At most two suggestions, the ones with the most at stake first.

    Each candidate is weighed in rough "minutes that could change": slouch minutes for
    the slouch suggestions, minutes over ``sit_max`` (seconds) plus a quarter hour per
    long-sitting alert not answered by a break, five minutes per declined prompt. A good
    day gets a single encouraging line.
    """
    if summary.sitting_s < MIN_SITTING_S:
        return ()
    weighed = [
        c
        for c in (
            _slouch_suggestion(summary),
            _sitting_suggestion(summary, sit_max),
            _prompt_suggestion(summary),
        )
        if c is not None
    ]
    weighed.sort(key=lambda c: -c[0])
    chosen = tuple(s for _weight, s in weighed[:MAX_SUGGESTIONS])
    if chosen:
        return chosen
    share = summary.upright_share
    if share is not None and share >= GOOD_SHARE and summary.longest_bout_s < sit_max:
        text = _period(
            summary,
            _(
                "{share} upright: well done. Exercise away from the desk keeps the muscles "
                "that hold you up strong, so the good days keep coming."
            ),
            _(
                "{share} upright this week: well done. Exercise away from the desk keeps the "
                "muscles that hold you up strong, so the good days keep coming."
            ),
        )
        return (Suggestion(text.format(share=percent(share)), (STAY_ACTIVE,)),)
    return ()


def why_no_suggestions(summary: Summary, sit_max: float = 3000.0) -> str | None:
    """Why :func:`suggest` has nothing to say for this period, or None when it has.

    Names each rule's threshold next to the period's own figure, so "no suggestions"
    reads as a result rather than as something missing.
    """
    if summary.monitored_s <= 0 or suggest(summary, sit_max):
        return None
    if summary.sitting_s < MIN_SITTING_S:
        had = format_minutes(summary.sitting_s)
        if summary.monitored_s - summary.sitting_s >= 60:  # away or unclear time as well
            had = _("{sitting} (of {monitored} monitored)").format(
                sitting=had, monitored=format_minutes(summary.monitored_s)
            )
        text = _period(
            summary,
            _(
                "No suggestions: they need at least {need} min of sitting in view, and this "
                "day had {had}."
            ),
            _(
                "No suggestions: they need at least {need} min of sitting in view, and this "
                "week had {had}."
            ),
        )
        return text.format(need=f"{MIN_SITTING_S / 60:.0f}", had=had)
    tally = summary.prompts
    text = _period(
        summary,
        _(
            "No suggestions this time. They start from {slouch_need} min of slouching "
            "(this day: {slouch} min), sitting {sit_need} min without a break (longest: "
            "{longest}), or at least {declined_need} stretches and breaks not done and fewer "
            "done (this day: {declined} not done, {done} done)."
        ),
        _(
            "No suggestions this time. They start from {slouch_need} min of slouching "
            "(this week: {slouch} min), sitting {sit_need} min without a break (longest: "
            "{longest}), or at least {declined_need} stretches and breaks not done and fewer "
            "done (this week: {declined} not done, {done} done)."
        ),
    ).format(
        slouch_need=f"{MIN_SLOUCH_MIN:.0f}",
        slouch=round_half_up(summary.slouch_min),
        sit_need=f"{sit_max / 60:.0f}",
        longest=format_minutes(summary.longest_bout_s),
        declined_need=MIN_DECLINED,
        declined=tally.declined,
        done=tally.done,
    )
    share = summary.upright_share
    if share is not None and share < GOOD_SHARE:
        praise = _period(
            summary,
            _("Praise for good posture needs {need} upright (this day: {share})."),
            _("Praise for good posture needs {need} upright (this week: {share})."),
        )
        text += " " + praise.format(need=percent(GOOD_SHARE), share=percent(share))
    return text


def slouch_timing(summary: Summary) -> tuple[str, int] | None:
    """``("after", 15)`` when slouching piles up late, ``("before", 11)`` when early.

    The split hour is where at least :data:`TIMING_SHARE` of the slouch minutes fall on
    one side while clearly less of the monitored time does, so a day that simply has
    more monitoring in the afternoon does not read as "afternoon slouching".
    """
    slouch = np.array([c.slouch_s for c in summary.hours])
    monitored = np.array([c.monitored_s for c in summary.hours])
    if slouch.sum() <= 0 or monitored.sum() <= 0:
        return None
    slouch_after = np.cumsum(slouch[::-1])[::-1] / slouch.sum()  # share at or after hour h
    monitored_after = np.cumsum(monitored[::-1])[::-1] / monitored.sum()
    for h in range(23, 0, -1):
        if (
            slouch_after[h] >= TIMING_SHARE
            and slouch_after[h] - monitored_after[h] >= TIMING_EXCESS
        ):
            return "after", h
    slouch_before, monitored_before = 1.0 - slouch_after, 1.0 - monitored_after
    for h in range(1, 24):
        if (
            slouch_before[h] >= TIMING_SHARE
            and slouch_before[h] - monitored_before[h] >= TIMING_EXCESS
        ):
            return "before", h
    return None


def _slouch_suggestion(summary: Summary) -> tuple[float, Suggestion] | None:
    total = summary.slouch_min
    if total < MIN_SLOUCH_MIN:
        return None
    problem = summary.problem or Problem.FORWARD_HEAD
    stretch, stretch_ids = _(_STRETCH_FOR[problem]), _STRETCH_IDS[problem]
    timing = slouch_timing(summary)
    if timing is None:
        text = _period(
            summary,
            # Translators: {times} is "once", "twice" or "5 times"; {stretch} is what to do,
            # e.g. "a few chin tucks (hold each about half a minute)".
            _(
                "Slouching ({total} min, {times}) was spread out: when a posture nudge comes, "
                "bring your ears back over your shoulders, and fit in {stretch} once or twice "
                "a day."
            ),
            _(
                "Slouching this week ({total} min, {times}) was spread out: when a posture "
                "nudge comes, bring your ears back over your shoulders, and fit in {stretch} "
                "once or twice a day."
            ),
        ).format(total=round_half_up(total), times=times(summary.slouch_episodes), stretch=stretch)
        return total, Suggestion(text, (POSTURE_CHECKS, STRETCHING), stretch_ids)
    side, hour = timing
    part = sum(c.slouch_min for c in summary.hours if (c.hour >= hour) == (side == "after"))
    figures = {"part": round_half_up(part), "total": round_half_up(total)}
    clock = formats.clock(time(hour))
    if side == "after":
        text = _period(
            summary,
            # Translators: {clock} is a time of day such as 15:00.
            _(
                "Most slouching ({part} of {total} min) came after {clock}: take a short "
                "break around then and do {stretch}."
            ),
            _(
                "Most slouching this week ({part} of {total} min) came after {clock}: take a "
                "short break around then and do {stretch}."
            ),
        ).format(**figures, clock=clock, stretch=stretch)
        return total, Suggestion(text, (TAKE_BREAKS, STRETCHING), stretch_ids)
    text = _period(
        summary,
        _(
            "Most slouching ({part} of {total} min) came before {clock}: check screen height "
            "and chair as you sit down, and sit back into the chair before you start typing."
        ),
        _(
            "Most slouching this week ({part} of {total} min) came before {clock}: check "
            "screen height and chair as you sit down, and sit back into the chair before you "
            "start typing."
        ),
    ).format(**figures, clock=clock)
    return total, Suggestion(text, (POSTURE_CHECKS,))


def _sitting_suggestion(summary: Summary, sit_max: float) -> tuple[float, Suggestion] | None:
    unanswered = max(0, summary.long_sitting_alerts - summary.breaks)
    if summary.longest_bout_s < sit_max and unanswered == 0:
        return None
    weight = max(0.0, summary.longest_bout_s - sit_max) / 60.0 + 15.0 * unanswered
    longest = format_minutes(summary.longest_bout_s)
    if summary.long_sitting_alerts:
        n_breaks, n_nudges = summary.breaks, summary.long_sitting_alerts
        text = _period(
            summary,
            # Translators: {breaks} is "1 break" / "2 breaks"; {nudges} "1 break nudge" / ….
            _("Your longest sitting spell lasted {longest}, and you took {breaks} for {nudges}."),
            _(
                "Your longest sitting spell this week lasted {longest}, and you took {breaks} "
                "for {nudges}."
            ),
        ).format(
            longest=longest,
            breaks=ngettext("{n} break", "{n} breaks", n_breaks).format(n=n_breaks),
            nudges=ngettext("{n} break nudge", "{n} break nudges", n_nudges).format(n=n_nudges),
        )
    else:
        text = _period(
            summary,
            _("Your longest sitting spell lasted {longest}."),
            _("Your longest sitting spell this week lasted {longest}."),
        ).format(longest=longest)
    text += " " + _(
        "Stand up and move for a few minutes before the {limit}-minute mark; even a walk to "
        "refill your glass counts."
    ).format(limit=f"{sit_max / 60:.0f}")
    return weight, Suggestion(text, (TAKE_BREAKS,))


def _prompt_suggestion(summary: Summary) -> tuple[float, Suggestion] | None:
    tally = summary.prompts
    if tally.declined < MIN_DECLINED or tally.done >= tally.declined:
        return None
    text = _period(
        summary,
        _("You did {done} of the {asked} stretches and breaks offered."),
        _("You did {done} of the {asked} stretches and breaks offered this week."),
    ).format(done=tally.done, asked=tally.asked)
    text += " " + _(
        "A short stretch done every day helps more than a long one now and then, so give the "
        "next one its two minutes even on a busy day."
    )
    return 5.0 * tally.declined, Suggestion(text, (CONSISTENCY,))


# ---------------------------------------------------------------- medical advice

#: Severe pain, numbness or weakness logged within this many days before the report's end.
ADVICE_LOOKBACK_DAYS = 14
#: "No improvement over several weeks": this many consecutive 7-day windows …
PERSISTENT_WEEKS = 3
#: … each with at least this many entries with a pain figure …
MIN_ENTRIES_PER_WEEK = 3
#: … where the latest week's average is not below the earliest's and at least this.
PERSISTENT_PAIN = 3.0

#: The advice in English, marked for the catalog: :func:`medical_advice` translates it.
ADVICE_INTRO = N_(
    "The guide's advice is to stop relying on self-care alone and see a doctor when any "
    "of these happens:"
)
ADVICE_POINTS = (
    N_("the pain is bad enough to get in the way of your day"),
    N_("a muscle has gone weak, or part of you feels numb"),
    N_("the sore area is swollen or red"),
    N_("you run a temperature or get the shivers"),
    N_("weeks of stretching and self-care have not made it better"),
)
ADVICE_WHY = N_(
    "Signs like these can come from an injury, an infection or an irritated nerve, and "
    "those need a proper examination."
)
NO_DIAGNOSIS = N_(
    "posture-watch gives no diagnosis: it measures how you sit and counts what you log, "
    "nothing more."
)


@dataclass(frozen=True)
class MedicalAdvice:
    """Why the journal calls for the guide's "see a doctor" advice, and that advice.

    The defaults are the English text; :func:`medical_advice` fills every field in the
    person's language.
    """

    reasons: tuple[str, ...]
    intro: str = ADVICE_INTRO
    points: tuple[str, ...] = ADVICE_POINTS
    why: str = ADVICE_WHY
    disclaimer: str = NO_DIAGNOSIS
    source: str = SEEK_MEDICAL


def medical_advice(journal: Iterable[JournalEntry], end: float, tz: tzinfo) -> MedicalAdvice | None:
    """The advice when the journal up to ``end`` (epoch s) shows a reason for it, else None.

    Reasons: pain of :data:`SEVERE_PAIN` or more, numbness or weakness, each within
    :data:`ADVICE_LOOKBACK_DAYS` before ``end``; or no improvement, meaning that in each
    of the last :data:`PERSISTENT_WEEKS` 7-day windows at least
    :data:`MIN_ENTRIES_PER_WEEK` entries gave a pain figure, and the latest window's
    average is both at least :data:`PERSISTENT_PAIN` and not lower than the earliest's.
    """
    entries = sorted((e for e in journal if e.t < end), key=lambda e: e.t)
    recent = [e for e in entries if e.t >= end - ADVICE_LOOKBACK_DAYS * 86400.0]
    reasons: list[str] = []
    severe = [e for e in recent if e.pain is not None and e.pain >= SEVERE_PAIN]
    if severe:
        worst = max(severe, key=lambda e: (e.pain or 0, e.t))
        reasons.append(
            _("pain of {pain}/10 on {day}").format(pain=worst.pain, day=_day(worst.t, tz))
        )
    numb = [e for e in recent if e.numbness]
    if numb:
        reasons.append(_("numbness noted on {day}").format(day=_day(numb[-1].t, tz)))
    weak = [e for e in recent if e.weakness]
    if weak:
        reasons.append(_("weakness noted on {day}").format(day=_day(weak[-1].t, tz)))
    persistent = _no_improvement(entries, end)
    if persistent is not None:
        first, last = persistent
        reasons.append(
            ngettext(
                "average pain has not come down over {n} week ({first} → {last} out of 10)",
                "average pain has not come down over {n} weeks ({first} → {last} out of 10)",
                PERSISTENT_WEEKS,
            ).format(
                n=PERSISTENT_WEEKS,
                first=formats.number(first, digits=1),
                last=formats.number(last, digits=1),
            )
        )
    return _advice(tuple(reasons)) if reasons else None


def _advice(reasons: tuple[str, ...]) -> MedicalAdvice:
    """The advice for ``reasons``, every text of it in the person's language."""
    return MedicalAdvice(
        reasons,
        intro=_(ADVICE_INTRO),
        points=tuple(_(point) for point in ADVICE_POINTS),
        why=_(ADVICE_WHY),
        disclaimer=_(NO_DIAGNOSIS),
        source=_(SEEK_MEDICAL),
    )


def _no_improvement(entries: list[JournalEntry], end: float) -> tuple[float, float] | None:
    """(earliest, latest) weekly average pain when it did not improve, else None."""
    week = 7 * 86400.0
    means = []
    for i in range(PERSISTENT_WEEKS, 0, -1):
        lo, hi = end - i * week, end - (i - 1) * week
        pains = [e.pain for e in entries if lo <= e.t < hi and e.pain is not None]
        if len(pains) < MIN_ENTRIES_PER_WEEK:
            return None
        means.append(float(np.mean(pains)))
    first, last = means[0], means[-1]
    if last >= PERSISTENT_PAIN and last >= first:
        return first, last
    return None


def _day(t: float, tz: tzinfo) -> str:
    return short_date(epoch_day(t, tz))
