//! What the agent does to one workspace through the window: submit an action (checked against
//! its closing rule) and save its settings (name, address, closing rule, history size).

use serde::{Deserialize, Serialize};

use super::registry::Workspaces;
use super::{normalised, ClosingRule};
use crate::api::{Action, Identifier, IdentifierKind, StatusChange};
use crate::outbox::Entry;
use crate::policy::{Setting, WorkspaceChange};
use crate::settings::{checked_address, SettingsError, HISTORY_LIMIT_RANGE};
use crate::AppError;

/// An action as the form sends it: the fields as typed.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypedAction {
    pub identifier_kind: IdentifierKind,
    pub identifier_value: String,
    pub action: Action,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

/// A workspace's part of Settings, as the window shows and saves it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSettings {
    pub name: String,
    /// Empty: the real Aelyst API.
    pub api_base_url: String,
    pub closing_rule: ClosingRule,
    pub history_limit: usize,
    /// Who the agent is here ("My conversations"); changed with its own command, not here.
    #[serde(default, skip_deserializing)]
    pub me: Option<super::Me>,
    /// What of it a policy locked: shown as set by the organization, and refused on saving.
    #[serde(default, skip_deserializing)]
    pub locked: Vec<Setting>,
    /// The agent agreed that a new address forgets the token.
    #[serde(default, skip_serializing)]
    pub confirm_address: bool,
}

/// What saving did.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    /// The address changed and its token was forgotten: ask for the new one.
    pub address_changed: bool,
    /// Nothing was saved: the address would change and forget a saved token; ask the agent,
    /// then save again with `confirm_address`.
    pub confirm_address: bool,
}

impl Workspaces {
    /// Checks (the fields, then the workspace's closing rule), saves to disk, and queues the
    /// action in the workspace's outbox. Nothing is saved or sent when a check fails.
    pub fn submit(&self, id: &str, typed: &TypedAction) -> Result<Entry, AppError> {
        let open = self.get(id)?;
        let identifier = Identifier::from_typed(typed.identifier_kind, &typed.identifier_value)?;
        let change = StatusChange::new(
            typed.action,
            typed.category.as_deref(),
            typed.summary.as_deref(),
        )?;
        let rule = self
            .settings()
            .read(|s| s.workspace(id).map(|w| w.closing_rule))
            .ok_or(super::WorkspaceError::NotFound)?;
        rule.check(&change)?;
        let category = change.category.clone();
        let entry = open.outbox.submit(identifier, change)?;
        if let Some(category) = category {
            // The action is safe already; a settings write that fails only loses the suggestion.
            let remembered = self.settings().update(|s| {
                s.existing(id)?.remember_category(&category);
                Ok(())
            });
            if let Err(err) = remembered {
                tracing::warn!("recent categories not saved: {}", AppError::from(err).code);
            }
        }
        Ok(entry)
    }

    /// A workspace's settings as the window shows them.
    pub fn settings_of(&self, id: &str) -> Result<WorkspaceSettings, AppError> {
        let limit = self.settings().read(|s| s.history_limit);
        self.settings()
            .read(|s| {
                s.workspace(id).map(|w| WorkspaceSettings {
                    name: w.name.clone(),
                    api_base_url: w.api_base_url.clone().unwrap_or_default(),
                    closing_rule: w.closing_rule,
                    history_limit: limit,
                    me: w.me.clone(),
                    locked: self.policies().workspace_locks(w),
                    confirm_address: false,
                })
            })
            .ok_or_else(|| super::WorkspaceError::NotFound.into())
    }

    /// Checks every value first, so a refused one changes nothing; then moves the workspace to
    /// its new address if that changed (refused while actions wait for the old one; asked
    /// first when it would forget a saved token), then saves the rest.
    pub fn save_settings(&self, id: &str, wanted: &WorkspaceSettings) -> Result<Saved, AppError> {
        let mut renamed = self
            .settings()
            .read(|s| s.workspace(id).cloned())
            .ok_or(super::WorkspaceError::NotFound)?;
        let current = renamed.clone();
        renamed.rename(&wanted.name)?;
        let address = checked_address(&wanted.api_base_url)?;
        if !HISTORY_LIMIT_RANGE.contains(&wanted.history_limit) {
            return Err(SettingsError::HistoryLimit.into());
        }
        let policies = self.policies();
        policies.may_change_workspace(
            &current,
            &WorkspaceChange {
                name: &renamed.name,
                api_address: address.as_deref(),
                closing_rule: wanted.closing_rule,
            },
        )?;
        if wanted.history_limit != self.settings().read(|s| s.history_limit) {
            policies.check(Setting::HistoryLimit)?;
        }
        let moving = normalised(address.as_deref()) != renamed.address();
        if moving && renamed.token_address.is_some() && !wanted.confirm_address {
            return Ok(Saved {
                address_changed: false,
                confirm_address: true,
            });
        }
        let address_changed = self.change_address(id, &wanted.api_base_url)?;
        self.settings().update(|s| {
            let shown = s.existing(id)?;
            shown.name = renamed.name;
            if wanted.closing_rule != shown.closing_rule {
                // A rule the agent chose replaces one a newer version had set.
                shown.closing_rule = wanted.closing_rule;
                shown.newer_rule = None;
            }
            Ok(())
        })?;
        self.set_history_limit(wanted.history_limit)?;
        Ok(Saved {
            address_changed,
            confirm_address: false,
        })
    }
}
