"""The guided calibration window: what to do, a countdown, sampling, then the result.

Run as its own process so Tk owns that process's main thread (the tray's side is
:mod:`posture_watch.desktop.calibration_process`)::

    python -m posture_watch.desktop.calibration_window --source SPEC [--profile NAME] \\
        [--countdown 3] [--seconds 5] [--fps 2] [--model FILE] [--parent-pid PID]

A reference taken in a slouch makes every later slouch read as upright, so nothing is
saved without the person's click: the window says "Sit upright, look at your screen",
counts down, samples for a few seconds (a progress bar), and then says in plain words
what it measured ("Your head sits where an upright head should. Save it?") with Save
buttons, or why it refuses and what to do (moving, not frontal, clearly slouched, seen
too briefly) with Try again; the numbers stay in ``posture-watch calibrate``'s output.
It needs as many frames as ``calibrate`` asks of a camera, whatever the source (see
:meth:`~posture_watch.calibration_session.CalibrationSession.reference`), and keeps one
size from its first frame to its last. Saving over an existing profile says so on the
button ("Replace 'default'"). Keys: Return = the first Save button (or Try again after a
refusal), Escape = Cancel.

"You look slouched" is the one refusal the person may overrule: someone whose upright head
sits low in the picture (a camera high above the screen) would be refused on every try.
Beside Try again it offers :data:`USE_LOW`, which shows that same reference with a warning
and the usual Save buttons; still nothing is saved before the click, Return on the
refusal still means Try again, and the saved profile is marked in its meta.

The window opens the source itself (the monitor has released the camera) and runs the
pose model on a worker thread, in the same
:class:`~posture_watch.calibration_session.CalibrationSession` as ``posture-watch
calibrate``: the same sampling, the same refusals. The live picture is shown scaled down;
frames stay in memory and are never stored.

On exit it prints one JSON line (:class:`CalibrationResult`) and exits 0. Each phase it
enters is one line on stderr (``calibration window: countdown 3``), which is how tests
and a curious user can follow it.
"""

from __future__ import annotations

import argparse
import math
import queue
import re
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

import numpy as np

from posture_watch.clock import SYSTEM, Clock
from posture_watch.core.calibration import (
    MIN_LIVE_FRAMES,
    SlouchedReferenceError,
    low_reference_warning,
)
from posture_watch.core.scoring import Baseline
from posture_watch.core.text import N_, _, ngettext, pgettext
from posture_watch.desktop.calibration_process import (
    CalibrationOutcome,
    CalibrationResult,
    CalibrationWindowProcess,
)
from posture_watch.desktop.child_window import positive_number, readable_colours, run_window
from posture_watch.desktop.lifeline import add_parent_option
from posture_watch.desktop.theme import apply_theme
from posture_watch.errors import CalibrationError, PostureWatchError

#: The words at module level are marked only (the language is chosen after import):
#: ``_()`` translates them where shown.
INSTRUCTION = N_("Sit upright, look at your screen.")
#: The button that keeps a reference refused only because it looks slouched.
USE_LOW = N_("I'm sitting upright — use it")
#: Under that refusal: when the button is the right answer.
LOW_EXPLAINED = N_(
    "If you are sitting upright and your camera sits high above the screen, "
    "you can use this one anyway."
)
#: Defaults: countdown and sampling seconds.
COUNTDOWN, SECONDS = 3.0, 5.0
#: The live picture fits in this box, pixels.
PREVIEW_WIDTH, PREVIEW_HEIGHT = 320, 240
PAD, WRAP = 8, 360
#: The message always has room for this many lines, so the window never grows.
MESSAGE_LINES = 4
TICK_MS = 50


class Phase(StrEnum):
    """Where the calibration stands."""

    STARTING = "starting"  # opening the camera and loading the model
    COUNTDOWN = "countdown"
    SAMPLING = "sampling"
    RESULT = "result"
    NAMING = "naming"  # typing a new profile's name
    REFUSED = "refused"


def save_label(profile: str, exists: bool) -> str:
    """The Save button's text: it says when it replaces a profile other commands use."""
    if exists:
        return pgettext("button", "Replace '{name}'").format(name=profile)
    return pgettext("button", "Save as '{name}'").format(name=profile)


