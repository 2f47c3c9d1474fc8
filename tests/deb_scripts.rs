//! The .deb's maintainer scripts (`packaging/deb/postinst`, `postrm`), run by the real `sh` in
//! a root of their own (`DPKG_ROOT`, as dpkg sets it): the apt source is added only when the
//! build named a repository, IT has not said no, none is there and it was never added; purge
//! takes away only what the postinst added. `scripts/check-apt-updates.sh` runs them for real,
//! through dpkg and apt.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SOURCE: &str = "Types: deb\nURIs: http://127.0.0.1:8788/\nSuites: stable\nComponents: main\nSigned-By: /usr/share/keyrings/aelyst-desk.gpg\n";

struct Root(tempfile::TempDir);

impl Root {
    /// A root with the package's files in it; with the source's template when `named`.
    fn new(named: bool) -> Self {
        let root = Root(tempfile::tempdir().unwrap());
        if named {
            root.write("usr/share/aelyst-desk/aelyst-desk.sources", SOURCE);
        }
        fs::create_dir_all(root.path("etc/apt/sources.list.d")).unwrap();
        root
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.0.path().join(relative)
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn run(&self, script: &str, argument: &str) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("packaging/deb")
            .join(script);
        let status = Command::new("sh")
            .arg(&path)
            .arg(argument)
            .env("DPKG_ROOT", self.0.path())
            .status()
            .unwrap();
        assert!(status.success(), "{script} {argument}: {status}");
    }

    fn ours(&self) -> Option<String> {
        fs::read_to_string(self.path("etc/apt/sources.list.d/aelyst-desk.sources")).ok()
    }

    fn source_files(&self) -> usize {
        fs::read_dir(self.path("etc/apt/sources.list.d"))
            .unwrap()
            .count()
    }
}

#[test]
fn the_source_is_added_once_and_purge_takes_it_away() {
    let root = Root::new(true);
    root.run("postinst", "configure");
    assert_eq!(root.ours().as_deref(), Some(SOURCE));
    let mode = fs::metadata(root.path("etc/apt/sources.list.d/aelyst-desk.sources"))
        .unwrap()
        .permissions();
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o644
    );
    #[cfg(not(unix))]
    let _ = mode;

    // An upgrade runs it again: still one source.
    root.run("postinst", "configure");
    assert_eq!(root.source_files(), 1);

    // A plain remove keeps it; purge takes it and the note that it was added.
    root.run("postrm", "remove");
    assert!(root.ours().is_some());
    root.run("postrm", "purge");
    assert_eq!(root.ours(), None);
    assert!(!root.path("var/lib/aelyst-desk").exists());

    // Installed again after a purge: added again.
    root.run("postinst", "configure");
    assert_eq!(root.ours().as_deref(), Some(SOURCE));
}

#[test]
fn a_source_an_administrator_removed_stays_removed() {
    let root = Root::new(true);
    root.run("postinst", "configure");
    fs::remove_file(root.path("etc/apt/sources.list.d/aelyst-desk.sources")).unwrap();
    root.run("postinst", "configure");
    assert_eq!(root.ours(), None);
}

#[test]
fn it_said_no_so_no_source() {
    for said in [
        "ADD_APT_SOURCE=false\n",
        "# IT, 2026\nADD_APT_SOURCE=\"false\"\n",
        "  ADD_APT_SOURCE='no'\n",
        "ADD_APT_SOURCE=0\n",
    ] {
        let root = Root::new(true);
        root.write("etc/default/aelyst-desk", said);
        root.run("postinst", "configure");
        assert_eq!(root.ours(), None, "{said:?}");
    }
    // Anything else leaves the default: the source is added.
    let root = Root::new(true);
    root.write(
        "etc/default/aelyst-desk",
        "ADD_APT_SOURCE=true\n# ADD_APT_SOURCE=false\n",
    );
    root.run("postinst", "configure");
    assert!(root.ours().is_some());
}

#[test]
fn another_source_for_the_repository_or_the_key_is_left_alone() {
    for (file, text) in [
        // IT's own, one-line style, naming the same address.
        (
            "etc/apt/sources.list.d/desk.list",
            "deb [signed-by=/etc/apt/keyrings/desk.gpg] http://127.0.0.1:8788/ stable main\n",
        ),
        // A mirror, signed by the key the package carries.
        (
            "etc/apt/sources.list.d/mirror.sources",
            "Types: deb\nURIs: https://mirror.example.org/desk/\nSuites: stable\nComponents: main\nSigned-By: /usr/share/keyrings/aelyst-desk.gpg\n",
        ),
        ("etc/apt/sources.list", "deb http://127.0.0.1:8788/ stable main\n"),
    ] {
        let root = Root::new(true);
        root.write(file, text);
        root.run("postinst", "configure");
        assert_eq!(root.ours(), None, "{file}");
        // Purge does not touch what it did not add.
        root.run("postrm", "purge");
        assert_eq!(fs::read_to_string(root.path(file)).unwrap(), text);
    }
}

#[test]
fn a_build_without_a_repository_adds_nothing_and_purge_keeps_its_namesake() {
    let root = Root::new(false);
    root.run("postinst", "configure");
    assert_eq!(root.source_files(), 0);
    assert!(!root.path("var/lib/aelyst-desk").exists());

    // A file of the same name IT wrote by hand is theirs.
    root.write("etc/apt/sources.list.d/aelyst-desk.sources", SOURCE);
    root.run("postrm", "purge");
    assert_eq!(root.ours().as_deref(), Some(SOURCE));
}
