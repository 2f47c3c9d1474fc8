//! The API token in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) and nowhere else: never in a file, a log line or an error message.
//!
//! Calls block (an unlock prompt can wait on the person), so callers run them off the async
//! runtime with `spawn_blocking`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use keyring_core::{CredentialStore, Entry, Error as StoreError};

use crate::api::{ApiToken, TokenFormatError};
use crate::error::{Coded, ErrorCode, Fields};

pub const SERVICE: &str = "ai.aelyst.desk";
pub const DEFAULT_ACCOUNT: &str = "default";
/// How a secret that carries its address begins: `aelyst-desk-bound:<address> <token>` (an
/// address and a token have no spaces).
const BOUND_MARK: &str = "aelyst-desk-bound:";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    #[error("No keychain is available on this computer, so the API token cannot be kept safely. Everything else still works; sending waits until a keychain is available.")]
    Unavailable,
    #[error("The keychain is locked or did not allow access. Unlock it (for example by logging in again) and try once more.")]
    Locked,
    #[error("The keychain could not do this: {0}")]
    Failed(FailCause),
    #[error(transparent)]
    InvalidToken(#[from] TokenFormatError),
}

impl Coded for KeychainError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Unavailable => ErrorCode::KeychainUnavailable,
            Self::Locked => ErrorCode::KeychainLocked,
            Self::Failed(_) => ErrorCode::KeychainFailed,
            Self::InvalidToken(err) => err.code(),
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::Failed(cause) => crate::fields! { "cause" => cause },
            _ => Fields::new(),
        }
    }
}

/// Why the keychain could not do what was asked, as a word the window has a sentence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, strum::Display, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FailCause {
    /// The saved token is not text: paste it again.
    Unreadable,
    /// More than one token is saved under this account.
    Ambiguous,
    Other,
}

/// Maps store errors to plain words. Some variants carry the stored bytes (the secret):
/// those are dropped here and never formatted.
fn plain(err: StoreError) -> KeychainError {
    match err {
        StoreError::NoDefaultStore => KeychainError::Unavailable,
        StoreError::NoStorageAccess(_) => KeychainError::Locked,
        StoreError::PlatformFailure(_) => KeychainError::Unavailable,
        StoreError::BadEncoding(_) | StoreError::BadDataFormat(..) => {
            KeychainError::Failed(FailCause::Unreadable)
        }
        StoreError::Ambiguous(_) => KeychainError::Failed(FailCause::Ambiguous),
        // Windows keeps at most 2,560 bytes per secret: a token that fits the core's limit can
        // still not fit with a long address.
        StoreError::TooLong(..) => KeychainError::InvalidToken(TokenFormatError::TooLong),
        _ => KeychainError::Failed(FailCause::Other),
    }
}

type StoreFactory = Box<dyn Fn() -> Result<Arc<CredentialStore>, StoreError> + Send + Sync>;

/// The keychain every workspace's token lives in, one entry (account) each. The platform store
/// is opened on first use, not at start-up, and shared by every account. Failing to open it is
/// not kept: the next use tries again (the Secret Service may start after the app). A store
/// whose call failed in the platform is dropped and opened afresh on the next use: a
/// gnome-keyring that restarted has forgotten the old connection's session, and every call on
/// it would fail until the app restarts.
#[derive(Clone)]
pub struct Keychains {
    factory: Arc<StoreFactory>,
    store: Arc<Mutex<Option<Arc<CredentialStore>>>>,
}

impl Keychains {
    /// The OS keychain for this platform.
    pub fn platform() -> Self {
        Self::with_factory(Box::new(platform_store))
    }

    /// A given store (keyring-core's mock in unit tests).
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Self::with_factory(Box::new(move || Ok(store.clone())))
    }

    fn with_factory(factory: StoreFactory) -> Self {
        Self {
            factory: Arc::new(factory),
            store: Arc::new(Mutex::new(None)),
        }
    }

    /// The store as last opened, if it is open.
    fn open(&self) -> MutexGuard<'_, Option<Arc<CredentialStore>>> {
        // A panic while the lock was held cannot leave the Option half-written.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The entry named `account` (a workspace's id).
    pub fn account(&self, account: &str) -> Keychain {
        Keychain {
            account: account.to_owned(),
            stores: self.clone(),
        }
    }
}

/// One account's token.
pub struct Keychain {
    account: String,
    stores: Keychains,
}

