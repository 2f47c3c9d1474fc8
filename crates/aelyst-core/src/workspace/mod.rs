//! Workspaces: each Aelyst workspace the agent works in has its own name, API address, token
//! (its own keychain entry), outbox and history, cached closing-note categories, and closing
//! rule. A token is bound to the address it was saved for ([`WorkspaceToken`]); the
//! [`Workspaces`] registry opens each one's outbox and keeps them sending side by side.
//!
//! The record itself (and its closing rule) is what the settings file keeps: [`crate::settings`];
//! it is re-exported here.
//!
//! - `first_run`: what the settings become before the window starts;
//! - `token`: the token of one workspace, only ever handed out for its own address;
//! - `registry`: the open workspaces and what adding or removing one does to disk.

mod closing;
mod first_run;
mod registry;
mod requests;
mod token;

pub use crate::settings::{
    is_app_made_id, name_for, normalised, ClosingRule, Me, Workspace, WorkspaceError, FOLDER,
    JOURNAL_FILE, LEGACY_ID, NAME_MAX_CHARS,
};
pub use closing::{BulkInput, BulkStarted};
pub use first_run::Settled;
pub use registry::{OpenWorkspace, Setup, Spawner, Workspaces, WorkspacesListener};
pub use requests::{Saved, TypedAction, WorkspaceSettings};
pub use token::WorkspaceToken;
