"""The event journal: real event values in, the same values back, and it never kills
the monitor when the disk says no."""

from __future__ import annotations

import json
import logging
import math
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.core.events import SlouchAlert, StateChanged
from posture_watch.core.prompt_rules import Answer, PromptAnswered, PromptShown, Reason
from posture_watch.core.prompts import PromptKind
from posture_watch.core.scoring import PostureState
from posture_watch.core.worker_events import CameraUnavailable, Paused
from posture_watch.monitor.event_log import (
    FILE_NAME,
    EventLog,
    default_path,
    event_record,
    read_events,
)

WALL = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal" / FILE_NAME


def written(path: Path, *events: object, wall: datetime = WALL) -> list[dict]:
    log = EventLog(path)
    for event in events:
        log.write(event, wall)
    log.close()
    return list(read_events(path))


# --- round trips of the real event values ----------------------------------------------


def test_slouch_alert_round_trip(path: Path) -> None:
    [record] = written(path, SlouchAlert(t=125.5, episode_start=95.25))
    assert record == {
        "wall": "2026-03-14T09:26:53+00:00",
        "type": "SlouchAlert",
        "t": 125.5,
        "episode_start": 95.25,
        "kind": "slouch",
    }


def test_enums_are_written_as_their_values(path: Path) -> None:
    [changed] = written(path, StateChanged(3.0, PostureState.SLOUCH, PostureState.UPRIGHT))
    assert changed["state"] == "slouch" and changed["previous"] == "upright"
    assert PostureState(changed["state"]) is PostureState.SLOUCH


def test_prompt_events_round_trip(path: Path) -> None:
    shown = PromptShown(10.0, "stretch-neck", PromptKind.STRETCH, Reason.LONG_SITTING, "neck-roll")
    answered = PromptAnswered(42.0, "stretch-neck", Answer.SNOOZED)
    records = written(path, shown, answered)
    assert [r["type"] for r in records] == ["PromptShown", "PromptAnswered"]
    assert records[0] | {"wall": None} == {
        "wall": None,
        "type": "PromptShown",
        "t": 10.0,
        "prompt_id": "stretch-neck",
        "kind": "stretch",
        "reason": "long_sitting",
        "stretch_id": "neck-roll",
    }
    assert records[1]["answer"] == "snoozed"
    assert Answer(records[1]["answer"]) is Answer.SNOOZED


def test_optional_fields_are_null(path: Path) -> None:
    shown = PromptShown(1.0, "check-1", PromptKind.POSTURE_CHECK, Reason.CHECK)
    [record, paused] = written(path, shown, Paused(2.0, until=None))
    assert record["stretch_id"] is None
    assert paused == {"wall": record["wall"], "type": "Paused", "t": 2.0, "until": None}


def test_camera_unavailable_round_trip(path: Path) -> None:
    event = CameraUnavailable(7.0, "camera 0: stopped delivering frames (unplugged?)", 4.0)
    [record] = written(path, event)
    assert record["type"] == "CameraUnavailable"
    assert CameraUnavailable(**{k: v for k, v in record.items() if k not in ("wall", "type")}) == (
        event
    )


def test_unicode_is_written_as_is(path: Path) -> None:
    written(path, CameraUnavailable(0.0, "Kamera „USB“ belegt", 1.0))
    assert "„USB“" in path.read_text(encoding="utf-8")


def test_floats_are_rounded_to_milliseconds(path: Path) -> None:
    [record] = written(path, SlouchAlert(t=1.23456789, episode_start=0.0004))
    assert record["t"] == 1.235
    assert record["episode_start"] == 0.0


def test_nan_is_written_as_null(path: Path) -> None:
    written(path, SlouchAlert(t=math.nan, episode_start=2.0))
    line = path.read_text(encoding="utf-8")
    assert "NaN" not in line
    record = json.loads(line, parse_constant=pytest.fail)  # strict JSON
    assert record["t"] is None and record["episode_start"] == 2.0


def test_each_event_is_one_line_in_order(path: Path) -> None:
    events = [SlouchAlert(float(t), 0.0) for t in range(5)]
    written(path, *events)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    assert [json.loads(line)["t"] for line in lines] == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_writes_append_to_an_existing_journal(path: Path) -> None:
    written(path, SlouchAlert(1.0, 0.0))
    records = written(path, SlouchAlert(2.0, 0.0))
    assert [r["t"] for r in records] == [1.0, 2.0]


# --- reading back what a crash or a stray editor left ----------------------------------


def test_torn_last_line_is_skipped(path: Path) -> None:
    written(path, SlouchAlert(1.0, 0.0), SlouchAlert(2.0, 0.0))
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"wall": "2026-03-14T09:27:00+00:00", "type": "Slou')
    assert [r["t"] for r in read_events(path)] == [1.0, 2.0]


def test_garbage_and_foreign_lines_are_skipped(path: Path) -> None:
    written(path, SlouchAlert(1.0, 0.0))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("not json at all\n")
        handle.write("\n")
        handle.write("[1, 2, 3]\n")
        handle.write('{"no": "type"}\n')
    written(path, SlouchAlert(2.0, 0.0))
    assert [r["t"] for r in read_events(path)] == [1.0, 2.0]


