"""Landlock confines a process's files: it reads what the rules list and writes nothing.

A restriction cannot be lifted, so every test that applies one does it in a child Python
process (``python -c``), never in pytest's own, on real files in temporary folders; those
tests are ``slow`` and skipped, with the kernel's reason, where Landlock is missing. A
kernel without Landlock is played in-process by replacing the one function that enters
the kernel (:func:`posture_watch.landlock.kernel_call`).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from posture_watch import landlock
from posture_watch.landlock import Applied, Rules

CHILD_TIMEOUT = 60
ABI, WHY_NOT = landlock.probe()
needs_landlock = pytest.mark.skipif(ABI == 0, reason=f"no Landlock here: {WHY_NOT}")

#: Tries each action and prints {name: "ok", a value, or the errno's name} as JSON.
ATTEMPT = """
    import errno, json, os, sys
    from pathlib import Path
    from posture_watch import landlock

    out = {}

    def attempt(name, action):
        try:
            result = action()
            out[name] = "ok" if result is None else result
        except OSError as exc:
            out[name] = errno.errorcode.get(exc.errno, str(exc.errno))
"""


def run_child(code: str, *args: object, cwd: Path) -> dict[str, object]:
    """Run ``code`` (after :data:`ATTEMPT`) in a fresh Python; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(ATTEMPT) + textwrap.dedent(code), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return answer


@pytest.fixture
def folders(tmp_path: Path) -> dict[str, Path]:
    """An allowed folder, a forbidden one, a file allowed alone and a neutral cwd."""
    made = {name: tmp_path / name for name in ("allowed", "other", "lone", "cwd")}
    for folder in made.values():
        folder.mkdir()
    (made["allowed"] / "in.txt").write_text("allowed text")
    (made["other"] / "secret.txt").write_text("secret text")
    (made["lone"] / "alone.txt").write_text("alone text")
    (made["lone"] / "sibling.txt").write_text("sibling text")
    return made


CONFINED = """
    import subprocess
    allowed, other, lone = map(Path, sys.argv[1:4])
    out["imported before"] = [m for m in ("decimal", "numpy") if m in sys.modules]
    rules = landlock.Rules(read=(allowed, lone / "alone.txt") + landlock.python_reads())
    applied = landlock.restrict(rules)
    out["applied"], out["unconfined"] = applied.applied, applied.unconfined_threads
    attempt("read allowed", lambda: (allowed / "in.txt").read_text())
    attempt("list allowed", lambda: os.listdir(allowed))
    attempt("read other", lambda: (other / "secret.txt").read_text())
    attempt("list other", lambda: os.listdir(other))
    attempt("read lone file", lambda: (lone / "alone.txt").read_text())
    attempt("read its sibling", lambda: (lone / "sibling.txt").read_text())
    attempt("create", lambda: open(allowed / "new.txt", "x").close())
    attempt("append", lambda: open(allowed / "in.txt", "a").close())
    attempt("truncate", lambda: os.truncate(allowed / "in.txt", 0))
    attempt("make folder", lambda: os.mkdir(allowed / "sub"))
    attempt("remove", lambda: os.unlink(allowed / "in.txt"))
    attempt("run a program", lambda: subprocess.run(["/bin/true"], check=True) and None)
    attempt("import decimal", lambda: str(__import__("decimal").Decimal("1.5") * 2))
    attempt("import numpy", lambda: int(__import__("numpy").arange(4).sum()))
    attempt("other's fd link", lambda: os.readlink(f"/proc/{os.getppid()}/fd/1"))
    attempt("own fd link", lambda: os.readlink("/proc/self/fd/1") and None)
    attempt("signal the parent", lambda: os.kill(os.getppid(), 0))
    print(json.dumps(out))
"""


@needs_landlock
@pytest.mark.slow
def test_a_confined_child_reads_only_its_rules_and_writes_nothing(
    folders: dict[str, Path],
) -> None:
    out = run_child(
        CONFINED, folders["allowed"], folders["other"], folders["lone"], cwd=folders["cwd"]
    )

    assert out["applied"] is True and out["unconfined"] == 0
    assert out["imported before"] == []  # so the imports below are lazy, after the rules
    assert out["read allowed"] == "allowed text"
    assert out["list allowed"] == ["in.txt"]
    assert out["read other"] == "EACCES" and out["list other"] == "EACCES"
    # a rule on a file gives that file (read folder is masked off, not refused by the kernel)
    assert out["read lone file"] == "alone text" and out["read its sibling"] == "EACCES"
    for action in ("create", "append", "make folder", "remove", "run a program"):
        assert out[action] == "EACCES", action
    assert out["truncate"] == ("EACCES" if ABI >= 3 else "ok")  # not checked before ABI 3
    assert out["import decimal"] == "3.0" and out["import numpy"] == 6
    # Landlock refuses ptrace-like access outside the sandbox, /proc/PID/fd included:
    # a camera-user scan inside a confined worker cannot see other programs' files.
    assert out["other's fd link"] == "EACCES" and out["own fd link"] == "ok"
    assert out["signal the parent"] == ("EPERM" if ABI >= 6 else "ok")


