//! The token in Windows' Credential Manager, through the app's own keychain code: saved, read,
//! replaced and forgotten; a token at the size limit; two workspaces' entries apart; and no
//! trace of the token in any file but the credential store's. Runs under Wine in CI
//! (`scripts/test-windows.sh`), where the store is Wine's own Credential Manager; on a real
//! Windows machine, against the real one.
#![cfg(windows)]

use aelyst_core::api::MAX_TOKEN_CHARS;
use aelyst_core::error::{Coded, ErrorCode};
use aelyst_core::keychain::{Keychain, KeychainError};

/// An account no earlier run left behind (the Wine prefix is kept between runs).
fn account(name: &str) -> Keychain {
    Keychain::platform(&format!("test-{name}-{}", uuid::Uuid::now_v7()))
}

const ADDRESS: &str = "https://api.aelyst.ai/v1";

fn loaded(keychain: &Keychain) -> Option<(Option<String>, String)> {
    keychain
        .load_bound()
        .unwrap()
        .map(|(address, token)| (address, token.expose().to_owned()))
}

#[test]
fn a_token_is_saved_read_replaced_and_forgotten() {
    let keychain = account("cycle");
    assert_eq!(loaded(&keychain), None, "nothing saved yet");
    keychain.save_for("  tok-first  ", ADDRESS).unwrap();
    assert_eq!(
        loaded(&keychain),
        Some((Some(ADDRESS.into()), "tok-first".into()))
    );
    keychain
        .save_for("tok-second", "http://127.0.0.1:9/v1")
        .unwrap();
    assert_eq!(
        loaded(&keychain),
        Some((Some("http://127.0.0.1:9/v1".into()), "tok-second".into())),
        "replaced, with its address"
    );
    keychain.forget().unwrap();
    assert_eq!(loaded(&keychain), None);
    keychain.forget().unwrap();
}

#[test]
fn a_token_at_the_limit_fits_and_one_that_cannot_fit_is_refused_in_plain_words() {
    let keychain = account("limit");
    let longest = "t".repeat(MAX_TOKEN_CHARS);
    keychain.save_for(&longest, ADDRESS).unwrap();
    assert_eq!(loaded(&keychain).unwrap().1, longest, "kept whole");

    // Credential Manager keeps 2,560 bytes of UTF-16 per secret: the longest token with a very
    // long address does not fit. Refused as a token too long, and the one saved stays.
    let long_address = format!("{ADDRESS}/{}", "a".repeat(300));
    let err = keychain.save_for(&longest, &long_address).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenTooLong, "{err:?}");
    assert!(err
        .to_string()
        .starts_with("This is longer than an API token"));
    assert_eq!(loaded(&keychain).unwrap(), (Some(ADDRESS.into()), longest));

    let over = "t".repeat(MAX_TOKEN_CHARS + 1);
    assert!(matches!(
        keychain.save_for(&over, ADDRESS),
        Err(KeychainError::InvalidToken(_))
    ));
    keychain.forget().unwrap();
}

#[test]
fn two_workspaces_entries_are_apart() {
    let a = account("brand-a");
    let b = account("brand-b");
    a.save_for("tok-of-a", ADDRESS).unwrap();
    b.save_for("tok-of-b", "http://127.0.0.1:9/v1").unwrap();
    assert_eq!(loaded(&a).unwrap().1, "tok-of-a");
    assert_eq!(loaded(&b).unwrap().1, "tok-of-b");
    a.forget().unwrap();
    assert_eq!(loaded(&a), None);
    assert_eq!(loaded(&b).unwrap().1, "tok-of-b", "forgetting A leaves B");
    b.forget().unwrap();
}

