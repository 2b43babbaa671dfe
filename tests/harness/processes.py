"""Waiting for and reaping the programs a test starts: one poll loop, one polite stop.

Start-up is awaited by polling, not fixed sleeps (fast at first, backing off), so a ready
program is seen at once and a slow, loaded machine only waits longer; every program is
terminated, killed if it lingers and always reaped, so no test leaves a zombie behind.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], timeout: float, what: str = "condition") -> T:
    """Poll ``predicate`` until it returns something truthy, and return that value.

    Raises TimeoutError naming ``what`` after ``timeout`` seconds. Polling starts fast
    (10 ms) and backs off to 100 ms, so ready things are seen at once without busy-waiting.
    """
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.1)


def stop(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Terminate politely, kill after 5 s, and always reap (no zombies)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def processes() -> dict[int, tuple[str, str, int]]:
    """Every process on the machine: pid -> (name, state letter, parent pid), from /proc.

    For tests that check no process was left behind: a zombie (state ``Z``) has ended but
    was not reaped by its parent.
    """
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # it ended while we looked
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        state, ppid = text[text.rindex(")") + 2 :].split()[:2]
        found[int(stat.parent.name)] = (name, state, int(ppid))
    return found


def running(pid: int) -> bool:
    """True while ``pid`` runs or is stopped; False once it has ended (gone or a zombie)."""
    entry = processes().get(pid)
    return entry is not None and entry[1] != "Z"


def camera_worker_of(pid: int) -> int | None:
    """The pid of the camera worker process ``pid`` started, once it runs (else None)."""
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"worker_entry" in cmdline:
                return int(child)
    return None
