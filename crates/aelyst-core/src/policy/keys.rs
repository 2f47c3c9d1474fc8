//! The policy keys (fixed names, PascalCase as browser policies are, so IT's documents stay
//! valid across versions; `docs/policies.schema.json` documents each) and how one source's
//! values are read: key by key, a bad value ignored for that key alone and listed, an unknown
//! key listed and ignored.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::Problem;
use crate::settings::{checked_address, checked_language, ClosingRule, HISTORY_LIMIT_RANGE};
use crate::workspace::NAME_MAX_CHARS;

/// Every key a policy may set.
pub const KEYS: [&str; 12] = [
    "Workspaces",
    "AllowUserWorkspaces",
    "LockApiAddress",
    "GlobalShortcut",
    "AllowBulk",
    "AllowCsvImport",
    "AllowExport",
    "AllowLinks",
    "StartWithComputer",
    "HistoryLimit",
    "Language",
    "Updates",
];

/// A workspace IT sets up: the agent pastes only its token.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PresetWorkspace {
    pub name: String,
    /// Normalised; `None`: the real Aelyst API.
    pub api_address: Option<String>,
    pub closing_rule: ClosingRule,
    /// The agent cannot rename it, change its address or rule, or remove it.
    pub locked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdatesMode {
    Automatic,
    Notify,
    Off,
}

/// What one source (or several, merged) sets; `None`: not set there.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PolicyValues {
    pub workspaces: Option<Vec<PresetWorkspace>>,
    pub allow_user_workspaces: Option<bool>,
    pub lock_api_address: Option<bool>,
    /// `Some(None)`: no global shortcut at all.
    pub global_shortcut: Option<Option<String>>,
    pub allow_bulk: Option<bool>,
    pub allow_csv_import: Option<bool>,
    pub allow_export: Option<bool>,
    pub allow_links: Option<bool>,
    pub start_with_computer: Option<bool>,
    pub history_limit: Option<usize>,
    pub language: Option<String>,
    pub updates: Option<UpdatesMode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkspace {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "ApiAddress", default)]
    api_address: Option<String>,
    #[serde(rename = "ClosingRule", default)]
    closing_rule: Option<String>,
    #[serde(rename = "Locked", default)]
    locked: bool,
}

fn preset(raw: RawWorkspace) -> Result<PresetWorkspace, String> {
    let name = raw.name.trim();
    if name.is_empty()
        || name.chars().count() > NAME_MAX_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(format!("Name must be 1 to {NAME_MAX_CHARS} characters"));
    }
    let api_address = match raw.api_address.as_deref() {
        None => None,
        Some(address) => checked_address(address).map_err(|err| format!("ApiAddress: {err}"))?,
    };
    let closing_rule = match raw.closing_rule.as_deref() {
        None | Some("optional") => ClosingRule::Optional,
        Some("category") => ClosingRule::Category,
        Some("category-summary") => ClosingRule::CategorySummary,
        Some(other) => {
            return Err(format!(
                "ClosingRule {other:?} is not \"optional\", \"category\" or \"category-summary\""
            ))
        }
    };
    Ok(PresetWorkspace {
        name: name.to_owned(),
        api_address,
        closing_rule,
        locked: raw.locked,
    })
}

fn boolean(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        // The registry's DWORD, as Group Policy writes a switch.
        Value::Number(n) if n.as_u64() == Some(0) => Ok(false),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(true),
        _ => Err("must be true or false".into()),
    }
}

