//! Many contacts at once: rows from pasted lines or a CSV file (`identifier[,category,summary]`,
//! header optional), each checked exactly like the form. Bad rows and repeats are marked with
//! the reason and never sent.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::api::{Action, Identifier, IdentifierError, IdentifierKind, StatusChange};
use crate::error::{AppError, Coded, ErrorCode, Fields};
use crate::workspace::ClosingRule;

pub const MAX_ROWS: usize = 2_000;
pub const MAX_CSV_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BulkError {
    #[error("There is nothing to send: add one contact per line.")]
    Empty,
    #[error("That is more than 2000 rows. Split the list and send it in parts.")]
    TooManyRows,
    #[error("That file is larger than 2 MB; a list of contacts is much smaller. Check it is the right file.")]
    TooLarge,
    #[error(
        "The file could not be read as CSV (line {line}). Save it again as CSV and try once more."
    )]
    Csv { line: u64 },
    #[error("The file could not be opened: {0}")]
    Read(String),
    #[error("No row is ready to send. Fix the rows marked in the list first.")]
    NothingReady,
}

impl Coded for BulkError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::BulkEmpty,
            Self::TooManyRows => ErrorCode::BulkTooManyRows,
            Self::TooLarge => ErrorCode::BulkFileTooLarge,
            Self::Csv { .. } => ErrorCode::BulkCsvUnreadable,
            Self::Read(_) => ErrorCode::BulkFileUnreadable,
            Self::NothingReady => ErrorCode::BulkNothingReady,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::TooManyRows => crate::fields! { "limit" => MAX_ROWS },
            Self::TooLarge => crate::fields! { "limit" => MAX_CSV_BYTES },
            Self::Csv { line } => crate::fields! { "line" => line },
            Self::Read(detail) => crate::fields! { "detail" => detail },
            _ => Fields::new(),
        }
    }
}

/// Reads a CSV file the agent picked, refusing one larger than [`MAX_CSV_BYTES`]. The cap is
/// on the bytes read, not the size the file claims: a FIFO or a device picked in the dialog
/// says 0 and never ends.
pub fn read_file(path: &std::path::Path) -> Result<String, BulkError> {
    use std::io::Read;
    let unreadable = |err: std::io::Error| BulkError::Read(err.kind().to_string());
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_CSV_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_CSV_BYTES {
        return Err(BulkError::TooLarge);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Where the rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// One identifier per line, sharing the run's closing note.
    Lines,
    /// `identifier[,category,summary]`; a row's own note wins over the run's.
    Csv,
}

/// One row as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// 1-based line in what was pasted or opened.
    pub line: usize,
    pub input: String,
    /// The contact, when the row names a valid one (the window words its kind).
    pub identifier: Option<Identifier>,
    pub category: Option<String>,
    pub summary: Option<String>,
    /// Why this row will not be sent, as the window words it.
    pub problem: Option<AppError>,
    /// Set when an earlier row already names the same contact.
    pub duplicate_of: Option<usize>,
    #[serde(skip)]
    ready: Option<(Identifier, StatusChange)>,
}

impl Row {
    pub fn is_ready(&self) -> bool {
        self.ready.is_some()
    }
}

/// What the agent typed as the whole run's note (the form's category and summary).
pub struct Defaults<'a> {
    pub action: Action,
    pub category: Option<&'a str>,
    pub summary: Option<&'a str>,
    /// The workspace's closing rule: a row that breaks it is not sent.
    pub rule: ClosingRule,
}

/// Picks the kind from the value itself: `kind:` prefix, else `@` → email, `+` or a leading
/// `0` → phone, digits → contact ID.
pub fn guess_identifier(input: &str) -> Result<Identifier, IdentifierError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(IdentifierError::Empty);
    }
    if let Some((prefix, _)) = value.split_once(':') {
        if prefix.parse::<IdentifierKind>().is_ok() {
            return Identifier::parse(value);
        }
    }
    // A leading 0 is a local phone number (contact IDs never start with one): asking for the
    // country code beats silently sending it as an ID.
    let kind = if value.contains('@') {
        IdentifierKind::Email
    } else if value.starts_with('+') || value.starts_with('0') {
        IdentifierKind::Phone
    } else if value.chars().all(|c| c.is_ascii_digit()) {
        IdentifierKind::Id
    } else {
        return Err(IdentifierError::UnknownKind);
    };
    Identifier::from_typed(kind, value)
}

