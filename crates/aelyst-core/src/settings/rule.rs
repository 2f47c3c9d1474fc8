//! The closing rule: Aelyst lets an admin make the closing note mandatory, but the API does not
//! say so, so each workspace carries the same rule here and a close that breaks it is refused
//! before it is saved or sent.

use serde::{Deserialize, Serialize};

use super::WorkspaceError;
use crate::api::{Action, StatusChange};

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter,
)]
#[serde(rename_all = "kebab-case")]
pub enum ClosingRule {
    /// A close may carry a note or not (what versions before workspaces did).
    #[default]
    Optional,
    /// A close needs a category.
    Category,
    /// A close needs a category and a summary.
    CategorySummary,
    /// A rule a newer version of the app wrote, which this one does not know (Aelyst has a
    /// fourth mode): kept in the file as it was written, and checked as the strictest rule
    /// this version knows, so nothing it would refuse is sent.
    Newer,
}

impl ClosingRule {
    /// Reopening never needs a note; a close needs what the rule asks for.
    pub fn check(self, change: &StatusChange) -> Result<(), WorkspaceError> {
        if change.status != Action::Close {
            return Ok(());
        }
        match self {
            Self::Optional => Ok(()),
            Self::Category | Self::CategorySummary | Self::Newer if change.category.is_none() => {
                Err(WorkspaceError::NeedsCategory)
            }
            Self::CategorySummary | Self::Newer if change.summary.is_none() => {
                Err(WorkspaceError::NeedsSummary)
            }
            Self::Category | Self::CategorySummary | Self::Newer => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(category: &str, summary: &str) -> StatusChange {
        StatusChange::new(Action::Close, Some(category), Some(summary)).unwrap()
    }

    #[test]
    fn each_rule_asks_for_what_it_says() {
        let bare = close("", "");
        let category = close("Resolved", "");
        let both = close("Resolved", "Refund sent");
        let reopen = StatusChange::new(Action::Open, None, None).unwrap();
        use ClosingRule::*;
        use WorkspaceError::{NeedsCategory, NeedsSummary};
        let table = [
            (Optional, &bare, Ok(())),
            (Category, &bare, Err(NeedsCategory)),
            (Category, &category, Ok(())),
            (CategorySummary, &bare, Err(NeedsCategory)),
            (CategorySummary, &category, Err(NeedsSummary)),
            (CategorySummary, &both, Ok(())),
            (CategorySummary, &reopen, Ok(())),
            (Newer, &bare, Err(NeedsCategory)),
            (Newer, &category, Err(NeedsSummary)),
            (Newer, &both, Ok(())),
            (Newer, &reopen, Ok(())),
        ];
        for (rule, change, expected) in table {
            assert_eq!(rule.check(change), expected, "{rule:?} on {change:?}");
        }
    }

    #[test]
    fn the_rule_is_written_as_the_window_names_it() {
        assert_eq!(
            serde_json::to_value(ClosingRule::CategorySummary).unwrap(),
            "category-summary"
        );
        assert_eq!(
            serde_json::from_str::<ClosingRule>("\"category\"").unwrap(),
            ClosingRule::Category
        );
    }
}
