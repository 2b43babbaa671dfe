"""A source the person cannot read (a file in someone else's private folder) is one
line and exit 2, not a PermissionError traceback: run as an unprivileged user, since
root reads everything."""

from __future__ import annotations

import shutil

from posture_watch.paths import SAMPLES_DIR
from tests.harness.read_only import ReadOnlySandbox, posture_watch


def test_a_recording_in_a_private_folder_is_one_line(sandbox: ReadOnlySandbox) -> None:
    private = sandbox.base / "private"
    private.mkdir(mode=0o700)
    session = private / "session.jsonl"
    shutil.copyfile(SAMPLES_DIR / "demo-session.jsonl", session)
    env = sandbox.env()
    proc = sandbox.run(posture_watch("analyze", str(session)), env)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"posture-watch: {session}: cannot read it (permission denied)"
