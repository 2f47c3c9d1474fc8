//! One workspace's token: in the keychain under the workspace's own account, and bound to the
//! address it was saved for. Whoever asks for it says where it is going; for any other address
//! there is no token, so nothing (a changed setting, a hand-edited file, an environment
//! variable) can send it elsewhere.

use std::sync::Arc;

use url::Url;

use crate::api::ApiToken;
use crate::keychain::{Keychain, KeychainError};
use crate::outbox::TokenSource;
use crate::settings::{SettingsError, SettingsStore};
use crate::AppError;

pub struct WorkspaceToken {
    id: String,
    keychain: Keychain,
    settings: Arc<SettingsStore>,
}

impl WorkspaceToken {
    pub fn new(id: &str, keychain: Keychain, settings: Arc<SettingsStore>) -> Self {
        Self {
            id: id.to_owned(),
            keychain,
            settings,
        }
    }

    fn bound_to(&self, address: &Url) -> bool {
        let bound = self
            .settings
            .read(|s| s.workspace(&self.id).and_then(|w| w.token_address.clone()));
        bound.as_deref() == Some(address.as_str())
    }

    /// The token, when one is saved for `address`: the settings must bind it there, and so
    /// must the keychain itself when it knows (tokens saved from 0.6 on), so no settings file
    /// alone can move a token to another address. Blocks (the keychain can prompt).
    pub fn load_for(&self, address: &Url) -> Result<Option<ApiToken>, KeychainError> {
        if !self.bound_to(address) {
            return Ok(None);
        }
        Ok(match self.keychain.load_bound()? {
            Some((Some(saved_for), token)) if saved_for == address.as_str() => Some(token),
            Some((Some(_), _)) => None,
            Some((None, token)) => {
                // Saved by an earlier version, alone: from now on the keychain says where it
                // goes too (the address the settings bind it to, checked above).
                if let Err(err) = self.keychain.save_for(token.expose(), address.as_str()) {
                    tracing::warn!(
                        "token's address not added in the keychain: {}",
                        crate::AppError::from(err).code
                    );
                }
                Some(token)
            }
            None => None,
        })
    }

    pub fn saved_for(&self, address: &Url) -> Result<bool, KeychainError> {
        self.load_for(address).map(|token| token.is_some())
    }

    /// Saves the token in the keychain with `address`, then binds it to `address` in the
    /// settings too. Blocks.
    pub fn save_for(&self, raw: &str, address: &Url) -> Result<(), AppError> {
        self.keychain.save_for(raw, address.as_str())?;
        self.bind(Some(address.to_string()))?;
        Ok(())
    }

    /// Unbinds it first (from then on it is never sent), then removes it from the keychain.
    pub fn forget(&self) -> Result<(), AppError> {
        self.bind(None)?;
        Ok(self.keychain.forget()?)
    }

    fn bind(&self, address: Option<String>) -> Result<(), SettingsError> {
        self.settings.update(|s| {
            if let Some(workspace) = s.workspace_mut(&self.id) {
                workspace.token_address = address;
            }
            Ok(())
        })
    }
}

impl TokenSource for WorkspaceToken {
    fn current(&self, address: &Url) -> Result<Option<ApiToken>, crate::keychain::KeychainError> {
        self.load_for(address)
    }
}
