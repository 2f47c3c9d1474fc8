//! The window and Rust agree: `ui/errors.js` handles exactly the codes of the core's
//! `ErrorCode`, no other module of the window reads a code itself, and every key the window
//! builds from the generated contract (`ui/contract.js`) is in the catalogs, with none left over.

use std::collections::BTreeSet;
use std::path::Path;

use aelyst_core::ErrorCode;

fn ui_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")
}

/// The keys of `ERROR_HANDLING` in `ui/errors.js`, one per line by that file's own rule.
fn handled_codes() -> BTreeSet<String> {
    let text = std::fs::read_to_string(ui_dir().join("errors.js")).unwrap();
    let start = text
        .find("export const ERROR_HANDLING = Object.freeze({")
        .expect("ui/errors.js declares ERROR_HANDLING");
    let body = &text[start..];
    let body = &body[body.find('\n').unwrap()..body.find("\n});").expect("table closes")];
    body.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (key, _) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("not a `code: {{…}},` line: {line}"));
            key.trim().to_owned()
        })
        .collect()
}

#[test]
fn the_window_handles_exactly_the_codes_rust_has() {
    let rust: BTreeSet<String> = ErrorCode::all().map(|c| c.as_str().to_owned()).collect();
    let ui = handled_codes();
    let missing_in_ui: Vec<_> = rust.difference(&ui).collect();
    let unknown_to_rust: Vec<_> = ui.difference(&rust).collect();
    assert!(
        missing_in_ui.is_empty() && unknown_to_rust.is_empty(),
        "ui/errors.js does not handle {missing_in_ui:?}; it names codes Rust does not have: {unknown_to_rust:?}"
    );
}

#[test]
fn only_errors_js_reads_error_codes() {
    for entry in std::fs::read_dir(ui_dir()).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "js") && !path.ends_with("errors.js") {
            let text = std::fs::read_to_string(&path).unwrap();
            // A keyboard event's `event.code` (the key's position) is not an error code.
            let reads_a_code = text.match_indices(".code").any(|(at, _)| {
                let before: String = text[..at]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                before != "tneve"
            });
            assert!(
                !reads_a_code,
                "{} reads an error code itself; ask ui/errors.js",
                path.display()
            );
        }
    }
}

