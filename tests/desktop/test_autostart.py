"""Start at login and the application-menu entry, checked with the desktop's own tools.

Every entry is checked by ``desktop-file-validate``; GLib (system ``python3-gi``) reads
the entries as GNOME would: ``Gio.DesktopAppInfo`` finds the menu entry, honours
``TryExec`` and gives the command line, which GLib splits and which then really runs
(``--version`` in place of ``tray``). GTK's icon theme finds the icons by name. The
config and data folders are private temporary folders (``tests/desktop/conftest.py``).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from posture_watch import __version__
from posture_watch.commands import autostart as command
from posture_watch.desktop import autostart
from posture_watch.desktop.app_icon import ICON_SIZES
from posture_watch.desktop.desktop_entry import read_entry
from tests.harness.read_only import ReadOnlySandbox
from tests.harness.standins import SYSTEM_PYTHON, need_system_gi

#: A folder name with the characters the Exec quoting rules escape. (Not "%": the spec
#: writes it "%%", and GLib looks for the program before it undoes that, so GNOME would
#: skip such an entry; the percent is checked against our own parser below.)
AWKWARD = 'my apps "v2" $HOME `x` back\\slash'
DESKTOP_FILE_VALIDATE = shutil.which("desktop-file-validate")

# Reads desktop entries the way GNOME does, in the system Python with PyGObject.
GLIB_READER = textwrap.dedent(
    """
    import json, sys
    import gi
    gi.require_version("Gio", "2.0")
    from gi.repository import Gio, GLib
    try:
        info = Gio.DesktopAppInfo.new_from_filename(sys.argv[1])
    except TypeError:  # "constructor returned NULL"
        info = None
    if info is None:  # unreadable, or TryExec or Exec names a missing program
        print(json.dumps(None))
        sys.exit(0)
    # Field-code expansion turns %% into %; our entries use no other field codes.
    ok, argv = GLib.shell_parse_argv(info.get_commandline().replace("%%", "%"))
    print(json.dumps({"argv": argv, "name": info.get_name(), "icon": info.get_icon().to_string()}))
    """
)

DESKTOP_LOOKUP = textwrap.dedent(
    """
    import json, sys
    import gi
    gi.require_version("Gio", "2.0")
    gi.require_version("Gtk", "3.0")
    gi.require_version("GdkPixbuf", "2.0")
    from gi.repository import Gio, GdkPixbuf, Gtk
    try:
        info = Gio.DesktopAppInfo.new("posture-watch.desktop")
    except TypeError:  # "constructor returned NULL": not installed
        info = None
    theme = Gtk.IconTheme.new()
    sizes = [int(s) for s in sys.argv[1:]]
    found = {}
    for size in sizes:
        icon = theme.lookup_icon("posture-watch", size, Gtk.IconLookupFlags.NO_SVG)
        found[size] = icon.get_filename() if icon else None
    svg = theme.lookup_icon("posture-watch", 96, 0)  # between the PNG sizes: the SVG
    svg_file = svg.get_filename() if svg else None
    pixels = None
    if svg_file and any(f.get_name() == "svg" for f in GdkPixbuf.Pixbuf.get_formats()):
        pixbuf = GdkPixbuf.Pixbuf.new_from_file_at_size(svg_file, 64, 64)
        pixels = [pixbuf.get_width(), pixbuf.get_height(), pixbuf.get_n_channels(),
                  pixbuf.get_rowstride(), pixbuf.get_pixels().hex()]
    print(json.dumps({
        "file": info.get_filename() if info else None,
        "categories": info.get_categories() if info else None,
        "icon": info.get_icon().to_string() if info else None,
        "found": found, "svg": svg_file, "svg_pixels": pixels,
    }))
    """
)


# -- helpers ------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="posture-watch")
    command.add_parser(p.add_subparsers(dest="command", required=True))
    return p


def run_command(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    ns = parser().parse_args(list(args))
    code = ns.run(ns)
    out, err = capsys.readouterr()
    return code, out, err


def validate(*paths: Path) -> None:
    if DESKTOP_FILE_VALIDATE is None:
        pytest.skip("desktop-file-validate is not installed (desktop-file-utils)")
    proc = subprocess.run(
        [DESKTOP_FILE_VALIDATE, *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def system_gi(script: str, *args: str) -> object:
    """Run ``script`` in the system Python with PyGObject; its JSON answer."""
    need_system_gi("Gtk", "3.0")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run(
        [SYSTEM_PYTHON, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def glib_argv(entry: Path) -> list[str] | None:
    """The command GNOME would run for ``entry`` (None: it would skip the entry)."""
    answer = system_gi(GLIB_READER, str(entry))
    return None if answer is None else answer["argv"]


def run_version(argv: list[str]) -> str:
    """Run an entry's command with ``--version`` in place of ``tray``; its output."""
    assert argv[-1] == "tray", argv
    proc = subprocess.run(
        [*argv[:-1], "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def installation(folder: Path) -> Path:
    """A second "installation" in ``folder``: a ``python`` link to this venv's interpreter
    and a copy of its ``posture-watch`` script. Returns the ``python`` path."""
    script = Path(sys.executable).parent / "posture-watch"
    if not script.is_file():
        pytest.skip(f"no console script beside {sys.executable} (package not installed)")
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    shutil.copy2(script, bin_dir / "posture-watch")
    return bin_dir / "python"


def premultiplied(image: Image.Image) -> np.ndarray:
    """Colours weighted by opacity: a transparent pixel's colour does not matter."""
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float64)
    return rgba[..., :3] * rgba[..., 3:] / 255.0


def leftovers(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob(".*.tmp")]


# -- the tests -----------------------------------------------------------------------


def test_on_writes_valid_entries_that_run_this_posture_watch(capsys) -> None:
    code, out, err = run_command(capsys, "autostart", "on")
    assert code == 0 and err == ""
    login, menu = autostart.autostart_path(), autostart.launcher_path()
    assert login == Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "posture-watch.desktop"
    assert menu == Path(os.environ["XDG_DATA_HOME"]) / "applications" / "posture-watch.desktop"
    assert out.splitlines()[0] == f"autostart: on: {login}"
    validate(login, menu)

    keys = read_entry(login)
    assert keys["X-GNOME-Autostart-enabled"] == "true"
    assert int(keys["X-GNOME-Autostart-Delay"]) > 0
    program = Path(sys.executable).parent / "posture-watch"
    assert keys["TryExec"] == str(program)
    for entry in (login, menu):
        argv = glib_argv(entry)
        assert argv is not None
        assert Path(argv[0]).is_absolute() and os.access(argv[0], os.X_OK)
        assert argv == [str(program), "tray"]
        assert run_version(argv) == f"posture-watch {__version__}"
    assert read_entry(menu)["Icon"] == "posture-watch"

    for size in ICON_SIZES:
        path = autostart.icon_paths()[f"{size}x{size}"]
        with Image.open(path) as image:
            assert image.format == "PNG" and image.mode == "RGBA"
            assert image.size == (size, size)
            assert image.getpixel((0, 0))[3] == 0  # transparent corner: a round icon
            assert image.getpixel((size // 2, size - 2))[3] > 200
    assert leftovers(login.parent, Path(os.environ["XDG_DATA_HOME"])) == []


def test_on_off_status_round_trip(capsys) -> None:
    code, out, _ = run_command(capsys, "autostart", "status")
    assert code == 0 and out.splitlines()[0] == "autostart: off"
    assert not autostart.is_enabled()

    run_command(capsys, "autostart", "on")
    assert autostart.is_enabled()
    code, out, err = run_command(capsys, "autostart", "status")
    program = Path(sys.executable).parent / "posture-watch"
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "autostart: on",
        f"file: {autostart.autostart_path()}",
        f"runs: {program} tray",
    ]
    state = autostart.status()
    assert state.enabled and state.target == program and state.target_exists

    code, out, _ = run_command(capsys, "autostart", "off")
    assert code == 0 and out.splitlines() == [
        f"autostart: off: removed {autostart.autostart_path()}",
        "still there: the menu entry and its icons ('posture-watch launcher remove'); your "
        "history, settings and reports ('posture-watch uninstall' removes all)",
    ]
    assert not autostart.autostart_path().exists() and not autostart.is_enabled()
    assert autostart.launcher_path().is_file()  # off leaves the menu entry
    code, out, _ = run_command(capsys, "autostart", "off")
    assert code == 0 and out.startswith("autostart: already off")
    assert autostart.disable() is False


def test_enable_is_idempotent_and_rewrites_a_stale_entry() -> None:
    path = autostart.enable()
    files = [path, *autostart.install_launcher()]
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in files}
    assert autostart.enable() == path
    assert autostart.install_launcher() == files[1:]
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in files}
    assert after == before  # untouched: same inode, same time, same bytes

    # An entry written by an older install (or turned off by the desktop) is replaced.
    path.write_text(path.read_text().replace("enabled=true", "enabled=false"))
    assert not autostart.is_enabled()
    assert autostart.status().problem == "turned off (X-GNOME-Autostart-enabled=false)"
    autostart.enable()
    assert autostart.is_enabled() and path.read_bytes() == before[path][2]


