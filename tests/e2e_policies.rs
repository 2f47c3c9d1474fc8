//! IT's managed policy in the real window (README, Set up by IT): a machine policy presets two
//! workspaces (one locked), turns Bulk off and sets the shortcut. The agent pastes tokens only;
//! what is locked cannot be changed in the window or through the command behind it; a
//! recommended value can. The policy is read from a disposable root (`AELYST_POLICY_ROOT`,
//! which only debug builds read; the release build reads `/etc` and the registry only).
// Drives the real Linux desktop (Xvfb, a session bus, the Secret Service): Linux only.
#![cfg(target_os = "linux")]

mod support;

use std::os::unix::fs::PermissionsExt;

use aelyst_sandbox::{Sandbox, SandboxOptions, DEFAULT_TOKEN};
use serde_json::json;
use support::desktop::{one_at_a_time, Desktop};

/// `root/etc/aelyst-desk/policies/<folder>/<file>`, owned by the user running the tests, who
/// is root in CI (the app ignores a policy file that is not root's: see `policy::sources`).
fn write_policy(root: &std::path::Path, folder: &str, file: &str, value: serde_json::Value) {
    let dir = root.join("etc/aelyst-desk/policies").join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    for level in [root.join("etc/aelyst-desk/policies"), dir.clone()] {
        std::fs::set_permissions(&level, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = dir.join(file);
    std::fs::write(&path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_machine_policy_presets_workspaces_locks_what_it_says_and_turns_bulk_off() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let address = sandbox.base_url();
    let root = tempfile::tempdir().unwrap();
    assert_eq!(
        std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(root.path()).unwrap()),
        0,
        "run as root, as CI does: the app reads only root's policy files"
    );
    write_policy(
        root.path(),
        "managed",
        "10-it.json",
        json!({
            "Workspaces": [
                {"Name": "Brand A", "ApiAddress": address, "ClosingRule": "category", "Locked": true},
                {"Name": "Brand B", "ApiAddress": address}
            ],
            "AllowBulk": false,
            "GlobalShortcut": "Ctrl+Shift+F8",
            "Language": "en",
            "StartWithComputer": false,
            "AllowLinks": false
        }),
    );
    write_policy(
        root.path(),
        "recommended",
        "10-it.json",
        json!({"HistoryLimit": 250}),
    );
    let desktop = Desktop::builder()
        .env("AELYST_POLICY_ROOT", root.path().to_str().unwrap())
        .start();
    let app = desktop.launch().await;

    // The presets are there, and the agent is asked only for the token.
    app.wait_visible("#token-step", true).await;
    assert!(!app.is_visible("#view-bulk").await, "Bulk is not offered");
    app.save_token(DEFAULT_TOKEN).await;
    let names: Vec<String> = app
        .js("return [...document.querySelectorAll('#workspace-switch option')].map((o) => o.textContent);")
        .await;
    assert_eq!(
        names,
        ["Brand A", "Brand B"],
        "the presets, and no other workspace"
    );
    let shown: String = app
        .js("return document.getElementById('app-version').textContent;")
        .await;
    assert!(shown.contains("Brand A"), "{shown}");

    // Settings: the locked workspace's name, rule and address cannot be changed; each says so.
    app.open_settings().await;
    app.wait_text(
        "#workspace-rename-set-by-organization",
        "Set by your organization",
    )
    .await;
    let disabled: Vec<bool> = app
        .js(
            "return ['workspace-rename', 'closing-rule', 'api-address', 'workspace-remove', \
             'shortcut-record', 'language-select', 'autostart', 'history-size']\
             .map((id) => document.getElementById(id).disabled);",
        )
        .await;
    assert_eq!(disabled, [true, true, true, true, true, true, true, false]);
    let limit: String = app
        .js("return document.getElementById('history-size').value;")
        .await;
    assert_eq!(limit, "250", "the recommended value");
    app.screenshot("40-settings-set-by-organization").await;

    // Through the command behind the field: refused, and nothing changed.
    let refused: serde_json::Value = app
        .js_async(
            "const done = arguments[arguments.length - 1];\
             const invoke = window.__TAURI__.core.invoke;\
             (async () => {\
               const id = (await import('/ipc.js')).shownWorkspaceId();\
               const settings = await invoke('get_settings', { workspace: id });\
               try {\
                 await invoke('save_settings', { workspace: id, settings: { ...settings, closingRule: 'optional' } });\
                 done({ saved: true });\
               } catch (problem) { done(problem); }\
             })();",
        )
        .await;
    assert_eq!(refused["code"], "set_by_organization", "{refused}");
    assert_eq!(refused["setting"], "workspace");

    // A recommended value is the agent's to change.
    app.fill("#history-size", "300").await;
    app.click("#settings-save").await;
    let kept: serde_json::Value = app
        .js_async(
            "const done = arguments[arguments.length - 1];\
             (async () => {\
               const id = (await import('/ipc.js')).shownWorkspaceId();\
               for (let i = 0; i < 100; i++) {\
                 const s = await window.__TAURI__.core.invoke('get_settings', { workspace: id });\
                 if (s.historyLimit === 300) return done(s);\
                 await new Promise((r) => setTimeout(r, 50));\
               }\
               done(await window.__TAURI__.core.invoke('get_settings', { workspace: id }));\
             })();",
        )
        .await;
    assert_eq!(kept["historyLimit"], 300, "{kept}");
    assert_eq!(kept["closingRule"], "category", "the locked rule stayed");

    // Links are turned off: one handed over by a second launch is refused, and says why.
    let out = desktop.run(
        support::desktop::app_binary().to_str().unwrap(),
        &["aelyst-desk://close?contact=id%3A5"],
        "",
    );
    assert!(
        out.status.success(),
        "the second launch exits cleanly: {out:?}"
    );
    app.wait_text("#handoff-note", "turned links off").await;
    let value: String = app
        .js("return document.getElementById('identifier-value').value;")
        .await;
    assert_eq!(value, "", "the link's contact is not in the form");
    app.close().await;
    sandbox.stop().await;
}
