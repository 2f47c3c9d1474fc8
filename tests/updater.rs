//! The in-app updater (Windows and macOS) as it is configured in `tauri.conf.json`: the official
//! tauri-plugin-updater, driven here on the mock runtime against a static feed on loopback, with
//! files signed in the test as `tauri signer sign` signs them, by a throwaway key. A file signed
//! by that key for the version offered is taken; the same bytes altered, a signature from
//! another key, and a feed that offers a newer version with an older (correctly signed) file
//! are refused. Nothing is installed: `download` verifies and hands back bytes, and this test
//! never calls `install`. The shell's own updater code (`src-tauri/updates.rs`) is Windows and
//! macOS only: the compile check builds it (scripts/check-cross.sh).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Cursor, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use base64::Engine;
use serde_json::{json, Value};
use tauri_plugin_updater::UpdaterExt;

const TARGET: &str = "windows-x86_64";

/// A throwaway key, as `tauri signer generate` makes one: the public key goes into the
/// configuration in base64.
struct Key(minisign::KeyPair);

impl Key {
    fn new() -> Self {
        Key(minisign::KeyPair::generate_unencrypted_keypair().unwrap())
    }

    fn public(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0.pk.to_box().unwrap().to_string())
    }

    /// The feed's `signature`: the signature file in base64, its trusted comment naming the
    /// file and the version it was signed for.
    fn sign(&self, file: &str, version: &str, bytes: &[u8]) -> String {
        self.sign_with(
            &format!("timestamp:1765065600\tfile:{file}\tversion:{version}"),
            bytes,
        )
    }

    /// As Tauri CLIs before `--app-version` signed: the file, no version.
    fn sign_without_version(&self, file: &str, bytes: &[u8]) -> String {
        self.sign_with(&format!("timestamp:1765065600\tfile:{file}"), bytes)
    }

    fn sign_with(&self, comment: &str, bytes: &[u8]) -> String {
        let signature = minisign::sign(
            Some(&self.0.pk),
            &self.0.sk,
            Cursor::new(bytes),
            Some(comment),
            Some("signature from tauri secret key"),
        )
        .unwrap();
        base64::engine::general_purpose::STANDARD.encode(signature.to_string())
    }
}

