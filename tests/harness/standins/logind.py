"""A stand-in logind on a private bus used as the system bus, for the session watcher tests.

Run with the system Python (python3-gi): ``/usr/bin/python3 logind.py ADDRESS SESSION_ID
PID [--locked]``. It owns ``org.freedesktop.login1`` and serves what the watcher asks:
the manager's ``GetSession(id)`` and ``GetSessionByPID(pid)`` (only for SESSION_ID and
PID; anything else is the error logind gives), and the session object's ``LockedHint``
property. Commands on stdin, one a line: ``lock`` / ``unlock`` emit the session's
``Lock``/``Unlock``, ``hint 1`` / ``hint 0`` set ``LockedHint`` and emit
``PropertiesChanged``, ``sleep`` / ``wake`` emit ``PrepareForSleep(true/false)``,
``quit`` ends it. It says ``ready`` once it owns the name.
"""

import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

NAME = "org.freedesktop.login1"
MANAGER_PATH = "/org/freedesktop/login1"
MANAGER = "org.freedesktop.login1.Manager"
SESSION = "org.freedesktop.login1.Session"

XML = """
<node>
  <interface name="org.freedesktop.login1.Manager">
    <method name="GetSession">
      <arg type="s" direction="in"/><arg type="o" direction="out"/>
    </method>
    <method name="GetSessionByPID">
      <arg type="u" direction="in"/><arg type="o" direction="out"/>
    </method>
    <signal name="PrepareForSleep"><arg type="b"/></signal>
  </interface>
  <interface name="org.freedesktop.login1.Session">
    <property name="LockedHint" type="b" access="read"/>
    <signal name="Lock"/>
    <signal name="Unlock"/>
  </interface>
</node>
"""


def session_path(session_id: str) -> str:
    """logind escapes the id as sd_bus_path_encode does: digits become _3N."""
    escaped = "".join(c if c.isalpha() else f"_{ord(c):02x}" for c in session_id)
    return f"{MANAGER_PATH}/session/{escaped}"


def main() -> None:
    address, session_id, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    state = {"locked": "--locked" in sys.argv[4:]}
    path = session_path(session_id)
    conn = Gio.DBusConnection.new_for_address_sync(
        address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None,
        None,
    )
    node = Gio.DBusNodeInfo.new_for_xml(XML)
    manager, session = node.interfaces

    def no_session(invocation, what):
        invocation.return_dbus_error(
            "org.freedesktop.login1.NoSessionForPID", f"no session for {what}"
        )

    def on_manager(_conn, _sender, _path, _iface, method, params, invocation):
        print(method, flush=True)
        if method == "GetSession":
            (asked,) = params.unpack()
            if asked != session_id:
                no_session(invocation, asked)
                return
            invocation.return_value(GLib.Variant("(o)", (path,)))
        elif method == "GetSessionByPID":
            (asked,) = params.unpack()
            if asked != pid:
                no_session(invocation, asked)
                return
            invocation.return_value(GLib.Variant("(o)", (path,)))

    def get_property(_conn, _sender, _path, _iface, prop):
        print("Get", prop, flush=True)
        return GLib.Variant("b", state["locked"])

    conn.register_object(MANAGER_PATH, manager, on_manager, None, None)
    conn.register_object(path, session, None, get_property, None)
    loop = GLib.MainLoop()

    def signal(obj_path, iface, member, params=None):
        conn.emit_signal(None, obj_path, iface, member, params)
        conn.flush_sync(None)

    def on_stdin(channel, _condition):
        line = channel.readline()
        command = line.strip()
        if not line or command == "quit":
            loop.quit()
            return False
        if command == "lock":
            signal(path, SESSION, "Lock")
        elif command == "unlock":
            signal(path, SESSION, "Unlock")
        elif command.startswith("hint "):
            state["locked"] = command.endswith("1")
            changed = {"LockedHint": GLib.Variant("b", state["locked"])}
            signal(
                path,
                "org.freedesktop.DBus.Properties",
                "PropertiesChanged",
                GLib.Variant("(sa{sv}as)", (SESSION, changed, [])),
            )
        elif command in ("sleep", "wake"):
            asleep = GLib.Variant("(b)", (command == "sleep",))
            signal(MANAGER_PATH, MANAGER, "PrepareForSleep", asleep)
        print("emitted", command, flush=True)
        return True

    Gio.bus_own_name_on_connection(
        conn,
        NAME,
        Gio.BusNameOwnerFlags.NONE,
        lambda *_: print("ready", flush=True),
        lambda *_: (print("lost the name", flush=True), loop.quit()),
    )
    GLib.io_add_watch(GLib.IOChannel.unix_new(0), GLib.IO_IN | GLib.IO_HUP, on_stdin)
    loop.run()


if __name__ == "__main__":
    main()
