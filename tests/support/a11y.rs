//! The app as a screen reader gets it: its web document's objects over AT-SPI (the
//! accessibility bus the test desktop's session bus starts), read by `a11y.py` with Debian's
//! pyatspi, and what is said without the focus moving (live regions, announcements).

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde::Deserialize;

use super::desktop::Desktop;

/// The app's name on the accessibility bus (the program's).
const APP_NAME: &str = "aelyst-desk";

/// Roles an agent can act on (the ones a screen reader stops at when tabbing or in a list of
/// form controls). Each must have a name.
pub const CONTROL_ROLES: &[&str] = &[
    "push button",
    "toggle button",
    "radio button",
    "check box",
    "entry",
    "password text",
    "combo box",
    "link",
    "list box",
    "spin button",
];

/// One object of the document.
#[derive(Debug, Clone, Deserialize)]
pub struct Node {
    pub role: String,
    pub name: String,
    pub description: String,
    pub states: Vec<String>,
    /// The index of its parent in the list ([`tree`] lists parents first).
    pub parent: Option<usize>,
    /// The HTML `id`, when it has one.
    pub id: String,
    pub tag: String,
    /// `polite`, `assertive` or empty: the live region it is (in).
    pub live: String,
}

impl Node {
    pub fn has(&self, state: &str) -> bool {
        self.states.iter().any(|s| s == state)
    }

    pub fn is_control(&self) -> bool {
        CONTROL_ROLES.contains(&self.role.as_str())
    }
}

#[derive(Deserialize)]
struct Tree {
    nodes: Vec<Node>,
}

fn script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/a11y.py")
}

fn python(desktop: &Desktop, command: &str) -> Command {
    // The system Python: pyatspi is Debian's package, not on another interpreter's path.
    let mut python = Command::new("/usr/bin/python3");
    python
        .arg(script())
        .args([command, APP_NAME])
        .envs(desktop.env().iter().cloned());
    python
}

/// Every object of the app's web document, parents before their children.
pub fn tree(desktop: &Desktop) -> Vec<Node> {
    let out = python(desktop, "tree")
        .output()
        .expect("run tests/support/a11y.py (apt-get install python3-pyatspi)");
    assert!(
        out.status.success(),
        "reading the accessibility tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Tree>(&out.stdout)
        .expect("a11y.py prints the tree as JSON")
        .nodes
}

/// The object with the focus, if the document has one. The document itself says it is
/// focused while its page is: the object is the one inside it.
pub fn focused(nodes: &[Node]) -> Option<&Node> {
    nodes
        .iter()
        .filter(|n| n.has("focused"))
        .find(|n| n.role != "document web")
        .or_else(|| nodes.iter().find(|n| n.has("focused")))
}

/// The nearest ancestor of `nodes[at]` that `wanted` accepts.
pub fn ancestor(nodes: &[Node], at: usize, wanted: impl Fn(&Node) -> bool) -> Option<&Node> {
    let mut parent = nodes[at].parent;
    while let Some(index) = parent {
        if wanted(&nodes[index]) {
            return Some(&nodes[index]);
        }
        parent = nodes[index].parent;
    }
    None
}

/// One thing said without the focus moving.
#[derive(Debug, Clone, Deserialize)]
pub struct Heard {
    pub event: String,
    #[serde(default)]
    pub live: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub error: String,
}

/// Listens on the accessibility bus, as a screen reader does, until [`Listener::stop`].
pub struct Listener {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl Listener {
    /// Starts listening; returns once the document has been read and the listener is on.
    pub fn start(desktop: &Desktop) -> Self {
        let mut child = python(desktop, "listen")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run tests/support/a11y.py");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the listener read the document and started");
        assert!(first.contains("\"ready\""), "the listener said {first}");
        Self {
            child,
            stdin,
            lines,
        }
    }

    /// Everything heard since the start, once the listener has had `settle` to catch up.
    pub fn stop(mut self, settle: Duration) -> Vec<Heard> {
        std::thread::sleep(settle);
        drop(self.stdin.take());
        let _ = self.child.wait();
        self.lines
            .try_iter()
            .map(|line| serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}")))
            .collect()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
