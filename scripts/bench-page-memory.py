#!/usr/bin/env python3
"""What a page costs WebKitGTK's web process, without the app around it.

Opens each HTML file in WebKitGTK's own MiniBrowser (Debian's libwebkit2gtk-4.1-0 ships it) under
a private Xvfb, in a window the app's size, and prints the PSS of the web process 3 s later:
the median of several launches, and the difference from the first file. Used to find which
part of the page costs memory (README, Figures: the search field's clear button, rounded text
fields, Intl): copy the page, change one thing, compare. Scripts of the page run, but without
Rust behind them (no __TAURI_INTERNALS__), so this measures markup, styles and plain script.

Usage: scripts/bench-page-memory.py [--rounds N] BASE.html OTHER.html ...
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def web_process(parent):
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/comm") as f:
                name = f.read().strip()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2:].split()[1]) == parent and name.startswith("WebKitWebProces"):
            return int(entry)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    if not os.path.exists(MINIBROWSER):
        sys.exit(f"{MINIBROWSER} is missing (package libwebkit2gtk-4.1-0)")
    home = tempfile.mkdtemp(prefix="aelyst-page-memory-")
    display = f":{300 + os.getpid() % 4000}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, DISPLAY=display, HOME=home, XDG_CACHE_HOME=f"{home}/cache")
    results = {page: [] for page in args.pages}
    try:
        time.sleep(1)
        for _ in range(args.rounds):
            for page in args.pages:
                browser = subprocess.Popen(
                    [MINIBROWSER, "--geometry=520x720", "file://" + os.path.abspath(page)],
                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(3)
                pid = web_process(browser.pid)
                results[page].append(pss_kib(pid) / 1024 if pid else float("nan"))
                browser.kill()
                browser.wait()
    finally:
        xvfb.kill()
        xvfb.wait()
    base = statistics.median(results[args.pages[0]])
    print("| page | web process PSS (median) | against the first | each launch |")
    print("| --- | --- | --- | --- |")
    for page, values in results.items():
        median = statistics.median(values)
        print(f"| {page} | {median:.1f} MiB | {median - base:+.1f} MiB | "
              f"{', '.join(f'{v:.1f}' for v in values)} |")


if __name__ == "__main__":
    main()
