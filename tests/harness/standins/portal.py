"""A stand-in XDG desktop portal's Settings on a private session bus, for the theme tests.

Run with the system Python (python3-gi): ``/usr/bin/python3 portal.py ADDRESS VALUE
[--old]``. It owns ``org.freedesktop.portal.Desktop`` and answers
``org.freedesktop.portal.Settings`` for ``org.freedesktop.appearance`` ``color-scheme``
with VALUE (0 no preference, 1 dark, 2 light): ``ReadOne`` gives the value in a variant
(portal version 2); ``Read`` gives it in a variant inside a variant, as older portals do.
With ``--old`` it has no ``ReadOne``, as a portal before version 2. It says ``ready`` once
it owns the name and the method's name each time it is asked; ``quit`` on stdin ends it.
"""

import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
IFACE = "org.freedesktop.portal.Settings"
METHODS = {
    "Read": '<method name="Read"><arg type="s" direction="in"/><arg type="s" direction="in"/>'
    '<arg type="v" direction="out"/></method>',
    "ReadOne": '<method name="ReadOne"><arg type="s" direction="in"/>'
    '<arg type="s" direction="in"/><arg type="v" direction="out"/></method>',
}


def main() -> None:
    address, value = sys.argv[1], int(sys.argv[2])
    methods = ["Read"] if "--old" in sys.argv[3:] else ["Read", "ReadOne"]
    xml = (
        f'<node><interface name="{IFACE}">{"".join(METHODS[m] for m in methods)}</interface></node>'
    )
    conn = Gio.DBusConnection.new_for_address_sync(
        address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None,
        None,
    )
    info = Gio.DBusNodeInfo.new_for_xml(xml).interfaces[0]

    def on_call(_conn, _sender, _path, _iface, method, params, invocation):
        print(method, flush=True)
        namespace, key = params.unpack()
        if (namespace, key) != ("org.freedesktop.appearance", "color-scheme"):
            invocation.return_dbus_error("org.freedesktop.portal.Error.NotFound", "no such key")
            return
        inner = GLib.Variant("u", value)
        answer = inner if method == "ReadOne" else GLib.Variant("v", inner)
        invocation.return_value(GLib.Variant("(v)", (answer,)))

    conn.register_object(PATH, info, on_call, None, None)
    loop = GLib.MainLoop()

    def on_stdin(channel, _condition):
        line = channel.readline()
        if not line or line.strip() == "quit":
            loop.quit()
            return False
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
