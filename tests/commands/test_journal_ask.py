"""``journal`` alone asks for the pain score on a terminal, and is one clear line without
one (issue 17). The terminal is a real pseudo-terminal, the history a real file."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

from posture_watch.history import HistoryStore

CLI = [sys.executable, "-m", "posture_watch.cli"]


class Terminal:
    """The CLI running on a pseudo-terminal: write answers, read what it shows."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(
            [*CLI, *args], stdin=slave, stdout=slave, stderr=slave, env=env
        )
        os.close(slave)

    def read_until(self, text: str, timeout: float = 20.0) -> str:
        seen = b""
        end = time.monotonic() + timeout
        while text.encode() not in seen and time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the program ended
                    break
                seen += chunk
        return seen.decode().replace("\r\n", "\n")

    def answer(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def finish(self) -> int:
        code = self.proc.wait(timeout=20)
        os.close(self.master)
        return code


def entries(history):
    with HistoryStore.open_readonly(history) as store:
        return store.journal_entries(0)


def test_journal_alone_on_a_terminal_asks_for_the_pain_and_a_note(tmp_path):
    history = tmp_path / "history.sqlite3"
    term = Terminal("journal", "--history", str(history), env=dict(os.environ))
    assert "Pain now, 0 (none) to 10 (worst): " in term.read_until("(worst): ")
    term.answer("12")  # out of range: asked again
    again = term.read_until("(worst): ")
    assert "a whole number from 0 to 10, please" in again and again.endswith("(worst): ")
    term.answer("four")
    term.read_until("(worst): ")
    term.answer("4")
    assert "A note (optional, Enter to skip): " in term.read_until("skip): ")
    term.answer("stiff after the call")
    shown = term.read_until('call"')
    assert term.finish() == 0, shown
    assert "saved in the pain journal: " in shown and 'pain 4/10  "stiff after the call"' in shown
    (entry,) = entries(history)
    assert (entry.pain, entry.note) == (4, "stiff after the call")


def test_the_note_may_be_skipped_and_ctrl_d_saves_nothing(tmp_path):
    history = tmp_path / "history.sqlite3"
    term = Terminal("journal", "--history", str(history), env=dict(os.environ))
    term.read_until("(worst): ")
    term.answer("0")
    term.read_until("skip): ")
    term.answer("")
    assert term.finish() == 0
    assert [(e.pain, e.note) for e in entries(history)] == [(0, "")]

    term = Terminal("journal", "--history", str(history), env=dict(os.environ))
    term.read_until("(worst): ")
    os.write(term.master, b"\x04")  # Ctrl-D
    assert "nothing saved" in term.read_until("saved")
    assert term.finish() == 1
    assert len(entries(history)) == 1


def test_journal_alone_without_a_terminal_is_one_line_naming_the_options(tmp_path):
    proc = subprocess.run(
        [*CLI, "journal", "--history", str(tmp_path / "h.sqlite3")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    for option in ("--pain", "--where", "--note", "--numbness", "--weakness"):
        assert option in proc.stderr
    assert proc.stderr.startswith("posture-watch: an empty journal entry")
    assert not (tmp_path / "h.sqlite3").exists()
