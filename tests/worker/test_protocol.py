"""The pipe between the parent and the camera worker: what crosses it, and what may not.

The parent unpickles what the worker writes, and the worker decodes untrusted videos, so
a worker taken over must not be able to run code in the parent through a crafted pickle.
"""

from __future__ import annotations

import os
import pickle
import struct

import numpy as np
import pytest

from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.scoring import Baseline
from posture_watch.core.settings import Settings
from posture_watch.core.worker_events import Pause, Reconfigure, Stopped
from posture_watch.worker import messages as m
from posture_watch.worker.protocol import MAX_MESSAGE, ProtocolError, Reader, Writer, loads


class RunsCode:
    """A pickle that calls os.system when loaded: what an attacker would send."""

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, ("touch /tmp/pwned-by-the-worker",))


def test_a_pickle_that_names_another_function_is_refused() -> None:
    with pytest.raises(ProtocolError, match=r"(posix|os)\.system"):
        loads(pickle.dumps(RunsCode()))


@pytest.mark.parametrize(
    "name",
    [
        ("builtins", "eval"),
        ("subprocess", "Popen"),
        ("posture_watch.worker.client", "WorkerClient"),
    ],
)
def test_only_our_types_and_plain_values_are_built(name: tuple[str, str]) -> None:
    module, attr = name
    crafted = b"\x80\x04\x95" + struct.pack("<Q", 0) + b"\x8c" + bytes([len(module)])
    crafted += module.encode() + b"\x8c" + bytes([len(attr)]) + attr.encode() + b"\x93."
    with pytest.raises(ProtocolError):
        loads(crafted)


def test_events_commands_and_the_analyzer_cross_whole() -> None:
    analyzer = PostureAnalyzer(Baseline.population())
    frame = m.LandmarkFrame(3, 1.5, None, "a.jpg", np.zeros((4, 5, 3), np.uint8))
    for message in (
        m.Emitted(Stopped(1.0, "stop", 3, 2), 3, 2),
        m.Send(Pause(30.0)),
        m.Send(Reconfigure(Settings(sit_max=120.0), 2.0, 0.25)),  # new settings
        m.Checkpoint(2.0, pickle.dumps(analyzer)),
        frame,
    ):
        back = loads(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == message
    restored = loads(pickle.dumps(analyzer, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(restored, PostureAnalyzer)
    assert restored.baseline == analyzer.baseline


def test_an_oversized_message_is_refused_before_it_is_read() -> None:
    read, write = os.pipe()
    try:
        os.write(write, struct.pack(">I", MAX_MESSAGE + 1))
        with pytest.raises(ProtocolError, match="over the limit"):
            Reader(read).receive()
    finally:
        os.close(read)
        os.close(write)


def test_messages_cross_a_pipe_in_order_and_the_end_is_eof() -> None:
    read, write = os.pipe()
    reader, writer = Reader(read), Writer(write)
    for n in range(3):
        writer.send(m.Send(Pause(float(n + 1))))
    writer.close()
    assert [reader.receive() for _ in range(3)] == [m.Send(Pause(float(n + 1))) for n in range(3)]
    with pytest.raises(EOFError):
        reader.receive()
    reader.close()
