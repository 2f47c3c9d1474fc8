//! The form: submit one action in a workspace, its closing categories, who a contact is.

use aelyst_core::api::{Feature, Identifier, IdentifierKind};
use aelyst_core::outbox::Entry;
use aelyst_core::workspace::TypedAction;
use aelyst_core::AppError;
use serde::Serialize;
use tauri::State;

use crate::state::{blocking, AppState};

/// Checks (the fields, then the workspace's closing rule), saves to disk, and queues the
/// action in the workspace's outbox. Nothing is saved or sent when a check fails.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn submit_action(
    state: State<'_, AppState>,
    workspace: String,
    input: TypedAction,
) -> Result<Entry, AppError> {
    state.workspaces.submit(&workspace, &input)
}

/// Asks the workspace for its closing notes and caches them. Quietly keeps the cache when the
/// feature is off, there is no token, or the network is down.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn refresh_closing_categories(
    state: State<'_, AppState>,
    workspace: String,
) -> Result<Vec<String>, AppError> {
    state.workspaces.refresh_categories(&workspace).await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactPreviewView {
    pub found: bool,
    pub name: Option<String>,
    /// `open` or `close`.
    pub status: Option<String>,
}

/// Who the agent is about to act on, when the workspace offers it; `None` when it cannot be
/// told (feature off, no token, offline, bad input). Never an error: the preview is a help.
#[tauri::command]
#[tracing::instrument(level = "info", skip_all, err(level = "warn", Debug))]
pub async fn contact_preview(
    state: State<'_, AppState>,
    workspace: String,
    kind: IdentifierKind,
    value: String,
) -> Result<Option<ContactPreviewView>, AppError> {
    let Ok(identifier) = Identifier::from_typed(kind, &value) else {
        return Ok(None);
    };
    let open = state.workspace(&workspace)?;
    let Ok(Some((client, token))) = blocking(move || Ok(open.credentials())).await? else {
        return Ok(None);
    };
    Ok(match client.contact(&token, &identifier).await {
        Ok(Feature::Available(lookup)) => Some(ContactPreviewView::from(lookup)),
        _ => None,
    })
}

impl From<aelyst_core::api::ContactLookup> for ContactPreviewView {
    fn from(lookup: aelyst_core::api::ContactLookup) -> Self {
        match lookup {
            aelyst_core::api::ContactLookup::Found(contact) => Self {
                found: true,
                name: contact.full_name(),
                status: contact.status,
            },
            aelyst_core::api::ContactLookup::NoSuchContact => Self {
                found: false,
                name: None,
                status: None,
            },
        }
    }
}
