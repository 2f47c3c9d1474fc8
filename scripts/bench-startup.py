#!/usr/bin/env python3
"""Start-up time and memory of the release app against a bare Tauri 2 window.

Both run the same way, alternating, several times, in one run: under Xvfb, in a private
D-Bus session with an unlocked gnome-keyring, launched through tauri-driver. For each launch:
  - start-up: from the WebDriver "new session" request (which launches the binary) until the
    page marks itself ready (body[data-ready]: for the app, once its first data from Rust is
    on screen and the form is usable; for the bare window, when its script runs);
  - memory: 1 s after ready, the PSS of the app process and its WebKit child processes.
Start-up is also split, from the page's Navigation Timing, into launch until the page starts
loading (process, plugins, setup, window and WebKit processes) and page start until its scripts
have run (HTML, CSS, fonts, modules), so a regression shows which side it is on.
Prints medians, ratios against the bare window, and the release binary's and .deb's sizes.

Usage: scripts/bench-startup.py [--rounds N] [--build]
"""
import argparse
import glob
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
APP = os.path.join(TARGET, "release", "aelyst-desk")
BARE = os.path.join(TARGET, "release", "bare-window")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    sys.exit(f"{what} was not ready after {timeout}s")


def webdriver(port, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method,
        headers={"Content-Type": "application/json"})
    for attempt in range(3):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}")
        except (http.client.RemoteDisconnected, ConnectionResetError):
            # tauri-driver now and then forwards a request on a connection WebKitWebDriver has
            # already closed and drops it unsent ("client error (SendRequest)"); send it again.
            if attempt == 2:
                raise
            time.sleep(0.05)


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def processes():
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            exe = os.readlink(f"/proc/{entry}/exe")
        except OSError:
            continue
        table[int(entry)] = (ppid, exe)
    return table


def tree_pss_kib(binary):
    table = processes()
    roots = [pid for pid, (_, exe) in table.items() if exe == binary]
    seen, stack = set(), list(roots)
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        stack.extend(child for child, (ppid, _) in table.items() if ppid == pid)
    return sum(pss_kib(pid) for pid in seen), len(seen)


