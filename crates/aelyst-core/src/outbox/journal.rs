//! The outbox's durable file: an append-only journal of JSON lines, one record per change,
//! each write flushed to disk (`fsync`) before the change counts. A crash or a full disk can
//! only tear the last line: it is cut off (and the cut fsync'd) when the journal opens and
//! after any failed write, so the next record never lands on a fragment. The file is
//! rewritten (temp file, fsync, rename) when it has grown to several times the live entries.
//! While a journal is open, it holds an exclusive lock (`<name>.lock`): a second process
//! cannot open it.
//!
//! Windows refuses to replace or delete a file while a handle to it is open (unless every
//! handle allowed it), so the journal's own handle is closed before compaction replaces the
//! file, and [`Journal::close`] lets go of the file and the lock before a removed workspace's
//! folder is deleted.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::entry::Entry;

/// One line as written: `{"op":"put","entry":{…}}` or `{"op":"remove","ids":[…]}`.
#[derive(Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
enum Record<'a> {
    Put { entry: &'a Entry },
    Remove { ids: Vec<String> },
}

/// The same line as read. A plain struct, not the tagged enum: serde reads an internally
/// tagged enum by first copying the whole record into an intermediate tree, which was 70% of
/// loading a 10,000-entry history (measured with callgrind).
#[derive(Deserialize)]
struct RecordIn {
    op: Op,
    #[serde(default)]
    entry: Option<Entry>,
    #[serde(default)]
    ids: Vec<String>,
}

#[derive(Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Op {
    Put,
    Remove,
}

pub struct Journal {
    path: PathBuf,
    /// `None` once closed, and for the moment compaction replaces the file.
    file: Option<File>,
    lines: usize,
    /// Bytes of whole records: a failed write is cut back to here.
    len: u64,
    /// Held while the journal is open; a second opener is refused. `None` once closed.
    _lock: Option<File>,
}

/// Why a journal could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the journal is open in another process")]
    Locked,
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What loading found.
pub struct Loaded {
    /// By submission order.
    pub entries: BTreeMap<u64, Entry>,
    /// Where an unreadable file was moved, when it was.
    pub moved_aside: Option<PathBuf>,
}

impl Journal {
    /// Opens (or creates) the journal, replaying it. A torn last line is cut off. Unreadable
    /// records never stop the app: the file is copied aside to `<name>.corrupt-<timestamp>`,
    /// then replaced (atomically) by what could be read, so a crash at any point leaves either
    /// the original or the recovered journal in place.
    pub fn open(path: &Path) -> Result<(Self, Loaded), OpenError> {
        if let Some(dir) = path.parent() {
            crate::files::create_private_dir(dir)?;
        }
        let lock = lock(path)?;
        let (entries, lines, good_len, damaged) = match File::open(path) {
            Ok(file) => replay(file)?,
            Err(err) if err.kind() == io::ErrorKind::NotFound => (BTreeMap::new(), 0, 0, false),
            Err(err) => return Err(err.into()),
        };
        let mut lines = lines;
        let moved_aside = if damaged {
            let aside = crate::files::aside_path(path);
            fs::copy(path, &aside)?;
            crate::files::make_private(&aside)?;
            // Flushed through a handle that may write: Windows refuses to flush a read-only
            // one (FlushFileBuffers: access denied), which stopped the app here.
            OpenOptions::new().write(true).open(&aside)?.sync_all()?;
            let (recovered, count) = encode(entries.values())?;
            crate::files::write_atomically(path, &recovered)?;
            lines = count;
            Some(aside)
        } else {
            None
        };
        let file = crate::files::private_options()
            .create(true)
            .append(true)
            .open(path)?;
        crate::files::make_private(path)?;
        let mut len = file.metadata()?.len();
        if !damaged && len > good_len {
            // A record torn by a crash or a full disk: never acknowledged, so cut it off.
            file.set_len(good_len)?;
            file.sync_all()?;
            len = good_len;
        }
        let mut journal = Self {
            path: path.to_owned(),
            file: Some(file),
            lines,
            len,
            _lock: Some(lock),
        };
        if journal.wants_compaction(entries.len()) {
            journal.compact(entries.values())?;
        }
        Ok((
            journal,
            Loaded {
                entries,
                moved_aside,
            },
        ))
    }

