#!/usr/bin/env python3
"""What a page costs WebKitGTK's web process, without the app around it.

Opens each HTML file in WebKitGTK's own MiniBrowser (Debian's libwebkit2gtk-4.1-0 ships it) under
a private Xvfb, in a window the app's size, and prints the PSS of its web process 3 s after it started:
the median of several launches, and the difference from the first file. Used to find which
part of the page costs memory (README, Figures: the search field's clear button, rounded text
fields, Intl): copy the page, change one thing, compare. Scripts of the page run, but without
Rust behind them (no __TAURI_INTERNALS__), so this measures markup, styles and plain script.

Usage: scripts/bench-page-memory.py [--rounds N] BASE.html OTHER.html ...
"""
import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"


def load_bench_startup():
    """pss_kib() and processes() are bench-startup.py's: one way to measure for both."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-startup.py")
    spec = importlib.util.spec_from_file_location("bench_startup", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = load_bench_startup()


def web_process(parent):
    return next((pid for pid, (ppid, exe) in BENCH.processes().items()
                 if ppid == parent and os.path.basename(exe) == "WebKitWebProcess"), None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    if not os.path.exists(MINIBROWSER):
        sys.exit(f"{MINIBROWSER} is missing (package libwebkit2gtk-4.1-0)")
    home = tempfile.mkdtemp(prefix="aelyst-page-memory-")
    # Xvfb picks a free display and writes its number to the pipe once it listens.
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x900x24",
                             "-nolisten", "tcp"], pass_fds=(write_end,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        display = ":" + announced.readline().strip()
    env = dict(os.environ, DISPLAY=display, HOME=home, XDG_CACHE_HOME=f"{home}/cache")
    results = {page: [] for page in args.pages}
    try:
        if display == ":":
            sys.exit("Xvfb did not start")
        for _ in range(args.rounds):
            for page in args.pages:
                browser = subprocess.Popen(
                    [MINIBROWSER, "--geometry=520x720", "file://" + os.path.abspath(page)],
                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + 20
                pid = None
                while pid is None and time.monotonic() < deadline:
                    time.sleep(0.1)
                    pid = web_process(browser.pid)
                # The page loaded and drawn, as the app's is 1 s after ready.
                time.sleep(3)
                kib = BENCH.pss_kib(pid) if pid else 0
                browser.kill()
                browser.wait()
                if not kib:
                    sys.exit(f"no web process of MiniBrowser's to measure for {page}")
                results[page].append(kib / 1024)
    finally:
        xvfb.kill()
        xvfb.wait()
        shutil.rmtree(home, ignore_errors=True)
    base = statistics.median(results[args.pages[0]])
    print("| page | web process PSS (median) | against the first | each launch |")
    print("| --- | --- | --- | --- |")
    for page, values in results.items():
        median = statistics.median(values)
        print(f"| {page} | {median:.1f} MiB | {median - base:+.1f} MiB | "
              f"{', '.join(f'{v:.1f}' for v in values)} |")


if __name__ == "__main__":
    main()
