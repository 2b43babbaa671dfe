"""The app as people install it: a wheel that carries the lite model, the prompts and the
demo, and a ``posture-watch`` that works from any directory.

A source checkout finds its files beside the code too, so only a real wheel in a real,
separate environment can show that nothing is left behind in the repository. The wheel
is built offline (no build isolation: setuptools comes from the dev extra) from a copy of
the working tree, so the build leaves no ``build/`` folder in the checkout. It goes into
a fresh venv made without pip, which borrows the project venv's dependencies through one
``.pth`` line: MediaPipe is not downloaded again, and because a ``.pth`` line only adds a
folder to ``sys.path`` (the ``.pth`` files inside it, such as the editable install's
finder, are not run), the checkout stays invisible. Every command runs from an empty
temporary directory with ``HOME`` and the XDG folders pointing at empty ones, so no
pulled model, settings file or profile can stand in for what the wheel brings.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import posture_watch
from posture_watch import paths
from posture_watch.model import VARIANTS
from tests.harness.cli import installed_app_env

REPO = paths.PACKAGE_DIR.parent
LITE = VARIANTS["lite"]
TIMEOUT = 120.0  # seconds per command; each takes 0.5-3 s here
#: Two pictures of one labelled session; the demo calibration was made from its start.
SESSION = "slouchingornot/images/low-isSlouching__high-notSlouching"
UPRIGHT = f"{SESSION}/notSlouching/sample-1542640808958-9.jpg"
SLOUCH = f"{SESSION}/isSlouching/sample-1542640808958-0.jpg"
#: Left out of the copy the wheel is built from: environments, VCS data, build leftovers.
NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", ".pytest_cache", ".ruff_cache"
)


@dataclass(frozen=True)
class Installed:
    """A wheel built from the working tree and installed into its own venv."""

    source: Path  # the copy of the working tree the wheel was built from
    wheel: Path
    venv: Path
    site: Path  # the venv's own site-packages, where the wheel went
    elsewhere: Path  # an empty working directory outside the repository
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the installed console script from ``elsewhere``; fail on a non-zero exit."""
        done = subprocess.run(
            [str(self.venv / "bin" / "posture-watch"), *args],
            cwd=self.elsewhere,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, f"posture-watch {' '.join(args)}: {done.stderr}"
        return done


def _setuptools_can_build() -> None:
    version = importlib.metadata.version("setuptools")
    if int(version.split(".")[0]) < 77:
        pytest.fail(
            f"setuptools {version} cannot build this wheel offline; the dev extra needs "
            "setuptools>=77 (run scripts/setup.sh)"
        )


def _pip(*args: str, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    _setuptools_can_build()
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE, symlinks=True)
    wheels = base / "wheels"
    _pip(
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        str(wheels),
        ".",
        cwd=source,
    )
    (wheel,) = wheels.glob("posture_watch-*.whl")

    venv = base / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=TIMEOUT
    )
    python = venv / "bin" / "python"
    # Installed before the dependencies become visible, so pip sees an empty venv.
    _pip("--python", str(python), "install", "--no-deps", "--no-index", str(wheel), cwd=base)
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
            timeout=TIMEOUT,
        ).stdout.strip()
    )
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "project_venv_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")

    home = base / "home"
    for folder in ("config", "data", "state", "cache"):
        (home / folder).mkdir(parents=True)
    env = installed_app_env(home)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return Installed(source, wheel, venv, site, elsewhere, env)


