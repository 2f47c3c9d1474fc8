//! The settings file: its one owner, [`SettingsStore`], and its shape (read field by field,
//! written with what this version does not know kept as it was).

use super::*;

/// The settings file's one owner. Every change goes through [`SettingsStore::update`], which
/// applies it to the current settings under one lock and writes the result atomically before
/// anyone sees it, so two changes that race (a category refresh while settings are saved)
/// both land, and a crash leaves the old file or the new one.
///
/// The file keeps the shape tauri-plugin-store gave it (`{"settings": {…}}`), so settings
/// saved by earlier versions are read as they are.
pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
    /// What the file holds beside the settings (another version's keys): written back.
    siblings: serde_json::Map<String, serde_json::Value>,
}

/// The key the settings live under in the file.
const FILE_KEY: &str = "settings";

impl SettingsStore {
    /// Reads the file at `path`. An unreadable one is moved aside (to
    /// `<name>.corrupt-<timestamp>`, returned) and the defaults are used; a missing one means
    /// the defaults.
    pub fn open(path: &Path) -> std::io::Result<(Self, Option<PathBuf>)> {
        let ((settings, siblings), aside) = match std::fs::read(path) {
            Ok(bytes) => match parse(&bytes) {
                Some(read) => (read, None),
                None => {
                    let aside = crate::files::aside_path(path);
                    std::fs::rename(path, &aside)?;
                    crate::files::make_private(&aside)?;
                    (Default::default(), Some(aside))
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => (Default::default(), None),
            Err(err) => return Err(err),
        };
        Ok((
            Self {
                path: path.to_owned(),
                current: Mutex::new(settings),
                siblings,
            },
            aside,
        ))
    }

    fn lock(&self) -> MutexGuard<'_, Settings> {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A copy of the settings as they are.
    pub fn get(&self) -> Settings {
        self.lock().clone()
    }

    /// Reads one thing without copying the rest.
    pub fn read<T>(&self, read: impl FnOnce(&Settings) -> T) -> T {
        read(&self.lock())
    }

    /// Applies `change` to the current settings and saves the result. When `change` refuses
    /// (a value out of range) or the file cannot be written, nothing changes.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Settings) -> Result<T, SettingsError>,
    ) -> Result<T, SettingsError> {
        let mut current = self.lock();
        let mut next = current.clone();
        let answer = change(&mut next)?;
        if next != *current {
            let mut file = self.siblings.clone();
            file.insert(
                FILE_KEY.into(),
                to_file(&next).map_err(|err| SettingsError::Save(err.to_string()))?,
            );
            let bytes = serde_json::to_vec_pretty(&file)
                .map_err(|err| SettingsError::Save(err.to_string()))?;
            crate::files::write_atomically(&self.path, &bytes)
                .map_err(|err| SettingsError::Save(err.kind().to_string()))?;
            *current = next;
        }
        Ok(answer)
    }
}

/// The settings as the file keeps them: every field, the workspaces (set-aside ones as they
/// were read) and whatever a newer version wrote.
fn to_file(settings: &Settings) -> serde_json::Result<serde_json::Value> {
    let mut value = serde_json::to_value(settings)?;
    let mut workspaces: Vec<serde_json::Value> =
        settings.workspaces.iter().map(workspace_to_file).collect();
    for aside in &settings.set_aside {
        workspaces.insert(aside.position.min(workspaces.len()), aside.raw.clone());
    }
    if let Some(object) = value.as_object_mut() {
        object.insert(WORKSPACES_KEY.into(), serde_json::Value::Array(workspaces));
    }
    Ok(value)
}

const WORKSPACES_KEY: &str = "workspaces";
const RULE_KEY: &str = "closingRule";

fn workspace_to_file(workspace: &Workspace) -> serde_json::Value {
    let mut value = serde_json::to_value(workspace).unwrap_or_default();
    if let (Some(rule), Some(object)) = (&workspace.newer_rule, value.as_object_mut()) {
        object.insert(RULE_KEY.into(), rule.clone());
    }
    value
}

/// One workspace of the file, or why it is set aside.
fn workspace_from_file(
    raw: &serde_json::Value,
    position: usize,
    seen: &mut std::collections::HashSet<String>,
) -> Result<Workspace, SetAside> {
    let aside = |why| SetAside {
        raw: raw.clone(),
        position,
        name: raw.get("name").and_then(|n| n.as_str()).map(str::to_owned),
        why,
    };
    let mut object = raw.clone();
    let rule = object
        .as_object_mut()
        .and_then(|o| o.remove(RULE_KEY))
        .unwrap_or_default();
    let mut workspace: Workspace =
        serde_json::from_value(object).map_err(|_| aside(SetAsideWhy::Unreadable))?;
    if !super::is_app_made_id(&workspace.id) || !seen.insert(workspace.id.clone()) {
        tracing::warn!(
            "a workspace with an id the app does not make, or a repeated one, is set aside"
        );
        return Err(aside(SetAsideWhy::Unreadable));
    }
    let refused = workspace
        .api_base_url
        .as_deref()
        .is_some_and(|address| validate_base_url(address).is_err());
    if refused {
        tracing::warn!("a workspace with an address this version refuses is set aside");
        return Err(aside(SetAsideWhy::AddressRefused));
    }
    // A rule this version does not know (any value but a known one, or none) is checked as
    // the strictest it knows, and kept as written.
    match serde_json::from_value::<ClosingRule>(rule.clone()) {
        _ if rule.is_null() => workspace.closing_rule = ClosingRule::default(),
        Ok(known) if known != ClosingRule::Newer => workspace.closing_rule = known,
        _ => {
            workspace.closing_rule = ClosingRule::Newer;
            workspace.newer_rule = Some(rule);
        }
    }
    Ok(workspace)
}

/// `None` when the file is not JSON, or its settings are not an object: the only cases where
/// the file is set aside. Everything else is read field by field.
pub(crate) fn parse(
    bytes: &[u8],
) -> Option<(Settings, serde_json::Map<String, serde_json::Value>)> {
    let mut file =
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes).ok()?;
    let mut object = match file.remove(FILE_KEY) {
        None => return Some((Settings::default(), file)),
        Some(serde_json::Value::Object(object)) => object,
        Some(_) => return None,
    };
    let listed = object.remove(WORKSPACES_KEY);
    if listed
        .as_ref()
        .is_some_and(|l| !l.is_array() && !l.is_null())
    {
        // A shape no version of this app wrote: not guessed at, set aside whole.
        return None;
    }
    let mut settings: Settings = serde_json::from_value(object.into()).ok()?;
    let mut seen = std::collections::HashSet::new();
    let listed = listed.as_ref().and_then(|l| l.as_array()).into_iter();
    for (position, raw) in listed.flatten().enumerate() {
        match workspace_from_file(raw, position, &mut seen) {
            Ok(workspace) => settings.workspaces.push(workspace),
            Err(aside) => settings.set_aside.push(aside),
        }
    }
    Some((settings, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file as a newer version might write it: a fourth closing rule, a number as a string,
    /// fields this version does not know, at the top and in a workspace.
    const NEWER_FILE: &str = r#"{"policyVersion": 3, "settings":{
        "historyLimit": "500",
        "shortcut": 42,
        "shown": "w-0123456789abcdef0123456789abcdef",
        "updates": {"channel": "beta"},
        "workspaces": [
            {"id": "w-0123456789abcdef0123456789abcdef", "name": "Brand A",
             "apiBaseUrl": "http://127.0.0.1:9/v1", "tokenAddress": "http://127.0.0.1:9/v1",
             "closingRule": "disabled", "closingNotes": "not a list", "color": "teal"},
            {"id": "w-fedcba9876543210fedcba9876543210", "name": "Brand B",
             "apiBaseUrl": "http://127.0.0.1:8/v1", "tokenAddress": "http://127.0.0.1:8/v1",
             "closingRule": "category", "recentCategories": ["Spam"]},
            {"id": "w-00000000000000000000000000000003", "name": "Brand C",
             "closingRule": {"mode": "category", "except": ["spam"]}}
        ]}}"#;

