//! One workspace as the settings file keeps it: its id, name and address, the address its
//! token was saved for, its cached categories, who the agent is in it, and its closing rule
//! (`rule`). What an open workspace does is [`crate::workspace`]'s.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::rule::ClosingRule;
use crate::api::{validate_base_url, ClosingNote, DEFAULT_BASE_URL};
use crate::error::{Coded, ErrorCode, Fields};

/// The workspace an install of a version before workspaces becomes: its token is under this
/// keychain account and its journal is `outbox.jsonl` in the data folder itself, so upgrading
/// moves nothing.
pub const LEGACY_ID: &str = "default";
/// Where the other workspaces keep their files: `<data folder>/workspaces/<id>/`.
pub const FOLDER: &str = "workspaces";
pub const JOURNAL_FILE: &str = "outbox.jsonl";
/// Long enough for a brand's name, short enough for the header.
pub const NAME_MAX_CHARS: usize = 60;
/// Categories the agent used lately, offered first.
const RECENT_CATEGORIES: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkspaceError {
    #[error("That workspace is no longer in the list. Choose another one.")]
    NotFound,
    #[error("Give the workspace a name (up to 60 characters), for example the brand it serves.")]
    NameInvalid,
    #[error("This workspace needs a closing category. Choose one before closing.")]
    NeedsCategory,
    #[error(
        "This workspace needs a closing category and a summary. Write a summary before closing."
    )]
    NeedsSummary,
    #[error("{count} {} still waiting to be sent to this workspace's address. Wait for {} to be sent, or cancel {}, then try again.", if *.count == 1 { "action is" } else { "actions are" }, if *.count == 1 { "it" } else { "them" }, if *.count == 1 { "it" } else { "them" })]
    StillWaiting { count: usize },
    #[error("This is the only workspace. Add another one before removing it; to stop sending, forget its token instead.")]
    LastOne,
    #[error("This workspace's address is now {address}, not the one shown when the token was typed, so it was not saved. Check the address, then save the token again.")]
    AddressChanged { address: String },
}

impl Coded for WorkspaceError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound => ErrorCode::WorkspaceNotFound,
            Self::NameInvalid => ErrorCode::WorkspaceNameInvalid,
            Self::NeedsCategory => ErrorCode::ClosingCategoryRequired,
            Self::NeedsSummary => ErrorCode::ClosingSummaryRequired,
            Self::StillWaiting { .. } => ErrorCode::ActionsStillWaiting,
            Self::LastOne => ErrorCode::LastWorkspace,
            Self::AddressChanged { .. } => ErrorCode::WorkspaceAddressChanged,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::StillWaiting { count } => crate::fields! { "count" => count },
            Self::NameInvalid => crate::fields! { "max" => NAME_MAX_CHARS },
            Self::AddressChanged { address } => crate::fields! { "address" => address },
            _ => Fields::new(),
        }
    }
}

/// One workspace as the settings file keeps it. The token itself is in the keychain, under
/// the account [`Workspace::id`].
///
/// Read field by field (see [`super::lenient`]): the id, the name and the address must be
/// readable, or the workspace is set aside whole; any other field this version cannot read
/// falls back to its default, and fields it does not know are kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    pub id: String,
    pub name: String,
    /// `None`: the real Aelyst API.
    #[serde(default)]
    pub api_base_url: Option<String>,
    /// Read by [`super::Settings`], which keeps a rule it does not know in `newer_rule`.
    #[serde(default, skip_deserializing)]
    pub closing_rule: ClosingRule,
    /// A closing rule a newer version wrote, as written: it goes back into the file.
    #[serde(skip)]
    pub newer_rule: Option<serde_json::Value>,
    /// The address the saved token was saved for (normalised). The token is never handed out
    /// for any other address, whatever else changes.
    #[serde(default, deserialize_with = "crate::settings::lenient")]
    pub token_address: Option<String>,
    #[serde(default, deserialize_with = "crate::settings::lenient")]
    pub closing_notes: Vec<ClosingNote>,
    #[serde(default, deserialize_with = "crate::settings::lenient")]
    pub recent_categories: Vec<String>,
    /// Who the agent is in this workspace ("My conversations").
    #[serde(default, deserialize_with = "crate::settings::lenient")]
    pub me: Option<Me>,
    /// The name of the policy's preset this workspace was made for (`Workspaces` in a
    /// managed policy): matched by it at every start.
    #[serde(
        default,
        deserialize_with = "crate::settings::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub preset: Option<String>,
    /// Fields a newer version wrote: kept, so going back to it loses nothing.
    #[serde(flatten)]
    pub newer: serde_json::Map<String, serde_json::Value>,
}

