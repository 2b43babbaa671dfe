"""The ``posture-watch model`` subcommands: ``pull`` and ``verify``.

Kept apart from the main CLI so that module only wires subcommands together. Errors are
raised as :class:`~posture_watch.errors.ModelError`; the main CLI prints them on one line.
Results go to stdout (one line, easy to script); progress goes to stderr, and only when
stderr is a terminal, so logs and pipes stay clean.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from posture_watch.errors import ModelError
from posture_watch.model import VARIANTS, file_sha256, locate_model, pull_model
from posture_watch.progress import Progress


def add_model_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``model pull`` and ``model verify`` to the main CLI's subparsers.

    The chosen action is stored in ``args.model_command``; ``args.run`` is set to
    :func:`run_model_command`, matching the main CLI's ``args.run(args)`` dispatch.
    """
    model = subparsers.add_parser("model", help="download or check the pose model files")
    model.set_defaults(run=run_model_command)
    actions = model.add_subparsers(dest="model_command", metavar="{pull,verify}", required=True)

    pull = actions.add_parser("pull", help="download a pinned model variant, verified")
    pull.add_argument("variant", choices=list(VARIANTS), help="which model variant")
    pull.add_argument("--url", help="download from this mirror instead of Google's storage")
    pull.add_argument("--sha256", help="expected sha256 (hex) of the file at --url")
    pull.add_argument("--force", action="store_true", help="download even if already present")

    verify = actions.add_parser("verify", help="check the model file that would be used")
    verify.add_argument("--variant", choices=list(VARIANTS), default="lite")
    verify.add_argument("--model", type=Path, metavar="PATH", help="check this file instead")
    return model


def run_model_command(args: argparse.Namespace) -> int:
    """Run the ``model`` subcommand parsed into ``args``; returns the exit code (0)."""
    if args.model_command == "pull":
        return _pull(args, sys.stdout, sys.stderr)
    if args.model_command == "verify":
        path = locate_model(args.variant, explicit=args.model)
        print(f"ok {path} {file_sha256(path)}", file=sys.stdout)
        return 0
    raise ModelError(f"unknown model command {args.model_command!r}; choose pull or verify")


def _pull(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = Progress(
        f"downloading {args.variant}", None, enabled=err.isatty(), stream=err, unit="MB", scale=1e6
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