    #[test]
    fn unreadable_files_are_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.json");
        std::fs::write(&good, br#"{"settings": {"historyLimit": 20}}"#).unwrap();
        let (store, aside) = SettingsStore::open(&good).unwrap();
        assert_eq!((store.get().history_limit, aside), (20, None));
        let bad = dir.path().join("settings.json");
        std::fs::write(&bad, b"{\"historyLimit\": 2").unwrap();
        let (store, aside) = SettingsStore::open(&bad).unwrap();
        assert_eq!(store.get(), Settings::default());
        assert!(!bad.exists());
        assert!(aside
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("settings.json.corrupt-"));
        let (store, aside) = SettingsStore::open(&dir.path().join("missing.json")).unwrap();
        assert_eq!((store.get(), aside), (Settings::default(), None));
    }

    #[test]
    fn updates_from_many_threads_all_land_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let (store, _) = SettingsStore::open(&path).unwrap();
        store.update(|s| s.settle(false, None).map(drop)).unwrap();
        let store = std::sync::Arc::new(store);
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    if i == 0 {
                        store.update(|s| s.set_history_limit(50)).unwrap();
                    } else {
                        store
                            .update(|s| {
                                s.workspaces[0].remember_category(&format!("c{i}"));
                                Ok(())
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let (reopened, _) = SettingsStore::open(&path).unwrap();
        let settings = reopened.get();
        assert_eq!(settings.history_limit, 50);
        assert_eq!(
            settings.workspaces[0].recent_categories.len(),
            7,
            "no change was lost"
        );
        assert_eq!(settings, store.get());
    }

    #[test]
    fn a_refused_change_or_a_failed_write_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let (store, _) = SettingsStore::open(&path).unwrap();
        assert_eq!(
            store.update(|s| s.set_history_limit(5)),
            Err(SettingsError::HistoryLimit)
        );
        assert!(!path.exists(), "nothing written for a refused value");
        drop(dir);
        let err = store.update(|s| s.set_history_limit(50)).unwrap_err();
        assert!(matches!(err, SettingsError::Save(_)));
        assert_eq!(store.get().history_limit, DEFAULT_HISTORY_LIMIT);
    }

    #[test]
    fn a_file_from_a_newer_version_resets_nothing_and_keeps_what_it_does_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, NEWER_FILE).unwrap();
        let (store, aside) = SettingsStore::open(&path).unwrap();
        assert_eq!(aside, None, "a readable file is never set aside");
        let settled = store.update(|s| s.settle(false, None)).unwrap();
        assert_eq!(settled.shown, "w-0123456789abcdef0123456789abcdef");
        assert_eq!(settled.created, None, "nothing made anew");
        let settings = store.get();
        assert_eq!(settings.history_limit, 500, "a number written as a string");
        assert_eq!(settings.shortcut.as_deref(), Some(DEFAULT_SHORTCUT));
        let [a, b, c] = settings.workspaces.as_slice() else {
            panic!("every workspace: {:?}", settings.workspaces)
        };
        assert_eq!(
            c.closing_rule,
            ClosingRule::Newer,
            "a rule of another shape too"
        );
        assert_eq!(
            a.closing_rule,
            ClosingRule::Newer,
            "kept as the strictest rule"
        );
        assert_eq!(a.token_address.as_deref(), Some("http://127.0.0.1:9/v1"));
        assert!(
            a.closing_notes.is_empty(),
            "an unreadable field alone falls back"
        );
        assert_eq!(
            (b.closing_rule, b.recent_categories.clone()),
            (ClosingRule::Category, vec!["Spam".to_owned()])
        );

