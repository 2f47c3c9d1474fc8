//! The real desktop stack for end-to-end tests: Xvfb, a private D-Bus session with an
//! unlocked gnome-keyring (a real Secret Service), and tauri-driver driving WebKitWebDriver
//! into the app's real webview. Every process is ended when the `Desktop` is dropped, also
//! when a test panics.

use std::io::Write;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::ClientBuilder;
use serde_json::json;

/// The tools the stack needs and the Debian package (or command) that brings each.
const REQUIRED: &[(&str, &str)] = &[
    ("Xvfb", "apt-get install xvfb"),
    ("dbus-daemon", "apt-get install dbus-daemon"),
    ("dbus-send", "apt-get install dbus-bin"),
    ("gnome-keyring-daemon", "apt-get install gnome-keyring"),
    ("WebKitWebDriver", "apt-get install webkit2gtk-driver"),
    (
        "tauri-driver",
        "cargo install tauri-driver --version ^2 --locked",
    ),
];

const STEP_TIMEOUT: Duration = Duration::from_secs(20);
/// How many times tauri-driver is started, on new ports each time, before the test gives up.
const DRIVER_ATTEMPTS: usize = 3;
const KEYRING_PASSWORD: &str = "e2e-keyring-password";
/// A session bus as Debian's session.conf makes it, less `<standard_session_servicedirs/>`.
const NO_ACTIVATION_BUS: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

pub struct DesktopBuilder {
    env: Vec<(String, String)>,
    home: Option<tempfile::TempDir>,
    bus_activation: bool,
}

impl DesktopBuilder {
    /// An environment variable the app will see (it inherits tauri-driver's environment).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Reuse a home directory, e.g. to start the app again on the same data and keychain.
    pub fn home(mut self, home: tempfile::TempDir) -> Self {
        self.home = Some(home);
        self
    }

    /// A session bus that starts no service on demand. A stopped Secret Service then stays
    /// stopped: on the usual bus the next call would start gnome-keyring again, locked, and
    /// the app's read would wait on an unlock prompt nobody answers.
    pub fn without_bus_activation(mut self) -> Self {
        self.bus_activation = false;
        self
    }

    /// The app sends to `sandbox` (its address through `AELYST_API_BASE_URL`).
    pub fn sandbox(self, sandbox: &aelyst_sandbox::Sandbox) -> Self {
        self.env("AELYST_API_BASE_URL", &sandbox.base_url())
    }

    pub fn start(self) -> Desktop {
        Desktop::start(self)
    }
}

pub struct Desktop {
    /// Dropped last: HOME, the XDG dirs, the bus socket and the keyrings live here.
    home: Option<tempfile::TempDir>,
    children: Vec<(&'static str, Child)>,
    env: Vec<(String, String)>,
    driver_port: u16,
}

/// Only the keychain: a private D-Bus session with an unlocked gnome-keyring, for tests that
/// talk to the real Secret Service without a window.
pub struct KeyringSession {
    desktop: Desktop,
}

impl KeyringSession {
    pub fn start() -> Self {
        require(&["dbus-daemon", "dbus-send", "gnome-keyring-daemon"]);
        let home = temp_home();
        let mut desktop = Desktop::empty(home);
        let mut env = desktop.base_env();
        desktop.start_bus(&mut env, true);
        desktop.start_keyring(&env);
        desktop.env = env;
        Self { desktop }
    }

    /// HOME, the XDG dirs and `DBUS_SESSION_BUS_ADDRESS` of this session.
    pub fn env(&self) -> &[(String, String)] {
        self.desktop.env()
    }
}

fn which(tool: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(tool)).find(|p| p.is_file())
}

fn require(tools: &[&str]) {
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|(tool, _)| tools.contains(tool) && which(tool).is_none())
        .map(|(tool, install)| format!("  {tool}: {install}"))
        .collect();
    assert!(
        missing.is_empty(),
        "The end-to-end tests need the real desktop stack, and these are missing:\n{}\n\
         scripts/setup.sh installs all of them.",
        missing.join("\n")
    );
}

fn temp_home() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("aelyst-e2e-")
        .tempdir()
        .expect("temp dir")
}

/// Whether a D-Bus name has an owner on the session bus that `env` points at.
fn bus_name_owned(env: &[(String, String)], name: &str) -> bool {
    Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &format!("string:{name}"),
        ])
        .envs(env.iter().cloned())
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
        .unwrap_or(false)
}

