//! The agent's preferences for this computer (the language, the global shortcut) in
//! tauri-plugin-store's own file, `preferences.json`, read and written from Rust only (the
//! window is granted none of the plugin's commands). The core's `preferences` says why they
//! are apart from the workspaces, and guards the file: it is checked (and restored from the
//! copy, or set aside) before the plugin opens it, and copied before each save.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use aelyst_core::preferences::{self, Preferences, Prepared};
use aelyst_core::settings::SettingsError;
use aelyst_core::AppError;
use tauri::{AppHandle, Runtime};

/// Saves through the plugin's store, whatever the runtime.
type Saver = Box<dyn Fn(&Preferences) -> Result<(), String> + Send + Sync>;

pub struct PreferenceStore {
    current: Mutex<Preferences>,
    save: Saver,
}

impl PreferenceStore {
    /// Opens `preferences.json` in `data_dir` with the plugin, once the core has made it safe
    /// to open; `legacy`: what the settings file kept, for a first start.
    pub fn open<R: Runtime>(
        app: &AppHandle<R>,
        data_dir: &Path,
        legacy: Preferences,
    ) -> Result<(Self, Prepared), tauri_plugin_store::Error> {
        let path = data_dir.join(preferences::FILE);
        let prepared = preferences::prepare(&path, legacy);
        // Saved when a preference changes, after a copy is kept: never on a timer.
        let store = tauri_plugin_store::StoreBuilder::new(app, &path)
            .disable_auto_save()
            .build()?;
        let save: Saver = Box::new(move |chosen| {
            preferences::keep_copy(&path).map_err(|err| err.kind().to_string())?;
            for (key, value) in chosen.to_values() {
                store.set(key, value);
            }
            store.save().map_err(|err| err.to_string())
        });
        let current = Mutex::new(prepared.preferences.clone());
        Ok((Self { current, save }, prepared))
    }

    fn lock(&self) -> MutexGuard<'_, Preferences> {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self) -> Preferences {
        self.lock().clone()
    }

    /// Changes the preferences and saves them; a save that fails changes nothing.
    pub fn update(&self, change: impl FnOnce(&mut Preferences)) -> Result<(), AppError> {
        let mut current = self.lock();
        let mut next = current.clone();
        change(&mut next);
        (self.save)(&next).map_err(SettingsError::Save)?;
        *current = next;
        Ok(())
    }
}