impl Keychain {
    /// The OS keychain for this platform.
    pub fn platform(account: &str) -> Self {
        Keychains::platform().account(account)
    }

    /// A given store (keyring-core's mock in unit tests).
    pub fn with_store(account: &str, store: Arc<CredentialStore>) -> Self {
        Keychains::with_store(store).account(account)
    }

    fn entry(&self) -> Result<Entry, KeychainError> {
        let store = {
            let mut open = self.stores.open();
            match open.as_ref() {
                Some(store) => store.clone(),
                None => open.insert((self.stores.factory)().map_err(plain)?).clone(),
            }
        };
        Entry::new_in_store(&store, SERVICE, &self.account).map_err(|err| self.failed(err))
    }

    /// Plain words for `err`; after a failure in the platform, the store is opened again on
    /// the next use.
    fn failed(&self, err: StoreError) -> KeychainError {
        if matches!(err, StoreError::PlatformFailure(_)) {
            self.stores.open().take();
        }
        plain(err)
    }

    /// Saves the token alone, as versions before 0.6 kept it (tests of the upgrade use it).
    pub fn save(&self, raw: &str) -> Result<(), KeychainError> {
        let token = ApiToken::new(raw)?;
        self.entry()?
            .set_password(token.expose())
            .map_err(|err| self.failed(err))
    }

    /// Saves the token with the address it is for, in the one secret: whatever a settings
    /// file says later (damaged, restored from a backup, edited), the keychain itself says
    /// where this token may go.
    pub fn save_for(&self, raw: &str, address: &str) -> Result<(), KeychainError> {
        let token = ApiToken::new(raw)?;
        // Built in place, at its final size: no reallocation leaves a copy of the token behind.
        let mut secret = zeroize::Zeroizing::new(String::with_capacity(
            BOUND_MARK.len() + address.len() + 1 + token.expose().len(),
        ));
        secret.push_str(BOUND_MARK);
        secret.push_str(address);
        secret.push(' ');
        secret.push_str(token.expose());
        self.entry()?
            .set_password(&secret)
            .map_err(|err| self.failed(err))
    }

    /// The token, `Ok(None)` when none is saved.
    pub fn load(&self) -> Result<Option<ApiToken>, KeychainError> {
        Ok(self.load_bound()?.map(|(_, token)| token))
    }

    /// The token and the address it was saved for (`None`: saved by a version that did not
    /// keep it), `Ok(None)` when none is saved.
    pub fn load_bound(&self) -> Result<Option<(Option<String>, ApiToken)>, KeychainError> {
        match self.entry()?.get_password() {
            Ok(secret) => {
                let secret = zeroize::Zeroizing::new(secret);
                // A token that no longer passes the format check is as good as none.
                Ok(match secret.strip_prefix(BOUND_MARK) {
                    Some(bound) => bound.split_once(' ').and_then(|(address, token)| {
                        Some((Some(address.to_owned()), ApiToken::new(token).ok()?))
                    }),
                    None => ApiToken::new(&secret).ok().map(|token| (None, token)),
                })
            }
            Err(StoreError::NoEntry) => Ok(None),
            Err(err) => Err(self.failed(err)),
        }
    }

    pub fn has_token(&self) -> Result<bool, KeychainError> {
        self.load().map(|token| token.is_some())
    }