DEVICES = """
    link, missing, listed = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "listed"
    import fcntl, termios
    devices = (link, missing) if listed else ()
    applied = landlock.restrict(landlock.Rules(read=landlock.python_reads(), devices=devices))
    out["applied"], out["skipped"] = applied.applied, [str(p) for p in applied.skipped]
    attempt("write null", lambda: open(os.devnull, "w").write("x") and None)  # O_TRUNC too
    attempt("read null", lambda: open(os.devnull).read())
    with open(os.devnull) as null:  # TCGETS: "not a terminal" once the ioctl is let through
        attempt("ioctl", lambda: fcntl.ioctl(null, termios.TCGETS, bytes(64)) and None)
    print(json.dumps(out))
"""


@needs_landlock
@pytest.mark.slow
def test_writing_dev_null_needs_a_device_rule(folders: dict[str, Path]) -> None:
    link = folders["allowed"] / "null-link"
    link.symlink_to(os.devnull)  # followed: the rule is on /dev/null itself
    missing = folders["allowed"] / "video9"
    run = {
        kind: run_child(DEVICES, link, missing, kind, cwd=folders["cwd"])
        for kind in ("listed", "unlisted")
    }

    assert run["listed"]["applied"] is True and run["listed"]["skipped"] == [str(missing)]
    assert run["listed"]["write null"] == "ok" and run["listed"]["read null"] == ""
    assert run["listed"]["ioctl"] == "ENOTTY"
    assert run["unlisted"]["write null"] == "EACCES" and run["unlisted"]["read null"] == ""
    assert run["unlisted"]["ioctl"] == ("EACCES" if ABI >= 5 else "ENOTTY")


THREADS = """
    import threading
    secret = Path(sys.argv[1])
    go, done = threading.Event(), threading.Event()

    def earlier_thread():
        go.wait()
        attempt("earlier thread reads", lambda: secret.read_text())
        done.set()

    threading.Thread(target=earlier_thread).start()
    applied = landlock.restrict(landlock.Rules(read=landlock.python_reads()))
    out["unconfined"] = applied.unconfined_threads
    go.set()
    done.wait()
    attempt("caller reads", lambda: secret.read_text())
    print(json.dumps(out))
"""


@needs_landlock
@pytest.mark.slow
def test_threads_started_before_the_restriction_are_counted(folders: dict[str, Path]) -> None:
    out = run_child(THREADS, folders["other"] / "secret.txt", cwd=folders["cwd"])

    assert out["caller reads"] == "EACCES"
    if ABI >= 8:  # TSYNC: every thread
        assert out["unconfined"] == 0 and out["earlier thread reads"] == "EACCES"
    else:  # what the worker must avoid by restricting before NumPy starts threads
        assert out["unconfined"] == 1 and out["earlier thread reads"] == "secret text"


OLDER = """
    import fcntl, termios
    version, secret, allowed = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    landlock.probe = lambda: (version, "")  # restrict() builds what this older ABI knows
    applied = landlock.restrict(landlock.Rules(read=(allowed,) + landlock.python_reads()))
    out["applied"] = applied.applied
    attempt("read other", lambda: secret.read_text())
    attempt("write", lambda: open(allowed / "in.txt", "a").close())
    attempt("truncate", lambda: os.truncate(allowed / "in.txt", 0))
    with open(os.devnull) as null:
        attempt("ioctl", lambda: fcntl.ioctl(null, termios.TCGETS, bytes(64)) and None)
    attempt("signal the parent", lambda: os.kill(os.getppid(), 0))
    print(json.dumps(out))
"""


