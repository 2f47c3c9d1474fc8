//! What the policies do to the settings and to what the agent may change: preset workspaces
//! made (once, then matched by their preset name) and, when locked, kept as the policy says;
//! and the checks the commands make before they change anything.

use super::{Policies, PresetWorkspace};
use crate::error::{Coded, ErrorCode, Fields};
use crate::settings::{normalised, ClosingRule, Settings, Workspace};

/// What a policy can lock or turn off, as the window names it (contract.js `POLICY_SETTING`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, strum::EnumIter, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Setting {
    /// One workspace's name, closing rule, and removing it (a locked preset).
    Workspace,
    ApiAddress,
    AddWorkspace,
    GlobalShortcut,
    Language,
    StartWithComputer,
    HistoryLimit,
    Bulk,
    CsvImport,
    Export,
    Links,
    Updates,
}

/// A change refused because IT decided it: "Set by your organization".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting:?} is set by your organization and cannot be changed here")]
pub struct SetByOrganization {
    pub setting: Setting,
}

impl Coded for SetByOrganization {
    fn code(&self) -> ErrorCode {
        ErrorCode::SetByOrganization
    }

    fn fields(&self) -> Fields {
        let name: &'static str = self.setting.into();
        crate::fields! { "setting" => name }
    }
}

fn refuse(setting: Setting) -> Result<(), SetByOrganization> {
    Err(SetByOrganization { setting })
}

/// Every preset, the managed policy's first: a name in both a managed and a recommended
/// policy is the managed one. A managed preset is locked when it says `Locked`; a recommended
/// one never is.
fn presets(policies: &Policies) -> Vec<PresetWorkspace> {
    let managed = policies.locked.workspaces.iter().flatten().cloned();
    let recommended = policies
        .recommended
        .workspaces
        .iter()
        .flatten()
        .map(|preset| PresetWorkspace {
            locked: false,
            ..preset.clone()
        });
    let mut all: Vec<PresetWorkspace> = Vec::new();
    for preset in managed.chain(recommended) {
        if !all.iter().any(|p| p.name == preset.name) {
            all.push(preset);
        }
    }
    all
}

/// The preset a workspace was made for, if its policy still names it.
pub fn preset_of(policies: &Policies, workspace: &Workspace) -> Option<PresetWorkspace> {
    let name = workspace.preset.as_deref()?;
    presets(policies).into_iter().find(|p| p.name == name)
}

impl Settings {
    /// Makes each preset workspace exist, and a locked one as its policy says (name, address,
    /// closing rule). A preset made once is matched by its name afterwards, so a recommended
    /// one the agent renamed stays theirs. Says whether anything changed (to be saved).
    pub fn apply_presets(&mut self, policies: &Policies) -> bool {
        let mut changed = false;
        for preset in presets(policies) {
            match self
                .workspaces
                .iter_mut()
                .find(|w| w.preset.as_deref() == Some(preset.name.as_str()))
            {
                Some(workspace) if preset.locked => {
                    changed |= set(&mut workspace.name, preset.name.clone());
                    changed |= set(&mut workspace.api_base_url, preset.api_address.clone());
                    changed |= set(&mut workspace.closing_rule, preset.closing_rule);
                }
                Some(_) => {}
                None => {
                    let Ok(mut workspace) =
                        Workspace::new(&preset.name, preset.api_address.as_deref())
                    else {
                        continue; // Checked when read; nothing else can fail here.
                    };
                    workspace.closing_rule = preset.closing_rule;
                    workspace.preset = Some(preset.name.clone());
                    if self.shown.is_none() {
                        self.shown = Some(workspace.id.clone());
                    }
                    self.workspaces.push(workspace);
                    changed = true;
                }
            }
        }
        changed
    }
}

fn set<T: PartialEq>(slot: &mut T, value: T) -> bool {
    let differs = *slot != value;
    *slot = value;
    differs
}

/// A workspace's settings as the agent would save them.
pub struct WorkspaceChange<'a> {
    pub name: &'a str,
    /// Normalised; `None`: the real API.
    pub api_address: Option<&'a str>,
    pub closing_rule: ClosingRule,
}

impl Policies {
    /// Whether the agent may remove `workspace` (not a locked preset).
    pub fn may_remove_workspace(&self, workspace: &Workspace) -> Result<(), SetByOrganization> {
        match preset_of(self, workspace) {
            Some(preset) if preset.locked => refuse(Setting::Workspace),
            _ => Ok(()),
        }
    }