    /// Removes the saved token; forgetting nothing is not an error.
    pub fn forget(&self) -> Result<(), KeychainError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(StoreError::NoEntry) => Ok(()),
            Err(err) => Err(self.failed(err)),
        }
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    Ok(dbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    Err(StoreError::NoDefaultStore)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock() -> Keychain {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        Keychain::with_store(DEFAULT_ACCOUNT, store)
    }

    #[test]
    fn save_load_forget() {
        let keychain = mock();
        assert!(keychain.load().unwrap().is_none());
        keychain.save("  tok-123  ").unwrap();
        assert_eq!(keychain.load().unwrap().unwrap().expose(), "tok-123");
        assert!(keychain.has_token().unwrap());
        keychain.forget().unwrap();
        assert!(!keychain.has_token().unwrap());
        keychain.forget().unwrap();
    }

    #[test]
    fn a_token_is_kept_with_the_address_it_was_saved_for() {
        let keychain = mock();
        keychain
            .save_for(" tok-bound-1 ", "http://127.0.0.1:9/v1")
            .unwrap();
        let (address, token) = keychain.load_bound().unwrap().unwrap();
        assert_eq!(address.as_deref(), Some("http://127.0.0.1:9/v1"));
        assert_eq!(token.expose(), "tok-bound-1");
        assert_eq!(keychain.load().unwrap().unwrap().expose(), "tok-bound-1");
        // One an earlier version saved alone has no address of its own.
        keychain.save("tok-old-2").unwrap();
        let (address, token) = keychain.load_bound().unwrap().unwrap();
        assert_eq!((address, token.expose()), (None, "tok-old-2"));
    }

    #[test]
    fn each_account_is_its_own_entry_in_one_store() {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        let keychains = Keychains::with_store(store);
        let (a, b) = (keychains.account("w-a"), keychains.account("w-b"));
        a.save("token-a").unwrap();
        assert!(!b.has_token().unwrap());
        b.save("token-b").unwrap();
        a.forget().unwrap();
        assert_eq!(b.load().unwrap().unwrap().expose(), "token-b");
    }

    #[test]
    fn bad_tokens_are_refused_and_nothing_is_stored() {
        let keychain = mock();
        assert_eq!(
            keychain.save(" "),
            Err(KeychainError::InvalidToken(TokenFormatError::Empty))
        );
        assert_eq!(
            keychain.save("two words"),
            Err(KeychainError::InvalidToken(TokenFormatError::ContainsSpace))
        );
        assert!(!keychain.has_token().unwrap());
    }

    #[test]
    fn a_missing_keychain_is_plain_words_and_never_a_fallback() {
        let keychain = Keychains::with_factory(Box::new(|| Err(StoreError::NoDefaultStore)))
            .account(DEFAULT_ACCOUNT);
        let err = keychain.save("tok-123").unwrap_err();
        assert_eq!(err, KeychainError::Unavailable);
        assert!(err.to_string().starts_with("No keychain is available"));
        assert_eq!(keychain.load().unwrap_err(), KeychainError::Unavailable);
    }

    /// A factory that hands out `stores` in turn, counting its calls.
    fn stores_in_turn(
        stores: Vec<Result<Arc<CredentialStore>, StoreError>>,
    ) -> (Keychain, Arc<std::sync::atomic::AtomicUsize>) {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = calls.clone();
        let stores = std::sync::Mutex::new(stores.into_iter());
        let factory: StoreFactory = Box::new(move || {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            stores.lock().unwrap().next().expect("no more stores")
        });
        (
            Keychains::with_factory(factory).account(DEFAULT_ACCOUNT),
            calls,
        )
    }

    fn mock_store_holding(token: &str) -> Arc<CredentialStore> {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        Keychain::with_store(DEFAULT_ACCOUNT, store.clone())
            .save(token)
            .unwrap();
        store
    }

    #[test]
    fn a_keychain_missing_at_first_is_found_once_it_is_there() {
        // The Secret Service starts after the app (a login that unlocks it late): the first
        // failure to open it is not kept as the answer for good.
        let (keychain, calls) = stores_in_turn(vec![
            Err(StoreError::NoDefaultStore),
            Ok(mock_store_holding("tok-later")),
        ]);
        assert_eq!(keychain.load().unwrap_err(), KeychainError::Unavailable);
        assert_eq!(keychain.load().unwrap().unwrap().expose(), "tok-later");
        keychain.load().unwrap();
        assert_eq!(
            calls.load(std::sync::atomic::Ordering::SeqCst),
            2,
            "opened once it worked"
        );
    }

    #[test]
    fn a_store_that_failed_is_opened_again_on_the_next_use() {
        // gnome-keyring restarted: the old connection's session is gone and every call on it
        // fails; a new connection reads the keychain as it is.
        let stale = mock_store_holding("tok-stale");
        Entry::new_in_store(&stale, SERVICE, DEFAULT_ACCOUNT)
            .unwrap()
            .as_any()
            .downcast_ref::<keyring_core::mock::Cred>()
            .unwrap()
            .set_error(StoreError::PlatformFailure("session gone".into()));
        let (keychain, calls) = stores_in_turn(vec![Ok(stale), Ok(mock_store_holding("tok-now"))]);
        assert_eq!(keychain.load().unwrap_err(), KeychainError::Unavailable);
        assert_eq!(keychain.load().unwrap().unwrap().expose(), "tok-now");
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[test]
    fn errors_that_carry_the_secret_do_not_show_it() {
        let err = plain(StoreError::BadEncoding(b"sekrit-token".to_vec()));
        assert!(!format!("{err} {err:?}").contains("sekrit"));
    }
}
