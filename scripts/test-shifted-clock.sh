#!/usr/bin/env bash
# The test suite on a machine whose wall clock is about a year ahead and crosses a
# daylight-saving change while the tests run (issue 8: no test may depend on today's date).
#
#   scripts/test-shifted-clock.sh [pytest arguments]        (default: the whole suite)
#   SHIFTED_START=2027-03-28T00:59:30Z scripts/test-shifted-clock.sh tests/tray
#
# libfaketime (Debian package faketime; installed here when missing and run as root) is
# preloaded into pytest and so into every process the tests start (the CLI, Xvfb, D-Bus,
# dunst, Chromium): their wall clock reads SHIFTED_START when the run begins and runs on
# from there, in the zone SHIFTED_TZ. The default start, 2027-10-31 00:59:30 UTC, is
# 02:59:30 summer time in Berlin: half a minute in, the clocks go back to 02:00 winter time.
#
# - The shift is an offset (FAKETIME="+N" seconds), not a start instant ("@..."): with an
#   instant each child process would start again at it, behind its parent's clock.
# - FAKETIME_DONT_FAKE_MONOTONIC=1: the monotonic clock stays the machine's, as on a
#   machine whose wall clock is simply set differently. Without it Python's timed waits
#   (threading.Event.wait, queue.get: sem_clockwait on a monotonic deadline libfaketime
#   moved a year ahead) never end.
# - libfaketime 0.9.10 (Debian 12) then breaks absolute sleeps on the monotonic clock
#   (its issue 426): Python 3.11's time.sleep, and so subprocess's wait(timeout), fail
#   with EINVAL. A small preloaded shim, compiled here with cc, sends those straight to
#   the kernel; every other clock_nanosleep still goes through libfaketime.
# - FAKETIME_FORCE_MONOTONIC_FIX=0: with the fix libfaketime turns on by itself for this
#   glibc, headless Chromium hangs at start; Python and Xvfb work either way.
# - NO_FAKE_STAT=1: file times stay real, so the .pyc caches stay valid (faked mtimes make
#   every process recompile everything, NumPy included).
# - libfaketimeMT: the build safe for threads (the monitor and the tray use several).
# - pytest gets a private --basetemp and no cache: with the clock a year ahead, pytest's
#   clean-up of /tmp/pytest-of-$USER would take other sessions' folders for stale ones.
#   The folder is removed after a passing run and kept (and named) after a failing one.
set -euo pipefail
cd "$(dirname "$0")/.."

START="${SHIFTED_START:-2027-10-31T00:59:30Z}"
ZONE="${SHIFTED_TZ:-Europe/Berlin}"

find_lib() {
    dpkg -L libfaketime 2>/dev/null | grep -m1 '/libfaketimeMT\.so\.1$' || true
}
LIB="$(find_lib)"
if [[ -z "$LIB" ]]; then
    if [[ "$(id -u)" != 0 ]]; then
        echo "test-shifted-clock: libfaketime is missing: sudo apt-get install faketime" >&2
        exit 1
    fi
    apt-get install -y -q faketime >/dev/null || { apt-get update -q >/dev/null &&
        apt-get install -y -q faketime >/dev/null; }
    LIB="$(find_lib)"
fi
[[ -f "$LIB" ]] || { echo "test-shifted-clock: libfaketimeMT.so.1 not found" >&2; exit 1; }
command -v cc >/dev/null || { echo "test-shifted-clock: needs a C compiler (cc)" >&2; exit 1; }

offset=$(($(date -u -d "$START" +%s) - $(date -u +%s)))
basetemp="$(mktemp -d "${TMPDIR:-/tmp}/pw-shifted-clock.XXXXXX")"
shim_dir="$(mktemp -d "${TMPDIR:-/tmp}/pw-shifted-clock-shim.XXXXXX")"
trap 'rm -rf "$shim_dir"' EXIT
cat >"$shim_dir/monotonic_sleep.c" <<'C'
/* clock_nanosleep on the (unfaked) monotonic clocks goes straight to the kernel. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
                    struct timespec *rem)
{
    static int (*next)(clockid_t, int, const struct timespec *, struct timespec *);
    if (clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME)
        return syscall(SYS_clock_nanosleep, clock, flags, req, rem) == 0 ? 0 : errno;
    if (!next)
        next = dlsym(RTLD_NEXT, "clock_nanosleep");
    return next(clock, flags, req, rem);
}
C
cc -shared -fPIC -O2 -o "$shim_dir/monotonic_sleep.so" "$shim_dir/monotonic_sleep.c" -ldl
chmod a+rx "$shim_dir"  # some tests run processes as nobody, who must load it too
echo "test-shifted-clock: wall clock +${offset} s, starting $(TZ="$ZONE" date -d "$START" \
    '+%F %T %Z'), TZ=$ZONE; pytest folders in $basetemp" >&2

if [[ $# -eq 0 ]]; then
    set -- tests
fi
status=0
env TZ="$ZONE" \
    LD_PRELOAD="$shim_dir/monotonic_sleep.so:$LIB${LD_PRELOAD:+:$LD_PRELOAD}" \
    FAKETIME="+${offset}" \
    FAKETIME_DONT_FAKE_MONOTONIC=1 \
    FAKETIME_FORCE_MONOTONIC_FIX=0 \
    NO_FAKE_STAT=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    .venv/bin/python -m pytest -q -p no:cacheprovider --basetemp="$basetemp" "$@" || status=$?
if [[ $status -eq 0 ]]; then
    rm -rf "$basetemp"
else
    echo "test-shifted-clock: pytest exited $status; its folders are kept in $basetemp" >&2
fi
exit "$status"
