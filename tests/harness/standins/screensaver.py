"""A stand-in screensaver service on a private session bus, for the session watcher tests.

Run with the system Python (python3-gi): ``/usr/bin/python3 screensaver.py ADDRESS NAME
[--active]``, NAME being ``org.gnome.ScreenSaver`` or ``org.freedesktop.ScreenSaver``. It
owns NAME, serves ``GetActive`` on the object and interface a real one uses, and reads
commands on stdin, one a line: ``lock`` / ``unlock`` set the state and emit
``ActiveChanged``, ``quit`` ends it. It says ``ready`` once it owns the name, and
``GetActive`` each time someone asks (so a test knows a client has subscribed).
"""

import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

PATHS = {
    "org.gnome.ScreenSaver": "/org/gnome/ScreenSaver",
    "org.freedesktop.ScreenSaver": "/org/freedesktop/ScreenSaver",
}

XML = """
<node>
  <interface name="{iface}">
    <method name="GetActive"><arg type="b" direction="out"/></method>
    <signal name="ActiveChanged"><arg type="b"/></signal>
  </interface>
</node>
"""


def main() -> None:
    address, name = sys.argv[1], sys.argv[2]
    state = {"active": "--active" in sys.argv[3:]}
    path = PATHS[name]
    conn = Gio.DBusConnection.new_for_address_sync(
        address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None,
        None,
    )
    info = Gio.DBusNodeInfo.new_for_xml(XML.format(iface=name)).interfaces[0]

    def on_call(_conn, _sender, _path, _iface, method, _params, invocation):
        if method == "GetActive":
            print("GetActive", flush=True)
            invocation.return_value(GLib.Variant("(b)", (state["active"],)))

    conn.register_object(path, info, on_call, None, None)
    loop = GLib.MainLoop()

    def emit(active: bool) -> None:
        state["active"] = active
        conn.emit_signal(None, path, name, "ActiveChanged", GLib.Variant("(b)", (active,)))
        conn.flush_sync(None)
        print("emitted", "lock" if active else "unlock", flush=True)

    def on_stdin(channel, _condition):
        line = channel.readline()
        command = line.strip()
        if not line or command == "quit":
            loop.quit()
            return False
        if command == "lock":
            emit(True)
        elif command == "unlock":
            emit(False)
        return True

    Gio.bus_own_name_on_connection(
        conn,
        name,
        Gio.BusNameOwnerFlags.NONE,
        lambda *_: print("ready", flush=True),
        lambda *_: (print("lost the name", flush=True), loop.quit()),
    )
    GLib.io_add_watch(GLib.IOChannel.unix_new(0), GLib.IO_IN | GLib.IO_HUP, on_stdin)
    loop.run()


if __name__ == "__main__":
    main()
