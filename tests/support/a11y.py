#!/usr/bin/python3
"""What a screen reader gets from the app, over AT-SPI, for the tests (e2e_accessibility.rs).

    a11y.py tree APP     prints, as JSON, every object of APP's web document: its role, name,
                         states, HTML id and tag, and the index of its parent
    a11y.py listen APP   reads the whole document (WebKit makes an object's AT-SPI side when
                         it is first asked for, and says nothing of objects never asked for),
                         prints {"ready": true}, then one JSON line for each thing a screen
                         reader would speak without the focus moving: an object added to a live
                         region (its text), text inserted into one, an announcement; until its
                         standard input closes

APP is the application's name on the accessibility bus (the program's name). Debian's
python3-pyatspi, run with the system Python (scripts/setup.sh installs it); the bus is the
session's, which starts the accessibility bus (at-spi2-core) when first asked."""
import json
import sys
import time

import pyatspi
from gi.repository import GLib

# The states a test looks at, by the names it uses.
STATES = {
    "focused": pyatspi.STATE_FOCUSED,
    "focusable": pyatspi.STATE_FOCUSABLE,
    "showing": pyatspi.STATE_SHOWING,
    "sensitive": pyatspi.STATE_SENSITIVE,
    "pressed": pyatspi.STATE_PRESSED,
    "checked": pyatspi.STATE_CHECKED,
    "editable": pyatspi.STATE_EDITABLE,
    "modal": pyatspi.STATE_MODAL,
}


def application(name, timeout=20.0):
    """The application called `name` once its web document is on the bus."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        seen = []
        for app in pyatspi.Registry.getDesktop(0):
            if app is None:
                continue
            seen.append(app.name)
            if app.name == name and document(app) is not None:
                return app
        time.sleep(0.2)
    sys.exit(f"no application {name!r} with a web document on the accessibility bus; "
             f"there were: {seen}")


def document(node):
    """The first web document under `node`, breadth first (the window's chrome is shallow)."""
    queue = [node]
    while queue:
        current = queue.pop(0)
        try:
            if current.getRole() == pyatspi.ROLE_DOCUMENT_WEB:
                return current
            queue.extend(current.getChildAtIndex(i) for i in range(current.childCount))
        except Exception:  # an object that went away while we looked
            continue
    return None


def attributes(node):
    try:
        return dict(pair.split(":", 1) for pair in node.getAttributes() if ":" in pair)
    except Exception:
        return {}


def text_of(node):
    """The object's text, or its name when it has no text of its own."""
    try:
        text = node.queryText()
        return text.getText(0, text.characterCount)
    except Exception:  # no text of its own
        pass
    try:
        return node.name or ""
    except Exception:
        return ""


def walk(root):
    """Every object under `root`, depth first, as dicts; `parent` is an index into the list."""
    nodes = []

    def visit(node, parent):
        try:
            states = node.getState()
            entry = {
                "role": node.getRoleName(),
                "name": node.name or "",
                "description": node.description or "",
                "states": [name for name, state in STATES.items() if states.contains(state)],
                "parent": parent,
            }
            count = node.childCount
        except Exception:
            return
        attrs = attributes(node)
        entry["id"] = attrs.get("id", "")
        entry["tag"] = attrs.get("tag", "")
        entry["live"] = attrs.get("live", "") or attrs.get("container-live", "")
        index = len(nodes)
        nodes.append(entry)
        for i in range(count):
            try:
                child = node.getChildAtIndex(i)
            except Exception:
                continue
            if child is not None:
                visit(child, index)

    visit(root, None)
    return nodes


def tree(name):
    print(json.dumps({"nodes": walk(document(application(name)))}))


def listen(name):
    doc = document(application(name))
    walk(doc)

    def live(node):
        attrs = attributes(node)
        return attrs.get("container-live") or attrs.get("live") or ""

    def heard(event):
        try:
            source = event.source
            politeness = live(source)
            if event.type.startswith("object:announcement"):
                said = str(event.any_data)
                politeness = politeness or "announcement"
            elif not politeness or politeness == "off":
                return
            elif event.type.startswith("object:children-changed:add"):
                said = text_of(event.any_data)
            else:
                said = str(event.any_data)
            print(json.dumps({"event": event.type, "live": politeness, "text": said}), flush=True)
        except Exception as failed:
            print(json.dumps({"event": event.type, "error": repr(failed)}), flush=True)

    for kind in ("object:children-changed:add", "object:text-changed:insert", "object:announcement"):
        pyatspi.Registry.registerEventListener(heard, kind)

    def stdin_closed(*_):
        pyatspi.Registry.stop()
        return False

    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_HUP | GLib.IO_IN | GLib.IO_ERR, stdin_closed)
    print(json.dumps({"ready": True}), flush=True)
    pyatspi.Registry.start()


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("tree", "listen"):
        sys.exit(__doc__)
    {"tree": tree, "listen": listen}[sys.argv[1]](sys.argv[2])


main()