impl PolicyValues {
    /// Reads one source's keys. Each key on its own: what cannot be used is listed, the rest
    /// is kept. In `Workspaces`, each workspace is read on its own too.
    pub fn read(source: &str, object: &Map<String, Value>) -> (Self, Vec<Problem>) {
        let mut values = Self::default();
        let mut problems = Vec::new();
        for (key, value) in object {
            let mut problem = |why: String| {
                problems.push(Problem {
                    source: source.into(),
                    key: key.clone(),
                    why,
                })
            };
            let read = match key.as_str() {
                "Workspaces" => {
                    // On Windows a list is written as JSON text (as browsers' list policies are).
                    let parsed = match value {
                        Value::String(text) => serde_json::from_str::<Value>(text).ok(),
                        other => Some(other.clone()),
                    };
                    match parsed {
                        Some(Value::Array(items)) => {
                            let mut presets = Vec::new();
                            for (index, item) in items.into_iter().enumerate() {
                                match serde_json::from_value::<RawWorkspace>(item)
                                    .map_err(|err| err.to_string())
                                    .and_then(preset)
                                {
                                    Ok(workspace) => presets.push(workspace),
                                    Err(why) => problem(format!("workspace {}: {why}", index + 1)),
                                }
                            }
                            values.workspaces = Some(presets);
                            Ok(())
                        }
                        _ => Err("must be a list of workspaces".to_owned()),
                    }
                }
                "AllowUserWorkspaces" => {
                    boolean(value).map(|b| values.allow_user_workspaces = Some(b))
                }
                "LockApiAddress" => boolean(value).map(|b| values.lock_api_address = Some(b)),
                "AllowBulk" => boolean(value).map(|b| values.allow_bulk = Some(b)),
                "AllowCsvImport" => boolean(value).map(|b| values.allow_csv_import = Some(b)),
                "AllowExport" => boolean(value).map(|b| values.allow_export = Some(b)),
                "AllowLinks" => boolean(value).map(|b| values.allow_links = Some(b)),
                "StartWithComputer" => boolean(value).map(|b| values.start_with_computer = Some(b)),
                "GlobalShortcut" => match value {
                    Value::String(s) if s.trim().is_empty() => {
                        values.global_shortcut = Some(None);
                        Ok(())
                    }
                    Value::String(s) if s.len() <= 64 && !s.chars().any(char::is_control) => {
                        values.global_shortcut = Some(Some(s.trim().to_owned()));
                        Ok(())
                    }
                    _ => {
                        Err("must be a shortcut such as \"Ctrl+Shift+F9\", or \"\" for none".into())
                    }
                },
                "HistoryLimit" => match value.as_u64().map(|n| n as usize) {
                    Some(n) if HISTORY_LIMIT_RANGE.contains(&n) => {
                        values.history_limit = Some(n);
                        Ok(())
                    }
                    _ => Err(format!(
                        "must be a number from {} to {}",
                        HISTORY_LIMIT_RANGE.start(),
                        HISTORY_LIMIT_RANGE.end()
                    )),
                },
                "Language" => match value.as_str().map(|tag| checked_language(Some(tag))) {
                    Some(Ok(Some(tag))) => {
                        values.language = Some(tag);
                        Ok(())
                    }
                    _ => Err(format!(
                        "must be one of {}",
                        crate::language::LANGUAGES.join(", ")
                    )),
                },
                "Updates" => match serde_json::from_value::<UpdatesMode>(value.clone()) {
                    Ok(mode) => {
                        values.updates = Some(mode);
                        Ok(())
                    }
                    Err(_) => Err("must be \"automatic\", \"notify\" or \"off\"".into()),
                },
                // The schema an editor checks the file against: not a setting.
                "$schema" => Ok(()),
                _ => Err("not a policy this version knows; ignored".into()),
            };
            if let Err(why) = read {
                problem(why);
            }
        }
        (values, problems)
    }

