"""A fake nscd where glibc looks for one, without touching the machine's ``/run``.

Why: a process allowed Unix sockets can hand a host name to a local daemon that then asks
the network for it (nscd, or systemd-resolved through nss-resolve). glibc asks nscd first
for every hosts lookup whenever ``/var/run/nscd/socket`` exists (``gethostbyname`` sends
``GETHOSTBYNAME``, ``getaddrinfo`` sends ``GETAI``, each after a ``GETFDHST`` for the
shared cache), and falls back to ``/etc/nsswitch.conf`` when nscd answers nothing useful.
So a listener on that path that records each request and closes shows which names a
process tried to get out, and changes nothing else.

The listener runs in the test's own process, on a socket in a temporary folder. The
command under test runs in a private mount namespace (``unshare --mount --propagation
private``; with ``--map-root-user`` when not root) where a small shell script first
keeps the real ``/run`` reachable at a scratch folder (``mount --rbind``), then puts a
tmpfs on ``/run`` holding a symlink to each entry of the real one (``/run/user/…``,
``/run/dbus/…`` keep working) plus ``/run/nscd`` pointing to the fake's folder. Nothing
outside the namespace sees any of it.

Reuse for any command, a whole ``posture-watch monitor`` included::

    if (why := namespace_problem()) is not None:
        pytest.skip(why)
    with FakeNscd(tmp_path / "nscd") as nscd:
        done = run_in_namespace(nscd, [console_script, "monitor", ...], scratch=tmp_path,
                                env=env, timeout=60)
    assert nscd.names() == []

``in_namespace(nscd, argv, scratch)`` gives the wrapped command line instead, for a
caller that starts the process itself (``subprocess.Popen``, to signal it: ``unshare``
and the script each exec the next, so the command keeps the pid) or wraps it further
(``strace``: put it inside, as the command, so the trace holds only the command's calls).
``nscd.wait_for_name(name, timeout)`` waits for a lookup while the command runs.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

#: Where glibc's nscd client connects (``_PATH_NSCDSOCKET``; ``/var/run`` is ``/run``)
NSCD_SOCKET = Path("/var/run/nscd/socket")
NSCD_VERSION = 2
#: request types from glibc's nscd/nscd-client.h (the enum's order)
GETHOSTBYNAME, GETHOSTBYNAMEV6, GETHOSTBYADDR, GETHOSTBYADDRV6 = 4, 5, 6, 7
GETFDHST, GETAI = 13, 14
#: the requests whose key is a host name a daemon would look up
NAME_LOOKUPS = frozenset({GETHOSTBYNAME, GETHOSTBYNAMEV6, GETAI})
MAX_KEY = 1024  # nscd's MAXKEYLEN
HEADER = struct.Struct("=iii")  # int32 version, int32 type, int32 key_len

#: Run as ``sh -c WRAPPER sh STASH FAKE_FOLDER RUN COMMAND...`` inside the new namespace.
WRAPPER = r"""
set -eu
stash=$1 fake=$2 run=$3
shift 3
mount --rbind "$run" "$stash"
mount -t tmpfs -o size=1m,mode=0755 fake-run "$run"
for entry in "$stash"/* "$stash"/.[!.]*; do
    if [ -e "$entry" ] || [ -L "$entry" ]; then ln -s "$entry" "$run/${entry##*/}"; fi
done
rm -f "$run/nscd"
ln -s "$fake" "$run/nscd"
exec "$@"
"""


@dataclass(frozen=True)
class Request:
    """One request as nscd received it."""

    version: int
    type: int
    key: bytes
    at: float  # time.monotonic() when it arrived (one clock for every process here)

    @property
    def name(self) -> str:
        """The key as text, without the C string's closing NUL."""
        return self.key.rstrip(b"\0").decode(errors="replace")