pub fn rows(source: Source, text: &str, defaults: &Defaults<'_>) -> Result<Vec<Row>, BulkError> {
    // Excel's "CSV UTF-8" (and Notepad's UTF-8) begins with a byte-order mark: not part of the
    // first contact. (The csv crate skips it too, but then counts lines from the wrong place.)
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Windows' line ends (CRLF) read as LF: the rows are the same, and so are their line
    // numbers (the csv crate counts a CRLF record's line from its LF, one short), and a line
    // break inside a cell is the LF the summary keeps.
    let text = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let text = text.as_ref();
    let raw = match source {
        Source::Lines => text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| (i + 1, line.trim().to_owned(), None, None))
            .collect(),
        Source::Csv => csv_rows(text)?,
    };
    if raw.is_empty() {
        return Err(BulkError::Empty);
    }
    if raw.len() > MAX_ROWS {
        return Err(BulkError::TooManyRows);
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    Ok(raw
        .into_iter()
        .map(|(line, input, category, summary)| {
            let category = category.or_else(|| defaults.category.map(str::to_owned));
            let summary = summary.or_else(|| defaults.summary.map(str::to_owned));
            check(line, input, category, summary, defaults, &mut seen)
        })
        .collect())
}

fn check(
    line: usize,
    input: String,
    category: Option<String>,
    summary: Option<String>,
    defaults: &Defaults<'_>,
    seen: &mut HashMap<String, usize>,
) -> Row {
    let mut row = Row {
        line,
        input,
        identifier: None,
        category: None,
        summary: None,
        problem: None,
        duplicate_of: None,
        ready: None,
    };
    let identifier = match guess_identifier(&row.input) {
        Ok(identifier) => identifier,
        Err(IdentifierError::UnknownKind) => {
            row.problem = Some(AppError::new(
                ErrorCode::BulkRowKindUnknown,
                "Can't tell if this is a phone, email or contact ID: write phone:, email: or id: in front.",
            ));
            return row;
        }
        Err(err) => {
            row.problem = Some(err.into());
            return row;
        }
    };
    row.identifier = Some(identifier.clone());
    let change = match StatusChange::new(defaults.action, category.as_deref(), summary.as_deref()) {
        Ok(change) => change,
        Err(err) => {
            row.problem = Some(err.into());
            return row;
        }
    };
    if let Err(err) = defaults.rule.check(&change) {
        row.problem = Some(err.into());
        return row;
    }
    row.category = change.category.clone();
    row.summary = change.summary.clone();
    if let Some(&first) = seen.get(&identifier.api_form()) {
        row.duplicate_of = Some(first);
        let mut same = AppError::new(
            ErrorCode::BulkRowRepeated,
            format!("Same contact as line {first}: sent once only."),
        );
        same.fields = crate::fields! { "first" => first };
        row.problem = Some(same);
        return row;
    }
    seen.insert(identifier.api_form(), line);
    row.ready = Some((identifier, change));
    row
}

type RawRow = (usize, String, Option<String>, Option<String>);

fn csv_rows(text: &str) -> Result<Vec<RawRow>, BulkError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|err| BulkError::Csv {
            line: err.position().map_or(0, |p| p.line()),
        })?;
        let field = |i: usize| record.get(i).map(str::to_owned).filter(|v| !v.is_empty());
        let Some(identifier) = field(0) else {
            continue;
        };
        if index == 0 && identifier.eq_ignore_ascii_case("identifier") {
            continue;
        }
        let line = usize::try_from(record.position().map_or(0, |p| p.line())).unwrap_or(index + 1);
        rows.push((line, identifier, field(1), field(2)));
        if rows.len() > MAX_ROWS {
            return Err(BulkError::TooManyRows);
        }
    }
    Ok(rows)
}

