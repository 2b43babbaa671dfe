"""The ``posture-watch model`` subcommands: ``pull`` and ``verify``.

Kept apart from the main CLI so that module only wires subcommands together. Errors are
raised as :class:`~posture_watch.errors.ModelError`; the main CLI prints them on one line.
Results go to stdout (one line, easy to script); progress goes to stderr, and only when
stderr is a terminal, so logs and pipes stay clean. ``verify`` prints ``ok PATH SHA256``
only for a file that is exactly a pinned variant; anything else is refused unless the
user opts in with ``--allow-own-model`` (then ``own PATH SHA256`` and a warning line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from posture_watch.core.text import _
from posture_watch.errors import ModelError
from posture_watch.model import VARIANTS, check_model, locate_model, pull_model
from posture_watch.progress import Progress


def add_model_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``model pull`` and ``model verify`` to the main CLI's subparsers.

    The chosen action is stored in ``args.model_command``; ``args.run`` is set to
    :func:`run_model_command`, matching the main CLI's ``args.run(args)`` dispatch.
    """
    model = subparsers.add_parser("model", help=_("download or check the pose model files"))
    model.set_defaults(run=run_model_command)
    actions = model.add_subparsers(dest="model_command", metavar="{pull,verify}", required=True)

    pull = actions.add_parser("pull", help=_("download a pinned model variant, verified"))
    pull.add_argument("variant", choices=list(VARIANTS), help=_("which model variant"))
    pull.add_argument("--url", help=_("download from this mirror instead of Google's storage"))
    pull.add_argument("--sha256", help=_("expected sha256 (hex) of the file at --url"))
    pull.add_argument("--force", action="store_true", help=_("download even if already present"))

    verify = actions.add_parser(
        "verify", help=_("check a model file's size and sha256 against the pinned variants")
    )
    verify.add_argument(
        "--variant",
        choices=list(VARIANTS),
        default=None,
        help=_(
            "the pinned variant to compare with (default: lite; with --model, whichever "
            "pinned variant the file is)"
        ),
    )
    verify.add_argument("--model", type=Path, metavar="PATH", help=_("check this file instead"))
    verify.add_argument(
        "--allow-own-model",
        action="store_true",
        help=_(
            "accept a --model file that is not a pinned variant: say so, and check that "
            "the pose model library can load it"
        ),
    )
    return model


def run_model_command(args: argparse.Namespace) -> int:
    """Run the ``model`` subcommand parsed into ``args``; returns the exit code (0)."""
    if args.model_command == "pull":
        return _pull(args, sys.stdout, sys.stderr)
    if args.model_command == "verify":
        return _verify(args, sys.stdout, sys.stderr)
    raise ModelError(
        _("unknown model command {model_command!r}; choose pull or verify").format(
            model_command=args.model_command
        )
    )


def _verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``ok PATH SHA256`` for a pinned file; a file that is not pinned is refused
    (:class:`ModelError`), or with ``--allow-own-model`` announced on stderr, loaded once
    to show the library accepts it, and printed as ``own PATH SHA256``."""
    variant = VARIANTS[args.variant] if args.variant is not None else None
    if args.model is None:
        path = locate_model(args.variant or "lite")
        result = check_model(path, VARIANTS[args.variant or "lite"])  # cached: no rehash
    else:
        result = check_model(args.model, variant, allow_own=args.allow_own_model)
    if result.pinned:
        print(_("ok {path} {sha256}").format(path=result.path, sha256=result.sha256), file=out)
        return 0
    print(
        _("posture-watch: {own_model_warning}").format(
            own_model_warning=result.own_model_warning()
        ),
        file=err,
    )
    _load_once(result.path)
    print(_("own {path} {sha256}").format(path=result.path, sha256=result.sha256), file=out)
    return 0


def _load_once(path: Path) -> None:
    """Load ``path`` with MediaPipe and close it: a file we have no hash for is only
    known to work when the library accepts it (a :class:`ModelError` otherwise)."""
    from posture_watch.pose import MediaPipeEstimator  # MediaPipe only when needed

    MediaPipeEstimator(path, video=False).close()


def _pull(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = Progress(
        _("downloading {variant}").format(variant=args.variant),
        None,
        enabled=err.isatty(),
        stream=err,
        unit=_("MB"),
        scale=1e6,
    )
    try:
        path = pull_model(
            args.variant,
            url=args.url,
            sha256=args.sha256,
            force=args.force,
            progress=progress.update,
        )
    finally:
        progress.close()
    print(path, file=out)
    return 0
