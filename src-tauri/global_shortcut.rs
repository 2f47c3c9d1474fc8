//! The global shortcut: registered from Rust (the window is granted none of the plugin's
//! commands), changed from Settings, and what the system said about it.

use std::str::FromStr;
use std::sync::Mutex;

use aelyst_core::handoff::{Handoff, ShortcutError};
use aelyst_core::AppError;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{
    GlobalShortcut, GlobalShortcutExt, Modifiers, Shortcut, ShortcutState,
};

/// What Settings shows about the shortcut.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShortcutStatus {
    /// As the agent reads it (`Ctrl+Shift+F9`); `None` when switched off.
    pub shortcut: Option<String>,
    /// Registered with the system and working.
    pub active: bool,
    /// Why it is not working (or works only in part), as the window words it.
    pub problem: Option<AppError>,
    /// The one it is when switched on again (see `DEFAULT_SHORTCUT`).
    pub standard: &'static str,
}

impl Default for ShortcutStatus {
    fn default() -> Self {
        Self {
            shortcut: None,
            active: false,
            problem: None,
            standard: aelyst_core::settings::DEFAULT_SHORTCUT,
        }
    }
}

#[derive(Default)]
pub struct Shortcuts {
    status: Mutex<ShortcutStatus>,
}

impl Shortcuts {
    pub fn status(&self) -> ShortcutStatus {
        self.status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Until it is registered (the window's first frame), the saved shortcut is what the
    /// window shows (the shortcut sheet lists it), not yet active.
    pub fn registering(&self, saved: Option<String>) {
        self.set(ShortcutStatus {
            shortcut: saved,
            ..ShortcutStatus::default()
        });
    }

    fn set(&self, status: ShortcutStatus) -> ShortcutStatus {
        *self
            .status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = status.clone();
        status
    }
}

/// The saved shortcut, until the window's first frame is on screen (then it is registered).
pub struct Pending(pub std::sync::Mutex<Option<Option<String>>>);

/// Registers the saved shortcut, once, off the async runtime's threads.
pub fn start_when_ready<R: Runtime>(app: &AppHandle<R>) {
    let Some(pending) = app.try_state::<Pending>() else {
        return;
    };
    let Some(saved) = pending
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take()
    else {
        return;
    };
    let handle = app.clone();
    tauri::async_runtime::spawn_blocking(move || match handle.plugin(plugin()) {
        Ok(()) => start(&handle, saved.as_deref()),
        Err(err) => tracing::warn!("global shortcuts unavailable: {err}"),
    });
}

/// The plugin, with its handler: a press brings the app forward with the clipboard's contact.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                crate::handoff::handle(
                    app,
                    Handoff::FromClipboard,
                    aelyst_core::handoff::Source::Clipboard,
                );
            }
        })
        .build()
}

/// A combination the system can register and that never goes off while the agent types:
/// Shift alone (Shift+A is every capital A) or no modifier at all is refused.
pub fn parse(text: &str) -> Result<Shortcut, ShortcutError> {
    let text = text.trim();
    let shortcut = Shortcut::from_str(text).map_err(|_| ShortcutError::Invalid(text.to_owned()))?;
    let typing_keys = Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER | Modifiers::META;
    if !shortcut.mods.intersects(typing_keys) {
        return Err(ShortcutError::TooPlain(text.to_owned()));
    }
    Ok(shortcut)
}

/// Replaces the registered shortcut with `wanted` (`None`: off). When the system refuses the
/// new one, the old one is registered again and the error says so.
pub fn apply<R: Runtime>(
    app: &AppHandle<R>,
    wanted: Option<&str>,
) -> Result<ShortcutStatus, ShortcutError> {
    let shortcuts = app.state::<Shortcuts>();
    // A combination that can never be used is refused as such, whether or not this desktop
    // has global shortcuts at all.
    let new = wanted.map(parse).transpose()?;
    if app.try_state::<GlobalShortcut<R>>().is_none() {
        shortcuts.set(ShortcutStatus {
            shortcut: wanted.map(str::to_owned),
            problem: Some(ShortcutError::Unavailable.into()),
            ..ShortcutStatus::default()
        });
        return Err(ShortcutError::Unavailable);
    }
    let manager = app.global_shortcut();
    let old = shortcuts.status();
    let _ = manager.unregister_all();
    let Some(new) = new else {
        return Ok(shortcuts.set(ShortcutStatus::default()));
    };
    if manager.register(new).is_err() {
        if let Some(old) = old.shortcut.as_deref().filter(|_| old.active) {
            if let Ok(old) = parse(old) {
                let _ = manager.register(old);
            }
        }
        return Err(ShortcutError::Refused(
            wanted.unwrap_or_default().to_owned(),
        ));
    }
    Ok(shortcuts.set(ShortcutStatus {
        shortcut: wanted.map(str::to_owned),
        active: true,
        problem: wayland_note(),
        ..ShortcutStatus::default()
    }))
}

/// At start: the saved shortcut, and what the system said, kept for Settings.
pub fn start<R: Runtime>(app: &AppHandle<R>, saved: Option<&str>) {
    if let Err(err) = apply(app, saved) {
        tracing::warn!(
            "global shortcut not registered: {}",
            aelyst_core::AppError::from(err.clone()).code
        );
        app.state::<Shortcuts>().set(ShortcutStatus {
            shortcut: saved.map(str::to_owned),
            problem: Some(err.into()),
            ..ShortcutStatus::default()
        });
    }
}

/// Under Wayland a shortcut registered through X11 only works while an X11 window has the
/// focus: say so, and point to the command.
fn wayland_note() -> Option<AppError> {
    let wayland = std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t == "wayland")
        || std::env::var_os("WAYLAND_DISPLAY").is_some();
    wayland.then(|| {
        AppError::new(
            aelyst_core::ErrorCode::ShortcutWaylandLimited,
            "This is a Wayland session, where the shortcut may only work while some apps have the focus.",
        )
    })
}
