//! No Secret Service at all (no session bus): the app says so in plain words and never falls
//! back to a file. Its own test binary, because libdbus remembers the first bus it found.
//! Linux only: Windows always has its Credential Manager and macOS its Keychain, so there is
//! no computer of theirs without one to test against.
#![cfg(target_os = "linux")]

use aelyst_core::keychain::{Keychain, KeychainError, DEFAULT_ACCOUNT};

#[test]
fn no_keychain_is_plain_words_and_no_fallback() {
    let home = tempfile::tempdir().unwrap();
    std::env::set_var("HOME", home.path());
    std::env::set_var("XDG_DATA_HOME", home.path());
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}/no-bus", home.path().display()),
    );

    let keychain = Keychain::platform(DEFAULT_ACCOUNT);
    let err = keychain.save("tok-would-be-lost").unwrap_err();
    assert_eq!(err, KeychainError::Unavailable);
    assert!(!format!("{err} {err:?}").contains("tok-"));
    assert_eq!(keychain.load().unwrap_err(), KeychainError::Unavailable);
    assert_eq!(
        std::fs::read_dir(home.path()).unwrap().count(),
        0,
        "nothing was written instead"
    );
}
