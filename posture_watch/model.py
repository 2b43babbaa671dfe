"""The pose model files: which ones we trust, where to find them, how to fetch them.

The pose model is a ~6-30 MB binary that MediaPipe loads blindly; a truncated or
corrupted file fails deep inside the native library with an unhelpful message, or
worse, loads and gives wrong landmarks. So every pinned variant carries its exact size
and sha256, every file is checked before use, and downloads are atomic: the final name
only ever points at a complete, verified file. A file the user names with ``--model`` must
be one of the pinned variants too: a truncated download or a copy with a few bytes
changed would otherwise run and give results nobody measured. Retrained or newer models
stay possible through an explicit opt-in (``--allow-own-model``), which says so on stderr.

Hashing a 30 MB file on every start would be wasted work, so hashes are cached in-process
per (path, inode, mtime, size); a file rewritten in place keeps neither the same mtime
nor (usually) the same inode, so the cache cannot hide a changed file in practice.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from posture_watch.atomic_file import SHARED, AtomicFile
from posture_watch.core.text import N_, _
from posture_watch.errors import ModelError
from posture_watch.paths import BUNDLED_MODELS_DIR, user_models_dir

_URL_PATTERN = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{variant}/float16/1/pose_landmarker_{variant}.task"
)
_CHUNK = 1 << 16  # 64 KiB: small enough for smooth progress, large enough to be cheap.

#: ``progress(received_bytes, total_bytes_or_None)``, called after every chunk.
ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class ModelVariant:
    """One pinned MediaPipe Pose Landmarker file (float16, v1, Apache-2.0).

    ``size`` is in bytes; ``sha256`` is lowercase hex of the whole file.
    """

    name: str
    size: int
    sha256: str
    url: str

    @property
    def filename(self) -> str:
        """The file name used both in the package's ``models/`` and the user's data folder."""
        return f"pose_landmarker_{self.name}.task"


def _pinned(name: str, size: int, sha256: str) -> ModelVariant:
    return ModelVariant(name, size, sha256, _URL_PATTERN.format(variant=name))


#: The variants we know, smallest (fastest, least accurate) first.
VARIANTS: dict[str, ModelVariant] = {
    v.name: v
    for v in (
        _pinned(
            "lite", 5_777_746, "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a"
        ),
        _pinned(
            "full", 9_398_198, "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad"
        ),
        _pinned(
            "heavy", 30_664_242, "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b"
        ),
    )
}

_hash_cache: dict[tuple[str, int, int, int], str] = {}


def get_variant(name: str) -> ModelVariant:
    """The pinned variant called ``name``; unknown names list the choices."""
    try:
        return VARIANTS[name]
    except KeyError:
        choices = ", ".join(VARIANTS)
        raise ModelError(
            _("unknown model variant {name!r}; choose one of: {choices}").format(
                name=name, choices=choices
            )
        ) from None


def _cache_key(path: Path, st: os.stat_result) -> tuple[str, int, int, int]:
    return (str(path.resolve()), st.st_ino, st.st_mtime_ns, st.st_size)


def file_sha256(path: Path) -> str:
    """Lowercase hex sha256 of ``path``, cached per (path, inode, mtime, size)."""
    try:
        st = path.stat()
        key = _cache_key(path, st)
        if key not in _hash_cache:
            digest = hashlib.sha256()
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
            _hash_cache[key] = digest.hexdigest()
    except OSError as exc:
        raise ModelError(
            _("cannot read model file {path}: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
    return _hash_cache[key]


def _pull_hint(name: str) -> str:
    return _("run `posture-watch model pull {name}` to download a fresh copy").format(name=name)


def _check(path: Path, name: str, size: int | None, sha256: str, *, explicit: bool) -> None:
    """Raise :class:`ModelError` unless ``path`` has ``size`` bytes (if given) and ``sha256``.

    ``explicit``: the user named this file (``--model``), so the hint also mentions
    ``--allow-own-model``; a copy we found ourselves only needs a fresh pull.
    """
    if explicit:
        hint = _("{pull}, or {own}").format(pull=_pull_hint(name), own=_(_OWN_HINT))
    else:
        hint = _pull_hint(name)
    actual_size = _existing_size(path, name)
    if size is not None and actual_size != size:
        raise ModelError(
            _(
                "model file {path} has the wrong size: expected {size} bytes, found {actual_size}"
            ).format(path=path, size=size, actual_size=actual_size),
            hint=hint,
        )
    actual_sha = file_sha256(path)
    if actual_sha != sha256:
        raise ModelError(
            _("model file {path}: sha256 mismatch (expected {sha256}, found {actual_sha})").format(
                path=path, sha256=sha256, actual_sha=actual_sha
            ),
            hint=hint,
        )


def _existing_size(path: Path, name: str) -> int:
    """Size of ``path`` in bytes, or a :class:`ModelError` saying it is missing."""
    if not path.is_file():
        if path.exists():
            problem = _("model file {path} is not a file").format(path=path)
        else:
            problem = _("model file {path} is missing").format(path=path)
        bundled = BUNDLED_MODELS_DIR / f"pose_landmarker_{name}.task"
        if bundled.is_file() and bundled != path:
            hint = _(
                "run `posture-watch model pull {name}`, or use the copy that came with "
                "posture-watch: {bundled}"
            ).format(name=name, bundled=bundled)
        else:
            hint = _("run `posture-watch model pull {name}`").format(name=name)
        raise ModelError(problem, hint=hint)
    return path.stat().st_size


#: The ``--model-variant`` value that ``--allow-own-model`` stores: the ``--model`` file is
#: the user's own, not one of the pinned :data:`VARIANTS`.
OWN_MODEL = "own"
#: (Marked with N_, translated where shown: the language is chosen after import.)
_OWN_HINT = N_("add --allow-own-model to run your own model file anyway")


@dataclass(frozen=True)
class ModelCheck:
    """What :func:`check_model` found: the file, its sha256, and the pinned variant it is
    (None: not a pinned model, accepted only because the user allowed their own)."""

    path: Path
    sha256: str
    variant: ModelVariant | None

    @property
    def pinned(self) -> bool:
        """Whether the file is exactly one of the pinned variants."""
        return self.variant is not None

    def own_model_warning(self) -> str:
        """The warning line for a file that is not a pinned model."""
        size = self.path.stat().st_size
        return _(
            "warning: {path} is not a pinned pose model (size {size} bytes, sha256 "
            "{sha256}); using it as your own model, so results may differ from the "
            "documented ones"
        ).format(path=self.path, size=size, sha256=self.sha256)


def check_model(
    path: Path,
    variant: ModelVariant | None = None,
    *,
    allow_own: bool = False,
    expected: ModelVariant | None = None,
) -> ModelCheck:
    """Check ``path`` against the pinned variants before MediaPipe loads it.

    With a ``variant``, the size and sha256 must match that variant's pinned values. With
    ``None`` (a ``--model`` file the user chose), the file must be one of the pinned
    variants, found by size and then sha256. Anything else is refused with one line saying
    what differs (``expected``, default lite, names the variant the message compares with),
    unless ``allow_own``: then it is accepted as the user's own model, and the caller says
    so (:meth:`ModelCheck.own_model_warning`). A missing or empty file is refused always.

    The sha256 is only computed when the size matches a pinned variant or the file is
    accepted as the user's own; it is cached per (path, inode, mtime, size), so a second
    check in the same process costs one ``stat``.
    """
    path = Path(path).expanduser()
    name = variant.name if variant is not None else (expected or VARIANTS["lite"]).name
    size = _existing_size(path, name)
    if size == 0:
        raise ModelError(_("model file {path} is empty").format(path=path), hint=_pull_hint(name))
    if variant is not None:
        if not allow_own:
            _check(path, variant.name, variant.size, variant.sha256, explicit=True)
            return ModelCheck(path, variant.sha256, variant)
        own_sha = file_sha256(path)
        pinned = variant if (size, own_sha) == (variant.size, variant.sha256) else None
        return ModelCheck(path, own_sha, pinned)
    same_size = [v for v in VARIANTS.values() if v.size == size]
    sha = file_sha256(path) if same_size or allow_own else None
    for candidate in same_size:
        if candidate.sha256 == sha:
            return ModelCheck(path, candidate.sha256, candidate)
    if allow_own:
        assert sha is not None
        return ModelCheck(path, sha, None)
    compared = same_size[0] if same_size else (expected or VARIANTS["lite"])
    if same_size:
        found = _(
            "it has the same size ({size} bytes) but sha256 {sha256}, expected "
            "{expected}: a damaged or changed copy"
        ).format(size=size, sha256=sha, expected=compared.sha256)
    else:
        found = _("it has {size} bytes, the pinned file {pinned}").format(
            size=size, pinned=compared.size
        )
    raise ModelError(
        _("{path} is not the pinned {name} model: {found}").format(
            path=path, name=compared.name, found=found
        ),
        hint=_("run `posture-watch model pull {name}` for the pinned file, or {own}").format(
            name=compared.name, own=_(_OWN_HINT)
        ),
    )


def verify_model(
    path: Path,
    variant: ModelVariant | None,
    *,
    allow_own: bool = False,
    expected: ModelVariant | None = None,
    warn: Callable[[str], None] | None = None,
) -> Path:
    """:func:`check_model`, then return ``path``; a file accepted only as the user's own
    model is announced through ``warn`` (default: one line on stderr)."""
    result = check_model(path, variant, allow_own=allow_own, expected=expected)
    if not result.pinned:
        (warn or _warn_on_stderr)(result.own_model_warning())
    return result.path


def _warn_on_stderr(line: str) -> None:
    print(f"posture-watch: {line}", file=sys.stderr)


def locate_model(
    variant_name: str = "lite", explicit: Path | None = None, *, allow_own: bool = False
) -> Path:
    """The verified model file to load.

    Order: ``explicit`` (the ``--model`` option) wins; then the user's data folder, where
    ``model pull`` writes; then the package's own ``models/`` folder, which carries the
    lite variant in a source checkout, an editable install and a wheel alike. The first
    file found is verified (size and sha256); a corrupt user copy is reported rather than
    silently skipped, so the user learns it needs a fresh pull.

    An ``explicit`` file must be one of the pinned variants unless ``allow_own`` is set or
    ``variant_name`` is :data:`OWN_MODEL` (what ``--allow-own-model`` stores, so every
    command that passes ``args.model_variant`` honours it); then any non-empty file is run,
    with a warning on stderr when it is not a pinned one.
    """
    if variant_name == OWN_MODEL:
        if explicit is None:
            raise ModelError(_("--allow-own-model needs the model file: give it with --model FILE"))
        return verify_model(explicit, None, allow_own=True)
    variant = get_variant(variant_name)
    if explicit is not None:
        return verify_model(explicit, None, allow_own=allow_own, expected=variant)
    candidates = [user_models_dir() / variant.filename, BUNDLED_MODELS_DIR / variant.filename]
    for candidate in candidates:
        if candidate.is_file():
            _check(candidate, variant.name, variant.size, variant.sha256, explicit=False)
            return candidate
    looked = " and ".join(str(c) for c in candidates)
    if variant.name == "lite":
        hint = _(
            "run `posture-watch model pull {name}` (the copy that comes with posture-watch "
            "is missing: reinstall it)"
        ).format(name=variant.name)
    else:
        hint = _("run `posture-watch model pull {name}`").format(name=variant.name)
    raise ModelError(
        _("no {name} pose model found; looked at {looked}").format(
            name=variant.name, looked=looked
        ),
        hint=hint,
    )


def pull_model(
    variant_name: str,
    *,
    dest_dir: Path | None = None,
    url: str | None = None,
    sha256: str | None = None,
    size: int | None = None,
    timeout: float = 30,
    progress: ProgressCallback | None = None,
    force: bool = False,
) -> Path:
    """Download a variant into ``dest_dir`` (default: the user's models folder) atomically.

    ``url``, ``sha256`` and ``size`` override the pinned values (mirrors, tests). A new
    ``url`` alone still has to deliver the pinned bytes; a new ``sha256`` without ``size``
    drops the size check, because the pinned size belongs to the pinned hash. A verified
    file already at the destination is returned without a request unless ``force``.
    ``timeout`` is in seconds per network operation (connect, each read), not in total.
    """
    variant = get_variant(variant_name)
    expected_sha = _normalise_sha(sha256) if sha256 is not None else variant.sha256
    if size is None and sha256 is None:
        size = variant.size
    source = url or variant.url
    dest = Path(dest_dir).expanduser() if dest_dir is not None else user_models_dir()
    target = dest / variant.filename
    if not force and _matches(target, size, expected_sha):
        return target  # a stale or corrupt copy falls through and is replaced
    try:
        dest.mkdir(parents=True, exist_ok=True)
        # Anything, including Ctrl-C, leaves the destination as it was before the pull;
        # only a verified file is made durable and published (a model is not a secret).
        with AtomicFile(target, mode=SHARED, text=False, suffix=".part") as out:
            _download(variant.name, source, out.file, size, expected_sha, timeout, progress)
    except OSError as exc:
        raise ModelError(
            _("cannot write model file into {dest}: {reason}").format(
                dest=dest, reason=_reason(exc)
            )
        ) from exc
    _hash_cache[_cache_key(target, target.stat())] = expected_sha
    return target


def _matches(path: Path, size: int | None, sha256: str) -> bool:
    """Whether ``path`` is already the wanted file (size checked first: it costs no hashing)."""
    if not path.is_file() or (size is not None and path.stat().st_size != size):
        return False
    return file_sha256(path) == sha256


def _normalise_sha(value: str) -> str:
    sha = value.strip().lower()
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise ModelError(
            _("not a sha256 hex digest: {reason!r} (expected 64 hex digits)").format(reason=value)
        )
    return sha


def _download(
    name: str,
    url: str,
    out: IO[bytes],
    size: int | None,
    sha256: str,
    timeout: float,
    progress: ProgressCallback | None,
) -> None:
    """Stream ``url`` into ``out``, hashing as it goes; raise unless it is exactly the file."""
    digest = hashlib.sha256()
    received = 0
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "posture-watch"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            announced = _content_length(response)
            if announced is not None and size is not None and announced != size:
                raise ModelError(
                    _(
                        "could not download {name} from {url}: server announced "
                        "{announced} bytes, expected {size}"
                    ).format(name=name, url=url, announced=announced, size=size)
                )
            total = announced if announced is not None else size
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                if size is not None and received > size:
                    raise ModelError(
                        _(
                            "could not download {name} from {url}: server sent more than "
                            "the expected {size} bytes"
                        ).format(name=name, url=url, size=size)
                    )
                if progress is not None:
                    progress(received, total)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise ModelError(
            _("could not download {name} from {url}: {reason}").format(
                name=name, url=url, reason=_reason(exc)
            )
        ) from exc
    # http.client does not raise when a connection closes before Content-Length.
    if announced is not None and received != announced:
        raise ModelError(
            _(
                "could not download {name} from {url}: connection closed "
                "after {received} of {announced} bytes"
            ).format(name=name, url=url, received=received, announced=announced)
        )
    if size is not None and received != size:
        raise ModelError(
            _(
                "could not download {name} from {url}: received {received} bytes, expected {size}"
            ).format(name=name, url=url, received=received, size=size)
        )
    if digest.hexdigest() != sha256:
        raise ModelError(
            _(
                "downloaded {name} from {url}: sha256 mismatch (expected "
                "{sha256}, found {hexdigest})"
            ).format(name=name, url=url, sha256=sha256, hexdigest=digest.hexdigest()),
            hint=_("the server sent a different file; try again, or check --url and --sha256"),
        )


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    return int(value) if value is not None and value.strip().isdigit() else None


def _reason(exc: BaseException) -> str:
    """A short human reason for a network failure."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
