//! Writing a whole file so that a crash leaves either the old contents or the new, never a
//! mix: temp file beside it, fsync, rename over, fsync the folder. The exclusive lock file
//! that keeps a second process out. And privacy: what the app keeps (journals, settings,
//! logs) holds customers' contacts and notes, so its folders are the agent's alone (0700) and
//! its files too (0600), on any umask.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Folders the app makes: only the agent's account may list or enter them.
#[cfg(unix)]
pub const PRIVATE_DIR_MODE: u32 = 0o700;
/// Files the app writes: only the agent's account may read them.
#[cfg(unix)]
pub const PRIVATE_FILE_MODE: u32 = 0o600;

/// Files that libraries create for the app (the daily log, WebKit's storage) are private too:
/// the process's umask takes group and other bits away. Call once, first thing at start.
pub fn private_by_default() {
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// `create_dir_all`, with every folder it makes private; the last one is made private even
/// when it was there already (an earlier version made it 0755).
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, PRIVATE_DIR_MODE);
    builder.create(path)?;
    #[cfg(unix)]
    set_mode(path, PRIVATE_DIR_MODE)?;
    Ok(())
}

/// Makes an existing file private (one an earlier version created 0644).
pub fn make_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    set_mode(path, PRIVATE_FILE_MODE)?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if fs::metadata(path)?.permissions().mode() & 0o777 != mode {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// Options that create a file private (0600 on Unix).
pub fn private_options() -> OpenOptions {
    #[cfg(unix)]
    {
        let mut options = OpenOptions::new();
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE_FILE_MODE);
        options
    }
    // Windows: a file under %APPDATA% inherits the user's own folder's access list.
    #[cfg(not(unix))]
    OpenOptions::new()
}

pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = temp_path(path);
    let written = (|| {
        let mut file = private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)?;
        // A temp file left by a crash keeps the mode it had: made private here too.
        make_private(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    if let Err(err) = rename_over(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    sync_dir(path);
    Ok(())
}

/// How many times a rename over a file that another program holds open is tried.
#[cfg(windows)]
const RENAME_TRIES: u32 = 9;

/// `fs::rename`, replacing `to`. Windows refuses to replace a file while another program has it
/// open without sharing it for deletion (an editor, a backup or indexing tool, a virus scan);
/// they let go within moments, so the rename is tried again with a growing pause, about 2.5 s
/// in all, before it fails. The file in place is never touched until the rename succeeds.
pub(crate) fn rename_over(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(windows)]
    {
        let mut attempt = 0;
        loop {
            match fs::rename(from, to) {
                Err(err) if attempt + 1 < RENAME_TRIES && held_elsewhere(&err) => {
                    std::thread::sleep(rename_pause(attempt));
                    attempt += 1;
                }
                result => return result,
            }
        }
    }
    #[cfg(not(windows))]
    fs::rename(from, to)
}

/// The pause after the `attempt`th refused rename (from 0): 10 ms, doubling, at most 640 ms.
#[cfg_attr(not(windows), allow(dead_code))]
fn rename_pause(attempt: u32) -> std::time::Duration {
    std::time::Duration::from_millis(10 << attempt.min(6))
}

/// Access denied, sharing violation, lock violation: another handle holds the file.
#[cfg(windows)]
fn held_elsewhere(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(5 | 32 | 33))
}

/// Makes a rename in `path`'s folder durable; not possible on every platform.
pub fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// `<name>.corrupt-<ms>` beside `path`: where an unreadable file is kept for support.
pub fn aside_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{name}.corrupt-{}", crate::clock::now_ms()))
}

/// Takes an exclusive lock on the file at `path` (created when missing), held until the
/// returned file is dropped (or the process ends, however it ends). `Ok(None)` when another
/// process holds it.
pub fn lock_exclusive(path: &Path) -> io::Result<Option<std::fs::File>> {
    let file = private_options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(err)) => Err(err),
    }
}