/// A static feed and its files on 127.0.0.1, each answer replaceable between checks.
#[derive(Clone)]
struct Feed {
    base: String,
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl Feed {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let files: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
        let served = files.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap_or_default();
                let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
                // The rest of the request: headers up to the empty line.
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                let body = served.lock().unwrap().get(&path).cloned();
                let (status, body) = match body {
                    Some(body) => ("200 OK", body),
                    None => ("404 Not Found", Vec::new()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Feed { base, files }
    }

    fn put(&self, path: &str, body: Vec<u8>) {
        self.files.lock().unwrap().insert(path.to_owned(), body);
    }

    /// `latest.json` as the release workflow writes it, offering `version` as the file at
    /// `file` with `signature`.
    fn offer(&self, version: &str, file: &str, signature: &str) {
        let feed = json!({
            "version": version,
            "notes": "",
            "pub_date": "2026-12-07T00:00:00Z",
            "platforms": { TARGET: { "url": format!("{}/{file}", self.base), "signature": signature } }
        });
        self.put("/latest.json", serde_json::to_vec(&feed).unwrap());
    }
}

/// The app's own updater configuration (tauri.conf.json), with the test's key.
fn app(key: &Key) -> tauri::App<tauri::test::MockRuntime> {
    let conf: Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let mut updater = conf["plugins"]["updater"].clone();
    assert_eq!(
        updater["requireSignedVersion"], true,
        "the shipped configuration refuses a file signed for another version"
    );
    updater["pubkey"] = Value::String(key.public());
    let mut context = tauri::test::mock_context(tauri::test::noop_assets());
    context
        .config_mut()
        .plugins
        .0
        .insert("updater".into(), updater);
    tauri::test::mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .unwrap()
}

/// Checks the feed and downloads what it offers: the bytes when the plugin takes them.
fn fetch(app: &tauri::App<tauri::test::MockRuntime>, feed: &Feed) -> Result<Vec<u8>, String> {
    fetch_for(app, feed, TARGET)
}

/// [`fetch`] as the laptop of `target` (`windows-x86_64`, `darwin-aarch64` …) asks.
fn fetch_for(
    app: &tauri::App<tauri::test::MockRuntime>,
    feed: &Feed,
    target: &str,
) -> Result<Vec<u8>, String> {
    tauri::async_runtime::block_on(async {
        let update = app
            .updater_builder()
            .endpoints(vec![format!("{}/latest.json", feed.base).parse().unwrap()])
            .unwrap()
            .target(target)
            .build()
            .unwrap()
            .check()
            .await
            .map_err(|err| err.to_string())?
            .ok_or("no update offered")?;
        update
            .download(|_, _| {}, || {})
            .await
            .map_err(|err| err.to_string())
    })
}

const NEW: &str = "Aelyst-Desk_0.2.0_x64-setup.nsis.zip";
const OLD: &str = "Aelyst-Desk_0.1.5_x64-setup.nsis.zip";

#[test]
fn a_file_signed_for_the_version_offered_is_taken() {
    let key = Key::new();
    let feed = Feed::start();
    let bytes = b"the 0.2.0 installer".to_vec();
    feed.put(&format!("/{NEW}"), bytes.clone());
    feed.offer("0.2.0", NEW, &key.sign(NEW, "0.2.0", &bytes));
    let app = app(&key);
    assert_eq!(fetch(&app, &feed), Ok(bytes));

    // The same version as the app's (the mock context's 0.1.0) is not an update.
    feed.offer("0.1.0", NEW, &key.sign(NEW, "0.2.0", b"x"));
    assert_eq!(fetch(&app, &feed), Err("no update offered".into()));
}

#[test]
fn altered_bytes_another_key_and_a_replayed_older_file_are_refused() {
    let key = Key::new();
    let feed = Feed::start();
    let app = app(&key);
    let bytes = b"the 0.2.0 installer".to_vec();
    let signature = key.sign(NEW, "0.2.0", &bytes);

    // The bytes altered after signing.
    let mut altered = bytes.clone();
    altered[4] ^= 0x20;
    feed.put(&format!("/{NEW}"), altered);
    feed.offer("0.2.0", NEW, &signature);
    let refused = fetch(&app, &feed).unwrap_err();
    assert!(refused.to_lowercase().contains("signature"), "{refused}");

    // Signed by a key that is not the app's.
    feed.put(&format!("/{NEW}"), bytes.clone());
    feed.offer("0.2.0", NEW, &Key::new().sign(NEW, "0.2.0", &bytes));
    let refused = fetch(&app, &feed).unwrap_err();
    assert!(refused.to_lowercase().contains("key"), "{refused}");

    // An older release, correctly signed for what it is, offered as 0.2.0.
    let old = b"the 0.1.5 installer".to_vec();
    feed.put(&format!("/{OLD}"), old.clone());
    feed.offer("0.2.0", OLD, &key.sign(OLD, "0.1.5", &old));
    let refused = fetch(&app, &feed).unwrap_err();
    assert!(refused.contains("0.1.5"), "{refused}");
    // The same, signed the way older Tauri CLIs signed (no version in the signature): refused
    // because the configuration requires the signed version (`requireSignedVersion`).
    feed.offer("0.2.0", OLD, &key.sign_without_version(OLD, &old));
    let refused = fetch(&app, &feed).unwrap_err();
    assert!(refused.to_lowercase().contains("version"), "{refused}");

    // The same file and signature, offered as what they are, is taken: the refusals above
    // are for what changed, not for the feed or the key.
    feed.put(&format!("/{NEW}"), bytes.clone());
    feed.offer("0.2.0", NEW, &signature);
    assert_eq!(fetch(&app, &feed), Ok(bytes));
}

/// The feed as the release workflow writes it (tauri-action's `latest.json`, every platform
/// key it writes): each laptop takes its own file. Prints the feed's size (README, Figures).
#[test]
fn each_platform_takes_its_own_file_from_the_feed() {
    let key = Key::new();
    let feed = Feed::start();
    let files = [
        ("windows-x86_64", "Aelyst.Desk_0.2.0_x64-setup.exe"),
        ("windows-x86_64-nsis", "Aelyst.Desk_0.2.0_x64-setup.exe"),
        ("darwin-aarch64", "Aelyst.Desk_0.2.0_aarch64.app.tar.gz"),
        ("darwin-aarch64-app", "Aelyst.Desk_0.2.0_aarch64.app.tar.gz"),
        ("darwin-x86_64", "Aelyst.Desk_0.2.0_x64.app.tar.gz"),
        ("darwin-x86_64-app", "Aelyst.Desk_0.2.0_x64.app.tar.gz"),
    ];
    let mut platforms = serde_json::Map::new();
    for (target, file) in files {
        let bytes = format!("{file} for {target}").into_bytes();
        feed.put(&format!("/{target}/{file}"), bytes.clone());
        platforms.insert(
            target.into(),
            json!({
                "url": format!("{}/{target}/{file}", feed.base),
                "signature": key.sign(file, "0.2.0", &bytes),
            }),
        );
    }
    let latest = json!({
        "version": "0.2.0",
        "notes": "See the release notes.",
        "pub_date": "2026-12-07T00:00:00Z",
        "platforms": platforms,
    });
    let text = serde_json::to_vec_pretty(&latest).unwrap();
    println!(
        "latest.json for Windows and macOS ({} platform keys): {} bytes",
        files.len(),
        text.len()
    );
    feed.put("/latest.json", text);
    let app = app(&key);
    for target in ["windows-x86_64", "darwin-aarch64", "darwin-x86_64"] {
        let bytes = fetch_for(&app, &feed, target).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.ends_with(&format!("for {target}")), "{target}: {text}");
    }
}