def test_a_path_with_spaces_and_quotes_survives(tmp_path) -> None:
    python = installation(tmp_path / AWKWARD)
    script = python.parent / "posture-watch"
    path = autostart.enable(python=python)
    validate(path, autostart.launcher_path())
    exec_value = read_entry(path)["Exec"]
    assert exec_value.startswith('"') and "\\\\slash" in exec_value
    assert autostart.status().argv == (str(script), "tray")
    argv = glib_argv(path)
    assert argv == [str(script), "tray"]
    assert run_version(argv) == f"posture-watch {__version__}"


def test_status_warns_when_the_program_is_gone(tmp_path, capsys) -> None:
    python = installation(tmp_path / "old venv")
    autostart.enable(python=python)
    shutil.rmtree(tmp_path / "old venv")
    state = autostart.status()
    assert state.enabled and not state.target_exists
    assert state.target == tmp_path / "old venv" / "bin" / "posture-watch"
    code, out, err = run_command(capsys, "autostart", "status")
    assert code == 0 and out.splitlines()[0] == "autostart: on"
    assert err.splitlines() == [
        f"posture-watch: warning: {state.target} no longer exists, so this entry starts "
        "nothing (run 'posture-watch autostart on' again)"
    ]
    assert glib_argv(autostart.autostart_path()) is None  # TryExec: the desktop skips it


