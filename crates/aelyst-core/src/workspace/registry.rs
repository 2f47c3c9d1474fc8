//! The open workspaces: one outbox (its own journal and sending loop) and one bound token each,
//! all sending side by side whichever the window shows. Adding, removing and moving a
//! workspace to another address go through here, so each is done in the one safe order.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use super::{normalised, Workspace, WorkspaceError, WorkspaceToken};
use crate::api::{Client, ClientConfig, DEFAULT_BASE_URL};
use crate::keychain::Keychains;
use crate::outbox::{HistoryEvent, OpenReport, Outbox, OutboxError, OutboxOptions};
use crate::policy::{Policies, Setting};
use crate::settings::{checked_address, SettingsStore};
use crate::AppError;

/// Starts a workspace's sending loop on the app's async runtime.
pub type Spawner = Arc<dyn Fn(Pin<Box<dyn Future<Output = ()> + Send>>) + Send + Sync>;
/// Hears every workspace's history changes, with the workspace's id.
pub type WorkspacesListener = Arc<dyn Fn(&str, HistoryEvent) + Send + Sync>;

/// One workspace, open: its outbox and its token.
pub struct OpenWorkspace {
    pub id: String,
    pub outbox: Outbox,
    pub token: Arc<WorkspaceToken>,
}

impl OpenWorkspace {
    /// Saves a token for the address the window showed (`shown_address`) and drops every copy
    /// of the one before: refused when the workspace sends somewhere else now (its address
    /// changed while the agent was typing), so a token is only ever bound to the address the
    /// agent saw. Blocks (the keychain).
    pub fn save_token(&self, raw: &str, shown_address: &str) -> Result<(), AppError> {
        let address = self.outbox.client().config().base_url().clone();
        if normalised(Some(shown_address)) != address.as_str() {
            return Err(WorkspaceError::AddressChanged {
                address: address.to_string(),
            }
            .into());
        }
        self.token.save_for(raw, &address)?;
        self.outbox.token_changed();
        Ok(())
    }

    /// Forgets the token: unbound first (from then on it is never sent), removed from the
    /// keychain, and every copy the outbox holds dropped. Blocks (the keychain).
    pub fn forget_token(&self) -> Result<(), AppError> {
        let forgotten = self.token.forget();
        // Whatever the keychain said, nothing cached is sent again.
        self.outbox.token_changed();
        forgotten
    }

    /// The client and the token for its address, as one pair (`None`: no token for it).
    /// Blocks (the keychain).
    pub fn credentials(
        &self,
    ) -> Result<Option<(Client, crate::api::ApiToken)>, crate::keychain::KeychainError> {
        let client = self.outbox.client();
        Ok(self
            .token
            .load_for(client.config().base_url())?
            .map(|token| (client, token)))
    }
}

/// What the registry works with.
pub struct Setup {
    /// The app's data folder: the settings file, and the workspaces' files.
    pub data_dir: PathBuf,
    pub keychains: Keychains,
    pub settings: Arc<SettingsStore>,
    pub listener: WorkspacesListener,
    pub spawn: Spawner,
    /// Adjusts each workspace's client (tests shorten timeouts and backoff); the app passes
    /// [`std::convert::identity`].
    pub tune: fn(ClientConfig) -> ClientConfig,
    /// What IT locked (managed policies): checked before anything is added, removed or saved.
    pub policies: Arc<Policies>,
}

pub struct Workspaces {
    setup: Setup,
    open: RwLock<BTreeMap<String, Arc<OpenWorkspace>>>,
}

impl Workspaces {
    /// Opens every workspace the settings list (call [`crate::settings::Settings::settle`]
    /// first) and starts each one sending. Returns what opening each journal found, by
    /// workspace name.
    pub fn open(setup: Setup) -> Result<(Self, Vec<(String, OpenReport)>), AppError> {
        let registry = Self {
            setup,
            open: RwLock::new(BTreeMap::new()),
        };
        let mut reports = Vec::new();
        for workspace in registry.setup.settings.read(|s| s.workspaces.clone()) {
            let (open, report) = registry.open_one(&workspace)?;
            registry.insert(open);
            reports.push((workspace.name, report));
        }
        Ok((registry, reports))
    }

