#!/usr/bin/env bash
# Set up (or refresh) the project's virtual environment in .venv; safe to run repeatedly.
# Needs Python 3.11+ on PATH (python3.11, python3.12, ... or python3).
#
#   scripts/setup.sh                   what the app needs (scripts/run.sh): the venv, libGL,
#                                      Tk and a notification client
#   scripts/setup.sh --test-desktops   also the desktops the tests start (scripts/test.sh):
#                                      Xvfb, trayer, sway, waybar, dunst, Chromium, ...
set -euo pipefail
cd "$(dirname "$0")/.."
test_desktops=0
if [ "${1:-}" = --test-desktops ]; then
  test_desktops=1
fi

pick_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "setup: Python 3.11 or newer is needed (install python3 from your package manager)" >&2
  return 1
}

apt_install() {  # system packages, only where we are root on a Debian/Ubuntu machine
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing system packages: $*" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "setup: please install these system packages: $*" >&2
  fi
}

PY=$(pick_python)
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv 2>/dev/null || { apt_install python3-venv; "$PY" -m venv .venv; }
fi
stamp=.venv/.posture-watch-installed
want=$(sha256sum pyproject.toml | cut -c1-64)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -c 'import posture_watch' || { echo "setup: package install failed" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
# OpenCV (from MediaPipe) needs libGL and GLib at import time on minimal systems.
if ! .venv/bin/python -c 'import cv2' 2>/dev/null; then
  apt_install libgl1 libglib2.0-0
  .venv/bin/python -c 'import cv2'
fi
# The desktop part the app itself uses: Tk for the stretch, journal and calibration
# windows (its notifications speak D-Bus in pure Python: no package needed).
if ! .venv/bin/python -c 'import tkinter' 2>/dev/null; then
  apt_install python3-tk tk
fi
if [ "$test_desktops" != 1 ]; then
  exit 0
fi
# The tests' desktops (scripts/test.sh only): an X server, a tray host, a notification
# daemon and D-Bus, and the report tests a headless Chromium; installed here when missing
# (CI is root).
desktop_missing=()
# The Wayland tray tests: sway (headless), waybar's StatusNotifierItem tray, grim for
# screenshots; stand-in D-Bus services (screensaver, logind) run on the system Python with
# python3-gi; strace proves the monitor offline; desktop-file-validate checks our entries.
# Do not disturb: openbox (a window manager for _NET_ACTIVE_WINDOW and full screen on
# Xvfb), foot (a Wayland window to put in full screen), gsettings and dconf's writer.
for tool in Xvfb:xvfb trayer:trayer dunst:dunst xdotool:xdotool \
            dbus-daemon:dbus chromium:chromium sway:sway waybar:waybar grim:grim \
            strace:strace desktop-file-validate:desktop-file-utils \
            openbox:openbox foot:foot gsettings:libglib2.0-bin xprop:x11-utils \
            /usr/libexec/dconf-service:dconf-service; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || desktop_missing+=("${tool##*:}")
done
if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import gi' 2>/dev/null; then
  desktop_missing+=(python3-gi)
fi
# Japanese in the windows, the tray menu, notifications and the report (issue 20's
# screenshots) needs a font with its glyphs: Noto CJK.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ja family 2>/dev/null)" ]; then
  desktop_missing+=(fonts-noto-cjk)
fi
if [ "${#desktop_missing[@]}" -gt 0 ] && [ "${POSTURE_WATCH_NO_APT:-}" != 1 ]; then
  apt_install "${desktop_missing[@]}" || echo "setup: could not install ${desktop_missing[*]}; tray tests will be skipped" >&2
fi