def result_text(baseline: Baseline) -> str:
    """The measured posture in plain words, with the question the buttons answer; a
    reference kept below the usual range says so (no ratios, frame counts or limits:
    those are in ``posture-watch calibrate``'s output and the profile file)."""
    if low_reference_warning(baseline) is not None:
        return _(
            "Your head sits lower than most people's when they sit upright. You said you "
            "sit upright, so posture nudges will be measured from here.\nSave it?"
        )
    return _("Your head sits where an upright head should.\nSave it?")


#: The refusals in plain words: the core's key words (in its English line), the core's
#: own message (``calibration refused: ...``, found again in the person's language when
#: the core's line was translated) and what the window says instead.
PLAIN_REFUSALS = (
    ("no person found",
     "calibration refused: no person found in {n} frame(s)",
     N_("No one was seen. Sit in front of the camera, face it, and make sure the room is "
        "lit.")),
    ("not frontal",
     "calibration refused: view is not frontal ({turned} of {seen} frames show a side or "
     "turned view)",
     N_("The camera sees you from the side. Place it in front of you and look at your "
        "screen.")),
    ("too few usable frames",
     "calibration refused: too few usable frames ({usable} of {n}, need {needed})",
     N_("You were not seen for long enough. Sit facing the camera, shoulders in view, for "
        "the whole count.")),
    ("cover only",
     "calibration refused: the usable frames cover only {span} s of the camera (need "
     "{needed} s)",
     N_("You were not seen for long enough. Sit facing the camera, shoulders in view, for "
        "the whole count.")),
    ("too much movement",
     "calibration refused: too much movement ({name} varied by {varied}%, limit {limit}%)",
     N_("You moved too much. Sit still and upright for the whole count.")),
    ("you look slouched",
     "calibration refused: you look slouched (head {drop}% lower than people sitting "
     "upright, limit {limit}%)",
     N_("Your head sits lower than an upright head usually does. Sit up straight, shoulders "
        "back, look at your screen, and try again.")),
)  # fmt: skip


def _said(message: str, reason: str) -> bool:
    """Whether ``reason`` is the core's ``message`` in the person's language (any plural
    form), its placeholders filled in with anything."""
    forms = {_(message), *(ngettext(message, message, n) for n in (0, 1, 2, 5))}
    for form in forms:
        parts = re.split(r"\{[^{}]*\}", form)
        if re.search(".*?".join(re.escape(part) for part in parts), reason):
            return True
    return False


def plain_refusal(reason: str) -> str:
    """Why the calibration was refused, in plain words (other errors, such as a camera
    that cannot be opened, are already one plain line and are shown as they are)."""
    for key, message, text in PLAIN_REFUSALS:
        if key in reason or _said(message, reason):
            return _(text)
    return reason[:1].upper() + reason[1:]


def countdown_text(seconds_left: float) -> str:
    """``Sit upright, look at your screen. Starting in 3…``."""
    starting = _("Starting in {seconds}…").format(seconds=max(1, math.ceil(seconds_left)))
    return f"{_(INSTRUCTION)}\n{starting}"


def new_profile_name(existing: Callable[[str], bool]) -> str:
    """The first of ``setup-2``, ``setup-3``, … that names no profile yet."""
    n = 2
    while existing(f"setup-{n}"):
        n += 1
    return f"setup-{n}"


@dataclass(frozen=True)
class Progress:
    """Posted by the sampler: the share of the sampling time done, 0 to 1."""

    done: float


@dataclass(frozen=True)
class Outcome:
    """Posted by the sampler when it stops: a reference, or the refusal's line.

    ``low`` comes with the "you look slouched" refusal: the reference the person may
    keep anyway when they say they sit upright.
    """

    baseline: Baseline | None
    reason: str = ""
    low: Baseline | None = None