def test_the_wheel_carries_the_model_prompts_and_demo_and_nothing_else(
    installed: Installed,
) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        model = wheel.getinfo(f"posture_watch/models/{LITE.filename}")
        digest = hashlib.sha256()
        with wheel.open(model) as member:
            while chunk := member.read(1 << 20):
                digest.update(chunk)
        entry_points = wheel.read(
            f"posture_watch-{posture_watch.__version__}.dist-info/entry_points.txt"
        ).decode()
    assert model.file_size == LITE.size
    assert digest.hexdigest() == LITE.sha256

    package = installed.source / "posture_watch"  # not the live tree: others may edit it
    shipped = {
        p.relative_to(package.parent).as_posix()
        for pattern in ("**/*.py", "prompts/*.toml", "demo/*", "py.typed", "locale/**/*.*")
        for p in package.glob(pattern)
        if "__pycache__" not in p.parts
    }
    assert any(name.endswith(".toml") for name in shipped)  # the prompts are really checked
    assert {"posture_watch/demo/demo-session.jsonl", "posture_watch/demo/demo-profile.json"} <= (
        shipped
    )
    assert "posture_watch/locale/en@pseudo/LC_MESSAGES/posture_watch.mo" in shipped  # catalogs
    missing = shipped - names
    assert not missing, f"the wheel lacks {sorted(missing)}"

    dist_info = f"posture_watch-{posture_watch.__version__}.dist-info/"
    strays = sorted(n for n in names if not n.startswith(("posture_watch/", dist_info)))
    assert not strays, f"the wheel carries files from outside the package: {strays}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert "posture-watch = posture_watch.cli:main" in entry_points


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    probe = (
        "import json, sys, posture_watch, mediapipe\n"
        "print(json.dumps({'file': posture_watch.__file__, 'path': sys.path}))"
    )
    done = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", probe],
        cwd=installed.elsewhere,
        env=installed.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert Path(seen["file"]).is_relative_to(installed.site)
    # Of the checkout, only the project venv's site-packages (the borrowed dependencies).
    borrowed = {Path(sysconfig.get_path(k)).resolve() for k in ("purelib", "platlib")}
    inside = {
        Path(p).resolve() for p in seen["path"] if p and Path(p).resolve().is_relative_to(REPO)
    }
    assert inside <= borrowed, f"the checkout is on sys.path: {sorted(inside - borrowed)}"


def test_version_and_model_verify_use_the_bundled_copy(installed: Installed) -> None:
    version = installed.run("--version")
    assert version.stdout.strip() == f"posture-watch {posture_watch.__version__}"
    assert installed.wheel.name.startswith(f"posture_watch-{posture_watch.__version__}-")

    verify = installed.run("model", "verify")
    bundled = installed.site / "posture_watch" / "models" / LITE.filename
    assert verify.stdout.split() == ["ok", str(bundled), LITE.sha256]


def test_the_catalogs_speak_from_the_wheel(installed: Installed) -> None:
    """The language's catalog is found inside the installed package (pipx, a wheel)."""
    done = subprocess.run(
        [str(installed.venv / "bin" / "posture-watch"), "--help"],
        cwd=installed.elsewhere,
        env={**installed.env, "LANGUAGE": "en@pseudo"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "[úúšááĝéé:]" in done.stdout  # "usage:", accented by the pseudo-locale


def test_analyze_from_another_directory(installed: Installed, shared_samples: Path) -> None:
    with (shared_samples / "labels.csv").open(newline="") as fh:
        labels = {row["path"]: row["label"] for row in csv.DictReader(fh)}
    assert (labels[UPRIGHT], labels[SLOUCH]) == ("upright", "slouch")
    profile = installed.site / "posture_watch" / "demo" / "demo-profile.json"
    done = installed.run(
        "analyze",
        str(shared_samples / UPRIGHT),
        str(shared_samples / SLOUCH),
        "--stills",
        "--calibration",
        str(profile),
        "--format",
        "jsonl",
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["source"] for r in rows] == [str(shared_samples / p) for p in (UPRIGHT, SLOUCH)]
    assert all(r["person"] and r["calibrated"] for r in rows)
    assert [r["state"] for r in rows] == ["upright", "slouch"]
    assert rows[1]["slouch_score"] > rows[0]["slouch_score"]


def test_the_demo_replays_from_the_wheel(installed: Installed) -> None:
    done = installed.run("monitor", "--no-tray", "--demo", "--speed", "100", "--seconds", "120")
    demo = installed.site / "posture_watch" / "demo" / "demo-session.jsonl"
    assert f"monitoring {demo} (calibrated)" in done.stdout
    assert "ALERT slouch" in done.stdout
