"""Notification servers for the tests of buttons: dunst that presses one, and one without any.

:class:`AnsweringDunst` is the real dunst on an :class:`~tests.harness.xsession.XSession`
started without its own dunst, configured so that a test can make it press a button the
way a person does. dunst 1.9 draws no buttons: it lists a bubble's actions in its
context menu, which it opens with ``dunstctl action 0`` (a bubble with one action gets it
invoked at once) and shows through its ``dmenu`` program. Here that program is a script
that picks the line containing the text in ``choice.txt``, as a person picking it from
dmenu would, and keeps the menu it was given in ``menu.txt`` (the proof that the buttons
arrived, with their labels); dunst then sends ``ActionInvoked`` itself.

:class:`PlainServer` is a stand-in ``org.freedesktop.Notifications`` (jeepney, on a
thread of its own) whose ``GetCapabilities`` lists no ``actions``, as some minimal
servers do; it keeps every ``Notify`` it got, so a test can see what was sent.
"""

from __future__ import annotations

import subprocess
import threading
from types import TracebackType
from typing import Any

from jeepney import HeaderFields, MessageType, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from tests.harness.processes import stop, wait_for
from tests.harness.xsession import XSession

_DUNSTRC = """\
[global]
idle_threshold = 0
history_length = 50
sticky_history = yes
origin = top-right
offset = 10x50
dmenu = {menu}
[urgency_low]
timeout = 0
[urgency_normal]
timeout = 0
[urgency_critical]
timeout = 0
"""

_MENU_SCRIPT = """\
#!/bin/sh
# dunst's dmenu: keep the menu, answer with the line holding the chosen text
cat > "{folder}/menu.tmp"
grep -F -- "$(cat "{folder}/choice.txt")" "{folder}/menu.tmp" | head -n 1
mv "{folder}/menu.tmp" "{folder}/menu.txt"
"""


class AnsweringDunst:
    """dunst on ``session`` (which must run no dunst of its own); a context manager."""

    def __init__(self, session: XSession) -> None:
        self.session = session
        self.folder = session.folder / "answering-dunst"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AnsweringDunst:
        self.folder.mkdir()
        menu = self.folder / "menu.sh"
        menu.write_text(_MENU_SCRIPT.format(folder=self.folder))
        menu.chmod(0o755)
        (self.folder / "choice.txt").write_text("\n")
        config = self.folder / "dunstrc"
        config.write_text(_DUNSTRC.format(menu=menu))
        with open(self.folder / "dunst.log", "wb") as log:
            self.proc = subprocess.Popen(
                ["dunst", "-config", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.session.env,
            )
        wait_for(lambda: self.ctl("is-paused").returncode == 0, 10.0, what="dunst to start")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc is not None:
            stop(self.proc)

    def ctl(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return self.session.run("dunstctl", *argv)

    def displayed(self) -> int:
        """How many bubbles are on screen now."""
        out = self.ctl("count", "displayed").stdout
        return int(out.strip() or 0)

    def press(self, label: str) -> None:
        """Press the button ``label`` on the top bubble as a person would: dunst invokes a
        lone button at once, and opens its context menu for more (see :meth:`menu`)."""
        (self.folder / "choice.txt").write_text(label + "\n")
        (self.folder / "menu.txt").unlink(missing_ok=True)
        # a bubble just sent may still wait in dunst's queue, where no action reaches it
        wait_for(self.displayed, 5.0, what="dunst to show the bubble")
        done = self.ctl("action", "0")
        if done.returncode:
            raise RuntimeError(f"dunstctl action failed: {done.stderr.strip()}")

    def menu(self, timeout: float = 5.0) -> list[str]:
        """The lines of the context menu dunst opened for the last press (it runs its
        menu program in the background: this waits for it)."""
        menu = self.folder / "menu.txt"
        wait_for(menu.exists, timeout, what="dunst's context menu")
        return menu.read_text().splitlines()


class PlainServer:
    """A notification server with no buttons (``GetCapabilities``: body only) on
    ``address``; a context manager. :attr:`received` holds each ``Notify`` call's
    arguments (app name, replaces id, icon, summary, body, actions, hints, expiry)."""

    CAPABILITIES = ("body",)

    def __init__(self, address: str) -> None:
        self.address = address
        self.received: list[tuple[Any, ...]] = []
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="plain-server", daemon=True)

    def __enter__(self) -> PlainServer:
        self._thread.start()
        if not self._ready.wait(10.0):
            raise RuntimeError("the stand-in notification server did not start")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)

    def _serve(self) -> None:
        with open_dbus_connection(self.address) as conn:
            conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.Notifications"))
            self._ready.set()
            while not self._stop.is_set():
                try:
                    msg = conn.receive(timeout=0.1)
                except TimeoutError:
                    continue
                if msg.header.message_type is not MessageType.method_call:
                    continue
                member = msg.header.fields.get(HeaderFields.member)
                if member == "GetCapabilities":
                    conn.send(new_method_return(msg, "as", (list(self.CAPABILITIES),)))
                elif member == "Notify":
                    self.received.append(tuple(msg.body))
                    conn.send(new_method_return(msg, "u", (len(self.received),)))


__all__ = ["AnsweringDunst", "PlainServer"]
