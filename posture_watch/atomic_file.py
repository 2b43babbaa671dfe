"""Replace a file whole or not at all: the one atomic writer every file of ours goes through.

Settings, calibration profiles, desktop entries, reports, downloaded models and landmark
recordings must never be seen half-written: a crash, a full disk or Ctrl-C midway has to
leave the previous file (or no file) in place, and a power cut just after a save must not
lose it. The recipe is the same for all of them, so it lives here once:

1. write into a hidden temporary file in the target's own folder (a rename across file
   systems is not atomic);
2. give it its final mode (``0o600`` for private files, the default; ``0o644`` for files
   other programs read) and ``fsync`` it, so the data is on disk before its name is;
3. rename it over the target (``os.replace``), or, when an existing file must be kept,
   link it to the target name only if that name is still free;
4. ``fsync`` the folder, so the rename itself survives a power cut.

An error (or an exception in the caller's ``with`` block) removes the temporary file and
leaves the target as it was; the ``OSError`` goes to the caller, which says what failed in
its own words (a :class:`~posture_watch.errors.StorageError`, a ``ModelError``...).

This is an adapter-level helper (it does I/O), below everything else in the package: the
pure core never writes files. The caller creates the folder: its message for a folder
that cannot be made differs from the one for a file that cannot be written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

#: Files only their owner may read: settings, profiles, reports, recordings.
PRIVATE = 0o600
#: Files other programs read: desktop entries, downloaded models.
SHARED = 0o644


class AtomicFile:
    """A temporary file beside ``path`` that becomes ``path`` on :meth:`commit`.

    Use it as a context manager (``with AtomicFile(p) as f: f.write(...)``: committed when
    the block ends normally, discarded when it raises), or keep it open across calls and
    end it with :meth:`commit` or :meth:`discard` (a recording written frame by frame).
    ``text`` opens the file for ``str`` (UTF-8, ``newline``) instead of ``bytes``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        mode: int = PRIVATE,
        text: bool = True,
        newline: str | None = None,
        suffix: str = ".tmp",
    ) -> None:
        self.path = Path(path)
        self.mode = mode
        fd, tmp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=suffix
        )
        self.tmp_path = Path(tmp)
        try:
            if text:
                self.file: IO[Any] = os.fdopen(fd, "w", encoding="utf-8", newline=newline)
            else:
                self.file = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            self.tmp_path.unlink(missing_ok=True)
            raise
        self._done = False

    def write(self, data: Any) -> int:
        """Write ``data`` (``str`` or ``bytes``, as opened) to the temporary file."""
        return int(self.file.write(data))

    def commit(self, *, replace: bool = True) -> bool:
        """Make the written data ``path``; returns whether ``path`` now holds it.

        With ``replace=False`` an existing ``path`` (or one created meanwhile by someone
        else) is kept and False is returned. Either way the temporary file is gone after
        this call, also when it raises.
        """
        if self._done:
            raise ValueError(f"{self.path}: already committed or discarded")
        self._done = True
        try:
            self.file.flush()
            os.fchmod(self.file.fileno(), self.mode)  # mkstemp made it 0600, whatever the umask
            os.fsync(self.file.fileno())
            self.file.close()
            published = _publish(self.tmp_path, self.path, replace=replace)
        finally:
            with contextlib.suppress(OSError):
                self.file.close()
            self.tmp_path.unlink(missing_ok=True)
        if published:
            fsync_folder(self.path.parent)
        return published

    def discard(self) -> None:
        """Drop everything written; ``path`` is left as it was. Safe to call twice."""
        if self._done:
            return
        self._done = True
        with contextlib.suppress(OSError):  # the data is being thrown away
            self.file.close()
        self.tmp_path.unlink(missing_ok=True)

    @property
    def closed(self) -> bool:
        """Whether :meth:`commit` or :meth:`discard` has ended this file."""
        return self._done

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.discard()
        elif not self._done:
            self.commit()


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    mode: int = PRIVATE,
    replace: bool = True,
) -> bool:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically; see :class:`AtomicFile`.

    Returns whether ``path`` now holds ``data`` (False only with ``replace=False`` when
    the file already existed). Raises ``OSError``; nothing is left behind then.
    """
    with AtomicFile(path, mode=mode, text=isinstance(data, str)) as out:
        out.write(data)
        return out.commit(replace=replace)


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Make a rename in ``folder`` durable. POSIX only (Windows cannot open a folder);
    a file system that refuses to sync a folder is left be: the file itself is synced."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _publish(tmp: Path, path: Path, *, replace: bool) -> bool:
    """Give the finished file its name: always (``replace``), or only if it is free."""
    if replace:
        os.replace(tmp, path)
        return True
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system: a small window, as good as it gets
        if path.exists():
            return False
        os.replace(tmp, path)
    return True


__all__ = ["PRIVATE", "SHARED", "AtomicFile", "fsync_folder", "write_atomic"]
