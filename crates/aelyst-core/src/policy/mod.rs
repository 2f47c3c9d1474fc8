//! Managed settings: what IT presets for every agent, and what it locks (README, Set up by IT).
//! Policies come from the system only (`sources`: files under `/etc/aelyst-desk/policies/` on
//! Linux, the registry on Windows), are read key by key (`keys`: a bad value is ignored for
//! that key alone and listed), and are merged here by the conventions browsers and editors
//! follow: machine locked, user locked, the agent's own setting, recommended (machine, then
//! user), built in. Tokens are never part of a policy.

mod apply;
mod keys;
pub mod sources;

pub use apply::{preset_of, SetByOrganization, Setting, WorkspaceChange};
pub use keys::{PolicyValues, PresetWorkspace, UpdatesMode, KEYS};

/// Who a source speaks for, and whether what it says is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    MachineLocked,
    UserLocked,
    MachineRecommended,
    UserRecommended,
}

impl Level {
    pub fn locked(self) -> bool {
        matches!(self, Self::MachineLocked | Self::UserLocked)
    }
}

/// Something in a policy that was not used, and why: listed in Copy diagnostics and logged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file or registry key.
    pub source: String,
    /// The policy key (`""`: the whole source).
    pub key: String,
    pub why: String,
}

impl Problem {
    /// A whole source ignored (unsafe, unreadable, not policies).
    pub fn whole(source: impl Into<String>, why: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            key: String::new(),
            why: why.into(),
        }
    }
}

/// One source, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub level: Level,
    pub source: String,
    pub values: PolicyValues,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Locked by IT: shown as "Set by your organization" and cannot be changed.
    Locked,
    /// The agent's own choice.
    Agent,
    /// IT's default; the agent may change it.
    Recommended,
    BuiltIn,
}

/// A setting's value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Effective<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Effective<T> {
    pub fn locked(&self) -> bool {
        self.origin == Origin::Locked
    }
}

/// Every policy read, merged: what is locked, what is recommended, which sources were read
/// and what in them was not used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policies {
    pub locked: PolicyValues,
    pub recommended: PolicyValues,
    /// Every source read, in order (for Copy diagnostics).
    pub sources: Vec<String>,
    pub problems: Vec<Problem>,
}

impl Policies {
    /// Merges sources: a locked level over the recommended ones, the machine over the user,
    /// and within one level the later source (file-name order) over the earlier.
    pub fn merge(mut reads: Vec<Read>, problems: Vec<Problem>) -> Self {
        // Stable: sources of one level keep their order, the last one winning below.
        reads.sort_by_key(|read| std::cmp::Reverse(read.level));
        let mut policies = Policies {
            problems,
            ..Self::default()
        };
        for read in reads {
            policies.sources.push(read.source.clone());
            let into = if read.level.locked() {
                &mut policies.locked
            } else {
                &mut policies.recommended
            };
            into.overlay(read.values);
        }
        policies.sources.sort();
        policies
    }

    /// The value of one setting: locked, else the agent's own, else recommended, else built in.
    pub fn resolve<T: Clone>(
        &self,
        pick: impl Fn(&PolicyValues) -> Option<T>,
        agents_own: Option<T>,
        built_in: T,
    ) -> Effective<T> {
        if let Some(value) = pick(&self.locked) {
            return Effective {
                value,
                origin: Origin::Locked,
            };
        }
        if let Some(value) = agents_own {
            return Effective {
                value,
                origin: Origin::Agent,
            };
        }
        match pick(&self.recommended) {
            Some(value) => Effective {
                value,
                origin: Origin::Recommended,
            },
            None => Effective {
                value: built_in,
                origin: Origin::BuiltIn,
            },
        }
    }

    /// The window's language: locked, else the agent's choice, else recommended (`None`: the
    /// computer's).
    pub fn language(&self, chosen: Option<&str>) -> Option<String> {
        self.locked
            .language
            .clone()
            .or_else(|| chosen.map(str::to_owned))
            .or_else(|| self.recommended.language.clone())
    }

    /// A feature IT can turn off (`AllowBulk` …): on unless a policy says no. A recommended
    /// "no" is a default the agent cannot reach (there is no switch for it), so it counts.
    pub fn allows(&self, pick: impl Fn(&PolicyValues) -> Option<bool>) -> bool {
        pick(&self.locked)
            .or_else(|| pick(&self.recommended))
            .unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(level: Level, source: &str, json: serde_json::Value) -> Read {
        let (values, problems) = PolicyValues::read(source, json.as_object().unwrap());
        assert!(problems.is_empty(), "{problems:?}");
        Read {
            level,
            source: source.into(),
            values,
        }
    }

    #[test]
    fn every_level_in_its_place() {
        let policies = Policies::merge(
            vec![
                read(
                    Level::UserRecommended,
                    "user-rec",
                    serde_json::json!({"HistoryLimit": 50, "Language": "ms"}),
                ),
                read(
                    Level::MachineRecommended,
                    "machine-rec",
                    serde_json::json!({"HistoryLimit": 60}),
                ),
                read(
                    Level::UserLocked,
                    "user-locked",
                    serde_json::json!({"GlobalShortcut": "Ctrl+Alt+K", "AllowExport": false}),
                ),
                read(
                    Level::MachineLocked,
                    "machine-locked",
                    serde_json::json!({"GlobalShortcut": "Ctrl+Alt+J"}),
                ),
            ],
            vec![],
        );
        // Machine locked over user locked, whatever the agent chose.
        let shortcut =
            policies.resolve(|p| p.global_shortcut.clone(), Some(Some("F9".into())), None);
        assert_eq!(shortcut.value.as_deref(), Some("Ctrl+Alt+J"));
        assert!(shortcut.locked());
        // The agent's own over recommended; recommended (machine over user) over built in.
        let limit = policies.resolve(|p| p.history_limit, Some(300), 1000);
        assert_eq!((limit.value, limit.origin), (300, Origin::Agent));
        let limit = policies.resolve(|p| p.history_limit, None, 1000);
        assert_eq!((limit.value, limit.origin), (60, Origin::Recommended));
        let language = policies.resolve(|p| p.language.clone(), None, "en".to_owned());
        assert_eq!(
            (language.value.as_str(), language.origin),
            ("ms", Origin::Recommended)
        );
        let rule = policies.resolve(|p| p.start_with_computer, None, false);
        assert_eq!((rule.value, rule.origin), (false, Origin::BuiltIn));
        // A feature turned off by a user-locked policy is off; others stay on.
        assert!(!policies.allows(|p| p.allow_export));
        assert!(policies.allows(|p| p.allow_bulk));
        assert_eq!(
            policies.sources,
            ["machine-locked", "machine-rec", "user-locked", "user-rec"]
        );
        // The language: recommended ("ms") only when the agent chose none.
        assert_eq!(policies.language(None).as_deref(), Some("ms"));
        assert_eq!(policies.language(Some("es")).as_deref(), Some("es"));
    }

    #[test]
    fn within_a_level_the_later_file_wins_key_by_key() {
        let policies = Policies::merge(
            vec![
                read(
                    Level::MachineLocked,
                    "10-base.json",
                    serde_json::json!({"AllowBulk": false, "HistoryLimit": 100}),
                ),
                read(
                    Level::MachineLocked,
                    "20-team.json",
                    serde_json::json!({"HistoryLimit": 200}),
                ),
            ],
            vec![],
        );
        assert_eq!(policies.locked.history_limit, Some(200));
        assert_eq!(
            policies.locked.allow_bulk,
            Some(false),
            "a key the later file leaves out stays"
        );
    }
}