    fn client_for(&self, workspace: &Workspace) -> Result<Client, AppError> {
        let address = workspace
            .api_base_url
            .as_deref()
            .unwrap_or(DEFAULT_BASE_URL);
        Ok(Client::new((self.setup.tune)(ClientConfig::new(address)?))?)
    }

    fn open_one(
        &self,
        workspace: &Workspace,
    ) -> Result<(Arc<OpenWorkspace>, OpenReport), AppError> {
        let folder = workspace.folder(&self.setup.data_dir);
        crate::files::create_private_dir(&folder)
            .map_err(|err| OutboxError::Disk(err.kind().to_string()))?;
        let token = Arc::new(WorkspaceToken::new(
            &workspace.id,
            self.setup.keychains.account(&workspace.id),
            self.setup.settings.clone(),
        ));
        let listener = self.setup.listener.clone();
        let id = workspace.id.clone();
        let (outbox, report) = Outbox::open(
            &workspace.journal_path(&self.setup.data_dir),
            OutboxOptions {
                history_limit: self.setup.settings.read(|s| s.history_limit),
                ..OutboxOptions::default()
            },
            self.client_for(workspace)?,
            token.clone(),
            Box::new(move |event| listener(&id, event)),
        )?;
        (self.setup.spawn)(Box::pin(outbox.worker()));
        Ok((
            Arc::new(OpenWorkspace {
                id: workspace.id.clone(),
                outbox,
                token,
            }),
            report,
        ))
    }

    fn insert(&self, open: Arc<OpenWorkspace>) {
        self.open
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(open.id.clone(), open);
    }

    pub fn get(&self, id: &str) -> Result<Arc<OpenWorkspace>, WorkspaceError> {
        self.open
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(id)
            .cloned()
            .ok_or(WorkspaceError::NotFound)
    }

    /// Actions on their way in every workspace (an update waits for none).
    pub fn waiting(&self) -> usize {
        self.all()
            .iter()
            .map(|open| open.outbox.counts().pending)
            .sum()
    }

