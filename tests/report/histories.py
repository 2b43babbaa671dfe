"""Hand-built histories for the report tests, in memory and as real SQLite files."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from posture_watch.core.journal import JournalEntry
from posture_watch.core.report import (
    MINUTE_COLUMNS,
    AlertRecord,
    History,
    Interval,
    MinuteRows,
    PromptRecord,
    day_bounds,
)
from posture_watch.history.schema import create_or_migrate

TZ = ZoneInfo("Europe/Berlin")
DAY = date(2025, 5, 12)  # a Monday


def at(hour: float, day: date = DAY, tz: ZoneInfo = TZ) -> float:
    """Epoch seconds of a local clock time (``13.5`` is 13:30) on ``day``."""
    h, m = int(hour), round((hour % 1) * 60)
    return datetime.combine(day, time(h, m), tzinfo=tz).timestamp()


def minutes(
    start: float,
    states: str,
    *,
    tilt: float = 1.0,
) -> MinuteRows:
    """One row per character from ``start`` (epoch s, minute-aligned).

    ``U`` upright, ``S`` slouch, ``A`` away, ``?`` unknown, ``s`` half upright/half slouch,
    ``.`` no row at all (not monitored).
    """
    table = {"U": (60, 0, 0, 0), "S": (0, 60, 0, 0), "A": (0, 0, 60, 0), "?": (0, 0, 0, 60)}
    table["s"] = (30, 30, 0, 0)
    rows = []
    for i, c in enumerate(states):
        if c == ".":
            continue
        u, s, a, k = table[c]
        present = a == 0
        feats = (0.5, 0.6, 12.0, tilt, 0.0) if present else (np.nan,) * 5
        rows.append((start + 60.0 * i, u, s, a, k, *feats))
    return MinuteRows.from_array(np.array(rows, dtype=np.float64).reshape(-1, 10))


def concat(*parts: MinuteRows) -> MinuteRows:
    arrays = [np.stack([getattr(p, n) for n in MINUTE_COLUMNS], axis=1) for p in parts]
    return MinuteRows.from_array(np.concatenate(arrays))


def working_day(day: date = DAY, *, late_slouch: int = 40, tilt: float = 1.0) -> History:
    """09:00-17:00 at the desk with a lunch break; ``late_slouch`` minutes after 15:00.

    Morning upright with a 3-minute slouch at 10:00; lunch 12:00-12:45 away; afternoon
    upright until 15:00, then ``late_slouch`` minutes of slouching in 4 episodes.
    """
    morning = "U" * 60 + "SSS" + "U" * 117  # 09:00-12:00
    lunch = "A" * 45  # 12:00-12:45
    early_pm = "U" * 135  # 12:45-15:00
    per = late_slouch // 4
    late = ("U" * 20 + "S" * per) * 4
    late = late + "U" * (120 - len(late))  # 15:00-17:00
    rows = minutes(at(9, day), morning + lunch + early_pm + late, tilt=tilt)
    return History(
        start=day_bounds(day, TZ)[0],
        end=day_bounds(day, TZ)[1],
        minutes=rows,
        bouts=(Interval(at(9, day), at(12, day)), Interval(at(12.75, day), at(17, day))),
        breaks=(Interval(at(12, day), at(12.75, day)),),
        alerts=(
            AlertRecord(at(10.05, day), "slouch", at(10, day)),
            AlertRecord(at(10.85, day), "long_sitting", at(9, day)),
            AlertRecord(at(13.6, day), "long_sitting", at(12.75, day)),
        ),
        prompts=(
            PromptRecord(at(10.05, day), "posture-stack", "posture_check", "slouch"),
            PromptRecord(
                at(10.85, day),
                "break-walk",
                "break",
                "long_sitting",
                "chin-tuck",
                "done",
                at(10.9, day),
            ),
            PromptRecord(
                at(13.6, day),
                "break-walk",
                "break",
                "long_sitting",
                "neck-turn",
                "skipped",
                at(13.61, day),
            ),
            PromptRecord(
                at(15.5, day),
                "chin-tuck",
                "stretch",
                "check",
                "chin-tuck",
                "snoozed",
                at(15.51, day),
            ),
            PromptRecord(at(16.2, day), "chin-tuck", "stretch", "check", "chin-tuck", "ignored"),
        ),
    )


def with_journal(history: History, entries: Sequence[JournalEntry]) -> History:
    return replace(history, journal=tuple(entries))


def write_history(path: Path, history: History) -> Path:
    """Store ``history`` in a real history file made by the history's own schema code."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        create_or_migrate(conn)
        conn.execute("BEGIN")
        m = history.minutes
        rows = np.stack([getattr(m, n) for n in MINUTE_COLUMNS], axis=1).tolist()
        rows = [[None if isinstance(v, float) and np.isnan(v) else v for v in r] for r in rows]
        columns, marks = ", ".join(MINUTE_COLUMNS), ", ".join("?" * len(MINUTE_COLUMNS))
        conn.executemany(f"INSERT INTO minutes ({columns}) VALUES ({marks})", rows)
        for table in ("bouts", "breaks", "pauses"):
            conn.executemany(
                f'INSERT INTO {table} (start, "end") VALUES (?, ?)',
                [(i.start, i.end) for i in getattr(history, table)],
            )
        conn.executemany(
            'INSERT INTO camera_problems (start, "end", reason) VALUES (?, ?, ?)',
            [(i.start, i.end, "unplugged") for i in history.camera_problems],
        )
        conn.executemany(
            "INSERT INTO alerts VALUES (?, ?, ?)", [(a.t, a.kind, a.since) for a in history.alerts]
        )
        conn.executemany(
            "INSERT INTO prompts (t, prompt_id, kind, reason, stretch_id, answer, answered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (p.t, p.prompt_id, p.kind, p.reason, p.stretch_id, p.answer, p.answered_at)
                for p in history.prompts
            ],
        )
        conn.executemany(
            "INSERT INTO journal (t, pain, areas, note, numbness, weakness) VALUES (?,?,?,?,?,?)",
            [
                (e.t, e.pain, ",".join(e.areas), e.note, int(e.numbness), int(e.weakness))
                for e in history.journal
            ],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path


def merge(*histories: History) -> History:
    """One history covering all of ``histories`` (which must not overlap in time)."""
    ordered = sorted(histories, key=lambda h: h.start)
    fields = ("bouts", "breaks", "alerts", "prompts", "pauses", "camera_problems", "journal")
    return History(
        start=ordered[0].start,
        end=ordered[-1].end,
        minutes=concat(*(h.minutes for h in ordered)),
        **{f: tuple(x for h in ordered for x in getattr(h, f)) for f in fields},
    )


def short_session(
    day: date = DAY,
    start: float = 10.1,
    states: str = "UUUUSSSUUUUUUU",
    pain: int | None = None,
) -> History:
    """One short sitting (14 minutes by default) from ``start`` with a slouch reminder.

    ``pain`` adds a journal entry at 18:00 that day.
    """
    t0 = at(start, day)
    return History(
        *day_bounds(day, TZ),
        minutes=minutes(t0, states),
        bouts=(Interval(t0, t0 + 60.0 * len(states)),),
        alerts=(AlertRecord(t0 + 300.0, "slouch", t0 + 240.0),),
        prompts=(PromptRecord(t0 + 300.0, "posture-stack", "posture_check", "slouch"),),
        journal=() if pain is None else (JournalEntry(at(18, day), pain=pain),),
    )


def across_midnight(day: date = DAY, start: float = 23.25, length: int = 85) -> History:
    """Sitting from ``start`` on ``day`` past midnight (``length`` minutes): the report of
    ``day`` sees only its last part (23:15-00:00 by default)."""
    t0 = at(start, day)
    states = ("U" * 25 + "SSSSS") * (length // 30 + 1)
    return History(
        *day_bounds(day, TZ, 2),
        minutes=minutes(t0, states[:length]),
        bouts=(Interval(t0, t0 + 60.0 * length),),
    )


#: Europe/Berlin springs forward at 02:00 on this day (02:00-03:00 does not exist).
DST_DAY = date(2025, 3, 30)


def dst_morning(day: date = DST_DAY, start: float = 1.5, length: int = 120) -> History:
    """``length`` minutes from 01:30 on a daylight-saving day: the clock reads 01:30-04:30."""
    t0 = at(start, day)
    states = ("U" * 20 + "SSSSSSSSSS") * (length // 30 + 1)
    return History(
        *day_bounds(day, TZ),
        minutes=minutes(t0, states[:length]),
        bouts=(Interval(t0, t0 + 60.0 * length),),
    )