class FakeNscd:
    """A Unix stream listener at ``folder/socket`` that records requests and answers none.

    Use as a context manager: it listens on a thread from ``__enter__`` to ``__exit__``.
    Each connection gets its request read (header, then the key) and is closed, which
    glibc takes as "nscd cannot help" and goes on to ``/etc/nsswitch.conf``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "socket"
        self._requests: list[Request] = []
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FakeNscd:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)  # glibc connects as whoever runs the command
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        self.path.chmod(0o666)
        server.listen(16)
        server.settimeout(0.1)
        self._server = server
        self._thread = threading.Thread(target=self._serve, name="fake-nscd", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._server is not None:
            self._server.close()
        self.path.unlink(missing_ok=True)

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, in order."""
        with self._changed:
            return list(self._requests)

    def names(self) -> list[str]:
        """The host names asked for so far (not the cache-map requests), in order."""
        return [r.name for r in self.requests if r.type in NAME_LOOKUPS]

    def wait_for_name(self, name: str, timeout: float) -> bool:
        """True once ``name`` was asked for; False after ``timeout`` seconds without it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while name not in [r.name for r in self._requests if r.type in NAME_LOOKUPS]:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def _serve(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                request = _read_request(conn)
            if request is not None:
                with self._changed:
                    self._requests.append(request)
                    self._changed.notify_all()


def _read_request(conn: socket.socket) -> Request | None:
    """The request on ``conn``, or None when it is cut short or not nscd's."""
    conn.settimeout(2.0)
    try:
        header = _read_exactly(conn, HEADER.size)
        version, kind, length = HEADER.unpack(header)
        key = _read_exactly(conn, length) if 0 <= length <= MAX_KEY else b""
        return Request(version, kind, key, time.monotonic())
    except (OSError, EOFError, struct.error):
        return None


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise EOFError("the client closed before the whole request")
        data += chunk
    return data


def _unshare_argv() -> list[str]:
    unshare = shutil.which("unshare") or "unshare"
    # mount(8) wants uid 0: a user without it is mapped to root in a user namespace
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    return [unshare, *user, "--mount", "--propagation", "private", "--"]


def in_namespace(
    nscd: FakeNscd, argv: Sequence[str | os.PathLike[str]], scratch: Path
) -> list[str]:
    """``argv`` run in a private mount namespace where ``/run/nscd`` is ``nscd``'s folder.

    ``scratch`` is a folder of the test's own; the real ``/run`` is kept reachable under it.
    """
    stash = scratch / "run-outside"
    stash.mkdir(parents=True, exist_ok=True)
    run = NSCD_SOCKET.parent.parent.resolve()  # /var/run -> /run
    wrapper = [shutil.which("sh") or "/bin/sh", "-c", WRAPPER, "sh"]
    paths = [str(stash), str(nscd.folder.resolve()), str(run)]
    return [*_unshare_argv(), *wrapper, *paths, *map(os.fspath, argv)]


def run_in_namespace(
    nscd: FakeNscd,
    argv: Sequence[str | os.PathLike[str]],
    *,
    scratch: Path,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` to its end with ``nscd`` where glibc looks; output captured as text."""
    return subprocess.run(
        in_namespace(nscd, argv, scratch),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
    )


@functools.cache
def namespace_problem() -> str | None:
    """Why this machine cannot run a command with a fake nscd (no unshare, no mount
    namespaces, mounting refused), or None when it can: checked once, by a command run
    the way :func:`in_namespace` runs one."""
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    if not NSCD_SOCKET.parent.parent.is_dir():
        return f"{NSCD_SOCKET.parent.parent} does not exist here"

    with tempfile.TemporaryDirectory(prefix="fake-nscd-") as folder:
        scratch = Path(folder)
        probe = FakeNscd(scratch / "nscd")
        probe.folder.mkdir()
        argv = [*in_namespace(probe, ["test", "-d", str(NSCD_SOCKET.parent)], scratch)]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"cannot run unshare: {exc}"
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return f"cannot make a private mount namespace with a tmpfs on /run: {reason[0]}"
    return None