def test_the_fallbacks_when_no_script_is_beside_python(tmp_path, monkeypatch) -> None:
    # A venv without a posture-watch script, which still imports this checkout's package.
    bare = tmp_path / "bare venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    site = next(Path(sys.prefix).glob("lib/python3*/site-packages"))
    pth = next(bare.glob("lib/python3*/site-packages")) / "use-the-project-venv.pth"
    pth.write_text(f"import site; site.addsitedir({str(site)!r})\n")
    python = bare / "bin" / "python"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    program = autostart.find_program(python)
    assert program.argv == (str(python), "-m", "posture_watch.cli")
    path = autostart.enable(python=python, launcher=False)
    validate(path)
    assert run_version(glib_argv(path)) == f"posture-watch {__version__}"

    other = installation(tmp_path / "on path")
    monkeypatch.setenv("PATH", str(other.parent))
    assert autostart.find_program(python).argv == (str(other.parent / "posture-watch"),)


def test_the_menu_entry_and_icons_are_found_by_gtk(capsys) -> None:
    code, out, _ = run_command(capsys, "launcher", "install")
    assert code == 0 and out.splitlines()[0] == f"menu entry: {autostart.launcher_path()}"
    assert not autostart.autostart_path().exists()  # the menu alone
    validate(autostart.launcher_path())
    answer = system_gi(DESKTOP_LOOKUP, *map(str, ICON_SIZES))
    assert answer["file"] == str(autostart.launcher_path())
    assert answer["icon"] == "posture-watch" and "Utility" in answer["categories"]
    paths = autostart.icon_paths()
    assert answer["found"] == {str(n): str(paths[f"{n}x{n}"]) for n in ICON_SIZES}
    assert answer["svg"] == str(paths["scalable"])
    if answer["svg_pixels"] is None:
        pytest.skip("GdkPixbuf has no SVG loader here (librsvg)")
    width, height, channels, stride, data = answer["svg_pixels"]
    assert (width, height, channels) == (64, 64, 4)
    svg = Image.frombuffer("RGBA", (64, 64), bytes.fromhex(data), "raw", "RGBA", stride, 1)
    with Image.open(paths["64x64"]) as png:
        diff = np.abs(premultiplied(png) - premultiplied(svg))
    # The same picture: edges differ by anti-aliasing only (about 2 of 255 on average;
    # the tray's own upright icon, a different picture, is about 20 away).
    assert diff.mean() < 5.0

    code, out, _ = run_command(capsys, "launcher", "status")
    assert out.splitlines()[0] == "menu entry: installed"
    assert f"icons: {len(ICON_SIZES) + 1} of {len(ICON_SIZES) + 1}" in out
    cache = autostart.launcher_path().parent / "mimeinfo.cache"
    assert cache.is_file() or not shutil.which("update-desktop-database")
    files = [autostart.launcher_path(), *paths.values(), *([cache] if cache.exists() else [])]
    code, out, _ = run_command(capsys, "launcher", "remove")
    assert code == 0 and out.splitlines()[0] == f"menu entry: removed {len(files)} files"
    assert not any(p.exists() for p in files)
    assert system_gi(DESKTOP_LOOKUP, "48")["file"] is None
    # every path it names is gone, and nothing of ours is left in the data folder: the
    # icon folders it left empty went too
    named = [Path(line.split(" ", 1)[1].rstrip("/")) for line in out.splitlines()[1:]]
    assert set(files) <= set(named) and not any(p.exists() for p in named)
    data = Path(os.environ["XDG_DATA_HOME"])
    assert sorted(p for p in data.rglob("*")) == []