/// The catalogs every language shares (`ui/locales/*.json`).
fn catalog(language: &str) -> serde_json::Map<String, serde_json::Value> {
    let path = ui_dir().join("locales").join(format!("{language}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Every key the window and the shell ask for by name: `t("…")` in `ui/*.js`, `data-i18n`
/// and `data-i18n-attr` in `ui/index.html`, and `"tray.…"`, `"notify.…"`, `"reason.…"`,
/// `"kind.…"` in `src-tauri/`.
fn keys_asked_for() -> BTreeSet<String> {
    let call = regex::Regex::new(r#"\bt\("([a-z_.]+)""#).unwrap();
    let attr = regex::Regex::new(r#"data-i18n="([a-z_.]+)""#).unwrap();
    let attrs = regex::Regex::new(r#"data-i18n-attr="([^"]+)""#).unwrap();
    let shell = regex::Regex::new(r#""((?:tray|notify|reason|kind)\.[a-z_.]+)""#).unwrap();
    let mut keys = BTreeSet::new();
    let read = |path: &Path| std::fs::read_to_string(path).unwrap();
    for entry in std::fs::read_dir(ui_dir()).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "js") {
            keys.extend(call.captures_iter(&read(&path)).map(|c| c[1].to_owned()));
        }
    }
    let html = read(&ui_dir().join("index.html"));
    keys.extend(attr.captures_iter(&html).map(|c| c[1].to_owned()));
    for list in attrs.captures_iter(&html) {
        for pair in list[1].split(';') {
            let (_, key) = pair.split_once(':').expect("attr:key");
            keys.insert(key.trim().to_owned());
        }
    }
    let shell_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri");
    for entry in std::fs::read_dir(&shell_dir).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            keys.extend(shell.captures_iter(&read(&path)).map(|c| c[1].to_owned()));
        }
    }
    keys
}

/// The values of one group of the generated contract (`ui/contract.js`), from the Rust types.
fn contract(name: &str) -> Vec<String> {
    aelyst_core::contract::groups()
        .into_iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no group {name} in the contract"))
        .values()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The keys built at run time (errors.js builds them from `ui/contract.js`): one per error
/// code, reason, notice, handoff source and link problem Rust can send, from the Rust types.
fn keys_built_at_run_time() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for code in ErrorCode::all() {
        match code {
            ErrorCode::KeychainFailed => {
                for cause in contract("KEYCHAIN_FAIL_CAUSE") {
                    keys.insert(format!("error.keychain_failed.{cause}"));
                }
            }
            ErrorCode::Unreachable => {
                for reason in contract("RETRY_REASON") {
                    keys.insert(format!("error.unreachable.{reason}"));
                }
            }
            code => {
                keys.insert(format!("error.{}", code.as_str()));
            }
        }
    }
    for code in contract("REASON") {
        match code.as_str() {
            // Words an earlier version saved, shown as they are.
            "legacy" => {}
            // With or without Aelyst's own words, for a 400 or another status.
            "refused" => {
                for key in [
                    "refused",
                    "refused_said",
                    "refused_status",
                    "refused_status_said",
                ] {
                    keys.insert(format!("reason.{key}"));
                }
            }
            code => {
                keys.insert(format!("reason.{code}"));
            }
        }
    }
    for code in contract("NOTICE") {
        keys.insert(format!("notice.{code}"));
    }
    // The two problems whose words would quote what was handed over have their own.
    for code in [ErrorCode::PhoneInvalid, ErrorCode::EmailInvalid] {
        keys.insert(format!("handoff.not_usable.{}", code.as_str()));
    }
    for source in contract("HANDOFF_SOURCE") {
        keys.insert(format!("handoff.source.{source}"));
    }
    for why in contract("LINK_PROBLEM") {
        keys.insert(format!("handoff.link_refused.{why}"));
    }
    keys
}

/// Families of keys built at run time: a catalog key in one of them that Rust can no longer
/// send is a leftover.
const BUILT_FAMILIES: [&str; 6] = [
    "error.keychain_failed.",
    "error.unreachable.",
    "notice.",
    "handoff.not_usable.",
    "handoff.source.",
    "handoff.link_refused.",
];

#[test]
fn no_catalog_keeps_words_for_a_value_rust_no_longer_sends() {
    let built = keys_built_at_run_time();
    for language in aelyst_core::language::LANGUAGES {
        let leftovers: Vec<String> = catalog(language)
            .keys()
            .filter(|key| BUILT_FAMILIES.iter().any(|f| key.starts_with(f)))
            .filter(|key| !built.contains(*key))
            .cloned()
            .collect();
        assert!(
            leftovers.is_empty(),
            "ui/locales/{language}.json has words Rust never asks for: {leftovers:?}"
        );
    }
}

#[test]
fn every_key_the_window_and_the_shell_ask_for_is_in_the_catalog() {
    let english = catalog("en");
    let asked = keys_asked_for();
    assert!(
        asked.len() > 100,
        "the scan found the keys ({})",
        asked.len()
    );
    let built = keys_built_at_run_time();
    let missing: Vec<_> = asked
        .iter()
        .chain(built.iter())
        .filter(|key| !english.contains_key(*key))
        .collect();
    assert!(missing.is_empty(), "ui/locales/en.json lacks {missing:?}");
}

#[test]
fn the_desktop_entry_speaks_every_language_of_the_catalogs() {
    let entry = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/aelyst-desk.desktop"),
    )
    .unwrap();
    let (main, action) = entry
        .split_once("[Desktop Action close-from-clipboard]")
        .expect("the Close from clipboard action");
    let mut wrong = Vec::new();
    for language in aelyst_core::language::LANGUAGES {
        let words = catalog(language);
        let text = |key: &str| words[key].as_str().unwrap().to_owned();
        // The desktop entry spec names locales with an underscore (pt_BR); English is plain.
        let suffix = match language {
            "en" => String::new(),
            other => format!("[{}]", other.replace('-', "_")),
        };
        for (part, field, key) in [
            (main, "Comment", "desktop.comment"),
            (main, "GenericName", "desktop.generic_name"),
            (action, "Name", "desktop.action_close_from_clipboard"),
        ] {
            let line = format!("{field}{suffix}={}", text(key));
            if !part.lines().any(|l| l == line) {
                wrong.push(line);
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "src-tauri/aelyst-desk.desktop should have these lines:\n{}",
        wrong.join("\n")
    );
}
