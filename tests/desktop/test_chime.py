"""The hold's chime: a short, soft, click-free WAV made in memory."""

from __future__ import annotations

import io
import wave

import numpy as np

from posture_watch.desktop.chime import NOTES, RATE, VOLUME, chime_wav


def test_the_chime_is_a_short_soft_mono_wav_without_clicks() -> None:
    with wave.open(io.BytesIO(chime_wav())) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2") / 32767
    seconds = len(samples) / RATE
    assert seconds == sum(s for _, s in NOTES) and seconds < 1
    assert 0.8 * VOLUME < np.abs(samples).max() <= VOLUME  # soft: a quarter of full scale
    assert abs(samples[0]) < 0.01 and abs(samples[-1]) < 0.01  # fades in and out