/// Two different loopback ports, free at this moment. Only free *now*: they are for another
/// process to bind later, and something else may take one first (`start_driver` copes).
fn free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").expect("no free loopback port");
    // Both held at once, so the system cannot hand out the same port twice.
    let (first, second) = (bind(), bind());
    let port = |l: &std::net::TcpListener| l.local_addr().expect("bound").port();
    (port(&first), port(&second))
}

/// Polls `ready` until it holds; `Err` says why not when `child` exits first or
/// `STEP_TIMEOUT` passes.
fn try_wait_until(
    what: &str,
    child: &mut Child,
    mut ready: impl FnMut() -> bool,
) -> Result<(), String> {
    let deadline = Instant::now() + STEP_TIMEOUT;
    while Instant::now() < deadline {
        if ready() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("{what} exited early ({status})"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{what} was not ready after {STEP_TIMEOUT:?}"))
}

fn wait_until(what: &str, child: &mut Child, ready: impl FnMut() -> bool) {
    if let Err(why) = try_wait_until(what, child, ready) {
        panic!("{why}");
    }
}

/// Whether a process of process group `group` listens on TCP `port`. A connection alone cannot
/// tell: if another process took the port first, it answers instead of ours.
fn listens_in_group(port: u16, group: u32) -> bool {
    let sockets = listening_sockets(port);
    if sockets.is_empty() {
        return false;
    }
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return false;
    };
    processes.flatten().any(|process| {
        let pid = process.file_name().to_string_lossy().into_owned();
        pid.bytes().all(|b| b.is_ascii_digit())
            && process_group(&pid) == Some(group)
            && holds_any(&pid, &sockets)
    })
}

/// The listening sockets on `port`, any address, as their fd links read (`socket:[inode]`).
fn listening_sockets(port: u16) -> Vec<String> {
    let port = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .flat_map(|table| {
            table
                .lines()
                .skip(1)
                .filter_map(|line| {
                    // sl, local address (hex ADDR:PORT), remote address, state (0A: listening),
                    // queues, timer, retransmits, uid, timeout, inode.
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    let listening = fields.get(3) == Some(&"0A");
                    let here = fields.get(1).is_some_and(|local| local.ends_with(&port));
                    let inode = fields.get(9)?;
                    (listening && here).then(|| format!("socket:[{inode}]"))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn process_group(pid: &str) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name (in parentheses, and free to hold any character): state, parent,
    // group.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(2)?
        .parse()
        .ok()
}

fn holds_any(pid: &str, sockets: &[String]) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        std::fs::read_link(fd.path())
            .is_ok_and(|target| sockets.iter().any(|s| target.to_str() == Some(s.as_str())))
    })
}

/// Starts `command` with its output discarded, in its own process group, so that `end` also
/// ends whatever it starts.
fn in_own_group(name: &str, command: &mut Command) -> Child {
    command
        .stdout(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {name}: {e}"))
}

/// Ends `child` and whatever it started (its process group), and reaps it.
fn end(child: &mut Child) {
    let group = format!("-{}", child.id());
    // Quiet: the group is often gone already (a driver that exited early).
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

impl Desktop {
    pub fn builder() -> DesktopBuilder {
        DesktopBuilder {
            env: Vec::new(),
            home: None,
            bus_activation: true,
        }
    }

    fn empty(home: tempfile::TempDir) -> Desktop {
        Desktop {
            home: Some(home),
            children: Vec::new(),
            env: Vec::new(),
            driver_port: 0,
        }
    }

    /// HOME and the XDG dirs inside the temp home, created.
    fn base_env(&self) -> Vec<(String, String)> {
        let root = self.home().to_path_buf();
        let dir = |name: &str| {
            let path = root.join(name);
            std::fs::create_dir_all(&path).expect("create test dir");
            path.display().to_string()
        };
        let runtime = dir("run");
        std::fs::set_permissions(
            &runtime,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .expect("chmod runtime dir");
        vec![
            ("HOME".into(), root.display().to_string()),
            ("XDG_DATA_HOME".into(), dir("data")),
            ("XDG_CONFIG_HOME".into(), dir("config")),
            ("XDG_CACHE_HOME".into(), dir("cache")),
            ("XDG_RUNTIME_DIR".into(), runtime),
        ]
    }

    fn start_bus(&mut self, env: &mut Vec<(String, String)>, activation: bool) {
        let bus_socket = self.home().join("run").join("bus");
        let bus_address = format!("unix:path={}", bus_socket.display());
        let config = if activation {
            "--session".to_string()
        } else {
            // The system's session.conf without its service folders: nothing to activate.
            let path = self.home().join("run").join("session-no-activation.conf");
            std::fs::write(&path, NO_ACTIVATION_BUS).expect("write the bus configuration");
            format!("--config-file={}", path.display())
        };
        let bus = self.spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .arg(config)
                .args(["--nofork", "--nopidfile"])
                .arg(format!("--address={bus_address}"))
                .envs(env.iter().cloned()),
        );
        wait_until("dbus-daemon", bus, || bus_socket.exists());
        env.push(("DBUS_SESSION_BUS_ADDRESS".into(), bus_address));
    }

    fn start(builder: DesktopBuilder) -> Desktop {
        let tools: Vec<&str> = REQUIRED.iter().map(|(tool, _)| *tool).collect();
        require(&tools);
        let tauri_driver = which("tauri-driver").expect("checked above");
        let mut desktop = Desktop::empty(builder.home.unwrap_or_else(temp_home));
        let mut env = desktop.base_env();
        let display = desktop.start_display();
        env.push(("DISPLAY".into(), format!(":{display}")));
        desktop.start_bus(&mut env, builder.bus_activation);
        desktop.start_keyring(&env);

        env.extend(builder.env);
        desktop.start_driver(&tauri_driver, &env);
        desktop.env = env;
        desktop
    }

    /// tauri-driver, and the WebKitWebDriver it starts, each listening on its port. The ports
    /// were free when picked, but the drivers bind them later, and another process may take one
    /// in between: then a driver exits or never listens, and both start again on new ports.
    fn start_driver(&mut self, tauri_driver: &Path, env: &[(String, String)]) {
        let mut failures = Vec::new();
        for _ in 0..DRIVER_ATTEMPTS {
            let (port, native_port) = free_ports();
            let driver = self.spawn(
                "tauri-driver",
                Command::new(tauri_driver)
                    .args([
                        "--port",
                        &port.to_string(),
                        "--native-port",
                        &native_port.to_string(),
                    ])
                    .envs(env.iter().cloned()),
            );
            // Its own process group (see `spawn`), which WebKitWebDriver joins.
            let group = driver.id();
            // tauri-driver proxies to WebKitWebDriver: both must listen before a session starts,
            // and be ours, not a stranger that took the port. The connection comes first: it is
            // the cheap check, and /proc is read only once something answers.
            let ready = try_wait_until("tauri-driver", driver, || {
                [port, native_port].into_iter().all(|p| {
                    TcpStream::connect(("127.0.0.1", p)).is_ok() && listens_in_group(p, group)
                })
            });
            match ready {
                Ok(()) => {
                    self.driver_port = port;
                    return;
                }
                Err(why) => {
                    failures.push(format!("on ports {port} and {native_port}: {why}"));
                    let (_, mut failed) = self.children.pop().expect("the driver just started");
                    end(&mut failed);
                }
            }
        }
        panic!(
            "tauri-driver did not start in {DRIVER_ATTEMPTS} tries:\n{}",
            failures.join("\n")
        );
    }

    /// Starts `command`, its errors shown, and keeps it to end with the others.
    fn spawn(&mut self, name: &'static str, command: &mut Command) -> &mut Child {
        let child = in_own_group(name, command.stdin(Stdio::null()).stderr(Stdio::inherit()));
        self.children.push((name, child));
        &mut self.children.last_mut().expect("just pushed").1
    }

    /// Xvfb on a free display number.
    fn start_display(&mut self) -> u32 {
        for _ in 0..20 {
            let display = 100 + fastrand_u32() % 5000;
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{display}"));
            if socket.exists() || Path::new(&format!("/tmp/.X{display}-lock")).exists() {
                continue;
            }
            let mut child = in_own_group(
                "Xvfb",
                Command::new("Xvfb")
                    .arg(format!(":{display}"))
                    .args(["-screen", "0", "1280x900x24", "-nolisten", "tcp"])
                    .stdin(Stdio::null())
                    .stderr(Stdio::null()),
            );
            let deadline = Instant::now() + STEP_TIMEOUT;
            while Instant::now() < deadline && !socket.exists() {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if socket.exists() {
                self.children.push(("Xvfb", child));
                return display;
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("could not find a free X display for Xvfb");
    }

    /// gnome-keyring's Secret Service, unlocked with a non-empty password (an empty one never
    /// creates the default collection).
    /// Started again (up to [`DRIVER_ATTEMPTS`] times) when it has not taken its name on the bus
    /// in time: seen twice in a day, once on an idle machine, where it normally takes well
    /// under a second.
    fn start_keyring(&mut self, env: &[(String, String)]) {
        let mut failures = Vec::new();
        for _ in 0..DRIVER_ATTEMPTS {
            let mut keyring = in_own_group(
                "gnome-keyring-daemon",
                Command::new("gnome-keyring-daemon")
                    .args(["--foreground", "--unlock", "--components=secrets"])
                    .envs(env.iter().cloned())
                    .stdin(Stdio::piped())
                    .stderr(Stdio::null()),
            );
            if let Some(mut stdin) = keyring.stdin.take() {
                stdin
                    .write_all(KEYRING_PASSWORD.as_bytes())
                    .expect("unlock password");
            }
            self.children.push(("gnome-keyring-daemon", keyring));
            let child = &mut self.children.last_mut().expect("just pushed").1;
            match try_wait_until("gnome-keyring-daemon", child, || {
                bus_name_owned(env, "org.freedesktop.secrets")
            }) {
                Ok(()) => return,
                Err(why) => {
                    eprintln!("{why}; starting it again");
                    failures.push(why);
                    let (_, mut failed) = self.children.pop().expect("the keyring just started");
                    end(&mut failed);
                }
            }
        }
        panic!(
            "gnome-keyring-daemon did not start in {DRIVER_ATTEMPTS} tries: {}",
            failures.join("; ")
        );
    }

    /// Ends gnome-keyring: the Secret Service is gone from the bus until
    /// [`Desktop::start_keyring_again`] (use with [`DesktopBuilder::without_bus_activation`]).
    pub fn stop_keyring(&mut self) {
        let at = self
            .children
            .iter()
            .position(|(name, _)| *name == "gnome-keyring-daemon")
            .expect("gnome-keyring is running");
        let (_, mut keyring) = self.children.remove(at);
        end(&mut keyring);
        let deadline = Instant::now() + STEP_TIMEOUT;
        while bus_name_owned(&self.env, "org.freedesktop.secrets") {
            assert!(
                Instant::now() < deadline,
                "the Secret Service did not leave the bus"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts gnome-keyring again on the same keyrings, unlocked as at the start.
    pub fn start_keyring_again(&mut self) {
        let env = self.env.clone();
        self.start_keyring(&env);
    }

    /// The environment the app runs in (HOME, XDG dirs, DISPLAY, the bus), for helpers such as
    /// `secret-tool` that must see the same keychain.
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    pub fn home(&self) -> &Path {
        self.home.as_ref().expect("home kept until drop").path()
    }

    /// Launches the app through WebDriver and waits for its window to render.
    /// Launches the app and saves the sandbox's token: the form is ready.
    pub async fn launch_signed_in(&self) -> App {
        let app = self.launch().await;
        app.save_token(aelyst_sandbox::DEFAULT_TOKEN).await;
        app
    }

    pub async fn launch(&self) -> App {
        self.launch_with(&[]).await
    }

    /// [`Desktop::launch`] with these command-line arguments for the app.
    pub async fn launch_with(&self, args: &[&str]) -> App {
        // A previous run's single-instance name must be gone from the bus, or the new process
        // would hand over to it and exit (a loaded machine can lag behind the process exit).
        let deadline = Instant::now() + STEP_TIMEOUT;
        while bus_name_owned(&self.env, "ai.aelyst.desk.SingleInstance") {
            assert!(
                Instant::now() < deadline,
                "a previous Aelyst Desk still holds the bus"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": app_binary().display().to_string(), "args": args }),
        );
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let driver = format!("http://127.0.0.1:{}", self.driver_port);
        let client = tokio::time::timeout(Duration::from_secs(60), builder.connect(&driver))
            .await
            .expect("the app did not open a window within 60 s")
            .expect("WebDriver session into the app");
        let app = App { client };
        // main.js marks the body once the first data from Rust is on screen.
        app.wait_for("body[data-ready]").await;
        app
    }

    /// Runs `program` in this desktop's environment (its display, bus and home), feeding it
    /// `stdin`, and returns once it exits (a second launch of the app, xclip, xdotool).
    pub fn run(&self, program: &str, args: &[&str], stdin: &str) -> std::process::Output {
        let mut child = Command::new(program)
            .args(args)
            .envs(self.env.iter().cloned())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {program}: {e}"));
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait")
    }

    /// Runs an XSETTINGS daemon on this desktop's display with `settings` (xsettingsd's format,
    /// one `Name value` a line), as a desktop's settings daemon (GNOME's, Xfce's) tells every
    /// GTK program the text size (`Xft/DPI`) and whether to animate. Before the app starts: GTK
    /// reads them as it starts.
    pub fn start_settings_daemon(&mut self, settings: &str) {
        let config = self.home().join("xsettingsd.conf");
        std::fs::write(&config, settings).expect("write the xsettingsd configuration");
        let env = self.env.clone();
        let daemon = self.spawn(
            "xsettingsd",
            Command::new("xsettingsd")
                .arg("-c")
                .arg(&config)
                .envs(env.iter().cloned()),
        );
        // Ready once it owns the screen's settings selection (python3-xlib, as focus.py).
        const OWNED: &str = "from Xlib import display\n\
            d = display.Display()\n\
            print(d.get_selection_owner(d.intern_atom('_XSETTINGS_S0')) != 0)";
        wait_until("xsettingsd", daemon, || {
            Command::new("/usr/bin/python3")
                .args(["-c", OWNED])
                .envs(env.iter().cloned())
                .output()
                .is_ok_and(|out| out.stdout.starts_with(b"True"))
        });
    }

    /// Gives the app's window the keyboard focus, as clicking on it does on a desktop (the test
    /// desktop has no window manager to do it). WebKit tells the accessibility bus which
    /// control has the focus only while its window has it, as a screen reader user's has.
    pub fn focus_app_window(&self) {
        let out = self.run(
            "xdotool",
            &[
                "search",
                "--sync",
                "--name",
                "^Aelyst Desk$",
                "windowfocus",
                "--sync",
            ],
            "",
        );
        assert!(
            out.status.success(),
            "xdotool could not focus the app's window: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Puts `text` on this desktop's clipboard, as copying it in another app does (xclip stays
    /// in the background to hand it out, as that app would).
    pub fn set_clipboard(&self, text: &str) {
        let mut xclip = Command::new("xclip")
            .args(["-selection", "clipboard"])
            .envs(self.env.iter().cloned())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xclip (apt-get install xclip)");
        xclip
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write to xclip");
        assert!(xclip.wait().expect("xclip").success());
    }

    /// Ends every process and hands back the home directory, to start again on the same data.
    pub fn stop_keep_home(mut self) -> tempfile::TempDir {
        self.stop_children();
        self.home.take().expect("home kept until drop")
    }

    fn stop_children(&mut self) {
        // Newest first: the driver (and the app it started) before the bus and the display.
        while let Some((_, mut child)) = self.children.pop() {
            end(&mut child);
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        self.stop_children();
    }
}

fn fastrand_u32() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    nanos ^ std::process::id().rotate_left(16)
}

/// Whether a process of the app binary is alive (end-to-end tests run one at a time).
fn app_running() -> bool {
    let binary = app_binary();
    std::fs::read_dir("/proc")
        .map(|entries| {
            entries.flatten().any(|entry| {
                std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == binary)
            })
        })
        .unwrap_or(false)
}

pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_aelyst-desk"))
}

/// Where screenshots go: `target/e2e-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let target = app_binary()
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"));
    let dir = target.join("e2e-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// End-to-end tests take turns: two WebKit windows at once on two cores only slow each other.
pub async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::OnceLock<tokio::sync::Mutex<()>> = std::sync::OnceLock::new();
    TURN.get_or_init(|| tokio::sync::Mutex::new(()))
        .lock()
        .await
}

mod page;
#[allow(unused_imports)] // each test binary uses a different part
pub use page::{keys, App, HistoryRow};
