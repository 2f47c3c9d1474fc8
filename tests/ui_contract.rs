//! The window and Rust agree on error codes: `ui/errors.js` handles exactly the codes of the
//! core's `ErrorCode`, and no other module of the window reads a code itself.

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