@needs_landlock
@pytest.mark.slow
@pytest.mark.parametrize("version", [1, 3, 4, 5])
def test_an_older_abi_handles_what_it_knows(folders: dict[str, Path], version: int) -> None:
    """A newer kernel accepts an older ABI's ruleset (its shorter attribute struct, fewer
    rights), so the rulesets built for older kernels are checked here for real."""
    if version > ABI:
        pytest.skip(f"the kernel's ABI is {ABI}")
    out = run_child(
        OLDER, version, folders["other"] / "secret.txt", folders["allowed"], cwd=folders["cwd"]
    )

    assert out["applied"] is True
    assert out["read other"] == "EACCES" and out["write"] == "EACCES"
    assert out["truncate"] == ("EACCES" if version >= 3 else "ok")
    assert out["ioctl"] == ("EACCES" if version >= 5 else "ENOTTY")
    assert out["signal the parent"] == "ok"  # scopes come with ABI 6


def kernel_refusing(error: int, *, version: int = 0) -> Callable[..., int]:
    """A ``kernel_call`` that answers the version query with ``version`` when given, and
    refuses every other call with ``error``."""

    def call(number: int, *args: object) -> int:
        if version and number == landlock.CREATE_RULESET and args[0] is None:
            return version
        raise OSError(error, os.strerror(error))

    return call


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (errno.ENOSYS, "the kernel has no Landlock"),
        (errno.EOPNOTSUPP, "not enabled at boot"),
        (errno.EPERM, "refused to give Landlock's version"),
    ],
)
def test_a_kernel_without_landlock_applies_nothing_and_says_why(
    monkeypatch: pytest.MonkeyPatch, error: int, said: str
) -> None:
    monkeypatch.setattr(landlock, "kernel_call", kernel_refusing(error))

    assert landlock.abi() == 0
    applied = landlock.restrict(Rules(read=(Path("/usr"),)))
    assert applied.abi == 0 and applied.applied is False and said in applied.reason
    assert applied.line().startswith("files not confined: ")


def test_a_refused_ruleset_applies_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(landlock, "kernel_call", kernel_refusing(errno.EPERM, version=7))

    applied = landlock.restrict(Rules(read=(Path("/usr"), Path("/no/such/path"))))

    assert applied == Applied(
        abi=7,
        applied=False,
        reason="the kernel refused a Landlock ruleset: Operation not permitted",
        skipped=(Path("/no/such/path"),),
    )


def test_a_refused_rule_after_the_ruleset_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Landlock is there, so a rule it refuses is a bug that must not pass quietly; the
    restriction is not applied (prctl and restrict_self are never reached) and the
    ruleset's descriptor is closed."""
    ruleset = os.open(os.devnull, os.O_RDONLY)
    calls: list[int] = []

    def call(number: int, *args: object) -> int:
        calls.append(number)
        if number == landlock.CREATE_RULESET:
            return 7 if args[0] is None else ruleset
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

    monkeypatch.setattr(landlock, "kernel_call", call)

    with pytest.raises(OSError, match="landlock_add_rule"):
        landlock.restrict(Rules(read=(Path("/usr"),)))
    assert landlock.RESTRICT_SELF not in calls
    with pytest.raises(OSError):
        os.fstat(ruleset)


def test_other_machines_and_systems_are_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(landlock, "kernel_call", kernel_refusing(errno.EPERM, version=7))
    monkeypatch.setattr(landlock.platform, "machine", lambda: "riscv64")
    assert landlock.probe() == (0, "Landlock's system-call numbers are not known here for riscv64")
    monkeypatch.setattr(landlock.sys, "platform", "darwin")
    assert landlock.restrict(Rules()).reason == "no Landlock on darwin"


def test_each_abi_handles_the_rights_it_knows() -> None:
    counts = {abi: bin(landlock.fs_rights(abi)).count("1") for abi in range(9)}
    assert counts == {0: 0, 1: 13, 2: 14, 3: 15, 4: 15, 5: 16, 6: 16, 7: 16, 8: 16}
    assert [landlock.net_rights(abi) for abi in (3, 4)] == [0, 0b11]
    assert [landlock.scopes(abi) for abi in (5, 6)] == [0, 0b11]
    assert landlock.DEVICE & ~landlock.FILE_RIGHTS == 0  # a device rule suits a file


def test_python_reads_are_few_existing_and_leave_out_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))  # as `python -m` does with the current folder

    reads = landlock.python_reads()

    assert all(path.exists() and path == path.resolve() for path in reads)
    assert not any(other in path.parents for path in reads for other in reads)
    assert not any(path == tmp_path or path in tmp_path.parents for path in reads)
    for needed in (sys.base_prefix, Path(landlock.__file__).parent, "/usr", "/proc", "/sys"):
        real = Path(needed).resolve()
        assert any(real == path or path in real.parents for path in reads), needed
    assert Path.home().resolve() not in reads
    assert len(reads) < 20