def test_the_first_event_after_a_crash_mid_line_is_kept(path: Path) -> None:
    """A crash loses at most the line being written, not the next one too."""
    written(path, SlouchAlert(1.0, 0.0))
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"wall": "2026-03-14T09:27:00+00:00", "ty')  # killed mid-line
    records = written(path, SlouchAlert(3.0, 0.0), SlouchAlert(4.0, 0.0))
    assert [r["t"] for r in records] == [1.0, 3.0, 4.0]


def test_reading_a_missing_journal_yields_nothing(path: Path) -> None:
    assert list(read_events(path)) == []
    assert not path.exists()


def test_default_path_is_in_the_users_data_folder(private_user_folders: Path) -> None:
    assert default_path() == paths.data_dir() / FILE_NAME
    assert default_path().is_relative_to(private_user_folders)
    log = EventLog()
    log.write(SlouchAlert(1.0, 0.0), WALL)
    log.close()
    assert [r["type"] for r in read_events()] == ["SlouchAlert"]


# --- threads, failures, reopening --------------------------------------------------------


def test_writes_from_several_threads_land_as_whole_lines(path: Path) -> None:
    log = EventLog(path)
    threads, per_thread = 8, 200
    start = threading.Barrier(threads)
    long_reason = "x" * 2000  # longer than one buffered write

    def worker(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            log.write(CameraUnavailable(float(i), f"{n}:{long_reason}", float(n)), WALL)

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    log.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == threads * per_thread
    records = [json.loads(line) for line in lines]  # every line parses on its own
    for n in range(threads):
        mine = [r["t"] for r in records if r["retry_in"] == n]
        assert mine == [float(i) for i in range(per_thread)]


def test_unwritable_path_logs_one_error_and_carries_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / FILE_NAME
    blocked.mkdir()  # a folder where the file should be
    log = EventLog(blocked)
    with caplog.at_level(logging.ERROR, logger="posture_watch.monitor.event_log"):
        for t in range(5):
            log.write(SlouchAlert(float(t), 0.0), WALL)
        log.close()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert str(blocked) in errors[0].getMessage()
    assert blocked.is_dir() and not any(blocked.iterdir())


def test_folder_that_cannot_be_created_logs_one_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "data").write_text("a file, not a folder")
    log = EventLog(tmp_path / "data" / FILE_NAME)
    with caplog.at_level(logging.ERROR, logger="posture_watch.monitor.event_log"):
        log.write(SlouchAlert(1.0, 0.0), WALL)
        log.write(SlouchAlert(2.0, 0.0), WALL)
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


def test_write_after_close_reopens(path: Path) -> None:
    log = EventLog(path)
    log.write(SlouchAlert(1.0, 0.0), WALL)
    log.close()
    rotated = path.with_suffix(".old")
    path.rename(rotated)  # closed, so the journal can be moved aside
    log.write(SlouchAlert(2.0, 0.0), WALL)
    log.close()
    log.close()  # closing twice is harmless
    assert [r["t"] for r in read_events(path)] == [2.0]
    assert [r["t"] for r in read_events(rotated)] == [1.0]


def test_writes_are_flushed_before_close(path: Path) -> None:
    log = EventLog(path)
    log.write(SlouchAlert(1.0, 0.0), WALL)
    assert [r["t"] for r in read_events(path)] == [1.0]  # a crash now loses nothing
    log.close()


@pytest.mark.parametrize("value", [{"t": 1.0}, "SlouchAlert", 3, None, SlouchAlert])
def test_non_dataclass_is_a_type_error(path: Path, value: object) -> None:
    log = EventLog(path)
    with pytest.raises(TypeError, match="not an event dataclass"):
        log.write(value, WALL)
    log.close()
    assert not path.exists()
    with pytest.raises(TypeError):
        event_record(value, WALL)


def test_infinities_are_written_as_null_so_every_line_is_valid_json(tmp_path) -> None:
    from posture_watch.core.worker_events import Paused

    log = EventLog(tmp_path / "events.jsonl")
    log.write(Paused(1.0, float("inf")), WALL)
    log.close()
    line = (tmp_path / "events.jsonl").read_text().strip()
    assert json.loads(line, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))["until"] is None


def test_a_log_rewritten_or_deleted_by_forget_is_written_again_not_the_old_one(path: Path):
    """``forget`` replaces the file (atomically, without the forgotten days) or deletes it
    while a monitor may hold it open: the monitor's next line goes to the new file."""
    from posture_watch.atomic_file import write_atomic

    log = EventLog(path)
    log.write(SlouchAlert(1.0, episode_start=0.0), WALL)
    kept = path.read_text()
    write_atomic(path, kept)  # as forget --before does
    log.write(SlouchAlert(2.0, episode_start=0.0), WALL)
    assert [r["t"] for r in read_events(path)] == [1.0, 2.0]
    path.unlink()  # as forget --all does
    log.write(SlouchAlert(3.0, episode_start=0.0), WALL)
    log.close()
    assert [r["t"] for r in read_events(path)] == [3.0]