class Sampler:
    """Opens the source and the pose model and samples frames on its own thread.

    Frames before :meth:`begin` only feed the preview (a live camera) or wait (a file, so
    that its first ``seconds`` are what is sampled). Everything is posted to ``inbox``:
    ``"ready"`` once the source and model are open, :class:`Progress`, then one
    :class:`Outcome` (a crash is an Outcome with its reason too: never silent).
    :meth:`preview` gives the latest frame scaled down for the window, never stored; it is
    handed over under a lock, as the sampler's thread makes it and Tk's thread shows it.
    """

    def __init__(
        self,
        source_spec: str,
        fps: float,
        model: Path | None,
        seconds: float,
        profile: str,
        allow_own: bool = False,
    ) -> None:
        self.source_spec, self.fps, self.model = source_spec, fps, model
        self.allow_own = allow_own
        self.seconds, self.profile = seconds, profile
        self.inbox: queue.Queue[object] = queue.Queue()
        self._preview: tuple[int, np.ndarray] | None = None
        self._preview_lock = threading.Lock()
        self._go = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="calibration", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def begin(self) -> None:
        """The countdown is over: sample from the next frame on."""
        self._go.set()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop sampling and release the source (waits up to ``timeout`` seconds)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            outcome = self._sample()
        except SlouchedReferenceError as exc:
            outcome = Outcome(None, exc.one_line(), low=exc.baseline)
        except PostureWatchError as exc:
            outcome = Outcome(None, exc.one_line())
        except Exception as exc:  # the window shows it: a crash is never silent
            outcome = Outcome(
                None, _("calibration failed: {error}").format(error=f"{type(exc).__name__}: {exc}")
            )
        if outcome is not None:
            self.inbox.put(outcome)

    def _sample(self) -> Outcome | None:
        from posture_watch.calibration_session import CalibrationSession
        from posture_watch.model import OWN_MODEL

        opened = CalibrationSession.open(
            self.source_spec,
            profile=self.profile,
            fps=self.fps,
            model=self.model,
            model_variant=OWN_MODEL if self.allow_own and self.model else "lite",
            preview=PREVIEW_WIDTH,
        )
        with opened as session:
            self.inbox.put("ready")
            frames = session.sample(
                self.seconds,
                begin=self._go,
                stop=self._stop,
                on_frame=lambda frame: self._show(
                    frame.image if frame.image is not None else frame.preview
                ),
                on_progress=lambda done: self.inbox.put(Progress(done)),
                min_frames=MIN_LIVE_FRAMES,
            )
        if frames is None:
            return None
        if not frames:
            raise CalibrationError(_("calibration refused: the source gave no frames"))
        return Outcome(session.reference(frames, guided=True))

    def _show(self, image: np.ndarray | None) -> None:
        if image is None:
            return
        import cv2

        height, width = image.shape[:2]
        scale = min(PREVIEW_WIDTH / width, PREVIEW_HEIGHT / height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        picture = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
        with self._preview_lock:
            count = self._preview[0] + 1 if self._preview is not None else 1
            self._preview = (count, picture)

    def preview(self) -> tuple[int, np.ndarray] | None:
        """``(n, picture)``: the latest preview (RGB, ``PREVIEW_WIDTH`` x
        ``PREVIEW_HEIGHT`` at most) and how many were made so far; None before the first."""
        with self._preview_lock:
            return self._preview


class CalibrationWindow:
    """The Tk window; :meth:`run` blocks until the person saves or cancels.

    Raises PostureWatchError when there is no display.
    """

    def __init__(
        self,
        source_spec: str,
        profile: str = "default",
        *,
        countdown: float = COUNTDOWN,
        seconds: float = SECONDS,
        fps: float = 2.0,
        model: Path | None = None,
        allow_own: bool = False,
        clock: Clock = SYSTEM,
    ) -> None:
        import tkinter as tk
        from tkinter import ttk

        from posture_watch.profiles import profile_path

        self.source_spec, self.profile, self.model = source_spec, profile, model
        self.allow_own = allow_own
        self.countdown, self.seconds, self.fps = countdown, seconds, fps
        self._profile_path = profile_path  # checks the name: never a path
        profile_path(profile)
        self._clock = clock
        self._result: CalibrationResult | None = None
        self._baseline: Baseline | None = None
        self._sampler: Sampler | None = None
        self._phase: Phase | None = None
        self._phase_since = 0.0
        self._shown_preview = -1
        self._photo: object | None = None
        try:
            self.root = tk.Tk(className="posture-watch")
        except tk.TclError as exc:
            raise PostureWatchError(
                _("cannot open the calibration window: {error}").format(error=exc)
            ) from exc
        readable_colours(self.root)
        self.theme = apply_theme(self.root)
        self.root.title(_("posture-watch: Calibrate"))
        self.root.resizable(False, False)
        self._pad = self.theme.px(2 * PAD)  # the window's margin
        body = tk.Frame(self.root, padx=self._pad, pady=self._pad)
        body.pack(fill="both", expand=True)
        tk.Label(body, text=_("Calibrate your upright posture"), font="PWHeading").pack(anchor="w")
        self._message = tk.Label(
            body, wraplength=self.theme.px(WRAP), justify="left", anchor="nw", height=MESSAGE_LINES
        )
        self._message.pack(fill="x", pady=(4, 4))
        box = tk.Frame(body, bg="gray20", width=PREVIEW_WIDTH, height=PREVIEW_HEIGHT)
        box.pack_propagate(False)  # pixels, whatever the picture's size
        box.pack()
        self._picture = tk.Label(box, bg="gray20")
        self._picture.pack(fill="both", expand=True)
        self._progress = ttk.Progressbar(body, maximum=1.0, length=PREVIEW_WIDTH)
        self._progress.pack(fill="x", pady=(self.theme.px(PAD), 0))
        self._naming = tk.Frame(body)
        self._name = tk.StringVar(value="")
        self._name.trace_add("write", lambda *_: self._name_changed())
        tk.Label(self._naming, text=_("Name:")).pack(side="left")
        self._entry = ttk.Entry(self._naming, textvariable=self._name, width=20, font="PWBody")
        self._entry.pack(side="left", padx=(4, 0))
        self._buttons = tk.Frame(body)
        self._buttons.pack(fill="x", pady=(PAD, 0))
        self.root.protocol("WM_DELETE_WINDOW", self.cancel)
        self.root.bind("<Escape>", lambda _e: self.cancel())
        self.root.bind("<Return>", lambda _e: self._default_action())
        self._default: Callable[[], None] | None = None
        self._first_button: ttk.Button | None = None  # Save, when naming a profile
        self._keep_one_size()
        self._start()

    # -- phases -----------------------------------------------------------------------

    def _enter(self, phase: Phase, message: str) -> None:
        self._phase, self._phase_since = phase, self._clock.monotonic()
        self._message.configure(text=message)
        _log(f"{phase.value}: {' '.join(message.splitlines())}")

    def _set_buttons(self, *buttons: tuple[str, Callable[[], None]]) -> None:
        from tkinter import ttk  # the window is open: Tk is loaded

        for child in self._buttons.winfo_children():
            child.destroy()
        self._first_button = None
        for column, (text, command) in enumerate(buttons):
            first = column == 0 and len(buttons) > 1
            button = ttk.Button(
                self._buttons,
                text=text,
                command=command,
                style="Accent.TButton" if first else "TButton",
                default="active" if first else "normal",
            )
            button.grid(row=0, column=column, sticky="ew", padx=(0 if column == 0 else PAD, 0))
            self._buttons.columnconfigure(column, weight=1)
            if column == 0:
                self._first_button = button
        self._default = buttons[0][1] if len(buttons) > 1 else None

    def _keep_one_size(self) -> None:
        """Fix the window's size to its largest state's, before it first shows.

        The window used to open at the starting state's size (336 px wide, a blank box)
        and grow when the result's four buttons came (544 px). It is laid out once with
        the longest message and the most buttons, the name row included, its size is
        kept, and the widgets are reset for the start.
        """
        # Withdrawn while it is measured: Tk maps a new window at the first idle, and
        # update_idletasks() is one, so it would show at a trial layout's size first.
        self.root.withdraw()
        self._message.configure(text="\n".join(["W" * 10] * MESSAGE_LINES))
        self._naming.pack(fill="x", pady=(PAD, 0), before=self._buttons)
        width = height = 0
        for exists in (True, False):  # "Replace 'x'" or "Save as 'x'": either may be longer
            self._set_buttons(
                (save_label(self.profile, exists), lambda: None),
                (pgettext("button", "Save as new profile…"), lambda: None),
                (pgettext("button", "Try again"), lambda: None),
                (pgettext("button", "Cancel"), lambda: None),
            )
            self.root.update_idletasks()
            width = max(width, self.root.winfo_reqwidth())
            height = max(height, self.root.winfo_reqheight())
        self.root.geometry(f"{width}x{height}")
        self.root.minsize(width, height)
        self.root.maxsize(width, height)
        self._message.configure(wraplength=width - 2 * self._pad - 4)
        self._naming.pack_forget()
        self.root.deiconify()

    def _start(self) -> None:
        if self._sampler is not None:
            self._sampler.stop()
        self._baseline = None
        self._progress.configure(value=0.0)
        self._naming.pack_forget()
        self._sampler = Sampler(
            self.source_spec, self.fps, self.model, self.seconds, self.profile, self.allow_own
        )
        self._sampler.start()
        self._enter(Phase.STARTING, "\n".join([_(INSTRUCTION), _("Starting the camera…")]))
        self._set_buttons((pgettext("button", "Cancel"), self.cancel))

    def _tick(self) -> None:
        sampler = self._sampler
        if sampler is not None:
            self._drain(sampler)
            self._show_preview(sampler)
        if self._phase is Phase.COUNTDOWN:
            left = self.countdown - (self._clock.monotonic() - self._phase_since)
            if left <= 0:
                self._enter(
                    Phase.SAMPLING,
                    _("Hold still for {seconds} seconds…").format(seconds=f"{self.seconds:g}"),
                )
                if sampler is not None:
                    sampler.begin()
            else:
                text = countdown_text(left)
                if text != self._message.cget("text"):
                    self._message.configure(text=text)
                    _log(f"countdown: {text.splitlines()[1]}")
        self._tick_id = self.root.after(TICK_MS, self._tick)

    def _drain(self, sampler: Sampler) -> None:
        while True:
            try:
                item = sampler.inbox.get_nowait()
            except queue.Empty:
                return
            if sampler is not self._sampler:
                return
            if item == "ready" and self._phase is Phase.STARTING:
                self._enter(Phase.COUNTDOWN, countdown_text(self.countdown))
            elif isinstance(item, Progress):
                self._progress.configure(value=item.done)
            elif isinstance(item, Outcome):
                self._finished(item)

    def _finished(self, outcome: Outcome) -> None:
        if outcome.baseline is None:
            low = outcome.low
            if low is None:
                self._enter(Phase.REFUSED, plain_refusal(outcome.reason))
                self._set_buttons(
                    (pgettext("button", "Try again"), self._start),
                    (pgettext("button", "Cancel"), self.cancel),
                )
                return
            self._progress.configure(value=1.0)  # sampled to the end, judged slouched
            self._enter(Phase.REFUSED, f"{plain_refusal(outcome.reason)}\n{_(LOW_EXPLAINED)}")
            self._set_buttons(
                (pgettext("button", "Try again"), self._start),
                (_(USE_LOW), lambda: self._use_low(low)),
                (pgettext("button", "Cancel"), self.cancel),
            )
            return
        self._baseline = outcome.baseline
        self._progress.configure(value=1.0)
        self._enter(Phase.RESULT, result_text(outcome.baseline))
        exists = self._profile_path(self.profile).exists()
        self._set_buttons(
            (save_label(self.profile, exists), lambda: self.save(self.profile)),
            (pgettext("button", "Save as new profile…"), self._ask_name),
            (pgettext("button", "Try again"), self._start),
            (pgettext("button", "Cancel"), self.cancel),
        )

    def _use_low(self, low: Baseline) -> None:
        """The person says they sit upright: show the refused reference to save."""
        if self._phase is Phase.REFUSED:
            self._finished(Outcome(low))

    def _ask_name(self) -> None:
        if self._baseline is None:
            return
        self._naming.pack(fill="x", pady=(PAD, 0), before=self._buttons)
        self._enter(Phase.NAMING, _("Name it (letters, digits, '.', '_' and '-')."))
        self._set_buttons(
            (pgettext("button", "Save"), self._save_named), (pgettext("button", "Back"), self._back)
        )
        self._name.set(new_profile_name(lambda n: self._profile_path(n).exists()))
        self._entry.focus_set()
        self._entry.icursor("end")

    def _back(self) -> None:
        baseline = self._baseline
        self._naming.pack_forget()
        if baseline is not None:
            self._finished(Outcome(baseline))

    def _name_changed(self) -> None:
        if self._phase is not Phase.NAMING:
            return
        button = self._first_button
        if button is None:
            return
        name = self._name.get().strip()
        try:
            label = save_label(name, self._profile_path(name).exists())
        except CalibrationError:
            button.configure(text=pgettext("button", "Save"), state="disabled")
        else:
            button.configure(text=label, state="normal")

    def _save_named(self) -> None:
        try:
            self._profile_path(self._name.get().strip())
        except CalibrationError:
            return
        self.save(self._name.get().strip())

    def _default_action(self) -> None:
        if self._phase is Phase.REFUSED:
            self._start()
        elif self._phase in (Phase.RESULT, Phase.NAMING) and self._default is not None:
            self._default()

    def _show_preview(self, sampler: Sampler) -> None:
        latest = sampler.preview()
        if latest is None or latest[0] == self._shown_preview:
            return
        from PIL import Image, ImageTk

        self._shown_preview, picture = latest  # RGB, in memory only
        self._photo = ImageTk.PhotoImage(Image.fromarray(picture), master=self.root)
        self._picture.configure(image=self._photo)

    # -- answers ----------------------------------------------------------------------

    def save(self, profile: str) -> None:
        """Save the shown reference as ``profile`` (the Save click) and close."""
        from posture_watch.calibration_session import save_reference

        if self._baseline is None or self._result is not None:
            return
        path = self._profile_path(profile)
        baseline = replace(self._baseline, calibrated=True, profile=profile)  # meta kept
        try:
            save_reference(baseline, path, self.source_spec)
        except PostureWatchError as exc:
            self._enter(Phase.REFUSED, plain_refusal(exc.one_line()))
            self._set_buttons(
                (pgettext("button", "Try again"), self._start),
                (pgettext("button", "Cancel"), self.cancel),
            )
            return
        self._finish(CalibrationResult(CalibrationOutcome.SAVED, profile, str(path)))

    def cancel(self) -> None:
        """Close without saving anything."""
        self._finish(CalibrationResult(CalibrationOutcome.CANCELLED))

    def _finish(self, result: CalibrationResult) -> None:
        if self._result is not None:
            return
        self._result = result
        if self._sampler is not None:
            self._sampler.stop()
        self.root.destroy()

    def run(self) -> CalibrationResult:
        """Show the window until the person saves or cancels, and say which."""
        self._tick()
        self.root.mainloop()
        if self._sampler is not None:
            self._sampler.stop()
        return self._result or CalibrationResult(CalibrationOutcome.CANCELLED)


def _log(line: str) -> None:
    print(f"calibration window: {line}", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m posture_watch.desktop.calibration_window",
        description="Guide a calibration; print the saved profile as one JSON line.",
    )
    parser.add_argument("--source", required=True, help="camera index, video or folder")
    parser.add_argument("--profile", default="default", help="profile offered for saving")
    parser.add_argument("--countdown", type=positive_number, default=COUNTDOWN, metavar="SECONDS")
    parser.add_argument("--seconds", type=positive_number, default=SECONDS, help="sampling time")
    parser.add_argument("--fps", type=positive_number, default=2.0, help="replay rate of folders")
    parser.add_argument("--model", type=Path, metavar="FILE", help="pose model file (.task)")
    parser.add_argument(
        "--allow-own-model", action="store_true", help="run a --model file that is not pinned"
    )
    add_parent_option(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the child process; returns the exit code."""
    from posture_watch.offline import enforce_offline
    from posture_watch.worker.client import claim

    args = _parser().parse_args(argv)
    enforce_offline()  # before the model loads: its telemetry cannot get out
    claim()  # the camera and the model in the sandboxed worker, as for the command line

    def build() -> CalibrationWindow:
        return CalibrationWindow(
            args.source,
            args.profile,
            countdown=args.countdown,
            seconds=args.seconds,
            fps=args.fps,
            model=args.model,
            allow_own=args.allow_own_model,
        )

    return run_window("calibration window", build, args.parent_pid)


__all__ = [
    "LOW_EXPLAINED",
    "USE_LOW",
    "CalibrationOutcome",
    "CalibrationResult",
    "CalibrationWindow",
    "CalibrationWindowProcess",
    "Phase",
    "Sampler",
    "countdown_text",
    "main",
    "new_profile_name",
    "plain_refusal",
    "result_text",
    "save_label",
]

if __name__ == "__main__":
    sys.exit(main())
