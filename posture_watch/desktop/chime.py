"""A soft chime at the end of a stretch hold: a short sine tone made in memory.

Off by default (the stretch window's ``--sound``). The tone is built with the standard
library (``wave`` into a ``BytesIO``) and piped to ``paplay`` or ``aplay``, whichever is
installed; nothing is written to disk. Where neither is installed, or playing fails, the
window stays silent and says so once in the log: a missing sound is never an error.
"""

from __future__ import annotations

import io
import logging
import math
import shutil
import struct
import subprocess
import threading
import wave

log = logging.getLogger(__name__)

RATE = 22050
#: Two soft notes (E5 then A5), seconds each, and the peak amplitude (of 1.0).
NOTES = ((659.25, 0.18), (880.0, 0.32))
VOLUME = 0.25
#: Players in order of preference, each reading a WAV file on stdin.
PLAYERS = (("paplay", ()), ("aplay", ("-q",)))


def chime_wav(notes: tuple[tuple[float, float], ...] = NOTES, volume: float = VOLUME) -> bytes:
    """A mono 16-bit WAV of ``notes`` (frequency Hz, seconds), each faded in and out so
    it starts and ends without a click."""
    samples = bytearray()
    for frequency, seconds in notes:
        count = round(RATE * seconds)
        for i in range(count):
            envelope = math.sin(math.pi * i / count)  # 0 -> 1 -> 0: soft edges
            value = volume * envelope * math.sin(2 * math.pi * frequency * i / RATE)
            samples += struct.pack("<h", round(value * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(samples))
    return buffer.getvalue()


def player_command() -> list[str] | None:
    """The first installed player's command line, None when there is none."""
    for name, options in PLAYERS:
        path = shutil.which(name)
        if path is not None:
            return [path, *options]
    return None


def play_chime() -> subprocess.Popen[bytes] | None:
    """Start playing the chime without waiting for it (a thread reaps the player); None
    when it cannot play."""
    command = player_command()
    if command is None:
        log.info("no paplay or aplay: the end of a hold stays silent")
        return None
    try:
        player = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except OSError as exc:
        log.info("could not play the chime: %s", exc)
        return None
    # reaped beside the window's loop: no zombie, and nothing waits for the sound
    threading.Thread(target=player.wait, name="chime", daemon=True).start()
    assert player.stdin is not None
    try:
        with player.stdin:
            player.stdin.write(chime_wav())
    except OSError as exc:  # the player ended before it read the sound
        log.info("could not play the chime: %s", exc)
        return None
    return player


__all__ = ["chime_wav", "play_chime", "player_command"]
