//! What an agent can change: the workspaces (see [`crate::workspace`]) and how much history
//! is kept; the model, its validation, and [`SettingsStore`], the one owner of the settings
//! file.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::api::{validate_base_url, ClientError, ClosingNote};
use crate::error::{Coded, ErrorCode, Fields};
use crate::outbox::DEFAULT_HISTORY_LIMIT;
use crate::workspace::{name_for, ClosingRule, Workspace, WorkspaceError, LEGACY_ID};

pub const HISTORY_LIMIT_RANGE: std::ops::RangeInclusive<usize> = 10..=100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    ApiAddress(#[from] ClientError),
    #[error("The history can keep between 10 and 100000 actions.")]
    HistoryLimit,
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error("The settings could not be saved: {0}")]
    Save(String),
    #[error("The app does not have that language.")]
    Language,
}

impl Coded for SettingsError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::ApiAddress(err) => err.code(),
            Self::HistoryLimit => ErrorCode::HistoryLimitOutOfRange,
            Self::Workspace(err) => err.code(),
            Self::Save(_) => ErrorCode::SettingsNotSaved,
            Self::Language => ErrorCode::LanguageUnknown,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::ApiAddress(err) => err.fields(),
            Self::HistoryLimit => crate::fields! {
                "min" => HISTORY_LIMIT_RANGE.start(),
                "max" => HISTORY_LIMIT_RANGE.end(),
            },
            Self::Workspace(err) => err.fields(),
            Self::Save(detail) => crate::fields! { "detail" => detail },
            Self::Language => Fields::new(),
        }
    }
}

/// The settings, read field by field: a field this version cannot read (a number written as
/// a string, a value a newer version added) falls back to its default alone, fields it does
/// not know are kept as written, and each workspace is read on its own (see [`parse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    #[serde(deserialize_with = "lenient_history_limit")]
    pub history_limit: usize,
    /// The global shortcut that brings the app to the front with the clipboard's contact in
    /// the form (`None`: switched off). See [`DEFAULT_SHORTCUT`].
    #[serde(default = "default_shortcut", deserialize_with = "lenient_shortcut")]
    pub shortcut: Option<String>,
    /// Read and written by [`parse`] and [`to_file`], one by one.
    #[serde(skip)]
    pub workspaces: Vec<Workspace>,
    /// Workspaces in the file this version cannot open (an unreadable entry, an id of a shape
    /// the app never makes, an address it refuses): not opened, said at start, and kept in the
    /// file as written, with their tokens and journals untouched.
    #[serde(skip)]
    pub set_aside: Vec<SetAside>,
    /// The workspace the window shows.
    #[serde(deserialize_with = "lenient")]
    pub shown: Option<String>,
    /// The language the agent chose in Settings (one of [`crate::language::LANGUAGES`]);
    /// `None`: the computer's.
    #[serde(deserialize_with = "lenient")]
    pub language: Option<String>,
    /// What versions before workspaces kept at the top level: read once, to make the first
    /// workspace, then no longer written. `None`: the key was not in the file.
    #[serde(rename = "apiBaseUrl", skip_serializing, deserialize_with = "lenient")]
    pub legacy_api_base_url: Option<String>,
    #[serde(
        rename = "closingNotes",
        skip_serializing,
        deserialize_with = "lenient"
    )]
    pub legacy_closing_notes: Option<Vec<ClosingNote>>,
    #[serde(
        rename = "recentCategories",
        skip_serializing,
        deserialize_with = "lenient"
    )]
    pub legacy_recent_categories: Option<Vec<String>>,
    /// Fields a newer version wrote: kept, so going back to it loses nothing.
    #[serde(flatten)]
    pub newer: serde_json::Map<String, serde_json::Value>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            history_limit: DEFAULT_HISTORY_LIMIT,
            shortcut: default_shortcut(),
            workspaces: Vec::new(),
            set_aside: Vec::new(),
            shown: None,
            language: None,
            legacy_api_base_url: None,
            legacy_closing_notes: None,
            legacy_recent_categories: None,
            newer: serde_json::Map::new(),
        }
    }
}

/// A workspace entry of the file that is not opened, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// As the file had it; written back unchanged, where it was in the list.
    pub raw: serde_json::Value,
    pub position: usize,
    /// Its name, when one could be read, for the notice.
    pub name: Option<String>,
    pub why: SetAsideWhy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum SetAsideWhy {
    /// Its id, name or address could not be read, or its id is not one the app makes, or
    /// another workspace has it.
    Unreadable,
    /// Its address is one this version refuses (plain http to another computer…).
    AddressRefused,
}

/// A field read on its own: what cannot be read as `T` is `T::default()` (and logged), never
/// a reason to drop the rest of the file.
pub(crate) fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).unwrap_or_else(|err| {
        tracing::warn!("a setting could not be read, its default is used: {err}");
        T::default()
    }))
}

/// A number, or a number written as a string; anything else is the default.
fn lenient_history_limit<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<usize, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    let read = match &value {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(read.unwrap_or_else(|| {
        tracing::warn!("the history limit could not be read, its default is used");
        DEFAULT_HISTORY_LIMIT
    }))
}