/// The rows that will be sent, in order.
pub fn ready(rows: Vec<Row>) -> Result<Vec<(Identifier, StatusChange)>, BulkError> {
    let ready: Vec<_> = rows.into_iter().filter_map(|row| row.ready).collect();
    if ready.is_empty() {
        return Err(BulkError::NothingReady);
    }
    Ok(ready)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIFO picked in the file dialog reports a size of 0 and never ends: reading it must
    /// stop at the cap, not take all it is given. Unix only: Windows has no FIFO a file
    /// dialog can pick (its named pipes live outside the file system, under `\\.\pipe\`).
    #[cfg(unix)]
    #[test]
    fn a_file_that_is_not_a_plain_file_is_read_only_up_to_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("list.csv");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let writer_path = fifo.clone();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let mut pipe = std::fs::OpenOptions::new()
                .write(true)
                .open(writer_path)
                .unwrap();
            let line = b"id:1\n".repeat(1024);
            let mut sent = 0u64;
            // More than the cap; stops when the reader goes away.
            while sent < 4 * MAX_CSV_BYTES && pipe.write_all(&line).is_ok() {
                sent += line.len() as u64;
            }
        });
        let read = read_file(&fifo);
        assert!(
            matches!(read, Err(BulkError::TooLarge)),
            "read {:?} bytes instead of refusing",
            read.as_ref().map(String::len)
        );
        writer.join().unwrap();
    }

    const CLOSE: Defaults<'static> = Defaults {
        action: Action::Close,
        category: Some("Resolved"),
        summary: None,
        rule: ClosingRule::Optional,
    };

    #[test]
    fn pasted_lines_guess_their_kind_and_flag_bad_rows_and_repeats() {
        let text =
            "+60 12-123 3112\n\nABDC@gmail.com\nid:7\n7\nsomeone\n0121233112\nphone:+60121233112\n";
        let rows = rows(Source::Lines, text, &CLOSE).unwrap();
        let summary: Vec<(usize, Option<String>, bool)> = rows
            .iter()
            .map(|r| {
                let contact = r.identifier.as_ref().map(Identifier::describe);
                (r.line, contact, r.is_ready())
            })
            .collect();
        assert_eq!(
            summary,
            [
                (1, Some("phone +60 12-123 3112".to_owned()), true),
                (3, Some("email abdc@gmail.com".to_owned()), true),
                (4, Some("contact ID 7".to_owned()), true),
                (5, Some("contact ID 7".to_owned()), false),
                (6, None, false),
                (7, None, false),
                (8, Some("phone +60 12-123 3112".to_owned()), false),
            ]
        );
        assert_eq!(rows[3].duplicate_of, Some(4));
        assert_eq!(
            rows[4].problem.as_ref().unwrap().code,
            ErrorCode::BulkRowKindUnknown
        );
        assert_eq!(
            rows[5].problem.as_ref().unwrap().code,
            ErrorCode::PhoneWithoutCountryCode
        );
        assert_eq!(
            serde_json::to_value(rows[3].problem.as_ref().unwrap()).unwrap(),
            serde_json::json!({"code": "bulk_row_repeated", "first": 4})
        );
        assert_eq!(rows[6].duplicate_of, Some(1));
        assert_eq!(rows[0].category.as_deref(), Some("Resolved"));
        assert_eq!(ready(rows).unwrap().len(), 3);
    }

    #[test]
    fn csv_rows_carry_their_own_note_with_quotes_commas_and_an_optional_header() {
        let text = "identifier,category,summary\n\
                    id:1,Billing,\"Refund, then a \"\"thank you\"\"\"\n\
                    id:2,,\n\
                    id:3,,summary without category\n\
                    \"id:4\",Spam,\"two\nlines\"\n";
        let rows = rows_of(text);
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[0].summary.as_deref(),
            Some("Refund, then a \"thank you\"")
        );
        assert_eq!(rows[0].line, 2);
        assert!(rows[1].is_ready() && rows[1].category.is_none());
        assert_eq!(
            rows[2].problem.as_ref().unwrap().code,
            ErrorCode::SummaryWithoutCategory
        );
        assert_eq!(rows[3].summary.as_deref(), Some("two\nlines"));
        let no_header = rows_of("id:9,Resolved\n");
        assert_eq!(no_header[0].category.as_deref(), Some("Resolved"));
    }

    /// Excel's "CSV UTF-8" starts with a byte-order mark and ends its lines with CRLF (a line
    /// break inside a cell stays LF); the same list, read from a folder whose name is not
    /// ASCII, gives the same rows as the plain file.
    #[test]
    fn a_list_saved_by_excel_with_crlf_and_a_bom_reads_as_the_same_rows() {
        let plain_csv = "identifier,category,summary\n\
                         phone:+60121233112,Billing,\"Refund, Zoë said \"\"ok\"\"\"\n\
                         id:2,,\n\
                         \"id:4\",Spam,\"two\nlines\"\n";
        let excel_csv = "\u{feff}identifier,category,summary\r\n\
                         phone:+60121233112,Billing,\"Refund, Zoë said \"\"ok\"\"\"\r\n\
                         id:2,,\r\n\
                         \"id:4\",Spam,\"two\nlines\"\r\n";
        let dir = crate::files::test_dir();
        let path = dir.path().join("contactos de março.csv");
        std::fs::write(&path, excel_csv).unwrap();
        let read = read_file(&path).unwrap();
        let csv = rows_of(&read);
        assert_eq!(csv.len(), 3, "{csv:?}");
        assert_eq!(csv, rows_of(plain_csv));

        std::fs::write(&path, "\u{feff}id:1\r\nphone:+60121233112\r\n").unwrap();
        let read = read_file(&path).unwrap();
        let lines = rows(Source::Lines, &read, &CLOSE).unwrap();
        assert!(lines.iter().all(Row::is_ready), "{lines:?}");
        assert_eq!(
            lines,
            rows(Source::Lines, "id:1\nphone:+60121233112\n", &CLOSE).unwrap()
        );
    }

    fn rows_of(text: &str) -> Vec<Row> {
        rows(
            Source::Csv,
            text,
            &Defaults {
                action: Action::Close,
                category: None,
                summary: None,
                rule: ClosingRule::Optional,
            },
        )
        .unwrap()
    }

    #[test]
    fn empty_and_oversized_lists_are_refused() {
        assert_eq!(rows(Source::Lines, " \n\n", &CLOSE), Err(BulkError::Empty));
        let many = "id:1\n".repeat(MAX_ROWS + 1);
        assert_eq!(
            rows(Source::Lines, &many, &CLOSE),
            Err(BulkError::TooManyRows)
        );
        let bad = rows(Source::Lines, "nobody\n", &CLOSE).unwrap();
        assert_eq!(ready(bad), Err(BulkError::NothingReady));
    }

    #[test]
    fn rows_that_break_the_workspaces_closing_rule_are_not_sent() {
        let needs_summary = Defaults {
            rule: ClosingRule::CategorySummary,
            ..CLOSE
        };
        let checked = rows(
            Source::Csv,
            "id:1,Resolved,Refund sent\nid:2,Resolved\nid:3",
            &needs_summary,
        )
        .unwrap();
        assert!(checked[0].is_ready());
        assert_eq!(
            checked[1].problem.as_ref().map(|p| p.code),
            Some(ErrorCode::ClosingSummaryRequired)
        );
        assert!(!checked[2].is_ready(), "the run's category but no summary");
        let reopen = Defaults {
            action: Action::Open,
            category: None,
            rule: ClosingRule::CategorySummary,
            ..CLOSE
        };
        assert!(rows_ready(&rows(Source::Lines, "id:4", &reopen).unwrap()));
    }

    fn rows_ready(rows: &[Row]) -> bool {
        rows.iter().all(Row::is_ready)
    }
}