/// Under Wine: every file of the prefix written since the test began (the registry, Wine's own
/// files, the temp folder; a file older than the token cannot hold it) is read after the token
/// is saved and the registry written out, and none holds the token: as text, as UTF-16, or as
/// the hex a registry file writes binary values in.
#[test]
fn the_token_is_in_no_file_of_the_wine_prefix() {
    let Some(prefix) = std::env::var_os("WINEPREFIX") else {
        // A real Windows machine keeps credentials encrypted by DPAPI in the profile; this
        // check is for the prefix CI runs in, and it must run there.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs this under Wine, with WINEPREFIX set (scripts/test-windows.sh)"
        );
        return;
    };
    // File times on the Linux side are to the second or finer; a margin for the rounding.
    let began = std::time::SystemTime::now() - std::time::Duration::from_secs(2);
    let token = format!("tok-findable-{}", uuid::Uuid::now_v7().simple());
    let keychain = account("scan");
    keychain.save_for(&token, ADDRESS).unwrap();
    assert_eq!(loaded(&keychain).unwrap().1, token);

    let root =
        std::path::PathBuf::from(format!("Z:{}", prefix.to_string_lossy().replace('/', "\\")));
    registry_written_out(&root.join("user.reg"), began);
    let mut scan = Scan {
        needles: needles(&token),
        began,
        files: 0,
        read: Vec::new(),
        found: Vec::new(),
    };
    scan.folder(&root);
    keychain.forget().unwrap();
    assert!(
        scan.files > 100,
        "the prefix was listed: {} files in {root:?}",
        scan.files
    );
    assert!(
        scan.read.iter().any(|p| p.ends_with("user.reg")),
        "the registry, where Wine keeps credentials, was written out and read: {:?}",
        scan.read
    );
    assert!(scan.found.is_empty(), "the token is in {:?}", scan.found);
    println!(
        "KEYCHAIN | {} files in the Wine prefix, {} written since the token was saved ({:?}), read: the token is in none",
        scan.files,
        scan.read.len(),
        scan.read
    );
}

struct Scan {
    needles: Vec<Vec<u8>>,
    began: std::time::SystemTime,
    files: usize,
    read: Vec<String>,
    found: Vec<String>,
}

impl Scan {
    fn folder(&mut self, dir: &std::path::Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            // dosdevices/z: is the whole Linux file system (Wine shows Linux links as plain
            // folders, so they are skipped by name; scripts/test-windows.sh made the user's
            // folders plain ones).
            if kind.is_symlink() || entry.file_name() == "dosdevices" {
                continue;
            }
            let path = entry.path();
            if kind.is_dir() {
                self.folder(&path);
                continue;
            }
            self.files += 1;
            let recent = entry
                .metadata()
                .and_then(|m| m.modified())
                .map_or(true, |modified| modified >= self.began);
            if !recent {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let name = path.display().to_string();
            // A registry file wraps long hex values: `\`, a line end and spaces.
            let joined = unwrap_lines(&bytes);
            if self
                .needles
                .iter()
                .any(|n| contains(&bytes, n) || contains(&joined, n))
            {
                self.found.push(name.clone());
            }
            self.read.push(name);
        }
    }
}

/// Wine keeps the registry (where its Credential Manager keeps credentials) in the
/// wineserver's memory and writes it out every 30 s or so (RegFlushKey does not make it);
/// this waits for the write that holds the token.
fn registry_written_out(user_reg: &std::path::Path, since: std::time::SystemTime) {
    for _ in 0..120 {
        let modified = std::fs::metadata(user_reg).and_then(|m| m.modified());
        if modified.is_ok_and(|m| m > since + std::time::Duration::from_secs(2)) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    panic!("Wine did not write its registry out in two minutes: {user_reg:?}");
}

fn needles(token: &str) -> Vec<Vec<u8>> {
    let utf16: Vec<u8> = token.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let hex = |bytes: &[u8]| {
        bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(",")
            .into_bytes()
    };
    vec![
        token.as_bytes().to_vec(),
        hex(token.as_bytes()),
        hex(&utf16),
        utf16,
    ]
}

fn unwrap_lines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && matches!(bytes.get(i + 1), Some(b'\n' | b'\r')) {
            i += 1;
            while matches!(bytes.get(i), Some(b'\n' | b'\r' | b' ')) {
                i += 1;
            }
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