    /// Whether the agent may save `change` to `workspace`: a locked preset keeps its name,
    /// address and rule; `LockApiAddress` keeps every address.
    pub fn may_change_workspace(
        &self,
        workspace: &Workspace,
        change: &WorkspaceChange,
    ) -> Result<(), SetByOrganization> {
        let address_changes = normalised(change.api_address) != workspace.address();
        if let Some(preset) = preset_of(self, workspace).filter(|p| p.locked) {
            if change.name != preset.name || change.closing_rule != preset.closing_rule {
                return refuse(Setting::Workspace);
            }
            if address_changes {
                return refuse(Setting::ApiAddress);
            }
        }
        if address_changes && self.locked.lock_api_address == Some(true) {
            return refuse(Setting::ApiAddress);
        }
        Ok(())
    }

    /// Whether the agent may change `setting`, or use it when it is a feature IT can turn
    /// off (per workspace: [`Policies::may_change_workspace`]).
    pub fn check(&self, setting: Setting) -> Result<(), SetByOrganization> {
        let locked = &self.locked;
        let allowed = match setting {
            Setting::Workspace => true,
            Setting::ApiAddress => locked.lock_api_address != Some(true),
            Setting::AddWorkspace => self.allows(|p| p.allow_user_workspaces),
            Setting::GlobalShortcut => locked.global_shortcut.is_none(),
            Setting::Language => locked.language.is_none(),
            Setting::StartWithComputer => locked.start_with_computer.is_none(),
            Setting::HistoryLimit => locked.history_limit.is_none(),
            Setting::Bulk => self.allows(|p| p.allow_bulk),
            Setting::CsvImport => {
                self.allows(|p| p.allow_bulk) && self.allows(|p| p.allow_csv_import)
            }
            Setting::Export => self.allows(|p| p.allow_export),
            Setting::Links => self.allows(|p| p.allow_links),
            Setting::Updates => locked.updates.is_none(),
        };
        if allowed {
            Ok(())
        } else {
            refuse(setting)
        }
    }

    /// Every setting the agent cannot change or use here: the window shows them as set by
    /// the organization, or does not offer them.
    pub fn refused(&self) -> Vec<Setting> {
        <Setting as strum::IntoEnumIterator>::iter()
            .filter(|setting| self.check(*setting).is_err())
            .collect()
    }

    /// What of one workspace the agent cannot change (its name, rule and removal; its address).
    pub fn workspace_locks(&self, workspace: &Workspace) -> Vec<Setting> {
        let preset = preset_of(self, workspace).filter(|p| p.locked);
        let mut locks = Vec::new();
        if preset.is_some() {
            locks.push(Setting::Workspace);
        }
        if preset.is_some() || self.check(Setting::ApiAddress).is_err() {
            locks.push(Setting::ApiAddress);
        }
        locks
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Level, PolicyValues, Read};
    use super::*;

    fn policies(locked: serde_json::Value, recommended: serde_json::Value) -> Policies {
        let read = |level, source: &str, value: serde_json::Value| {
            let (values, problems) = PolicyValues::read(source, value.as_object().unwrap());
            assert_eq!(problems, []);
            Read {
                level,
                source: source.into(),
                values,
            }
        };
        Policies::merge(
            vec![
                read(Level::MachineLocked, "managed", locked),
                read(Level::MachineRecommended, "recommended", recommended),
            ],
            vec![],
        )
    }

    fn example() -> Policies {
        policies(
            json!({"Workspaces": [{"Name": "Brand A", "ApiAddress": "https://a.example.com/v1", "ClosingRule": "category", "Locked": true}],
                   "AllowUserWorkspaces": false, "GlobalShortcut": "Ctrl+Alt+K"}),
            json!({"Workspaces": [{"Name": "Brand B"}, {"Name": "Brand A", "ClosingRule": "optional"}]}),
        )
    }

