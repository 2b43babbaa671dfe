"""Watch the desktop for "not now": a full-screen window with the focus, paused notifications.

The session holds nudges back while the person is presenting, watching a film or has
silenced notifications (:mod:`posture_watch.core.do_not_disturb`); this adapter tells it
when. A thread asks every :data:`POLL_EVERY` seconds and posts
:class:`~posture_watch.core.stream.Disturbance` (the set of reasons) whenever the set
changes. Polling is deliberate: each question is one round trip to a server that is
already running (well under a millisecond of CPU), nothing has to be subscribed to that
a desktop may not offer, and a nudge is due at most every few minutes, so a few seconds
of delay cannot matter. What is asked:

- **X11** (``DISPLAY``): ``_NET_WM_STATE_FULLSCREEN`` in the ``_NET_WM_STATE`` of the
  window named by the root's ``_NET_ACTIVE_WINDOW`` (EWMH; every current X11 window
  manager sets both). Without a window manager there is no active window, and nothing is
  reported. Under Wayland, X11 programs (XWayland) are seen this way too.
- **sway** (``SWAYSOCK``): its IPC's ``GET_TREE`` (what ``swaymsg -t get_tree`` prints):
  the focused window, or a container around it, in full screen.
- **The notification server** (D-Bus ``org.freedesktop.Notifications``): its
  ``Inhibited`` property (KDE Plasma's do not disturb, and servers following it), and
  dunst's ``paused`` property (``org.dunstproject.cmd0``, what ``dunstctl is-paused``
  reads). Every call carries ``NO_AUTO_START``, so asking never starts a server.
- **GNOME** (its schema installed and ``XDG_CURRENT_DESKTOP`` naming GNOME): the setting
  ``org.gnome.desktop.notifications show-banners`` false is GNOME's do not disturb; it is
  followed by one ``gsettings monitor`` process, which prints changes (no polling).

What cannot be known: on Wayland, a compositor does not tell one program about another's
windows, so a full-screen window of a native Wayland program is invisible under GNOME
(Mutter), KDE (KWin) and other compositors without an IPC like sway's; there only the
notification server's state (GNOME's banners, Plasma's ``Inhibited``) is known. Other
servers' do-not-disturb modes (mako's modes, xfce4-notifyd's setting) are not asked.

The probes themselves are in :mod:`posture_watch.desktop.disturb_probes`. Every probe
says what went wrong once, in one line, and is then left out; the others go on. The
thread waits with the injected clock (:meth:`~posture_watch.clock.Clock.sleep`): the
desktop moves in real time, so the tray gives it the system clock even when a replay runs
faster.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from posture_watch.clock import SYSTEM, Clock
from posture_watch.core.held_back import Disturb
from posture_watch.core.stream import Disturbance
from posture_watch.core.text import _
from posture_watch.desktop.disturb_probes import (
    GnomeBanners,
    NotificationsPaused,
    Probe,
    ProbeGone,
    Say,
    SwayFullScreen,
    X11FullScreen,
    desktop_probes,
)

log = logging.getLogger(__name__)

#: Seconds between two rounds of questions.
POLL_EVERY = 3.0
#: Seconds :meth:`DisturbWatch.close` waits for the thread (the tray's quit is quick).
JOIN_TIMEOUT = 0.5


class DisturbWatch:
    """A thread asking ``probes`` every ``every`` seconds of ``clock`` time and calling
    ``post(Disturbance(reasons))`` when the set of reasons changes (the first time only
    when some reason is in force: the session starts with none). :meth:`start`,
    :meth:`close`; :meth:`poll` asks once, on the caller's thread."""

    def __init__(
        self,
        post: Callable[[Disturbance], None],
        probes: Iterable[Probe] | None = None,
        *,
        clock: Clock = SYSTEM,
        every: float = POLL_EVERY,
        say: Say | None = None,
        resting: Callable[[], bool] | None = None,
    ) -> None:
        self._post, self._clock, self._every = post, clock, every
        #: While this says True (the tray paused, locked or lending the camera: no nudge
        #: can come), the rounds are skipped; the first round after it asks again.
        self._resting = resting or (lambda: False)
        self._say = say or log.warning
        self._probes = list(desktop_probes(say=self._say) if probes is None else probes)
        self._reasons: frozenset[Disturb] = frozenset()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="posture-watch-dnd", daemon=True)

    @property
    def following(self) -> list[str]:
        """The names of the probes still asked."""
        return [probe.name for probe in self._probes]

    @property
    def reasons(self) -> frozenset[Disturb]:
        """The reasons last posted."""
        return self._reasons

    def poll(self) -> frozenset[Disturb]:
        """Ask every probe once; post the reasons if they changed; return them."""
        reasons: set[Disturb] = set()
        for probe in list(self._probes):
            try:
                if probe.check():
                    reasons.add(probe.reason)
            except ProbeGone as exc:
                gone = _("{probe}: no longer followed ({error})")
                self._say(gone.format(probe=_(probe.name), error=exc))
                self._drop(probe)
            except Exception as exc:  # a probe's bug must not end the watching
                log.exception("the %s probe failed", probe.name)
                self._say(
                    _("{probe}: no longer followed ({error})").format(
                        probe=_(probe.name), error=repr(exc)
                    )
                )
                self._drop(probe)
        found = frozenset(reasons)
        if found != self._reasons:
            self._reasons = found
            self._post(Disturbance(found))
        return found

    def start(self) -> DisturbWatch:
        """Start asking (once; later calls do nothing). Without probes nothing starts."""
        if self._probes and self._thread.ident is None:
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop the thread and close the probes; safe to call twice. Quitting must stay
        quick: a thread still waiting on a hung server after :data:`JOIN_TIMEOUT` is left
        to end with the process (it is a daemon), its probes open."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(JOIN_TIMEOUT)
            if self._thread.is_alive():
                return
        for probe in self._probes:
            probe.close()
        self._probes = []

    def __enter__(self) -> DisturbWatch:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._resting():
                self.poll()
            if self._clock.sleep(self._every, self._stop):
                return

    def _drop(self, probe: Probe) -> None:
        self._probes.remove(probe)
        probe.close()


__all__ = [
    "POLL_EVERY",
    "DisturbWatch",
    "GnomeBanners",
    "NotificationsPaused",
    "Probe",
    "ProbeGone",
    "SwayFullScreen",
    "X11FullScreen",
    "desktop_probes",
]