class Desktop:
    def __init__(self, api="http://127.0.0.1:9/v1"):
        self.home = tempfile.mkdtemp(prefix="aelyst-bench-")
        self.children = []
        env = dict(os.environ)
        for name in ("data", "config", "cache", "run"):
            os.makedirs(os.path.join(self.home, name), mode=0o700, exist_ok=True)
        env.update(HOME=self.home, XDG_DATA_HOME=f"{self.home}/data",
                   XDG_CONFIG_HOME=f"{self.home}/config", XDG_CACHE_HOME=f"{self.home}/cache",
                   XDG_RUNTIME_DIR=f"{self.home}/run",
                   # By default nothing listens here: start-up never waits on the internet.
                   AELYST_API_BASE_URL=api)
        display = 200 + os.getpid() % 4000
        self.spawn(["Xvfb", f":{display}", "-screen", "0", "1280x900x24", "-nolisten", "tcp"], env)
        wait_for("Xvfb", lambda: os.path.exists(f"/tmp/.X11-unix/X{display}"))
        env["DISPLAY"] = f":{display}"
        bus = f"{self.home}/run/bus"
        self.spawn(["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--address=unix:path={bus}"], env)
        wait_for("dbus-daemon", lambda: os.path.exists(bus))
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
        keyring = self.spawn(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                             env, stdin=subprocess.PIPE)
        keyring.stdin.write(b"bench-keyring-password")
        keyring.stdin.close()
        wait_for("gnome-keyring", lambda: b"boolean true" in subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
             "string:org.freedesktop.secrets"], env=env, capture_output=True).stdout)
        self.env = env
        self.driver = None
        self.start_driver()

    def start_driver(self):
        self.port, native = free_port(), free_port()
        driver = shutil.which("tauri-driver") or os.path.expanduser("~/.cargo/bin/tauri-driver")
        # What the drivers (and the app they start) print goes to a file, shown when a launch
        # fails for good (explain()).
        self.driver_log = os.path.join(self.home, f"driver-{self.port}.log")
        self.driver = self.spawn([driver, "--port", str(self.port), "--native-port", str(native)], self.env,
                                 output=open(self.driver_log, "wb"))

        def listening():
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                socket.create_connection(("127.0.0.1", native), 0.2).close()
                return True
            except OSError:
                return False
        wait_for("tauri-driver", listening)

    def spawn(self, args, env, stdin=subprocess.DEVNULL, output=subprocess.DEVNULL):
        child = subprocess.Popen(args, env=env, stdin=stdin, stdout=output,
                                 stderr=output, start_new_session=True)
        self.children.append(child)
        return child

    def restart_driver(self, binary):
        """WebKitWebDriver now and then drops a session while the page loads; start afresh."""
        try:
            os.killpg(self.driver.pid, 9)
        except OSError:
            pass
        self.driver.wait()
        for pid, (_, exe) in processes().items():
            if exe == binary:
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
        wait_for("the app to exit", lambda: tree_pss_kib(binary)[1] == 0)
        self.start_driver()

    def close(self):
        for child in reversed(self.children):
            try:
                os.killpg(child.pid, 9)
            except OSError:
                pass
            child.wait()
        shutil.rmtree(self.home, ignore_errors=True)

    def launch(self, binary, args=(), ready=None):
        """Returns (session, seconds from launch request to ready, wall-clock ms of the request).
        `args`: the binary's command line; `ready`: the CSS selector that means ready (by
        default body[data-ready], or $READY_SELECTOR)."""
        started, wall = time.perf_counter(), time.time() * 1000
        capabilities = {"capabilities": {"alwaysMatch": {
            "browserName": "wry", "tauri:options": {"application": binary, "args": list(args)}}}}
        try:
            session = webdriver(self.port, "POST", "/session", capabilities)["value"]["sessionId"]
        except (ConnectionError, urllib.error.URLError):
            # The driver sometimes drops the very first request while WebKitWebDriver settles.
            time.sleep(0.5)
            started, wall = time.perf_counter(), time.time() * 1000
            session = webdriver(self.port, "POST", "/session", capabilities)["value"]["sessionId"]
        find = {"using": "css selector",
                "value": ready or os.environ.get("READY_SELECTOR", "body[data-ready]")}
        deadline = time.monotonic() + 60
        while True:
            try:
                webdriver(self.port, "POST", f"/session/{session}/element", find)
                break
            except urllib.error.HTTPError as not_yet:
                if not_yet.code != 404:  # anything but "no such element" is a dropped session
                    raise
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{find['value']} was not on the page within 60 s")
                time.sleep(0.005)
        return session, time.perf_counter() - started, wall

    def launch_steady(self, binary, tries=3, args=(), ready=None):
        """launch(), starting the driver afresh when WebKitWebDriver drops or never answers the
        new session (seen now and then on a loaded 2-core machine); the app's own failures
        still fail, as the same launch fails every time."""
        for attempt in range(tries):
            try:
                return self.launch(binary, args, ready)
            except (OSError, http.client.HTTPException) as dropped:
                DROPPED.append(f"{os.path.basename(binary)}: {dropped!r}")
                print(f"WebDriver dropped a launch of {binary} ({dropped!r}); starting it again",
                      file=sys.stderr)
                if attempt == tries - 1:
                    self.explain(binary)
                    raise
                self.restart_driver(binary)

    def explain(self, binary):
        """After a launch that failed for good: what the drivers and the app printed, the app's
        processes, and its log, so a failure on a CI machine says why."""
        print(f"--- {binary} did not start under WebDriver; what we know:", file=sys.stderr)
        running = [pid for pid, (_, exe) in processes().items() if exe == binary]
        print(f"its processes now: {running or 'none'}", file=sys.stderr)
        for log in sorted(glob.glob(os.path.join(self.home, "driver-*.log"))):
            with open(log, errors="replace") as f:
                tail = f.read()[-4000:]
            print(f"--- {os.path.basename(log)} (the drivers and the app):\n{tail}", file=sys.stderr)
        for log in sorted(glob.glob(os.path.join(self.home, "data", "*", "logs", "*")))[-1:]:
            with open(log, errors="replace") as f:
                print(f"--- the app's log {log}:\n{f.read()[-4000:]}", file=sys.stderr)

    def run(self, session, script):
        return webdriver(self.port, "POST", f"/session/{session}/execute/sync",
                         {"script": script, "args": []})["value"]

    def run_async(self, session, script):
        """`script` calls arguments[0] with its result."""
        return webdriver(self.port, "POST", f"/session/{session}/execute/async",
                         {"script": script, "args": []})["value"]

    def wait_until(self, session, what, script, timeout=15.0):
        """Polls `script` in the window until it is true; exits saying what the window showed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.run(session, script):
                return
            time.sleep(0.1)
        page = self.run(session, "return document.body.innerText;")
        sys.exit(f"{what} did not happen within {timeout}s. The window showed:\n{page}")

    def quit(self, session, binary):
        webdriver(self.port, "DELETE", f"/session/{session}")
        wait_for("the app to exit", lambda: tree_pss_kib(binary)[1] == 0)


# Where start-up goes, from the page's own Navigation Timing: when the page began loading
# (wall clock, so comparable with the launch request) and when its scripts had run.
PAGE_TIMING = ("const n = performance.getEntriesByType('navigation')[0];"
               "const ready = performance.getEntriesByName('ready')[0];"
               "return [performance.timeOrigin, n ? n.domContentLoadedEventEnd : 0,"
               " ready ? ready.startTime : 0];")
# The app's own marks on the way to ready (ui/workspace.js, ui/i18n.js, ui/main.js): Rust's
# first answer (the workspaces, and the shown one's token status, categories and history),
# the catalog, and the first data on screen.
PAGE_MARKS = ("opened", "catalog", "first-data")
PAGE_MARKS_SCRIPT = ("return %s.map(name => { const m = performance.getEntriesByName(name)[0];"
                     " return m ? m.startTime : 0; });" % json.dumps(PAGE_MARKS))


DROPPED = []


def measure(desktop, binary):
    for _ in range(3):
        try:
            return measure_once(desktop, binary)
        except (OSError, http.client.HTTPException) as dropped:
            DROPPED.append(f"{os.path.basename(binary)}: {dropped}")
            desktop.restart_driver(binary)
    sys.exit("WebDriver dropped the same launch three times")


def measure_once(desktop, binary):
    session, seconds, wall = desktop.launch(binary)
    time.sleep(1.0)
    kib, count = tree_pss_kib(binary)
    origin, scripts_done, page_ready = desktop.run(session, PAGE_TIMING)
    marks = desktop.run(session, PAGE_MARKS_SCRIPT)
    desktop.quit(session, binary)
    return (seconds, kib / 1024, count, (origin - wall) / 1000, scripts_done / 1000,
            (origin + page_ready - wall) / 1000, [m / 1000 for m in marks])


# A link that brings the app up from nothing; ready once the contact is in the form and the
# cursor in the closing category, where an agent types next.
LINK = "aelyst-desk://close?contact=%2B60121233112"
FORM_READY = "body[data-ready] #category:focus"
CLOSE_WINDOW = os.path.join(ROOT, "tests", "support", "close_window.py")


def measure_link(desktop, binary):
    for _ in range(3):
        try:
            session, seconds, _ = desktop.launch(binary, args=[LINK], ready=FORM_READY)
            desktop.quit(session, binary)
            return seconds
        except (OSError, http.client.HTTPException) as dropped:
            DROPPED.append(f"{os.path.basename(binary)} with a link: {dropped}")
            desktop.restart_driver(binary)
    sys.exit("WebDriver dropped the same launch three times")


def measure_shortcut(desktop, binary, rounds):
    """With the app running and its window closed to the tray: ms from the global shortcut's
    key press (xdotool, a contact on the clipboard) to the contact in the form with the cursor
    in the category (the page marks `form-filled` then: handoff.js)."""
    session, _, _ = desktop.launch_steady(binary)
    # The shortcut is registered after the first frame.
    deadline = time.monotonic() + 20
    while not desktop.run_async(session, "const done = arguments[0];"
                                "window.__TAURI_INTERNALS__.invoke('shortcut_status')"
                                ".then((s) => done(s.active), () => done(false));"):
        if time.monotonic() > deadline:
            sys.exit("the global shortcut was not registered within 20 s")
        time.sleep(0.1)
    times = []
    for round_ in range(rounds):
        contact = f"+6012123{3100 + round_}"
        subprocess.run(["/usr/bin/python3", CLOSE_WINDOW, "Aelyst Desk"], env=desktop.env,
                       check=True, capture_output=True)
        desktop.wait_until(session, "the window closed to the tray",
                           "return document.visibilityState === 'hidden';")
        clip = subprocess.Popen(["xclip", "-selection", "clipboard"], env=desktop.env,
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        clip.communicate(contact.encode())
        marks = desktop.run(session, "return performance.getEntriesByName('form-filled').length;")
        pressed = time.time() * 1000
        subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+shift+F9"], env=desktop.env,
                       check=True)
        desktop.wait_until(session, "the shortcut's contact in the form",
                           f"return performance.getEntriesByName('form-filled').length > {marks};")
        filled = desktop.run(session, "const m = performance.getEntriesByName('form-filled');"
                                      "return performance.timeOrigin + m[m.length - 1].startTime;")
        times.append(filled - pressed)
    desktop.quit(session, binary)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--build", action="store_true", help="build both release binaries first")
    parser.add_argument("--app", default=APP, help="the app binary to measure (default: the release build)")
    args = parser.parse_args()
    app = os.path.abspath(args.app)
    # Both as shipped (Tauri's custom protocol, no dev server), from the same lock file and
    # target dir, so shared dependencies are the same builds.
    if args.build or not os.path.exists(app):
        # As shipped: the release build with the bundled front end, the same one the .deb holds.
        subprocess.run([os.path.join(ROOT, "scripts", "package-deb.sh")], cwd=ROOT, check=True)
    if args.build or not os.path.exists(BARE):
        shutil.copy(os.path.join(ROOT, "Cargo.lock"), os.path.join(ROOT, "benches/bare-window/Cargo.lock"))
        subprocess.run(["cargo", "build", "--release", "--manifest-path", "benches/bare-window/Cargo.toml",
                        "--features", "tauri/custom-protocol", "--target-dir", TARGET], cwd=ROOT, check=True)

    desktop = Desktop()
    try:
        # Warm-up, not measured: the app gets a token (as an agent's app has), caches warm.
        session, _, _ = desktop.launch_steady(app)
        desktop.run(session, "document.getElementById('token-input').value = 'bench-token';"
                             "document.getElementById('token-form').requestSubmit(); return true;")
        time.sleep(1.0)
        desktop.quit(session, app)
        session, _, _ = desktop.launch_steady(BARE)
        desktop.quit(session, BARE)

        results = {"app": [], "bare": []}
        link = []
        for round_ in range(args.rounds):
            order = [("app", app), ("bare", BARE)] if round_ % 2 == 0 else [("bare", BARE), ("app", app)]
            for name, binary in order:
                results[name].append(measure(desktop, binary))
            link.append(measure_link(desktop, app))
        shortcut = measure_shortcut(desktop, app, args.rounds)
    finally:
        desktop.close()

    def median(name, index):
        return statistics.median(r[index] for r in results[name])

    app_start, bare_start = median("app", 0), median("bare", 0)
    app_mem, bare_mem = median("app", 1), median("bare", 1)
    procs = results["app"][0][2], results["bare"][0][2]
    print()
    for dropped in DROPPED:
        print(f"WebDriver dropped a launch and it was measured again ({dropped})")
    print(f"{args.rounds} alternating rounds; processes measured: app {procs[0]}, bare {procs[1]}")
    print("| what | Aelyst Desk | bare Tauri window | ratio | goal |")
    print("| --- | --- | --- | --- | --- |")
    page_app, page_bare = median("app", 5), median("bare", 5)
    print(f"| start-up to ready (median) | {app_start * 1000:.0f} ms | {bare_start * 1000:.0f} ms "
          f"| {app_start / bare_start:.2f} | ≤ 1.05 |")
    for label, index in (("of which: launch until the page starts loading", 3),
                         ("of which: page start until its scripts have run", 4)):
        print(f"| {label} | {median('app', index) * 1000:.0f} ms | {median('bare', index) * 1000:.0f} ms "
              f"| | |")
    if all(r[6][-1] for r in results["app"]):
        for mark_index, name in enumerate(PAGE_MARKS):
            at = statistics.median(r[6][mark_index] for r in results["app"]) * 1000
            print(f"| the app's page, from its start until its mark {name!r} | {at:.0f} ms | | | |")
        ready_at = statistics.median((r[5] - r[3]) for r in results["app"]) * 1000
        print(f"| the app's page, from its start until ready | {ready_at:.0f} ms | | | |")
    print(f"| launch until the page marks itself ready (its own clock) | {page_app * 1000:.0f} ms "
          f"| {page_bare * 1000:.0f} ms | {page_app / page_bare:.2f} | ≤ 1.05 |")
    print(f"| memory, PSS 1 s after ready (median) | {app_mem:.1f} MiB | {bare_mem:.1f} MiB "
          f"| {app_mem / bare_mem:.2f} | ≤ 1.10 |")
    link_start = statistics.median(link)
    print(f"| a link brings the app up from nothing: to the cursor in the category (median) "
          f"| {link_start * 1000:.0f} ms | {bare_start * 1000:.0f} ms (ready) "
          f"| {link_start / bare_start:.2f} | ≤ 1.10 |")
    print(f"| the shortcut, app in the tray: key press to the form (median of {len(shortcut)}; "
          f"slowest {max(shortcut):.0f} ms) | {statistics.median(shortcut):.0f} ms | | | ≤ 100 ms |")
    size = os.path.getsize(app) / 1e6
    print(f"| release binary | {size:.1f} MB | {os.path.getsize(BARE) / 1e6:.1f} MB | | ≤ 12 MB |")
    debs = sorted(glob.glob(os.path.join(TARGET, "release", "bundle", "deb", "*.deb")))
    if debs:
        print(f"| .deb | {os.path.getsize(debs[-1]) / 1e6:.1f} MB | | | ≤ 5 MB |")


if __name__ == "__main__":
    main()
