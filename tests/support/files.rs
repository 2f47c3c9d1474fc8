//! Files a test looks through: everything the app or the outbox wrote under a folder.

use std::path::{Path, PathBuf};

/// Every file under `dir`, recursively.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Panics naming the first file under `dir` whose bytes contain `needle`.
pub fn assert_in_no_file(dir: &Path, needle: &str) {
    // As UTF-8, and as UTF-16 (little-endian, as WebKit's storage keeps strings).
    let utf16: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for file in walk(dir) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let in_utf16 = bytes.windows(utf16.len()).any(|w| w == utf16.as_slice());
        assert!(
            !text.contains(needle) && !in_utf16,
            "{} holds {needle:?}",
            file.display()
        );
    }
}

/// Panics naming the first folder under `dir` (itself included) that is not 0700 or file that
/// is not 0600: what the app keeps is the agent's alone.
#[cfg(unix)]
pub fn assert_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| {
        std::fs::symlink_metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    };
    assert_eq!(mode(dir), 0o700, "{} is not private", dir.display());
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                assert_eq!(
                    mode(&path),
                    0o700,
                    "folder {} is not private",
                    path.display()
                );
                folders.push(path);
            } else if kind.is_file() {
                assert_eq!(mode(&path), 0o600, "file {} is not private", path.display());
            }
        }
    }
}