/// A fresh folder named as an agent's profile folder can be (not ASCII), for unit tests.
#[cfg(test)]
pub(crate) fn test_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("Zoë 資料 ")
        .tempdir()
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old file is whole, and nothing but it is in its folder (no temp file left).
    fn only_the_old_file(dir: &tempfile::TempDir, path: &Path, old: &[u8]) {
        assert_eq!(
            fs::read(path).unwrap(),
            old,
            "the file in place is untouched"
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn replaces_the_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, b"old contents that are longer").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn what_the_app_writes_is_the_agents_alone_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(mode(&path), 0o600);
        let nested = dir.path().join("workspaces").join("w-1");
        create_private_dir(&nested).unwrap();
        assert_eq!(mode(&nested), 0o700);
        assert_eq!(mode(nested.parent().unwrap()), 0o700);
        fs::set_permissions(&nested, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        create_private_dir(&nested).unwrap();
        assert_eq!(mode(&nested), 0o700, "an existing folder is tightened");
        let lock = nested.join("x.lock");
        drop(lock_exclusive(&lock).unwrap());
        assert_eq!(mode(&lock), 0o600);
    }

    #[test]
    fn a_refused_rename_is_tried_again_for_about_two_and_a_half_seconds() {
        let pauses: Vec<u128> = (0..8).map(|n| rename_pause(n).as_millis()).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 640]);
        assert_eq!(pauses.iter().sum::<u128>(), 1_910);
    }

    /// A program that reads the settings while they are saved (Notepad, a backup tool, a virus
    /// scan) holds its own handle. Windows' rename over an open file is where this differs.
    #[test]
    fn a_file_open_elsewhere_is_replaced_and_the_reader_keeps_what_it_opened() {
        use std::io::Read;
        let dir = test_dir();
        let path = dir.path().join("settings.json");
        fs::write(&path, b"old").unwrap();
        // The standard library's own sharing: read, write and delete.
        let mut reader = File::open(&path).unwrap();
        let written = write_atomically(&path, b"new");
        if cfg!(windows) && std::env::var_os("WINEPREFIX").is_some() {
            // Wine 8 lacks the rename that replaces a file open elsewhere (FileRenameInfoEx
            // with POSIX semantics, which the standard library falls back to on Windows when
            // MoveFileEx is refused): the write fails in full, and nothing changes (README,
            // Windows). Then it succeeds once the reader lets go.
            let err = written.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{err:?}");
            only_the_old_file(&dir, &path, b"old");
            drop(reader);
            write_atomically(&path, b"new").unwrap();
            assert_eq!(fs::read(&path).unwrap(), b"new");
            return;
        }
        written.unwrap();
        let mut seen = String::new();
        reader.read_to_string(&mut seen).unwrap();
        assert_eq!(
            seen, "old",
            "the reader's handle still reads the file it opened"
        );
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    /// Windows: a reader that shares the file for reading only (as many programs open files)
    /// blocks the rename until it closes; the write waits for it, and fails, leaving the old
    /// file and no temp, if it never lets go.
    #[cfg(windows)]
    #[test]
    fn a_file_a_reader_holds_without_sharing_is_replaced_once_it_lets_go() {
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_SHARE_READ: u32 = 1;
        let dir = test_dir();
        let path = dir.path().join("settings.json");
        fs::write(&path, b"old").unwrap();
        let hold = || {
            OpenOptions::new()
                .read(true)
                .share_mode(FILE_SHARE_READ)
                .open(&path)
                .unwrap()
        };

        let reader = hold();
        let lets_go = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            drop(reader);
        });
        write_atomically(&path, b"new").unwrap();
        lets_go.join().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");

        let reader = hold();
        let err = write_atomically(&path, b"newer").unwrap_err();
        assert!(held_elsewhere(&err), "{err:?}");
        drop(reader);
        only_the_old_file(&dir, &path, b"new");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, b"old").unwrap();
        // The temp file cannot be made: a folder is in its place.
        fs::create_dir(temp_path(&path)).unwrap();
        assert!(write_atomically(&path, b"new").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old", "the old file is whole");
        fs::remove_dir(temp_path(&path)).unwrap();

        let nowhere = dir.path().join("missing-folder").join("settings.json");
        assert!(write_atomically(&nowhere, b"new").is_err());
        assert!(!nowhere.exists());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "nothing else was left"
        );
    }
}
