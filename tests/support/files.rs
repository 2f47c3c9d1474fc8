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
    for file in walk(dir) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(needle),
            "{} holds {needle:?}",
            file.display()
        );
    }
}