    pub fn put(&mut self, entries: &[&Entry]) -> io::Result<()> {
        let mut buffer = Vec::with_capacity(512 * entries.len());
        for entry in entries {
            write_record(&mut buffer, &Record::Put { entry })?;
        }
        self.append(&buffer, entries.len())
    }

    pub fn remove(&mut self, ids: Vec<String>) -> io::Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut buffer = Vec::new();
        write_record(&mut buffer, &Record::Remove { ids })?;
        self.append(&buffer, 1)
    }

    /// Appends whole records durably, or cuts the file back to where it was: a write that
    /// failed half way (a full disk) leaves no fragment for the next record to land on.
    fn append(&mut self, bytes: &[u8], lines: usize) -> io::Result<()> {
        let file = self.file.as_mut().ok_or_else(closed)?;
        let written = file.write_all(bytes).and_then(|()| file.sync_data());
        if let Err(err) = written {
            if file.set_len(self.len).is_ok() {
                let _ = file.sync_data();
            }
            return Err(err);
        }
        self.len += bytes.len() as u64;
        self.lines += lines;
        Ok(())
    }

    pub fn wants_compaction(&self, live: usize) -> bool {
        self.lines > 2 * live + 256
    }

    /// Rewrites the journal as one `put` per live entry, atomically. The append handle is
    /// closed while the file is replaced (Windows refuses to replace an open file) and opened
    /// again on whichever file is then in place: the new one, or the old one if the rewrite
    /// failed (nothing was lost, it is only longer than it needs to be).
    pub fn compact<'a>(&mut self, live: impl Iterator<Item = &'a Entry>) -> io::Result<()> {
        if self.file.is_none() {
            return Err(closed());
        }
        let (buffer, lines) = encode(live)?;
        self.file = None;
        let replaced = crate::files::write_atomically(&self.path, &buffer);
        let file = OpenOptions::new().append(true).open(&self.path)?;
        let len = file.metadata()?.len();
        self.file = Some(file);
        replaced?;
        self.lines = lines;
        self.len = len;
        Ok(())
    }

    /// Lets go of the file and the lock (the workspace is being removed): from then on every
    /// write fails, and the files can be deleted on any platform.
    pub fn close(&mut self) {
        self.file = None;
        self._lock = None;
    }
}

fn closed() -> io::Error {
    io::Error::other("the journal is closed")
}

/// Whether another process has the journal at `path` open, found without creating or writing
/// anything (a second app checks this before it does anything else).
pub fn open_elsewhere(path: &Path) -> bool {
    let Ok(file) = OpenOptions::new().write(true).open(lock_path(path)) else {
        return false;
    };
    matches!(file.try_lock(), Err(fs::TryLockError::WouldBlock))
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// The exclusive lock beside the journal (a file of its own: compaction replaces the journal
/// file, and a lock on it would go with the old one).
fn lock(path: &Path) -> Result<File, OpenError> {
    crate::files::lock_exclusive(&lock_path(path))?.ok_or(OpenError::Locked)
}

/// One `put` per entry, and how many lines that is.
fn encode<'a>(live: impl Iterator<Item = &'a Entry>) -> io::Result<(Vec<u8>, usize)> {
    let mut buffer = Vec::new();
    let mut lines = 0;
    for entry in live {
        write_record(&mut buffer, &Record::Put { entry })?;
        lines += 1;
    }
    Ok((buffer, lines))
}

fn write_record(buffer: &mut Vec<u8>, record: &Record<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *buffer, record)?;
    buffer.push(b'\n');
    Ok(())
}

