//! Whether the program on disk is still the one running. An upgrade (apt and dpkg, or an
//! installer) puts a new file where the program was while the old one keeps running, so the
//! new version only starts when the app next does: the window says so, once.

use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What tells one file from its replacement: on Unix the inode (dpkg renames the new file
/// over the old one), and everywhere its size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    #[cfg(unix)]
    inode: (u64, u64),
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(metadata: &Metadata) -> Self {
        Self {
            #[cfg(unix)]
            inode: {
                use std::os::unix::fs::MetadataExt;
                (metadata.dev(), metadata.ino())
            },
            len: metadata.len(),
            modified: metadata.modified().ok(),
        }
    }

    fn read(path: &Path) -> io::Result<Self> {
        std::fs::metadata(path).map(|metadata| Self::of(&metadata))
    }
}

/// The running program's file, as it was when the app started.
#[derive(Debug, Clone)]
pub struct Program {
    path: PathBuf,
    at_start: Option<Stamp>,
}

impl Program {
    /// The program at `path` (the shell passes `std::env::current_exe()`), read now.
    pub fn at_start(path: PathBuf) -> Self {
        let at_start = Stamp::read(&path).ok();
        Self { path, at_start }
    }

    /// A different file is at the program's path now: a new version is installed and starts
    /// next time. A program removed (the package uninstalled) is not a new version, and one
    /// that could not be read at start is never said to be replaced.
    pub fn replaced(&self) -> bool {
        match (&self.at_start, Stamp::read(&self.path)) {
            (Some(then), Ok(now)) => *then != now,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_put_in_the_programs_place_is_a_new_version() {
        let dir = crate::files::test_dir();
        let path = dir.path().join("aelyst-desk");
        std::fs::write(&path, b"version one").unwrap();
        let program = Program::at_start(path.clone());
        assert!(!program.replaced(), "nothing happened yet");
        assert!(!program.replaced(), "asking twice changes nothing");

        // As dpkg does it: the new file is written beside, then renamed over the old one.
        let new = dir.path().join("aelyst-desk.dpkg-new");
        std::fs::write(&new, b"version two, longer").unwrap();
        crate::files::rename_over(&new, &path).unwrap();
        assert!(program.replaced());
        assert!(program.replaced(), "it stays replaced");
    }

    #[test]
    fn a_removed_or_unreadable_program_is_not_a_new_version() {
        let dir = crate::files::test_dir();
        let path = dir.path().join("aelyst-desk");
        std::fs::write(&path, b"version one").unwrap();
        let program = Program::at_start(path.clone());
        std::fs::remove_file(&path).unwrap();
        assert!(!program.replaced(), "uninstalled, not upgraded");

        let never = Program::at_start(dir.path().join("not-there"));
        std::fs::write(dir.path().join("not-there"), b"appeared later").unwrap();
        assert!(
            !never.replaced(),
            "unknown at start: never said to be replaced"
        );
    }
}