def test_launcher_remove_takes_only_our_lines_out_of_the_mime_cache() -> None:
    """Another app's entry stays, with its own lines, whether or not the desktop's
    update-desktop-database is there to rewrite the cache."""
    from posture_watch.desktop.desktop_files import forget_in_mime_cache

    autostart.install_launcher()
    applications = autostart.launcher_path().parent
    other = applications / "viewer.desktop"
    other.write_text("[Desktop Entry]\nType=Application\nName=v\nExec=v\nMimeType=image/png;\n")
    cache = applications / "mimeinfo.cache"
    # as a cache names an entry with a MimeType (ours has none, an older one might have)
    cache.write_text(
        "[MIME Cache]\nimage/png=viewer.desktop;posture-watch.desktop;\n"
        "text/x-posture=posture-watch.desktop;\n"
    )
    autostart.launcher_path().unlink()
    assert forget_in_mime_cache(applications, "posture-watch.desktop") is None
    assert cache.read_text() == "[MIME Cache]\nimage/png=viewer.desktop;\n"
    removed = autostart.remove_launcher()  # the icons; the tool rewrites the cache
    assert other.is_file() and "posture-watch" not in cache.read_text()
    assert cache not in removed.files
    other.unlink()
    cache.write_text("[MIME Cache]\ntext/x-posture=posture-watch.desktop;\n")
    assert forget_in_mime_cache(applications, "posture-watch.desktop") == cache  # only us
    assert not cache.exists()


def test_a_damaged_entry_counts_as_off(capsys) -> None:
    path = autostart.autostart_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"[Desktop Entry]\nExec=\xff\xfe tray\n")
    assert autostart.is_enabled() is False
    code, out, err = run_command(capsys, "autostart", "status")
    assert code == 0 and err == "" and out.splitlines()[0] == "autostart: off (not valid UTF-8)"
    autostart.enable(launcher=False)
    assert autostart.is_enabled()


# -- read-only folders: one line, exit code 2 (real processes, also as root) ---------


@functools.cache
def registered() -> bool:
    from posture_watch.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return "autostart" in sub.choices


STANDALONE = textwrap.dedent(
    """
    import argparse, sys
    from posture_watch.commands import autostart
    from posture_watch.errors import PostureWatchError
    parser = argparse.ArgumentParser(prog="posture-watch")
    autostart.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args()
    try:
        sys.exit(args.run(args))
    except PostureWatchError as exc:
        print(f"posture-watch: {exc.one_line()}", file=sys.stderr)
        sys.exit(exc.exit_code)
    """
)


def cli(*args: str) -> list[str]:
    """The real CLI once ``autostart`` is registered in it, else the same error handling."""
    if registered():
        return [sys.executable, "-m", "posture_watch.cli", *args]
    return [sys.executable, "-c", STANDALONE, *args]


@pytest.mark.parametrize("frozen", ["config", "data"])
def test_a_read_only_folder_gives_one_line_and_exit_2(sandbox: ReadOnlySandbox, frozen) -> None:
    config = sandbox.folder("config", writable=frozen != "config")
    data = sandbox.folder("data", writable=frozen != "data")
    folder = config if frozen == "config" else data
    sandbox.freeze(folder)
    sandbox.check(folder)
    env = sandbox.env(XDG_CONFIG_HOME=config, XDG_DATA_HOME=data)
    proc = sandbox.run(cli("autostart", "on"), env)
    assert proc.returncode == 2, proc.stderr
    if frozen == "config":
        expected = f"cannot create {config / 'autostart'} (Permission denied)"
        assert list(data.iterdir()) == []  # nothing half-done elsewhere
    else:
        expected = (
            "start at login is on, but the menu entry failed: "
            f"cannot create {data / 'icons'} (Permission denied)"
        )
        assert (config / "autostart" / "posture-watch.desktop").is_file()
    assert proc.stderr.splitlines() == [f"posture-watch: {expected}"]
    assert proc.stdout == ""
    assert list(folder.iterdir()) == []


def _catalog(locale_dir: Path, code: str, messages: dict[str, str]) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale=code.split("@")[0])
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    folder = locale_dir / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "posture_watch.mo", "wb") as handle:
        write_mo(handle, catalog)


def test_the_entries_carry_the_comment_in_every_language_but_the_pseudo_one(
    tmp_path: Path,
) -> None:
    english = "Posture monitor"
    _catalog(tmp_path, "de", {english: "Haltungswächter"})
    _catalog(tmp_path, "pt_BR", {})  # carried, but without this message: no line
    _catalog(tmp_path, "en@pseudo", {english: "[Ƥóóšťúúŕéé ɱóóñííťóóŕ]"})
    assert autostart.languages(tmp_path) == ["de", "pt_BR"]
    assert autostart.localized("GenericName", english, tmp_path) == [
        "GenericName[de]=Haltungswächter"
    ]
    assert autostart.localized("GenericName", english, tmp_path / "none") == []