    /// `other`'s keys over these: what `other` sets wins, what it leaves out stays.
    pub fn overlay(&mut self, other: PolicyValues) {
        macro_rules! over {
            ($($field:ident),*) => { $( if other.$field.is_some() { self.$field = other.$field; } )* };
        }
        over!(
            workspaces,
            allow_user_workspaces,
            lock_api_address,
            global_shortcut,
            allow_bulk,
            allow_csv_import,
            allow_export,
            allow_links,
            start_with_computer,
            history_limit,
            language,
            updates
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> (PolicyValues, Vec<Problem>) {
        PolicyValues::read("test.json", value.as_object().unwrap())
    }

    #[test]
    fn every_key_is_read() {
        let (values, problems) = read(json!({
            "$schema": "https://aelyst.ai/desk/policies.schema.json",
            "Workspaces": [
                {"Name": "Brand A", "ApiAddress": "https://api.aelyst.ai/v1", "ClosingRule": "category", "Locked": true},
                {"Name": "Brand B"}
            ],
            "AllowUserWorkspaces": false, "LockApiAddress": true, "GlobalShortcut": "",
            "AllowBulk": false, "AllowCsvImport": 0, "AllowExport": 1, "AllowLinks": true,
            "StartWithComputer": true, "HistoryLimit": 500, "Language": "pt-BR", "Updates": "notify"
        }));
        assert_eq!(problems, []);
        let workspaces = values.workspaces.unwrap();
        assert_eq!(workspaces[0].closing_rule, ClosingRule::Category);
        assert!(workspaces[0].locked);
        assert_eq!(
            workspaces[0].api_address.as_deref(),
            Some("https://api.aelyst.ai/v1")
        );
        assert_eq!(
            (workspaces[1].api_address.clone(), workspaces[1].locked),
            (None, false)
        );
        assert_eq!(values.global_shortcut, Some(None));
        assert_eq!(values.allow_csv_import, Some(false));
        assert_eq!(values.allow_export, Some(true));
        assert_eq!(values.history_limit, Some(500));
        assert_eq!(values.language.as_deref(), Some("pt-BR"));
        assert_eq!(values.updates, Some(UpdatesMode::Notify));
    }

    #[test]
    fn a_bad_value_is_ignored_for_its_key_alone_and_listed() {
        let (values, problems) = read(json!({
            "AllowBulk": "no", "HistoryLimit": 3, "Language": "fr", "Updates": "sometimes",
            "GlobalShortcut": 5, "Bulk": false, "AllowExport": false,
            "Workspaces": [
                {"Name": "", "ApiAddress": "https://x.io"},
                {"Name": "Good"},
                {"Name": "Plain", "ApiAddress": "http://api.example.com/v1"},
                {"Name": "Rule", "ClosingRule": "always"},
                {"Name": "Typo", "Lockd": true}
            ]
        }));
        assert_eq!(values.allow_export, Some(false), "the good key is kept");
        assert_eq!(values.allow_bulk, None);
        assert_eq!(values.history_limit, None);
        assert_eq!(values.language, None);
        assert_eq!(values.updates, None);
        assert_eq!(values.global_shortcut, None);
        let kept: Vec<_> = values
            .workspaces
            .unwrap()
            .into_iter()
            .map(|w| w.name)
            .collect();
        assert_eq!(kept, ["Good"], "each workspace on its own");
        let mut keys: Vec<_> = problems.iter().map(|p| p.key.as_str()).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "AllowBulk",
                "Bulk",
                "GlobalShortcut",
                "HistoryLimit",
                "Language",
                "Updates",
                "Workspaces",
                "Workspaces",
                "Workspaces",
                "Workspaces"
            ]
        );
        assert!(problems
            .iter()
            .all(|p| p.source == "test.json" && !p.why.is_empty()));
        let unknown = problems.iter().find(|p| p.key == "Bulk").unwrap();
        assert!(unknown.why.contains("not a policy"));
    }

    #[test]
    fn a_list_written_as_json_text_is_read() {
        let (values, problems) =
            read(json!({"Workspaces": "[{\"Name\": \"Brand A\", \"Locked\": 1}]"}));
        // Locked as a number is not a bool: that workspace is listed, not used.
        assert_eq!(values.workspaces, Some(vec![]));
        assert_eq!(problems.len(), 1);
        let (values, problems) =
            read(json!({"Workspaces": "[{\"Name\": \"Brand A\", \"Locked\": true}]"}));
        assert_eq!(problems, []);
        assert!(values.workspaces.unwrap()[0].locked);
        let (values, problems) = read(json!({"Workspaces": "not json"}));
        assert_eq!((values.workspaces, problems.len()), (None, 1));
    }

    /// IT's documents stay in step with what is read: the schema, the example and the Group
    /// Policy template name exactly these keys, and the example reads without a problem.
    #[test]
    fn the_schema_the_example_and_the_template_name_every_key() {
        let schema: Value = serde_json::from_str(include_str!(
            "../../../../docs/policies/policies.schema.json"
        ))
        .unwrap();
        let mut documented: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|key| *key != "$schema")
            .collect();
        documented.sort_unstable();
        let mut keys = KEYS.to_vec();
        keys.sort_unstable();
        assert_eq!(documented, keys);

        let example: Value = serde_json::from_str(include_str!(
            "../../../../docs/policies/example-managed.json"
        ))
        .unwrap();
        let (values, problems) = PolicyValues::read("example", example.as_object().unwrap());
        assert_eq!(problems, []);
        assert_eq!(values.workspaces.map(|w| w.len()), Some(2));

        let template = include_str!("../../../../docs/policies/AelystDesk.admx");
        for key in KEYS {
            assert!(
                template.contains(&format!("valueName=\"{key}\"")),
                "AelystDesk.admx has no {key}"
            );
        }
    }
}