fn lenient_shortcut<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        _ => default_shortcut(),
    })
}

/// Function keys with Ctrl+Shift: no browser, office suite, CRM or desktop (GNOME, KDE,
/// Windows) binds Ctrl+Shift+F9 by default that an agent would miss (Word's "unlink fields"
/// is the one use found), and it types no character in any keyboard layout, unlike Ctrl+Alt
/// (AltGr on Windows) or AltGr itself. Changeable, and can be switched off.
pub const DEFAULT_SHORTCUT: &str = "Ctrl+Shift+F9";

fn default_shortcut() -> Option<String> {
    Some(DEFAULT_SHORTCUT.to_owned())
}

/// The language saved in the settings file at `path`, read on its own and before anything
/// else, so the window can start in it (an unreadable file means "the computer's").
pub fn peek_language(path: &Path) -> Option<String> {
    #[derive(Deserialize)]
    struct File {
        settings: Language,
    }
    #[derive(Deserialize)]
    struct Language {
        language: Option<String>,
    }
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice::<File>(&bytes)
        .ok()?
        .settings
        .language
}

/// A language choice from Settings: one the app speaks, or `None` for the computer's.
pub fn checked_language(input: Option<&str>) -> Result<Option<String>, SettingsError> {
    match input {
        None | Some("") => Ok(None),
        Some(tag) => crate::language::LANGUAGES
            .iter()
            .find(|l| **l == tag)
            .map(|l| Some((*l).to_owned()))
            .ok_or(SettingsError::Language),
    }
}

/// Checks an API address as typed in Settings: empty means "the real Aelyst API".
pub fn checked_address(input: &str) -> Result<Option<String>, SettingsError> {
    let trimmed = input.trim();
    Ok(if trimmed.is_empty() {
        None
    } else {
        Some(validate_base_url(trimmed)?.to_string())
    })
}

/// Where the window starts: what [`Settings::settle`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub shown: String,
    /// The environment named an address no workspace had: this one was made for it.
    pub created: Option<String>,
}

impl Settings {
    pub fn set_history_limit(&mut self, limit: usize) -> Result<(), SettingsError> {
        if !HISTORY_LIMIT_RANGE.contains(&limit) {
            return Err(SettingsError::HistoryLimit);
        }
        self.history_limit = limit;
        Ok(())
    }

    pub fn workspace(&self, id: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.id == id)
    }

    pub fn workspace_mut(&mut self, id: &str) -> Option<&mut Workspace> {
        self.workspaces.iter_mut().find(|w| w.id == id)
    }

    /// The workspace with this id, or the plain "no longer in the list".
    pub fn existing(&mut self, id: &str) -> Result<&mut Workspace, SettingsError> {
        Ok(self.workspace_mut(id).ok_or(WorkspaceError::NotFound)?)
    }

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
                    token_address: v1_keys
                        .then(|| crate::workspace::normalised(address.as_deref())),
                    api_base_url: address,
                    closing_rule: ClosingRule::default(),
                    newer_rule: None,
                    closing_notes: self.legacy_closing_notes.take().unwrap_or_default(),
                    recent_categories: self.legacy_recent_categories.take().unwrap_or_default(),
                    me: None,
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
            let wanted = crate::workspace::normalised(Some(&address));
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
                    let aside = crate::fsutil::aside_path(path);
                    std::fs::rename(path, &aside)?;
                    crate::fsutil::make_private(&aside)?;
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
            crate::fsutil::write_atomically(&self.path, &bytes)
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
    if !crate::workspace::is_app_made_id(&workspace.id) || !seen.insert(workspace.id.clone()) {
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
fn parse(bytes: &[u8]) -> Option<(Settings, serde_json::Map<String, serde_json::Value>)> {
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
    #[test]
    fn the_language_is_read_from_a_saved_file_on_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        assert_eq!(peek_language(&path), None);
        let (store, _) = SettingsStore::open(&path).unwrap();
        store
            .update(|s| {
                s.language = checked_language(Some("ms"))?;
                Ok(())
            })
            .unwrap();
        assert_eq!(peek_language(&path).as_deref(), Some("ms"));
        assert!(matches!(
            checked_language(Some("fr")),
            Err(SettingsError::Language)
        ));
    }

    use super::*;

    #[test]
    fn api_address_is_validated_and_empty_means_default() {
        assert_eq!(
            checked_address("http://127.0.0.1:9/v1/")
                .unwrap()
                .as_deref(),
            Some("http://127.0.0.1:9/v1")
        );
        assert_eq!(
            checked_address("http://example.com/v1"),
            Err(SettingsError::ApiAddress(ClientError::InsecureBaseUrl))
        );
        assert_eq!(checked_address("  ").unwrap(), None);
    }

    #[test]
    fn history_limit_has_bounds() {
        let mut settings = Settings::default();
        assert_eq!(settings.history_limit, 1_000);
        assert_eq!(
            settings.set_history_limit(5),
            Err(SettingsError::HistoryLimit)
        );
        settings.set_history_limit(50).unwrap();
        assert_eq!(settings.history_limit, 50);
    }

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
