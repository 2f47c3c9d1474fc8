//! The token in a real Secret Service (gnome-keyring on a private D-Bus session).
// Drives the real Linux desktop (Xvfb, a session bus, the Secret Service): Linux only;
// the Windows and macOS checks (scripts/check-cross.sh) compile everything else.
#![cfg(target_os = "linux")]

mod support;

use std::process::Command;

use aelyst_core::keychain::{Keychain, DEFAULT_ACCOUNT, SERVICE};
use support::desktop::KeyringSession;

fn secret_tool(session: &KeyringSession) -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", SERVICE])
        .envs(session.env().iter().cloned())
        .output()
        .expect("secret-tool (apt-get install libsecret-tools)");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

// One test: the store finds the bus through the process environment.
#[test]
fn token_lives_in_the_real_secret_service_and_nowhere_else() {
    let session = KeyringSession::start();
    for (key, value) in session.env() {
        std::env::set_var(key, value);
    }

    let keychain = Keychain::platform(DEFAULT_ACCOUNT);
    assert!(!keychain.has_token().unwrap());
    keychain.save("  tok-real-secret-service-42 ").unwrap();

    // A second connection, as after a restart, reads the same item.
    let reopened = Keychain::platform(DEFAULT_ACCOUNT);
    assert_eq!(
        reopened.load().unwrap().unwrap().expose(),
        "tok-real-secret-service-42"
    );
    let listed = secret_tool(&session);
    assert!(
        listed.contains("tok-real-secret-service-42"),
        "secret-tool sees the item: {listed}"
    );
    assert!(listed.contains(DEFAULT_ACCOUNT));

    // Saving again replaces it rather than adding a second item.
    reopened.save("tok-rotated-43").unwrap();
    assert_eq!(keychain.load().unwrap().unwrap().expose(), "tok-rotated-43");
    assert!(!secret_tool(&session).contains("tok-real-secret-service-42"));

    keychain.forget().unwrap();
    assert!(reopened.load().unwrap().is_none());
    assert!(!secret_tool(&session).contains("tok-rotated-43"));

    // The token was never written anywhere under HOME in plain text (the keyring file is
    // encrypted with the unlock password).
    let home = session
        .env()
        .iter()
        .find(|(k, _)| k == "HOME")
        .map(|(_, v)| v.clone())
        .unwrap();
    let grep = Command::new("grep")
        .args(["-r", "-l", "tok-r", &home])
        .output()
        .unwrap();
    assert!(
        grep.stdout.is_empty(),
        "found in: {}",
        String::from_utf8_lossy(&grep.stdout)
    );
}
