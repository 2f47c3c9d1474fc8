#!/usr/bin/python3
"""The X input focus on $DISPLAY, for the tests (the test desktop has no window manager).

    focus.py get     prints the title of the window that has the focus (or of the nearest
                     parent with one), or nothing
    focus.py root    gives the focus to the root window, as clicking on the desktop does

Debian's python3-xlib, run with the system Python (scripts/setup.sh installs it)."""
import sys

from Xlib import X, display


def title(window):
    # The focus may be PointerRoot or None (plain numbers); the root's parent is window 0.
    while not isinstance(window, int) and window.id not in (X.NONE, X.PointerRoot):
        name = window.get_wm_name()
        if name:
            return name
        window = window.query_tree().parent
    return ""


def main():
    screen = display.Display()
    if sys.argv[1:] == ["get"]:
        print(title(screen.get_input_focus().focus))
    elif sys.argv[1:] == ["root"]:
        screen.set_input_focus(screen.screen().root, X.RevertToPointerRoot, X.CurrentTime)
        screen.sync()
    else:
        sys.exit(__doc__)


main()
