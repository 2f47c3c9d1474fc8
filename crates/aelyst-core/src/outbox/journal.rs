//! The outbox's durable file: an append-only journal of JSON lines, one record per change,
//! each write flushed to disk (`fsync`) before the change counts. A crash can only tear the
//! last line, which loading ignores; the file is rewritten (temp file, fsync, rename) when it
//! has grown to several times the live entries.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::entry::Entry;

// One record lives only while a line is written or read, so its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
enum Record<'a> {
    Put { entry: std::borrow::Cow<'a, Entry> },
    Remove { ids: Vec<String> },
}

pub struct Journal {
    path: PathBuf,
    file: File,
    lines: usize,
}

/// What loading found.
pub struct Loaded {
    /// By submission order.
    pub entries: BTreeMap<u64, Entry>,
    /// Where an unreadable file was moved, when it was.
    pub moved_aside: Option<PathBuf>,
}

impl Journal {
    /// Opens (or creates) the journal, replaying it. Unreadable records never stop the app:
    /// the file is copied aside to `<name>.corrupt-<timestamp>` and rewritten from what could
    /// be read.
    pub fn open(path: &Path) -> io::Result<(Self, Loaded)> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let (entries, lines, damaged) = match File::open(path) {
            Ok(file) => replay(file)?,
            Err(err) if err.kind() == io::ErrorKind::NotFound => (BTreeMap::new(), 0, false),
            Err(err) => return Err(err),
        };
        let moved_aside = if damaged {
            let aside = crate::fsutil::aside_path(path);
            fs::rename(path, &aside)?;
            Some(aside)
        } else {
            None
        };
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let mut journal = Self {
            path: path.to_owned(),
            file,
            lines,
        };
        if damaged || journal.wants_compaction(entries.len()) {
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
            write_record(
                &mut buffer,
                &Record::Put {
                    entry: std::borrow::Cow::Borrowed(entry),
                },
            )?;
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

    fn append(&mut self, bytes: &[u8], lines: usize) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.file.sync_data()?;
        self.lines += lines;
        Ok(())
    }

    pub fn wants_compaction(&self, live: usize) -> bool {
        self.lines > 2 * live + 256
    }

    /// Rewrites the journal as one `put` per live entry, atomically.
    pub fn compact<'a>(&mut self, live: impl Iterator<Item = &'a Entry>) -> io::Result<()> {
        let mut buffer = Vec::new();
        let mut lines = 0;
        for entry in live {
            write_record(
                &mut buffer,
                &Record::Put {
                    entry: std::borrow::Cow::Borrowed(entry),
                },
            )?;
            lines += 1;
        }
        crate::fsutil::write_atomically(&self.path, &buffer)?;
        self.file = OpenOptions::new().append(true).open(&self.path)?;
        self.lines = lines;
        Ok(())
    }
}

fn write_record(buffer: &mut Vec<u8>, record: &Record<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *buffer, record)?;
    buffer.push(b'\n');
    Ok(())
}

/// Replays every line. Returns the entries, the line count, and whether anything but a torn
/// final line was unreadable.
fn replay(file: File) -> io::Result<(BTreeMap<u64, Entry>, usize, bool)> {
    let mut entries = BTreeMap::new();
    let mut ids: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut count = 0;
    let mut damaged = false;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let complete = line.last() == Some(&b'\n');
        count += 1;
        match serde_json::from_slice::<Record<'static>>(&line) {
            Ok(Record::Put { entry }) => {
                let entry = entry.into_owned();
                if let Some(old_seq) = ids.insert(entry.id.clone(), entry.seq) {
                    entries.remove(&old_seq);
                }
                entries.insert(entry.seq, entry);
            }
            Ok(Record::Remove { ids: removed }) => {
                for id in removed {
                    if let Some(seq) = ids.remove(&id) {
                        entries.remove(&seq);
                    }
                }
            }
            // A crash while appending leaves a partial last line: that change was never
            // acknowledged, so dropping it loses nothing.
            Err(_) if !complete => break,
            Err(_) if line.iter().all(u8::is_ascii_whitespace) => {}
            Err(_) => damaged = true,
        }
    }
    Ok((entries, count, damaged))
}
