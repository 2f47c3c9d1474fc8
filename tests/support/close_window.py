#!/usr/bin/python3
"""Asks the window titled like argv[1] to close, as a window manager's close button does (the
WM_DELETE_WINDOW message), on $DISPLAY. The test desktop has no window manager to do it.
Debian's python3-xlib, run with the system Python (scripts/setup.sh installs it)."""
import sys

from Xlib import X, display, protocol


def windows(window):
    yield window
    for child in window.query_tree().children:
        yield from windows(child)


def main():
    title = sys.argv[1]
    screen = display.Display()
    delete = screen.intern_atom("WM_DELETE_WINDOW")
    protocols = screen.intern_atom("WM_PROTOCOLS")
    found = [w for w in windows(screen.screen().root) if w.get_wm_name() == title]
    if not found:
        sys.exit(f"no window titled {title!r}")
    for window in found:
        takes = delete in (window.get_wm_protocols() or [])
        state = window.get_attributes().map_state
        print(f"window {window.id:#x}: map state {state}, takes WM_DELETE_WINDOW: {takes}")
        if takes:
            message = protocol.event.ClientMessage(
                window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
            window.send_event(message, event_mask=X.NoEventMask)
    popups = [w for w in windows(screen.screen().root)
              if w.get_attributes().override_redirect and w.get_attributes().map_state == X.IsViewable]
    print(f"popups shown: {len(popups)}")
    screen.flush()


if __name__ == "__main__":
    main()
