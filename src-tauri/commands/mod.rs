//! The thin layer the window calls, by area. Each command is a few lines over the core; the
//! list of them is `list.rs`.

pub mod actions;
pub mod bulk;
pub mod diagnostics;
pub mod export;
pub mod handoff;
pub mod history;
pub mod my_conversations;
pub mod settings;
pub mod token;
pub mod updates;
pub mod window;
pub mod workspaces;
