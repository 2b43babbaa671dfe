"""The hold's chime: a short, soft, click-free WAV made in memory."""

from __future__ import annotations

import io
import wave

import numpy as np

from posture_watch.desktop.chime import NOTES, RATE, VOLUME, chime_wav, play_chime, player_command


def test_the_chime_is_a_short_soft_mono_wav_without_clicks() -> None:
    with wave.open(io.BytesIO(chime_wav())) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2") / 32767
    seconds = len(samples) / RATE
    assert seconds == sum(s for _, s in NOTES) and seconds < 1
    assert 0.8 * VOLUME < np.abs(samples).max() <= VOLUME  # soft: a quarter of full scale
    assert abs(samples[0]) < 0.01 and abs(samples[-1]) < 0.01  # fades in and out


def test_the_chime_is_piped_to_the_first_player_installed(tmp_path, monkeypatch) -> None:
    heard = tmp_path / "heard.wav"
    player = tmp_path / "bin" / "paplay"
    player.parent.mkdir()
    player.write_text(f'#!/bin/sh\nexec /bin/cat > "{heard}"\n')
    player.chmod(0o755)
    monkeypatch.setenv("PATH", str(player.parent))
    assert player_command() == [str(player)]
    process = play_chime()
    assert process is not None and process.wait(timeout=10) == 0
    assert heard.read_bytes() == chime_wav()


def test_without_a_player_the_hold_ends_silently(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert player_command() is None and play_chime() is None
