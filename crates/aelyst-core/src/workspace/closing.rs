//! Beside [`Workspaces::submit`]: the workspace's closing categories (its cached choices, and
//! a refresh from Aelyst), and bulk runs checked against its closing rule and queued in its
//! outbox. The shell's commands are one call each.

use serde::{Deserialize, Serialize};

use super::registry::Workspaces;
use super::{ClosingRule, Workspace, WorkspaceError};
use crate::api::{Action, Feature};
use crate::bulk::{self, Defaults, Row, Source};
use crate::policy::Setting;
use crate::AppError;

/// A bulk run as the Bulk view describes it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkInput {
    pub source: Source,
    pub text: String,
    pub action: Action,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

/// A bulk run queued: its batch, and how many actions it holds.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BulkStarted {
    pub batch: String,
    pub count: usize,
}

impl Workspaces {
    /// Reads one workspace's part of the settings; the plain "no longer in the list" when it
    /// has gone.
    pub fn read_workspace<T>(
        &self,
        id: &str,
        read: impl FnOnce(&Workspace) -> T,
    ) -> Result<T, AppError> {
        self.settings()
            .read(|s| s.workspace(id).map(read))
            .ok_or_else(|| WorkspaceError::NotFound.into())
    }

    pub fn closing_rule(&self, id: &str) -> Result<ClosingRule, AppError> {
        self.read_workspace(id, |w| w.closing_rule)
    }

    /// The categories to offer: the agent's recent ones first, then the workspace's own.
    pub fn category_choices(&self, id: &str) -> Result<Vec<String>, AppError> {
        self.read_workspace(id, Workspace::category_choices)
    }

    /// Asks Aelyst for the workspace's closing notes and caches them, then gives the choices.
    /// Quietly keeps the cache when the feature is off, there is no token, or the network is
    /// down. The keychain is read off the async runtime (it can wait on an unlock prompt).
    pub async fn refresh_categories(&self, id: &str) -> Result<Vec<String>, AppError> {
        let open = self.get(id)?;
        let credentials = tokio::task::spawn_blocking(move || open.credentials())
            .await
            .map_err(|_| AppError::internal())?;
        if let Ok(Some((client, token))) = credentials {
            if let Ok(Feature::Available(notes)) = client.closing_notes(&token).await {
                let cached = self.settings().update(|s| {
                    s.existing(id)?.closing_notes = notes;
                    Ok(())
                });
                if let Err(err) = cached {
                    tracing::warn!("closing notes not cached: {}", AppError::from(err).code);
                }
            }
        }
        self.category_choices(id)
    }

    /// Every row checked like the form, the workspace's closing rule included, with the reason
    /// for each one that will not be sent. Sends nothing.
    pub fn bulk_preview(&self, id: &str, input: &BulkInput) -> Result<Vec<Row>, AppError> {
        self.policies().check(Setting::Bulk)?;
        let defaults = Defaults {
            action: input.action,
            category: input.category.as_deref(),
            summary: input.summary.as_deref(),
            rule: self.closing_rule(id)?,
        };
        Ok(bulk::rows(input.source, &input.text, &defaults)?)
    }

    /// Checks every row again (the window's copy is not trusted) and queues the good ones
    /// in the workspace's outbox, in one durable write.
    pub fn bulk_submit(&self, id: &str, input: &BulkInput) -> Result<BulkStarted, AppError> {
        self.policies().check(Setting::Bulk)?;
        let open = self.get(id)?;
        let ready = bulk::ready(self.bulk_preview(id, input)?)?;
        let (batch, entries) = open.outbox.submit_many(ready)?;
        tracing::info!(batch = %batch, count = entries.len(), "bulk run queued");
        Ok(BulkStarted {
            batch,
            count: entries.len(),
        })
    }
}
