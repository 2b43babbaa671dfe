"""Headless Chromium for the HTML report tests: a command-line screenshot and a DevTools page.

Two ways in, each for what it does reliably:

- :func:`screenshot` runs ``chromium --headless --screenshot`` exactly as a user or CI
  would, with ``--enable-logging=stderr --v=0`` so console messages land on stderr.
- :class:`DevToolsPage` speaks the DevTools protocol over ``--remote-debugging-pipe``
  (file descriptors 3 and 4, NUL-separated JSON; no port, no websocket library). It sees
  what stderr logging misses, such as a resource that failed to load, and it can emulate
  a phone's width and measure the page.

Both block the network by resolving every host to nothing, so a report that tried to
fetch anything would fail loudly in the tests rather than reach the internet.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def screenshot(page: Path, png: Path, width: int = 1000, height: int = 2000) -> str:
    """Render ``page`` to ``png`` with the command line; returns Chromium's stderr."""
    with tempfile.TemporaryDirectory(prefix="pw-chromium-") as profile:
        out = subprocess.run(
            [
                str(CHROMIUM),
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                "--enable-logging=stderr",
                "--v=0",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    if out.returncode != 0 or not png.is_file():
        raise RuntimeError(f"chromium failed ({out.returncode}): {out.stderr[-2000:]}")
    return out.stderr


def console_lines(stderr: str) -> list[str]:
    """The page's console messages in Chromium's stderr log (``…:CONSOLE:…] "text"``)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def _high_fds(*fds: int) -> tuple[int, ...]:
    """The same pipe ends on descriptors of 10 or more, clear of the 3 and 4 Chromium uses."""
    high = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return high


@dataclass
class PageReport:
    """What happened while a page loaded: problems, requests, size and a screenshot."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    scroll_width: int = 0
    viewport_width: int = 0
    png: bytes = b""


class DevToolsPage:
    """One headless Chromium with one page, driven over the DevTools pipe."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="pw-chromium-")
        to_chrome_r, self._to_chrome = _high_fds(*os.pipe())
        self._from_chrome, from_chrome_w = _high_fds(*os.pipe())

        # Chromium reads commands on fd 3 and writes replies on fd 4; a shell puts the pipe
        # ends there (no preexec_fn, which is unsafe in a process that may have threads).
        moves = f"3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-"
        self._proc = subprocess.Popen(
            [
                "/bin/bash",  # dash only redirects single-digit descriptors
                "-c",
                f'exec "$0" "$@" {moves}',
                str(CHROMIUM),
                *FLAGS,
                f"--user-data-dir={self._profile.name}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(to_chrome_r, from_chrome_w),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self._scale, self._mobile = 1.0, False
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        attached = self.call("Target.attachToTarget", targetId=target, flatten=True)
        self._session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            with selectors.DefaultSelector() as sel:
                sel.register(self._from_chrome, selectors.EVENT_READ)
                if left <= 0 or not sel.select(left):
                    raise TimeoutError("no answer from chromium")
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def load(
        self, page: Path, width: int, height: int = 900, mobile: bool = False, scale: float = 1
    ) -> PageReport:
        """Load ``page`` at ``width`` CSS pixels (``scale`` device pixels each) and report."""
        self.events.clear()
        self._scale, self._mobile = scale, mobile
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=scale,
            mobile=mobile,
        )
        self.call("Page.navigate", session=True, url=page.resolve().as_uri())
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{page}: no load event")
            self.events.append(self._receive(deadline))
        sizes = self._evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        shot = self.call("Page.captureScreenshot", session=True, captureBeyondViewport=True)
        return PageReport(
            errors=self._errors(),
            requests=[
                e["params"]["request"]["url"]
                for e in self.events
                if e.get("method") == "Network.requestWillBeSent"
            ],
            scroll_width=sizes[0],
            viewport_width=sizes[1],
            png=base64.b64decode(shot["data"]),
        )

    def full_page(self) -> bytes:
        """A screenshot of the whole loaded page with the viewport grown to its height, so
        that positions measured in the page (``getBoundingClientRect``) are the image's
        (times the device scale)."""
        metrics = self.call("Page.getLayoutMetrics", session=True)
        height = int(metrics["cssContentSize"]["height"]) + 1
        width = int(metrics["cssLayoutViewport"]["clientWidth"])
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=self._scale,
            mobile=self._mobile,
        )
        shot = self.call("Page.captureScreenshot", session=True)
        return base64.b64decode(shot["data"])

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the loaded page (JSON-serialisable)."""
        return self._evaluate(expression)

    def _evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True
        )
        return result["result"]["value"]

    def _errors(self) -> list[str]:
        out = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning"):
                out.append(f"console.{params['type']}: {params['args']}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                thrown = details.get("exception", {}).get("description", "")
                out.append(f"exception: {details.get('text')} {thrown}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                entry = params["entry"]
                out.append(f"log {entry['level']}: {entry['text']} {entry.get('url', '')}")
            elif method == "Network.loadingFailed":
                out.append(f"load failed: {params.get('errorText')}")
        return out

    def close(self) -> None:
        # Chromium may close the pipe before it answers; it is going away either way.
        with contextlib.suppress(EOFError, TimeoutError, OSError, RuntimeError):
            self.call("Browser.close")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        for fd in (self._to_chrome, self._from_chrome):
            os.close(fd)
        shutil.rmtree(self._profile.name, ignore_errors=True)
        self._profile.cleanup()

    def __enter__(self) -> DevToolsPage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
