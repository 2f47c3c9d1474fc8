//! The body of the status call, validated before anything is sent.

use serde::{Deserialize, Serialize};

use crate::error::{Coded, ErrorCode, Fields};

pub const CATEGORY_MAX_CHARS: usize = 128;
pub const SUMMARY_MAX_CHARS: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Open,
    Close,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Close => "close",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("The category is {0} characters long; it can be at most 128.")]
    CategoryTooLong(usize),
    #[error("The summary is {0} characters long; it can be at most 512.")]
    SummaryTooLong(usize),
    #[error(
        "Choose a category for this summary: Aelyst only keeps a summary that has a category."
    )]
    SummaryWithoutCategory,
    #[error("A closing note only goes with Close. Remove the category and summary to reopen.")]
    NoteOnOpen,
    #[error("The category has a line break, a tab or another invisible character in it. Write it on one line.")]
    CategoryControlCharacters,
}

impl Coded for NoteError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::CategoryTooLong(_) => ErrorCode::CategoryTooLong,
            Self::SummaryTooLong(_) => ErrorCode::SummaryTooLong,
            Self::SummaryWithoutCategory => ErrorCode::SummaryWithoutCategory,
            Self::NoteOnOpen => ErrorCode::NoteOnReopen,
            Self::CategoryControlCharacters => ErrorCode::CategoryControlCharacters,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::CategoryTooLong(length) => {
                crate::fields! { "length" => length, "limit" => CATEGORY_MAX_CHARS }
            }
            Self::SummaryTooLong(length) => {
                crate::fields! { "length" => length, "limit" => SUMMARY_MAX_CHARS }
            }
            _ => Fields::new(),
        }
    }
}

/// `{"status": "close", "category": "…", "summary": "…"}`; absent fields are left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

impl StatusChange {
    /// Trims both fields, treats empty as absent, counts characters in UTF-16 units (not
    /// bytes), refuses a category with control characters, and refuses a note the API would
    /// drop silently.
    pub fn new(
        status: Action,
        category: Option<&str>,
        summary: Option<&str>,
    ) -> Result<Self, NoteError> {
        let category = non_empty(category);
        let summary = non_empty(summary);
        if let Some(category) = &category {
            let len = length(category);
            if len > CATEGORY_MAX_CHARS {
                return Err(NoteError::CategoryTooLong(len));
            }
            if category.chars().any(char::is_control) {
                return Err(NoteError::CategoryControlCharacters);
            }
        }
        if let Some(summary) = &summary {
            let len = length(summary);
            if len > SUMMARY_MAX_CHARS {
                return Err(NoteError::SummaryTooLong(len));
            }
        }
        if status == Action::Open && (category.is_some() || summary.is_some()) {
            return Err(NoteError::NoteOnOpen);
        }
        if summary.is_some() && category.is_none() {
            return Err(NoteError::SummaryWithoutCategory);
        }
        Ok(Self {
            status,
            category,
            summary,
        })
    }

    pub fn open() -> Self {
        Self {
            status: Action::Open,
            category: None,
            summary: None,
        }
    }
}

/// A length as the API counts "characters": in UTF-16 code units, as a server written in
/// JavaScript does (and as the window's `maxlength` and counter do). It is never less than
/// the count of Unicode scalar values, so it is safe with either kind of server.
pub fn length(text: &str) -> usize {
    text.encode_utf16().count()
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lengths_are_counted_in_utf16_units_as_a_javascript_server_counts_them() {
        // 300 emoji are 300 characters but 600 UTF-16 units: over the limit for a server
        // written in JavaScript, so refused here too, with the count the agent's counter shows.
        let emoji = "😀".repeat(300);
        assert_eq!(
            StatusChange::new(Action::Close, Some("Resolved"), Some(&emoji)),
            Err(NoteError::SummaryTooLong(600))
        );
        let fits = "😀".repeat(256);
        assert!(StatusChange::new(Action::Close, Some("Resolved"), Some(&fits)).is_ok());
        assert_eq!(
            StatusChange::new(Action::Close, Some(&"é".repeat(129)), None),
            Err(NoteError::CategoryTooLong(129))
        );
        assert_eq!(
            StatusChange::new(Action::Close, Some(&"🎉".repeat(65)), None),
            Err(NoteError::CategoryTooLong(130))
        );
    }

    #[test]
    fn a_category_with_control_characters_is_refused_a_summary_may_have_line_breaks() {
        for bad in ["Billing\nRefunds", "Tab\there", "Bell\u{7}", "Nul\0"] {
            assert_eq!(
                StatusChange::new(Action::Close, Some(bad), None),
                Err(NoteError::CategoryControlCharacters),
                "{bad:?}"
            );
        }
        assert!(StatusChange::new(
            Action::Close,
            Some("Resolved"),
            Some("First line.\r\nSecond line.")
        )
        .is_ok());
    }

    fn body(change: &StatusChange) -> serde_json::Value {
        serde_json::to_value(change).unwrap()
    }

    #[test]
    fn absent_fields_are_left_out_not_null() {
        assert_eq!(body(&StatusChange::open()), json!({"status": "open"}));
        let close = StatusChange::new(Action::Close, Some("  "), None).unwrap();
        assert_eq!(body(&close), json!({"status": "close"}));
        let noted =
            StatusChange::new(Action::Close, Some(" Resolved "), Some(" Fixed it. ")).unwrap();
        assert_eq!(
            body(&noted),
            json!({"status": "close", "category": "Resolved", "summary": "Fixed it."})
        );
        let category_only = StatusChange::new(Action::Close, Some("Spam"), Some("")).unwrap();
        assert_eq!(
            body(&category_only),
            json!({"status": "close", "category": "Spam"})
        );
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let category = "é".repeat(CATEGORY_MAX_CHARS);
        assert!(category.len() > CATEGORY_MAX_CHARS);
        assert!(StatusChange::new(Action::Close, Some(&category), None).is_ok());
        let too_long = "é".repeat(CATEGORY_MAX_CHARS + 1);
        assert_eq!(
            StatusChange::new(Action::Close, Some(&too_long), None),
            Err(NoteError::CategoryTooLong(129))
        );
        // Two bytes each, one UTF-16 unit each (emoji, two units each, are counted below).
        let summary = "ü".repeat(SUMMARY_MAX_CHARS);
        assert!(StatusChange::new(Action::Close, Some("A"), Some(&summary)).is_ok());
        let summary = format!("{summary}x");
        assert_eq!(
            StatusChange::new(Action::Close, Some("A"), Some(&summary)),
            Err(NoteError::SummaryTooLong(513))
        );
    }

    #[test]
    fn summary_needs_a_category_and_open_takes_no_note() {
        let err = StatusChange::new(Action::Close, None, Some("lost otherwise")).unwrap_err();
        assert_eq!(err, NoteError::SummaryWithoutCategory);
        assert!(err.to_string().contains("category"));
        assert_eq!(
            StatusChange::new(Action::Open, Some("Resolved"), None),
            Err(NoteError::NoteOnOpen)
        );
        assert_eq!(
            StatusChange::new(Action::Open, Some(" "), Some("")),
            Ok(StatusChange::open())
        );
    }
}
