#!/usr/bin/env python3
"""Drives the installed app (/usr/bin/aelyst-desk, the bundled front end) through WebDriver:
it starts with no error, takes a token, and an action shows up in the history and is still
there after a restart. The debug build's end-to-end tests cover ui/ as written; this covers
what the .deb ships. Run by scripts/check-deb.sh after it installs the package.
"""
import importlib.util
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_startup", os.path.join(HERE, "bench-startup.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

APP = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/aelyst-desk"


def main():
    desktop = bench.Desktop()
    try:
        session, seconds, _ = desktop.launch_steady(APP)
        print(f"installed app ready in {seconds * 1000:.0f} ms")
        notices = desktop.run(session, "return document.getElementById('notices').innerText;")
        if notices.strip():
            sys.exit(f"installed app started with a notice: {notices}")
        desktop.wait_until(session, "installed app: the token step showing (first start)",
                   "return !document.getElementById('token-step').hidden;")
        desktop.run(session, "document.getElementById('token-input').value = 'check-token';"
                             "document.getElementById('token-form').requestSubmit(); return true;")
        desktop.wait_until(session, "installed app: the token being saved",
                   "return document.getElementById('token-step').hidden;")
        desktop.run(session, "const kind = document.getElementById('identifier-type');"
                             "kind.value = 'id'; kind.dispatchEvent(new Event('change'));"
                             "document.getElementById('identifier-value').value = '5';"
                             "document.getElementById('submit').click(); return true;")
        # Nothing listens at the API address, so the action waits in the outbox.
        desktop.wait_until(session, "installed app: the action showing in the history",
                   "return document.querySelectorAll('#history > *').length === 1;")
        # The views set up when first shown, from their own chunks (bundle-ui.sh): Bulk's
        # Close/Reopen answer once its module has run.
        desktop.run(session, "document.getElementById('view-bulk').click(); return true;")
        desktop.wait_until(session, "installed app: Bulk shown",
                   "return !document.getElementById('bulk-card').hidden;")
        desktop.run(session, "document.getElementById('bulk-open').click(); return true;")
        desktop.wait_until(session, "installed app: Bulk set up from its chunk",
                   "return document.getElementById('bulk-open').getAttribute('aria-pressed')"
                   " === 'true';")
        desktop.run(session, "document.getElementById('settings-toggle').click(); return true;")
        desktop.wait_until(session, "installed app: Settings set up from its chunk",
                   "return !document.getElementById('settings').hidden"
                   " && document.getElementById('language-select').options.length > 1;")
        desktop.quit(session, APP)

        session, _, _ = desktop.launch_steady(APP)
        desktop.wait_until(session, "installed app: the history coming back after a restart",
                   "return document.querySelectorAll('#history > *').length === 1"
                   " && document.getElementById('token-step').hidden;")
        desktop.quit(session, APP)
        print("installed app: starts, saves a token, keeps an action across a restart,"
              " loads Bulk and Settings when shown")
    finally:
        desktop.close()


if __name__ == "__main__":
    main()