/// The ids the app makes: [`LEGACY_ID`], or `w-` and a UUID in 32 hex digits. Nothing else
/// from a file is ever used as a folder name.
pub fn is_app_made_id(id: &str) -> bool {
    id == LEGACY_ID
        || id.strip_prefix("w-").is_some_and(|hex| {
            hex.len() == 32
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

impl Workspace {
    /// A new workspace for `address` (`None`: the real API), with a fresh id.
    pub fn new(name: &str, address: Option<&str>) -> Result<Self, WorkspaceError> {
        Ok(Self {
            id: format!("w-{}", uuid::Uuid::now_v7().simple()),
            name: checked_name(name)?,
            api_base_url: address.map(str::to_owned),
            closing_rule: ClosingRule::default(),
            newer_rule: None,
            token_address: None,
            closing_notes: Vec::new(),
            recent_categories: Vec::new(),
            me: None,
            preset: None,
            newer: serde_json::Map::new(),
        })
    }

    /// The address its actions and its token go to, normalised (as [`validate_base_url`]
    /// writes it), so two spellings of one address compare equal.
    pub fn address(&self) -> String {
        normalised(self.api_base_url.as_deref())
    }

    /// Its journal: the legacy workspace's is where earlier versions kept it.
    pub fn journal_path(&self, data_dir: &Path) -> PathBuf {
        self.folder(data_dir).join(JOURNAL_FILE)
    }

    /// Its folder. Only ids of the shapes the app makes are read from the settings file
    /// ([`is_app_made_id`]), so this is the data folder itself or one direct child of
    /// `workspaces/`.
    pub fn folder(&self, data_dir: &Path) -> PathBuf {
        if self.id == LEGACY_ID {
            data_dir.to_owned()
        } else {
            data_dir.join(FOLDER).join(&self.id)
        }
    }

    pub fn rename(&mut self, name: &str) -> Result<(), WorkspaceError> {
        self.name = checked_name(name)?;
        Ok(())
    }

    pub fn remember_category(&mut self, category: &str) {
        self.recent_categories.retain(|c| c != category);
        self.recent_categories.insert(0, category.to_owned());
        self.recent_categories.truncate(RECENT_CATEGORIES);
    }

    /// Recently used first, then the workspace's closing notes, without repeats.
    pub fn category_choices(&self) -> Vec<String> {
        let mut choices: Vec<String> = self.recent_categories.clone();
        for note in &self.closing_notes {
            if !choices.contains(&note.category) {
                choices.push(note.category.clone());
            }
        }
        choices
    }
}

fn checked_name(name: &str) -> Result<String, WorkspaceError> {
    let name = name.trim();
    let length = name.chars().count();
    if length == 0 || length > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(WorkspaceError::NameInvalid);
    }
    Ok(name.to_owned())
}

/// `None` is the real API. An address that no longer validates (a hand-edited file) is kept
/// as written: it then matches no token and the client refuses it with plain words.
pub fn normalised(address: Option<&str>) -> String {
    let raw = address.unwrap_or(DEFAULT_BASE_URL);
    validate_base_url(raw).map_or_else(|_| raw.to_owned(), |url| url.to_string())
}

/// What a first workspace is called when nobody named it: "Aelyst" for the real API,
/// "Sandbox" for one on this computer, else the address's host.
pub fn name_for(address: Option<&str>) -> String {
    let Some(url) = address.and_then(|a| validate_base_url(a).ok()) else {
        return "Aelyst".into();
    };
    if crate::api::ClientConfig::new(url.as_str()).is_ok_and(|c| c.is_local()) {
        return "Sandbox".into();
    }
    match url.host_str() {
        Some(host) if normalised(Some(url.as_str())) != normalised(None) => host.to_owned(),
        _ => "Aelyst".into(),
    }
}

/// The agent, as they said in "Who are you in this workspace?" (kept with the workspace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        let mut workspace = Workspace::new("  Brand A ", None).unwrap();
        assert_eq!(workspace.name, "Brand A");
        assert!(workspace.id.starts_with("w-"));
        assert_eq!(workspace.rename(" "), Err(WorkspaceError::NameInvalid));
        assert_eq!(
            workspace.rename(&"x".repeat(61)),
            Err(WorkspaceError::NameInvalid)
        );
        assert_eq!(workspace.rename("a\nb"), Err(WorkspaceError::NameInvalid));
        assert_eq!(workspace.name, "Brand A", "a refused name changes nothing");
        workspace.rename(&"é".repeat(60)).unwrap();
    }

    #[test]
    fn default_names_say_where_actions_go() {
        assert_eq!(name_for(None), "Aelyst");
        assert_eq!(name_for(Some("https://api.aelyst.ai/v1/")), "Aelyst");
        assert_eq!(name_for(Some("http://127.0.0.1:4010/v1")), "Sandbox");
        assert_eq!(
            name_for(Some("https://eu.example.com/v1")),
            "eu.example.com"
        );
    }

    #[test]
    fn addresses_compare_in_one_spelling() {
        assert_eq!(
            normalised(None),
            normalised(Some("https://api.aelyst.ai/v1/"))
        );
        let workspace = Workspace::new("x", Some("http://127.0.0.1:9/v1/")).unwrap();
        assert_eq!(workspace.address(), "http://127.0.0.1:9/v1");
    }

    #[test]
    fn only_the_legacy_workspace_lives_in_the_data_folder_itself() {
        let dir = Path::new("/data");
        let mut workspace = Workspace::new("x", None).unwrap();
        assert_eq!(
            workspace.journal_path(dir),
            dir.join("workspaces")
                .join(&workspace.id)
                .join("outbox.jsonl")
        );
        workspace.id = LEGACY_ID.into();
        assert_eq!(workspace.journal_path(dir), dir.join("outbox.jsonl"));
    }

    #[test]
    fn only_ids_the_app_makes_are_ids() {
        assert!(is_app_made_id(LEGACY_ID));
        assert!(is_app_made_id(&Workspace::new("x", None).unwrap().id));
        for bad in [
            "",
            ".",
            "..",
            "/",
            "/home/agent",
            "../../etc",
            "w-",
            "w-../../x",
            "w-0123456789ABCDEF0123456789abcdef",
            "w-0123456789abcdef0123456789abcde",
            "default/..",
        ] {
            assert!(!is_app_made_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn categories_put_recent_first_without_repeats() {
        let mut workspace = Workspace::new("x", None).unwrap();
        workspace.closing_notes = ["Resolved", "Spam"]
            .map(|c| ClosingNote {
                category: c.into(),
                description: None,
            })
            .to_vec();
        workspace.remember_category("Spam");
        workspace.remember_category("Custom");
        assert_eq!(workspace.category_choices(), ["Custom", "Spam", "Resolved"]);
    }

    #[test]
    fn still_waiting_counts_in_plain_words() {
        assert!(WorkspaceError::StillWaiting { count: 1 }
            .to_string()
            .starts_with("1 action is still waiting"));
        assert!(WorkspaceError::StillWaiting { count: 3 }
            .to_string()
            .contains("cancel them"));
    }
}
