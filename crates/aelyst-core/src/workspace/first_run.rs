//! What the settings become before the window starts: an earlier version's file becomes the
//! first workspace, a new install gets one, and the address the environment names opens the
//! workspace for it (never another's).

use crate::policy::Policies;
use crate::settings::{checked_address, Settings, SettingsError};

use super::{name_for, normalised, ClosingRule, Workspace, LEGACY_ID};

/// Where the window starts: what [`Settings::settle`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub shown: String,
    /// The environment named an address no workspace had: this one was made for it.
    pub created: Option<String>,
}

impl Settings {
    /// Makes the settings ready to start on, and says which workspace to show:
    /// - no workspace yet: an install of an earlier version (`legacy_data`: its journal is
    ///   there, or its settings named an address) becomes the [`LEGACY_ID`] workspace, its token
    ///   bound to the address it was used with; a new install gets one workspace for
    ///   `env_address` or the real API;
    /// - `env_address` (`AELYST_API_BASE_URL`) shows the first workspace for that address,
    ///   made when there is none: never another address's token.
    pub fn settle(
        &mut self,
        legacy_data: bool,
        env_address: Option<&str>,
    ) -> Result<Settled, SettingsError> {
        let env_address = env_address.map(checked_address).transpose()?.flatten();
        let mut created = None;
        if self.workspaces.is_empty() && self.set_aside.is_empty() {
            // The keys of the version before workspaces, really in the file: only they say
            // which address its token was used with.
            let v1_keys = self.legacy_api_base_url.is_some()
                || self.legacy_closing_notes.is_some()
                || self.legacy_recent_categories.is_some();
            if legacy_data || v1_keys {
                let address = self.legacy_api_base_url.take();
                self.workspaces.push(Workspace {
                    id: LEGACY_ID.into(),
                    name: name_for(address.as_deref()),
                    // Without them (a journal alone), the token is asked for again rather
                    // than bound to an address it may never have been saved for.
                    token_address: v1_keys.then(|| normalised(address.as_deref())),
                    api_base_url: address,
                    closing_rule: ClosingRule::default(),
                    newer_rule: None,
                    closing_notes: self.legacy_closing_notes.take().unwrap_or_default(),
                    recent_categories: self.legacy_recent_categories.take().unwrap_or_default(),
                    me: None,
                    preset: None,
                    newer: serde_json::Map::new(),
                });
            } else {
                let address = env_address.as_deref();
                let first = Workspace::new(&name_for(address), address)?;
                created = Some(first.id.clone());
                self.workspaces.push(first);
            }
        }
        if let Some(address) = env_address {
            let wanted = normalised(Some(&address));
            let found = self.workspaces.iter().find(|w| w.address() == wanted);
            let id = match found {
                Some(workspace) => workspace.id.clone(),
                None => {
                    let made = Workspace::new(&name_for(Some(&address)), Some(&address))?;
                    let id = made.id.clone();
                    self.workspaces.push(made);
                    created = Some(id.clone());
                    id
                }
            };
            self.shown = Some(id);
        }
        if self.workspaces.is_empty() {
            // Every workspace in the file was set aside: a new one to work in, which shares
            // nothing with them (a fresh id, no token).
            let first = Workspace::new(&name_for(None), None)?;
            created = Some(first.id.clone());
            self.workspaces.push(first);
        }
        let shown = match &self.shown {
            Some(id) if self.workspace(id).is_some() => id.clone(),
            _ => self.workspaces[0].id.clone(),
        };
        self.shown = Some(shown.clone());
        Ok(Settled { shown, created })
    }
}