/// Replays every whole line. Returns the entries, the line count, the length of the whole
/// lines (where a torn last line starts), and whether any whole line was unreadable.
fn replay(file: File) -> io::Result<(BTreeMap<u64, Entry>, usize, u64, bool)> {
    let mut entries = BTreeMap::new();
    let mut ids: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut count = 0;
    let mut good_len = 0u64;
    let mut damaged = false;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        // A crash or a full disk while appending leaves a partial last line: that change was
        // never acknowledged, so dropping it loses nothing (even when it happens to parse).
        if line.last() != Some(&b'\n') {
            break;
        }
        good_len += line.len() as u64;
        count += 1;
        match serde_json::from_slice::<RecordIn>(&line) {
            Ok(RecordIn {
                op: Op::Put,
                entry: Some(mut entry),
                ..
            }) => {
                entry.upgrade();
                if let Some(old_seq) = ids.insert(entry.id.clone(), entry.seq) {
                    entries.remove(&old_seq);
                }
                entries.insert(entry.seq, entry);
            }
            Ok(RecordIn {
                op: Op::Remove,
                ids: removed,
                ..
            }) => {
                for id in removed {
                    if let Some(seq) = ids.remove(&id) {
                        entries.remove(&seq);
                    }
                }
            }
            Err(_) if line.iter().all(u8::is_ascii_whitespace) => {}
            // Unreadable, or a put without its entry.
            Ok(_) | Err(_) => damaged = true,
        }
    }
    Ok((entries, count, good_len, damaged))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Action, Identifier, StatusChange};

    fn entry(seq: u64) -> Entry {
        let change = StatusChange::new(Action::Close, Some("Billing"), None).unwrap();
        Entry::new(
            seq,
            1_764_133_200_000,
            Identifier::parse(&format!("id:{seq}")).unwrap(),
            change,
        )
    }

    /// Compaction replaces the file the journal itself has open (Windows refuses to replace an
    /// open file unless every handle shares it for deletion), and appending goes on in the new
    /// file; the lock stays held throughout.
    #[test]
    fn compaction_replaces_the_open_journal_and_appending_goes_on() {
        let dir = crate::files::test_dir();
        let path = dir.path().join("outbox.jsonl");
        let (mut journal, _) = Journal::open(&path).unwrap();
        let entries: Vec<Entry> = (1..=300).map(entry).collect();
        for entry in &entries {
            journal.put(&[entry]).unwrap();
        }
        journal
            .remove(entries[..290].iter().map(|e| e.id.clone()).collect())
            .unwrap();
        let live = &entries[290..];
        assert!(journal.wants_compaction(live.len()), "grown past the bound");
        let before = fs::metadata(&path).unwrap().len();
        journal.compact(live.iter()).unwrap();
        assert!(fs::metadata(&path).unwrap().len() < before / 10);
        assert!(open_elsewhere(&path), "the lock is still held");

        let later = entry(301);
        journal.put(&[&later]).unwrap();
        drop(journal);
        let (_, loaded) = Journal::open(&path).unwrap();
        let ids: Vec<u64> = loaded.entries.keys().copied().collect();
        assert_eq!(ids, (291..=301).collect::<Vec<_>>());
        assert_eq!(loaded.moved_aside, None);
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names.len(),
            2,
            "the journal and its lock, no temp: {names:?}"
        );
    }

    /// A closed journal lets go of its file and lock: another can open it, and its folder can
    /// be deleted (Windows keeps an open file's folder).
    #[test]
    fn a_closed_journal_lets_go_of_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("w-1");
        let path = folder.join("outbox.jsonl");
        let (mut journal, _) = Journal::open(&path).unwrap();
        journal.put(&[&entry(1)]).unwrap();
        assert!(matches!(Journal::open(&path), Err(OpenError::Locked)));
        journal.close();
        assert!(
            journal.put(&[&entry(2)]).is_err(),
            "nothing more is written"
        );
        assert!(!open_elsewhere(&path));
        fs::remove_dir_all(&folder).unwrap();
        assert!(!folder.exists());
    }
}