    pub fn all(&self) -> Vec<Arc<OpenWorkspace>> {
        self.open
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Adds a workspace for `address` (empty: the real API), opens it and starts it sending,
    /// then lists it. It has no token yet. Returns its id.
    pub fn add(&self, name: &str, address: &str) -> Result<String, AppError> {
        self.setup.policies.check(Setting::AddWorkspace)?;
        let address = checked_address(address)?;
        let workspace = Workspace::new(name, address.as_deref())?;
        let (open, _) = self.open_one(&workspace)?;
        let id = workspace.id.clone();
        let listed = self.setup.settings.update(|s| {
            s.workspaces.push(workspace.clone());
            Ok(())
        });
        if let Err(err) = listed {
            // Not in the settings, so it would not come back: undo the folder too.
            let _ = open.outbox.close();
            let _ = std::fs::remove_dir_all(workspace.folder(&self.setup.data_dir));
            return Err(err.into());
        }
        self.insert(open);
        Ok(id)
    }

    /// Removes a workspace: refused while actions wait (the agent waits or cancels them
    /// first) and for the only one. Its outbox is closed first (nothing more can be saved in
    /// it), then it leaves the settings, its token is forgotten and its files deleted.
    pub fn remove(&self, id: &str) -> Result<(), AppError> {
        let open = self.get(id)?;
        if let Some(record) = self.setup.settings.read(|s| s.workspace(id).cloned()) {
            self.setup.policies.may_remove_workspace(&record)?;
        }
        let others = self.setup.settings.read(|s| s.workspaces.len()) - 1;
        if others == 0 {
            return Err(WorkspaceError::LastOne.into());
        }
        open.outbox
            .close()
            .map_err(|count| WorkspaceError::StillWaiting { count })?;
        let folder = self.setup.settings.read(|s| {
            s.workspace(id)
                .map(|w| (w.folder(&self.setup.data_dir), w.clone()))
        });
        let unlisted = self.setup.settings.update(|s| {
            s.workspaces.retain(|w| w.id != id);
            if s.shown.as_deref() == Some(id) {
                s.shown = s.workspaces.first().map(|w| w.id.clone());
            }
            Ok(())
        });
        if let Err(err) = unlisted {
            // Still listed: it opens again on the next start, with everything it had.
            return Err(err.into());
        }
        self.open
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(id);
        if let Err(err) = self.setup.keychains.account(id).forget() {
            tracing::warn!(
                "removed workspace's token not forgotten: {}",
                AppError::from(err).code
            );
        }
        if let Some((folder, workspace)) = folder {
            remove_files(&folder, &workspace, &self.setup.data_dir);
        }
        Ok(())
    }

    /// Moves a workspace to another API address. Refused while actions wait (they are sent
    /// to the address they were made for, or cancelled, never moved). The token is forgotten
    /// before the address changes: the agent saves the one for the new address.
    /// Returns whether the address changed.
    pub fn change_address(&self, id: &str, input: &str) -> Result<bool, AppError> {
        let address = checked_address(input)?;
        let current = self
            .setup
            .settings
            .read(|s| s.workspace(id).cloned())
            .ok_or(WorkspaceError::NotFound)?;
        if normalised(address.as_deref()) == current.address() {
            return Ok(false);
        }
        let moved = Workspace {
            api_base_url: address,
            ..current
        };
        let client = self.client_for(&moved)?;
        let open = self.get(id)?;
        // Under the lock saving an action takes: the settings that record the new address
        // (with no token bound to it) are written first, and only then does sending point
        // there. A write that fails changes nothing: the window and sending keep the old one.
        open.outbox
            .change_address(client, || -> Result<(), AppError> {
                self.setup.settings.update(|s| {
                    let workspace = s.existing(id)?;
                    workspace.api_base_url = moved.api_base_url.clone();
                    workspace.token_address = None;
                    Ok(())
                })?;
                // Bound to nothing already; a keychain that fails here only leaves a token
                // that is never sent, and the next one saved replaces it.
                if let Err(err) = self.setup.keychains.account(id).forget() {
                    tracing::warn!(
                        "old address's token not removed: {}",
                        AppError::from(err).code
                    );
                }
                Ok(())
            })
            .map_err(|count| WorkspaceError::StillWaiting { count })??;
        Ok(true)
    }

    /// The settings every workspace is kept in.
    /// The managed policies the app started with.
    pub fn policies(&self) -> &Policies {
        &self.setup.policies
    }

    pub fn settings(&self) -> &SettingsStore {
        &self.setup.settings
    }

    pub fn set_history_limit(&self, limit: usize) -> Result<(), AppError> {
        self.setup.settings.update(|s| s.set_history_limit(limit))?;
        for open in self.all() {
            open.outbox.set_history_limit(limit)?;
        }
        Ok(())
    }
}

/// A removed workspace's journal and lock; its folder too, unless it is the data folder
/// itself (the workspace an earlier version's install became).
fn remove_files(folder: &Path, workspace: &Workspace, data_dir: &Path) {
    let result = if workspace.id == super::LEGACY_ID {
        let journal = workspace.journal_path(data_dir);
        let mut lock = journal.clone().into_os_string();
        lock.push(".lock");
        std::fs::remove_file(&journal).and_then(|()| std::fs::remove_file(lock))
    } else if super::is_app_made_id(&workspace.id)
        && folder.parent() == Some(data_dir.join(super::FOLDER).as_path())
    {
        std::fs::remove_dir_all(folder)
    } else {
        // Never reached with ids read from a file (they are checked there); kept so that no
        // id can ever make this remove anything but one workspace's own folder.
        Err(std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    if let Err(err) = result {
        tracing::warn!("removed workspace's files not deleted: {}", err.kind());
    }
}