impl Settings {
    /// [`Settings::settle`] with IT's preset workspaces (`Workspaces` in a policy): a new
    /// install starts with them, not a default workspace beside them, and every start makes
    /// the missing ones and puts a locked one back as its policy says. The history size: a
    /// locked one always, a recommended one at the first start.
    pub fn settle_with_policies(
        &mut self,
        policies: &Policies,
        legacy_data: bool,
        env_address: Option<&str>,
    ) -> Result<Settled, SettingsError> {
        if !legacy_data && self.workspaces.is_empty() && self.set_aside.is_empty() {
            self.apply_presets(policies);
            // A recommended value is where a new install starts; the agent may change it.
            if let Some(limit) = policies.recommended.history_limit {
                self.history_limit = limit;
            }
        }
        let settled = self.settle(legacy_data, env_address)?;
        self.apply_presets(policies);
        if let Some(limit) = policies.locked.history_limit {
            self.history_limit = limit;
        }
        Ok(settled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{parse, SettingsStore};

    #[test]
    fn the_file_earlier_versions_wrote_becomes_the_first_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(
            &path,
            br#"{"settings":{"apiBaseUrl":"http://127.0.0.1:9/v1","historyLimit":30,"closingNotes":[{"category":"Resolved"}],"recentCategories":["Spam"]}}"#,
        )
        .unwrap();
        let (store, _) = SettingsStore::open(&path).unwrap();
        let settled = store.update(|s| s.settle(false, None)).unwrap();
        assert_eq!(
            settled,
            Settled {
                shown: LEGACY_ID.into(),
                created: None
            }
        );
        let settings = store.get();
        assert_eq!(settings.history_limit, 30);
        let [workspace] = settings.workspaces.as_slice() else {
            panic!("one workspace: {:?}", settings.workspaces)
        };
        assert_eq!(
            workspace.id, LEGACY_ID,
            "its token stays under account `default`"
        );
        assert_eq!(workspace.name, "Sandbox");
        assert_eq!(
            workspace.api_base_url.as_deref(),
            Some("http://127.0.0.1:9/v1")
        );
        assert_eq!(
            workspace.token_address.as_deref(),
            Some("http://127.0.0.1:9/v1"),
            "the token it had stays bound to the address it was used with"
        );
        assert_eq!(workspace.category_choices(), ["Spam", "Resolved"]);
        let reopened = SettingsStore::open(&path).unwrap().0.get();
        assert_eq!(reopened.workspaces, settings.workspaces);
        assert_eq!(
            reopened.legacy_api_base_url, None,
            "the old keys are not written again"
        );
        // The file as an upgrade leaves it is private to the agent.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn an_earlier_install_with_only_a_journal_is_the_legacy_workspace_asking_for_its_token() {
        let mut settings = Settings::default();
        let settled = settings.settle(true, None).unwrap();
        assert_eq!(settled.shown, LEGACY_ID);
        assert_eq!(settings.workspaces[0].name, "Aelyst");
        assert_eq!(
            settings.workspaces[0].token_address, None,
            "no v1 key says which address its token was for: it is asked for again"
        );
        // With the v1 keys really in the file, the token stays bound to the address they name.
        let (mut settings, _) = parse(br#"{"settings":{"recentCategories":["Spam"]}}"#).unwrap();
        settings.settle(true, None).unwrap();
        assert_eq!(
            settings.workspaces[0].token_address.as_deref(),
            Some(crate::api::DEFAULT_BASE_URL)
        );
    }

    #[test]
    fn a_new_install_gets_one_workspace_with_a_fresh_account_and_no_token() {
        let mut settings = Settings::default();
        let settled = settings
            .settle(false, Some("http://127.0.0.1:4010/v1"))
            .unwrap();
        let [workspace] = settings.workspaces.as_slice() else {
            panic!("one workspace")
        };
        assert_ne!(
            workspace.id, LEGACY_ID,
            "never the account an earlier install used"
        );
        assert_eq!(settled.shown, workspace.id);
        assert_eq!(workspace.token_address, None);
        assert_eq!(workspace.name, "Sandbox");
    }

    #[test]
    fn the_environment_opens_the_workspace_for_its_address_never_another() {
        let mut settings = Settings::default();
        settings.settle(true, None).unwrap();
        settings.workspaces[0].token_address = Some(crate::api::DEFAULT_BASE_URL.into());
        let sandbox = settings
            .settle(false, Some("http://127.0.0.1:4010/v1/"))
            .unwrap();
        assert_ne!(sandbox.shown, LEGACY_ID);
        assert_eq!(sandbox.created.as_deref(), Some(sandbox.shown.as_str()));
        assert_eq!(settings.workspaces.len(), 2);
        let made = settings.workspace(&sandbox.shown).unwrap();
        assert_eq!(made.token_address, None, "no token carried over");
        // Again, spelled another way: the same workspace, nothing new.
        let again = settings
            .settle(false, Some("http://127.0.0.1:4010/v1"))
            .unwrap();
        assert_eq!((again.shown, again.created), (sandbox.shown.clone(), None));
        // Without it, the workspace shown last.
        assert_eq!(settings.settle(false, None).unwrap().shown, sandbox.shown);
        assert!(settings.settle(false, Some("http://example.com")).is_err());
    }
}