        // Saving anything writes back what the newer version wrote.
        store
            .update(|s| {
                s.existing(&b.id)?.remember_category("Resolved");
                Ok(())
            })
            .unwrap();
        let file: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let written = &file["settings"];
        assert_eq!(written["updates"], serde_json::json!({"channel": "beta"}));
        assert_eq!(
            file["policyVersion"], 3,
            "keys beside the settings are kept too"
        );
        assert_eq!(written["workspaces"][0]["closingRule"], "disabled");
        assert_eq!(written["workspaces"][0]["color"], "teal");
        assert_eq!(written["workspaces"][1]["closingRule"], "category");
        assert_eq!(
            written["workspaces"][2]["closingRule"],
            serde_json::json!({"mode": "category", "except": ["spam"]})
        );
        let reopened = SettingsStore::open(&path).unwrap().0.get();
        assert_eq!(reopened.workspaces.len(), 3);
        assert_eq!(reopened.workspaces[0].closing_rule, ClosingRule::Newer);
        println!("FAULT | a settings file from a newer version | a fourth closing rule, a number as a string, a shortcut of the wrong type, unknown fields at the top and in a workspace | both workspaces kept with their tokens' addresses; the unknown rule checked as category + summary; every unknown field written back; nothing reset; lost: 0, leaked: 0 |");
    }

    #[test]
    fn a_workspace_that_cannot_be_opened_is_set_aside_and_the_others_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let file = r#"{"settings":{"workspaces":[
            {"id": "w-0123456789abcdef0123456789abcdef", "name": "Good", "apiBaseUrl": "http://127.0.0.1:9/v1"},
            {"id": "w-11111111111111111111111111111111", "name": "Plain http", "apiBaseUrl": "http://example.com/v1"},
            {"id": "..", "name": "Escape"},
            {"id": "", "name": "Empty"},
            {"id": "/etc", "name": "Absolute"},
            {"id": "w-0123456789abcdef0123456789abcdef", "name": "Twin"},
            {"id": "w-22222222222222222222222222222222", "apiBaseUrl": 7}
        ]}}"#;
        std::fs::write(&path, file).unwrap();
        let (store, aside) = SettingsStore::open(&path).unwrap();
        assert_eq!(aside, None);
        let settled = store.update(|s| s.settle(false, None)).unwrap();
        let settings = store.get();
        let names: Vec<&str> = settings
            .workspaces
            .iter()
            .map(|w| w.name.as_str())
            .collect();
        assert_eq!(names, ["Good"]);
        assert_eq!(settled.shown, settings.workspaces[0].id);
        let set_aside: Vec<(Option<&str>, SetAsideWhy)> = settings
            .set_aside
            .iter()
            .map(|a| (a.name.as_deref(), a.why))
            .collect();
        assert_eq!(
            set_aside,
            [
                (Some("Plain http"), SetAsideWhy::AddressRefused),
                (Some("Escape"), SetAsideWhy::Unreadable),
                (Some("Empty"), SetAsideWhy::Unreadable),
                (Some("Absolute"), SetAsideWhy::Unreadable),
                (Some("Twin"), SetAsideWhy::Unreadable),
                (None, SetAsideWhy::Unreadable),
            ]
        );
        // All of them are still in the file, as written.
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let written = written["settings"]["workspaces"].as_array().unwrap();
        assert_eq!(written.len(), 7);
        let raw: serde_json::Value = serde_json::from_str(file).unwrap();
        assert_eq!(
            written[1..],
            raw["settings"]["workspaces"].as_array().unwrap()[1..],
            "each set-aside one as it was, in its place"
        );
        println!("FAULT | workspaces this version cannot open | ids \"..\", \"\", \"/etc\" and a repeated one, an unreadable address, plain http to another computer | the good one opens; six set aside with a notice and kept in the file as written; no id reaches a folder name; lost: 0, leaked: 0 |");
    }
}
