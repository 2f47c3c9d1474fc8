//! The history as CSV, for the agent's own records. Columns (in order):
//! `created`, `finished` (RFC 3339, UTC), `contact_kind` (phone/email/id), `contact` (as
//! shown), `identifier` (the API form), `action` (close/open), `category`, `summary`,
//! `status` (pending/done/failed/cancelled), `attempts`, `reason`, `contact_id`.
//! Text a spreadsheet would run as a formula is written with a leading `'` (see `neutralise`).

use std::io::Write;
use std::path::Path;

use crate::error::{Coded, ErrorCode, Fields};
use crate::outbox::Entry;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("The file could not be saved: {0}.")]
    Create(String),
    #[error("The file could not be written completely ({0}).")]
    Write(String),
}

impl Coded for ExportError {
    fn code(&self) -> ErrorCode {
        ErrorCode::ExportFailed
    }

    fn fields(&self) -> Fields {
        match self {
            Self::Create(detail) => crate::fields! { "detail" => detail },
            Self::Write(detail) => crate::fields! { "detail" => detail },
        }
    }
}

/// Writes `entries` as CSV to `path`.
pub fn write_file(path: &Path, entries: &[Entry]) -> Result<(), ExportError> {
    let file =
        std::fs::File::create(path).map_err(|err| ExportError::Create(err.kind().to_string()))?;
    let mut out = std::io::BufWriter::new(file);
    // The byte-order mark that makes Excel read the file as UTF-8 (without it, Excel on
    // Windows reads the computer's old code page and accented names come out garbled).
    // LibreOffice, Numbers and the csv crate read it and skip it.
    out.write_all(b"\xEF\xBB\xBF")
        .map_err(|err| ExportError::Write(err.to_string()))?;
    write_csv(entries, &mut out).map_err(|err| ExportError::Write(err.to_string()))?;
    out.into_inner()
        .map_err(|err| ExportError::Write(err.to_string()))?
        .sync_all()
        .map_err(|err| ExportError::Write(err.to_string()))
}

pub const COLUMNS: [&str; 12] = [
    "created",
    "finished",
    "contact_kind",
    "contact",
    "identifier",
    "action",
    "category",
    "summary",
    "status",
    "attempts",
    "reason",
    "contact_id",
];

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return
/// first) gets a leading `'`, which spreadsheets show as text and do not run.
fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn rfc3339(ms: u64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Writes `entries` in the order given; the `csv` crate quotes commas, quotes and newlines.
/// Records end with CRLF (RFC 4180, and what Excel writes); a line break inside a cell stays
/// the LF the summary has.
pub fn write_csv(entries: &[Entry], out: impl Write) -> csv::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(COLUMNS)?;
    for entry in entries {
        let text = |value: &Option<String>| neutralise(value.as_deref().unwrap_or_default());
        writer.write_record([
            rfc3339(entry.created_at),
            entry.finished_at.map(rfc3339).unwrap_or_default(),
            entry.identifier.kind().prefix().to_owned(),
            neutralise(entry.identifier.display()),
            entry.identifier.api_form(),
            entry.action.as_str().to_owned(),
            text(&entry.category),
            text(&entry.summary),
            serde_json::to_value(entry.state)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            entry.attempts.to_string(),
            // In English, as the log has it: a file for spreadsheets and scripts, not the window.
            text(&entry.reason_text()),
            entry
                .contact_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Action, Identifier, StatusChange};

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_neutralised() {
        let change = StatusChange::new(
            Action::Close,
            Some("=HYPERLINK(\"http://x\",\"y\")"),
            Some("-2+3 said the customer"),
        )
        .unwrap();
        let mut entry = Entry::new(
            1,
            1_764_133_200_000,
            Identifier::parse("phone:+60121233112").unwrap(),
            change,
        );
        entry.reason = Some(crate::api::Reason::Legacy {
            text: "@SUM(A1)".into(),
        });
        let mut out = Vec::new();
        write_csv(&[entry], &mut out).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[3], "'+60 12-123 3112", "the phone column too");
        assert_eq!(&row[4], "phone:+60121233112");
        assert_eq!(&row[6], "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(&row[7], "'-2+3 said the customer");
        assert_eq!(&row[10], "'@SUM(A1)");
        for (cell, want) in [("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain")] {
            assert_eq!(neutralise(cell), want);
        }
    }

    #[test]
    fn awkward_text_round_trips_through_csv() {
        let change = StatusChange::new(
            Action::Close,
            Some("Billing, refunds"),
            Some("He said \"thanks\"\nand left"),
        )
        .unwrap();
        let mut entry = Entry::new(
            1,
            1_764_133_200_000,
            Identifier::parse("phone:+60121233112").unwrap(),
            change,
        );
        entry.attempts = 2;
        entry.contact_id = Some(1);
        let mut out = Vec::new();
        write_csv(&[entry], &mut out).unwrap();

        let mut reader = csv::Reader::from_reader(out.as_slice());
        // The columns as the README documents them, not the constant the code writes.
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            [
                "created",
                "finished",
                "contact_kind",
                "contact",
                "identifier",
                "action",
                "category",
                "summary",
                "status",
                "attempts",
                "reason",
                "contact_id",
            ]
        );
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "2025-11-26T05:00:00Z");
        assert_eq!(&row[2], "phone");
        assert_eq!(&row[3], "'+60 12-123 3112", "a leading + is neutralised");
        assert_eq!(&row[4], "phone:+60121233112");
        assert_eq!(&row[6], "Billing, refunds");
        assert_eq!(&row[7], "He said \"thanks\"\nand left");
        assert_eq!(&row[8], "pending");
        assert_eq!(&row[11], "1");
    }

    /// Agents open the export in Excel, which reads a CSV as the computer's old code page unless
    /// it begins with a byte-order mark (Zoë would show as ZoÃ«), and expects Windows' line ends.
    #[test]
    fn the_file_opens_in_excel_as_utf8_with_windows_line_ends() {
        let change =
            StatusChange::new(Action::Close, Some("Remboursé"), Some("Zoë said\nthanks")).unwrap();
        let entry = Entry::new(
            1,
            1_764_133_200_000,
            Identifier::parse("email:zoë@example.com").unwrap(),
            change,
        );
        let dir = crate::files::test_dir();
        let path = dir.path().join("histórico.csv");
        write_file(&path, &[entry.clone(), entry]).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBFcreated,"),
            "a UTF-8 byte-order mark first"
        );
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let records: Vec<&str> = text.split_inclusive("\r\n").collect();
        assert_eq!(records.len(), 3, "{text:?}");
        assert!(records.iter().all(|r| r.ends_with("\r\n")));
        assert!(
            records[1].contains("\"Zoë said\nthanks\""),
            "a break in a cell stays LF"
        );
        let mut reader = csv::Reader::from_path(&path).unwrap();
        assert_eq!(&reader.headers().unwrap()[0], "created");
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[6], "Remboursé");
        assert_eq!(&row[7], "Zoë said\nthanks");
    }
}