    #[test]
    fn presets_are_made_once_and_a_locked_one_stays_as_its_policy_says() {
        let policies = example();
        let mut settings = Settings::default();
        assert!(settings.apply_presets(&policies));
        let names: Vec<_> = settings
            .workspaces
            .iter()
            .map(|w| w.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["Brand A", "Brand B"],
            "locked first; a name in both is the locked one"
        );
        let a = &settings.workspaces[0];
        assert_eq!(a.api_base_url.as_deref(), Some("https://a.example.com/v1"));
        assert_eq!(a.closing_rule, ClosingRule::Category);
        assert_eq!(settings.shown.as_deref(), Some(a.id.as_str()));
        assert!(!settings.apply_presets(&policies), "made once");

        // A hand edit of the file: the locked one is put back, the recommended one is theirs.
        settings.workspaces[0].name = "Mine now".into();
        settings.workspaces[0].api_base_url = Some("https://elsewhere.example.com/v1".into());
        settings.workspaces[0].closing_rule = ClosingRule::Optional;
        settings.workspaces[1].name = "Brand B (me)".into();
        let ids: Vec<_> = settings.workspaces.iter().map(|w| w.id.clone()).collect();
        assert!(settings.apply_presets(&policies));
        assert_eq!(settings.workspaces[0].name, "Brand A");
        assert_eq!(
            settings.workspaces[0].api_base_url.as_deref(),
            Some("https://a.example.com/v1")
        );
        assert_eq!(settings.workspaces[0].closing_rule, ClosingRule::Category);
        assert_eq!(settings.workspaces[1].name, "Brand B (me)");
        let same: Vec<_> = settings.workspaces.iter().map(|w| w.id.clone()).collect();
        assert_eq!(
            ids, same,
            "the same workspaces, with their tokens and histories"
        );
    }

    #[test]
    fn what_a_policy_locked_cannot_be_changed() {
        let policies = example();
        let mut settings = Settings::default();
        settings.apply_presets(&policies);
        let (a, b) = (&settings.workspaces[0], &settings.workspaces[1]);
        let refused = |setting| Err(SetByOrganization { setting });
        use Setting::*;

        assert_eq!(policies.check(AddWorkspace), refused(AddWorkspace));
        assert_eq!(policies.may_remove_workspace(a), refused(Workspace));
        assert_eq!(policies.may_remove_workspace(b), Ok(()));
        let same = WorkspaceChange {
            name: "Brand A",
            api_address: Some("https://a.example.com/v1"),
            closing_rule: ClosingRule::Category,
        };
        assert_eq!(
            policies.may_change_workspace(a, &same),
            Ok(()),
            "saving it unchanged"
        );
        for (change, setting) in [
            (
                WorkspaceChange {
                    name: "Other",
                    ..same
                },
                Workspace,
            ),
            (
                WorkspaceChange {
                    closing_rule: ClosingRule::Optional,
                    ..same
                },
                Workspace,
            ),
            (
                WorkspaceChange {
                    api_address: None,
                    ..same
                },
                ApiAddress,
            ),
        ] {
            assert_eq!(policies.may_change_workspace(a, &change), refused(setting));
        }
        let moved = WorkspaceChange {
            name: "Brand B",
            api_address: Some("https://b.example.com/v1"),
            closing_rule: ClosingRule::Optional,
        };
        assert_eq!(
            policies.may_change_workspace(b, &moved),
            Ok(()),
            "a recommended preset is theirs"
        );
        assert_eq!(policies.check(GlobalShortcut), refused(GlobalShortcut));
        assert_eq!(policies.check(Language), Ok(()));
        assert_eq!(policies.refused(), [AddWorkspace, GlobalShortcut]);
        assert_eq!(policies.workspace_locks(a), [Workspace, ApiAddress]);
        assert_eq!(policies.workspace_locks(b), []);

        // LockApiAddress: no workspace's address moves, any other change is fine.
        let locked = policies_with_lock();
        assert_eq!(locked.may_change_workspace(b, &moved), refused(ApiAddress));
        let renamed = WorkspaceChange {
            name: "B2",
            api_address: None,
            closing_rule: ClosingRule::Optional,
        };
        assert_eq!(locked.may_change_workspace(b, &renamed), Ok(()));
        assert_eq!(locked.workspace_locks(b), [ApiAddress]);
        let err = refused(Bulk).unwrap_err();
        assert_eq!(err.code(), ErrorCode::SetByOrganization);
        assert_eq!(err.fields()["setting"], "bulk");
    }

    fn policies_with_lock() -> Policies {
        policies(json!({"LockApiAddress": true}), json!({}))
    }
}
