#!/usr/bin/env python3
"""Updates through apt, end to end on loopback (README, Updates). Run as root by CI after
scripts/check-deb.sh; it installs, upgrades and purges the real package on this machine.

1. A throwaway OpenPGP key (ed25519) is made; version N is the release .deb built by
   scripts/package-deb.sh with a repository on 127.0.0.1 named (it carries the key and the
   source); N+1 is the same package with the next version number. scripts/apt-repo.sh
   publishes both, signed, and a plain HTTP server serves them.
2. N is installed from the downloaded .deb, as an agent gets it: its postinst adds the source,
   apt reads the repository through it, and N is installed again from the repository.
3. N is used: a token, an action delivered, and one waiting while the API is down.
4. With N still running, `apt-get update && apt-get install --only-upgrade aelyst-desk`: N
   keeps working and says once that the new version starts next time.
5. N+1 starts with the same token and history; with the API back, the waiting action is
   delivered exactly once.
6. An InRelease altered after signing is refused, and so is a .deb altered after publishing;
   neither changes what is installed.
7. Going back to N keeps the data. Purging takes the source away.
Prints the time each part took, and the repository's size.
"""
import base64
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
spec = importlib.util.spec_from_file_location("bench_startup", os.path.join(HERE, "bench-startup.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

APP = "/usr/bin/aelyst-desk"
SOURCE = "/etc/apt/sources.list.d/aelyst-desk.sources"
TOKEN = "sandbox-token"  # the sandbox's default
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
# apt reads only the repository under test: no time spent on (or failures from) other mirrors,
# and the lists of the machine's own sources are kept.
OURS_ONLY = ["-o", f"Dir::Etc::SourceList={SOURCE}", "-o", "Dir::Etc::SourceParts=/nonexistent",
             "-o", "APT::Get::List-Cleanup=0"]
TIMES = []
SANDBOXES = []


def step(name):
    TIMES.append((name, time.monotonic()))
    print(f"::: {name}", flush=True)


def run(*args, check=True, env=None):
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if check and done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def apt(*args, check=True):
    return run("apt-get", "-y", "-q", *args, check=check,
               env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def installed_version():
    done = run("dpkg-query", "-W", "-f=${Status} ${Version}", "aelyst-desk", check=False)
    return done.stdout.split()[-1] if "install ok installed" in done.stdout else None


def fail(what):
    sys.exit(f"apt updates: {what}")


def wait_until(desktop, session, what, script, timeout=30.0):
    desktop.wait_until(session, f"apt updates: {what}", script, timeout)


def submit(desktop, session, contact):
    desktop.run(session, "const kind = document.getElementById('identifier-type');"
                         "kind.value = 'id'; kind.dispatchEvent(new Event('change'));"
                         f"document.getElementById('identifier-value').value = '{contact}';"
                         "document.getElementById('submit').click(); return true;")


def status_posts(api, contact):
    with urllib.request.urlopen(f"{api}/_sandbox/requests", timeout=10) as answer:
        log = json.loads(answer.read())
    path = f"/contact/id:{contact}/conversation/status"
    return [r for r in log if r["method"] == "POST" and r["rawPath"].endswith(path)
            and r["status"] == 200]


def quit_app(desktop, session):
    """Ends the session and waits for every process of the app to go, including one whose
    program was replaced under it (its /proc/<pid>/exe then reads "… (deleted)")."""
    bench.webdriver(desktop.port, "DELETE", f"/session/{session}")

    def gone():
        for exe in glob.glob("/proc/[0-9]*/exe"):
            try:
                if os.readlink(exe).startswith(APP):
                    return False
            except OSError:
                pass
        return True
    bench.wait_for("the app to exit", gone)


class Sandbox:
    def __init__(self, port):
        binary = os.path.join(TARGET, "debug", "aelyst-sandbox")
        if not os.path.exists(binary):
            run("cargo", "build", "-q", "-p", "aelyst-sandbox", "--bin", "aelyst-sandbox")
        self.child = subprocess.Popen([binary, "--port", str(port)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        SANDBOXES.append(self)

        def up():
            try:
                urllib.request.urlopen(f"{self.url}/_sandbox/requests", timeout=1).close()
                return True
            except OSError:
                return False
        bench.wait_for("the sandbox", up)

    def stop(self):
        if self.child.poll() is None:
            self.child.terminate()
            self.child.wait()


def make_packages(work, repo_url):
    """N: the release package naming the repository and carrying the test key; N+1: the same
    package with the next version number (the bytes of the program are N's: what apt does with
    them is what is tested, and a second release build would add minutes to CI)."""
    env = dict(os.environ, AELYST_APT_URL=repo_url, AELYST_APT_KEY=f"{work}/key.asc")
    done = subprocess.run([os.path.join(HERE, "package-deb.sh")], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"package-deb.sh failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    built = max(glob.glob(os.path.join(TARGET, "release/bundle/deb/*.deb")), key=os.path.getmtime)
    contents = [line.split()[-1].removeprefix("./") for line in run("dpkg-deb", "-c", built).stdout.splitlines()]
    for path in ("usr/share/keyrings/aelyst-desk.gpg", "usr/share/aelyst-desk/aelyst-desk.sources"):
        if path not in contents:
            fail(f"the package built with a repository named does not carry {path}")
    old = run("dpkg-deb", "-f", built, "Version").stdout.strip()
    major, minor, patch = (int(part) for part in old.split("."))
    new = f"{major}.{minor}.{patch + 1}"
    n = f"{work}/aelyst-desk_{old}_amd64.deb"
    shutil.copy(built, n)
    unpacked = f"{work}/next"
    run("dpkg-deb", "-R", n, unpacked)
    control = f"{unpacked}/DEBIAN/control"
    with open(control) as f:
        text = f.read().replace(f"Version: {old}\n", f"Version: {new}\n")
    with open(control, "w") as f:
        f.write(text)
    n1 = f"{work}/aelyst-desk_{new}_amd64.deb"
    run("dpkg-deb", "--root-owner-group", "-Zxz", "-b", unpacked, n1)
    return (old, n), (new, n1)


def main():
    if os.geteuid() != 0:
        # It installs and removes the package, as check-deb.sh does.
        os.execvp("sudo", ["sudo", "-E", sys.executable, *sys.argv])
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="aelyst-apt-")
    gnupg = f"{work}/gnupg"
    os.mkdir(gnupg, 0o700)
    os.environ["GNUPGHOME"] = gnupg
    children = []
    desktop = None
    try:
        step("a throwaway signing key and the packages")
        run(os.path.join(HERE, "apt-install-missing.sh"), "apt-utils", "gpg")
        run("gpg", "--batch", "--passphrase", "", "--quick-gen-key",
            "Aelyst Desk test repository <repository@test.invalid>", "ed25519", "sign", "1d")
        fingerprint = next(line.split(":")[9] for line in
                           run("gpg", "--with-colons", "--list-keys").stdout.splitlines()
                           if line.startswith("fpr:"))
        with open(f"{work}/key.asc", "w") as f:
            f.write(run("gpg", "--armor", "--export", fingerprint).stdout)
        repo_port, api_port = bench.free_port(), bench.free_port()
        repo_url = f"http://127.0.0.1:{repo_port}/"
        (n_version, n_deb), (next_version, next_deb) = make_packages(work, repo_url)

        step("publish both, signed, and serve them on 127.0.0.1")
        repo = f"{work}/repo"
        run(os.path.join(HERE, "apt-repo.sh"), repo, fingerprint, n_deb, next_deb)
        served = subprocess.Popen([sys.executable, "-m", "http.server", str(repo_port), "--bind",
                                   "127.0.0.1", "--directory", repo],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        children.append(served)
        def serving():
            try:
                urllib.request.urlopen(f"{repo_url}dists/stable/InRelease", timeout=1).close()
                return True
            except OSError:
                return False
        bench.wait_for("the repository's server", serving)

        step(f"install {n_version} from the .deb, then from the repository")
        apt("purge", "aelyst-desk", check=False)
        if os.path.exists(SOURCE):
            os.remove(SOURCE)
        shutil.rmtree("/var/lib/aelyst-desk", ignore_errors=True)
        apt("install", n_deb)
        if not os.path.exists(SOURCE):
            fail("installing the .deb added no apt source")
        with open(SOURCE) as f:
            source = f.read()
        if f"URIs: {repo_url}\n" not in source or "Signed-By: /usr/share/keyrings/aelyst-desk.gpg" not in source:
            fail(f"the source the package added is not the one it was built for:\n{source}")
        if oct(os.stat(SOURCE).st_mode & 0o777) != "0o644":
            fail("the source is not 0644")
        apt("update", *OURS_ONLY)
        policy = run("apt-cache", "policy", "aelyst-desk").stdout
        if next_version not in policy or repo_url.rstrip("/") not in policy:
            fail(f"apt does not offer {next_version} from the repository:\n{policy}")
        apt("install", "--reinstall", "--allow-downgrades", f"aelyst-desk={n_version}")
        if installed_version() != n_version:
            fail(f"{n_version} is not installed from the repository")

        step(f"use {n_version}: a token, an action delivered, one waiting while the API is down")
        api = f"http://127.0.0.1:{api_port}"
        desktop = bench.Desktop(api=f"{api}/v1")
        sandbox = Sandbox(api_port)
        session, _, _ = desktop.launch_steady(APP)
        wait_until(desktop, session, "the token step", "return !document.getElementById('token-step').hidden;")
        desktop.run(session, f"document.getElementById('token-input').value = '{TOKEN}';"
                             "document.getElementById('token-form').requestSubmit(); return true;")
        wait_until(desktop, session, "the token being saved", "return document.getElementById('token-step').hidden;")
        submit(desktop, session, 5)
        wait_until(desktop, session, "the first action being done",
                   "return document.querySelector('#history > li.entry')?.dataset.status === 'done';")
        sandbox.stop()
        submit(desktop, session, 6)
        wait_until(desktop, session, "the second action waiting for the API",
                   "const row = document.querySelector('#history > li.entry');"
                   "return row?.dataset.status === 'pending' && !!row.querySelector('.entry-reason');")

        step(f"apt-get update && apt-get install --only-upgrade aelyst-desk, with {n_version} running")
        apt("update", *OURS_ONLY)
        apt("install", "--only-upgrade", "aelyst-desk")
        if installed_version() != next_version:
            fail(f"the upgrade did not install {next_version}: {installed_version()}")
        with open(SOURCE) as f:
            if f.read() != source:
                fail("the upgrade changed the apt source")
        if len(glob.glob("/etc/apt/sources.list.d/aelyst-desk*")) != 1:
            fail("the upgrade left more than one source")
        # The agent comes back to the window (twice): said once.
        for _ in range(2):
            desktop.run(session, "window.dispatchEvent(new Event('focus')); return true;")
            time.sleep(0.5)
        wait_until(desktop, session, "the note that the new version starts next time",
                   "return document.getElementById('notices').innerText.includes('starts the next time');")
        said = desktop.run(session, "return [...document.querySelectorAll('#notices .notice')]"
                                    ".filter((p) => p.textContent.includes('starts the next time')).length;")
        if said != 1:
            fail(f"the note was said {said} times")
        shot = bench.webdriver(desktop.port, "GET", f"/session/{session}/screenshot")["value"]
        os.makedirs(os.path.join(TARGET, "deb-check"), exist_ok=True)
        with open(os.path.join(TARGET, "deb-check", "upgraded-under-the-app.png"), "wb") as f:
            f.write(base64.b64decode(shot))
        # The old version keeps working: a third action is kept.
        submit(desktop, session, 7)
        wait_until(desktop, session, "an action taken after the upgrade",
                   "return document.querySelectorAll('#history > li.entry').length === 3;")
        quit_app(desktop, session)

        step(f"{next_version} starts with the same token and history; the waiting actions go, once")
        sandbox = Sandbox(api_port)
        session, _, _ = desktop.launch_steady(APP)
        wait_until(desktop, session, "every action being done, with the token kept",
                   "const rows = [...document.querySelectorAll('#history > li.entry')];"
                   "return document.getElementById('token-step').hidden && rows.length === 3"
                   " && rows.every((li) => li.dataset.status === 'done');", timeout=90)
        time.sleep(2)  # a second delivery, if any, would show in the log by now
        for contact in (5, 6, 7):
            posts = status_posts(api, contact)
            if contact != 5 and len(posts) != 1:
                fail(f"the action for contact {contact} was delivered {len(posts)} times")
        version_line = desktop.run(session, "return document.getElementById('app-version').innerText;")
        quit_app(desktop, session)
        print(f"  after the upgrade: {version_line}")

        step("an altered InRelease and an altered .deb are refused")
        in_release = f"{repo}/dists/stable/InRelease"
        shutil.copy(in_release, f"{work}/InRelease.good")
        with open(in_release) as f:
            text = f.read()
        with open(in_release, "w") as f:
            f.write(text.replace("Label: Aelyst Desk", "Label: Aelyst Desk, altered", 1))
        # apt keeps the index it had and warns; --error-on=any makes that warning an exit code.
        refused = apt("update", "--error-on=any", *OURS_ONLY, check=False)
        said = refused.stdout + refused.stderr
        if refused.returncode == 0 or "BADSIG" not in said or "not updated" not in said:
            fail(f"apt took an altered InRelease (exit {refused.returncode}):\n{said}")
        shutil.copy(f"{work}/InRelease.good", in_release)
        apt("update", *OURS_ONLY)
        pool_file = glob.glob(f"{repo}/pool/main/a/aelyst-desk/*{next_version}*.deb")[0]
        shutil.copy(pool_file, f"{work}/next.good")
        with open(pool_file, "r+b") as f:
            f.seek(os.path.getsize(pool_file) // 2)
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))
        apt("clean")
        program = run("sha256sum", APP).stdout
        refused = apt("install", "--reinstall", "aelyst-desk", check=False)
        said = refused.stdout + refused.stderr
        if refused.returncode == 0 or "Hash Sum mismatch" not in said and "mismatch" not in said.lower():
            fail(f"apt installed a .deb altered after publishing (exit {refused.returncode}):\n{said}")
        if run("sha256sum", APP).stdout != program or installed_version() != next_version:
            fail("a refused .deb changed what is installed")
        shutil.copy(f"{work}/next.good", pool_file)

        step(f"back to {n_version}: the data stays")
        apt("install", "--allow-downgrades", f"aelyst-desk={n_version}")
        if installed_version() != n_version:
            fail(f"going back did not install {n_version}")
        session, _, _ = desktop.launch_steady(APP)
        wait_until(desktop, session, "the history and the token after going back",
                   "const rows = [...document.querySelectorAll('#history > li.entry')];"
                   "return document.getElementById('token-step').hidden && rows.length === 3"
                   " && rows.every((li) => li.dataset.status === 'done');")
        quit_app(desktop, session)
        sandbox.stop()

        step("purge: the source goes")
        apt("purge", "aelyst-desk")
        if os.path.exists(SOURCE) or os.path.exists("/var/lib/aelyst-desk"):
            fail("purging left the apt source")
        step("done")
        size = run("du", "-sk", repo).stdout.split()[0]
        metadata = sum(os.path.getsize(p) for p in glob.glob(f"{repo}/dists/**/*", recursive=True)
                       if os.path.isfile(p))
        print(f"\nRepository: {int(size) / 1024:.1f} MiB for 2 packages "
              f"({metadata / 1024:.1f} KiB of signed metadata)")
        print("Time by part:")
        for (name, at), (_, until) in zip(TIMES, TIMES[1:]):
            print(f"  {until - at:6.1f} s  {name}")
        print(f"  {time.monotonic() - started:6.1f} s  in all")
        print("apt updates: installed from the repository, upgraded under the running app, "
              "delivered once, refused what was altered, went back, purged")
    finally:
        if desktop:
            desktop.close()
        for child in children:
            child.terminate()
        for sandbox in SANDBOXES:
            sandbox.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
