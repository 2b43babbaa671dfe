"""The Desktop Entry codec: Exec quoting and string escapes survive a round trip."""

from __future__ import annotations

import pytest

from posture_watch.desktop.desktop_entry import (
    escape_string,
    exec_line,
    parse_entry,
    split_exec,
    unescape_string,
)
from posture_watch.errors import ConfigError

#: Arguments for the quoting round trip.
NASTY = ["/a b/c", 'q"uote', "d$ollar", "back`tick", "back\\slash", "100%", "", "a=b;c", "~/x"]


def test_exec_quoting_round_trip() -> None:
    line = exec_line(NASTY)
    assert "%%" in line and " 100% " not in line
    written = escape_string(line)
    assert "\n" not in written
    assert split_exec(unescape_string(written)) == NASTY
    assert split_exec('a "b c" %U d%%e') == ["a", "b c", "d%e"]
    with pytest.raises(ValueError, match="unterminated"):
        split_exec('"open')
    with pytest.raises(ConfigError, match="control characters"):
        exec_line(["/a\nb"])


def test_parse_entry_reads_only_the_unlocalised_keys_of_the_entry_group() -> None:
    text = (
        "# a comment\n"
        "[Desktop Entry]\n"
        "Name=posture-watch\n"
        "Name[de]=Haltung\n"
        "Exec = /bin/x tray\n"
        "Name=second\n"
        "[Desktop Action quit]\n"
        "Exec=/bin/x quit\n"
    )
    assert parse_entry(text) == {"Name": "posture-watch", "Exec": "/bin/x tray"}
