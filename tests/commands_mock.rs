//! The app's commands through Tauri's mock runtime, with the real config and capability file
//! (so the grants are checked too) and keyring-core's in-memory mock keychain.

mod support;

use std::sync::Arc;

use aelyst_core::keychain::Keychains;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

/// Every command this test called through IPC, to check at the end that none was left out.
static CALLED: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

fn invoke(
    window: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    CALLED.lock().unwrap().insert(cmd.to_owned());
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

/// The window's first question (`open_window`), with channels `n` and `n + 1`.
fn open_window(window: &WebviewWindow<tauri::test::MockRuntime>, n: u32) -> Value {
    invoke(
        window,
        "open_window",
        json!({"onFailedCount": format!("__CHANNEL__:{n}"), "onHistory": format!("__CHANNEL__:{}", n + 1)}),
    )
    .unwrap()
}

/// `invoke` for a command about one workspace.
fn invoke_in(
    window: &WebviewWindow<tauri::test::MockRuntime>,
    workspace: &str,
    cmd: &str,
    mut args: Value,
) -> Result<Value, Value> {
    args["workspace"] = json!(workspace);
    invoke(window, cmd, args)
}

/// What the commands logged, as the app's log would have it (INFO and above).
static LOG: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LOG.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn log_lines() -> Vec<String> {
    String::from_utf8_lossy(&LOG.lock().unwrap())
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn commands_through_the_mock_runtime() {
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(|| LogWriter)
        .try_init();
    // One test: the app data dir comes from HOME, which is process-wide.
    let home = tempfile::tempdir().unwrap();
    std::env::set_var("HOME", home.path());
    std::env::set_var("XDG_DATA_HOME", home.path().join("data"));
    std::env::set_var("XDG_CONFIG_HOME", home.path().join("config"));
    // Nothing listens on port 9: actions stay queued, and nothing leaves the machine.
    std::env::set_var("AELYST_API_BASE_URL", "http://127.0.0.1:9/v1");

    let store: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let mut app = aelyst_desk::app_builder(
        mock_builder(),
        Keychains::with_store(store.clone()),
        aelyst_desk::AppOptions::default(),
    )
    .build(tauri::generate_context!())
    .expect("app builds on the mock runtime");
    // Runs the setup hook, which manages the state and makes the main window.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = app
        .get_webview_window("main")
        .expect("setup made the main window");

    let info = invoke(&window, "app_info", json!({})).unwrap();
    assert_eq!(info["notices"], json!([]));
    assert_eq!(info["language"]["chosen"], json!(null));
    // The program running is the one on disk (e2e: scripts/check-apt-updates.py upgrades it).
    assert_eq!(
        invoke(&window, "newer_installed", json!({})).unwrap(),
        json!(null)
    );
    // On Linux the .deb is updated by apt: the in-app updater says so and installs nothing.
    for command in ["update_status", "check_for_update"] {
        assert_eq!(
            invoke(&window, command, json!({})).unwrap(),
            json!({"kind": "by_system"}),
            "{command}"
        );
    }
    assert_eq!(
        invoke(&window, "install_update", json!({})).unwrap(),
        json!(null)
    );
    // The language: one the app speaks is kept, anything else refused and nothing changed.
    invoke(&window, "set_language", json!({"language": "pt-BR"})).unwrap();
    let refused = invoke(&window, "set_language", json!({"language": "fr"})).unwrap_err();
    assert_eq!(refused["code"], "language_unknown");
    let info = invoke(&window, "app_info", json!({})).unwrap();
    assert_eq!(info["language"]["chosen"], "pt-BR");
    // Kept in tauri-plugin-store's file, with a copy of it as it was before the change; the
    // window cannot reach the store itself.
    let data = home.path().join("data").join("ai.aelyst.desk");
    let kept = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(data.join(name)).unwrap()).unwrap()
    };
    assert_eq!(kept("preferences.json")["language"], "pt-BR");
    assert_eq!(kept("preferences.json.bak")["language"], json!(null));
    let denied = invoke(
        &window,
        "plugin:store|load",
        json!({"path": "preferences.json"}),
    );
    CALLED.lock().unwrap().remove("plugin:store|load");
    assert!(
        denied
            .as_ref()
            .is_err_and(|e| e.to_string().contains("not allowed")),
        "{denied:?}"
    );
    invoke(&window, "set_language", json!({"language": null})).unwrap();
    assert_eq!(kept("preferences.json")["language"], json!(null));
    assert_eq!(kept("preferences.json.bak")["language"], "pt-BR");
    // Close and go to the next: on at first, turned off and told to the window at its start.
    assert_eq!(info["closeAndNext"], true);
    invoke(&window, "set_close_and_next", json!({"on": false})).unwrap();
    assert_eq!(kept("preferences.json")["close_and_next"], false);
    let info = invoke(&window, "app_info", json!({})).unwrap();
    assert_eq!(info["closeAndNext"], false);
    assert_eq!(
        info["language"]["chosen"],
        json!(null),
        "the rest unchanged"
    );
    let opening = open_window(&window, 50);
    let workspaces = &opening["workspaces"];
    assert_eq!(opening["token"]["saved"], false);
    assert_eq!(opening["history"], json!([]));
    assert_eq!(opening["categories"], json!([]));
    let shown = workspaces["shown"].as_str().unwrap().to_owned();
    let first = &workspaces["workspaces"][0];
    assert_eq!(first["id"], json!(shown));
    assert_eq!(first["name"], "Sandbox");
    assert_eq!(first["apiBaseUrl"], "http://127.0.0.1:9/v1");
    assert_eq!(first["sandbox"], true);
    assert_eq!(first["closingRule"], "optional");
    let call = |cmd: &str, args: Value| invoke_in(&window, &shown, cmd, args);

    // Validation happens before anything is saved, in plain words.
    let refused = call(
        "submit_action",
        json!({"input": {"identifierKind": "phone", "identifierValue": "012 123 3112", "action": "close"}}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "phone_without_country_code");
    // Codes and fields only: the window words them in the agent's language.
    assert_eq!(refused.get("message"), None);
    // The log has the command and the code, never the contact typed.
    let logged = log_lines();
    let line = logged
        .iter()
        .find(|l| l.contains("submit_action"))
        .unwrap_or_else(|| panic!("the refusal is logged: {logged:?}"));
    assert!(line.contains("PhoneWithoutCountryCode"), "{line}");
    assert!(!logged.iter().any(|l| l.contains("3112")), "{logged:?}");
    let refused = call(
        "submit_action",
        json!({"input": {"identifierKind": "id", "identifierValue": "5", "action": "close", "summary": "lost"}}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "summary_without_category");
    assert_eq!(open_window(&window, 70)["history"], json!([]));
    // A valid action for a workspace that is not there: refused for that reason alone.
    let refused = invoke_in(
        &window,
        "w-0123456789abcdef0123456789abcdef",
        "submit_action",
        json!({"input": {"identifierKind": "id", "identifierValue": "5", "action": "close"}}),
    )
    .unwrap_err();
    assert_eq!(
        refused["code"], "workspace_not_found",
        "a workspace that is not there takes nothing"
    );

    let entry = call(
        "submit_action",
        json!({"input": {"identifierKind": "phone", "identifierValue": "+60 12-123 3112", "action": "close",
                         "category": "Resolved", "summary": "Done and dusted"}}),
    )
    .unwrap();
    assert_eq!(entry["state"], "pending");
    assert_eq!(entry["identifier"]["canonical"], "+60121233112");
    assert_eq!(entry["identifier"]["display"], "+60 12-123 3112");
    let opening = open_window(&window, 80);
    assert_eq!(opening["history"].as_array().unwrap().len(), 1);
    assert_eq!(opening["categories"], json!(["Resolved"]));

    // The token goes into the keychain, under the workspace's own account, and never comes
    // back out.
    let status = call("token_status", json!({})).unwrap();
    assert_eq!(status["saved"], false);
    let here = "http://127.0.0.1:9/v1";
    let refused = call("save_token", json!({"token": "has space", "address": here})).unwrap_err();
    assert_eq!(refused["code"], "token_has_spaces");
    // Saved only for the address the window showed.
    let refused = call(
        "save_token",
        json!({"token": "tok-mock-123", "address": "http://127.0.0.1:8/v1"}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "workspace_address_changed");
    assert_eq!(refused["address"], here);
    assert_eq!(call("token_status", json!({})).unwrap()["saved"], false);
    call(
        "save_token",
        json!({"token": " tok-mock-123 ", "address": here}),
    )
    .unwrap();
    let status = call("token_status", json!({})).unwrap();
    assert_eq!(status["saved"], true);
    assert!(!status.to_string().contains("tok-mock-123"));
    assert_eq!(
        Keychains::with_store(store.clone())
            .account(&shown)
            .load()
            .unwrap()
            .unwrap()
            .expose(),
        "tok-mock-123"
    );
    call("forget_token", json!({})).unwrap();
    assert_eq!(call("token_status", json!({})).unwrap()["saved"], false);

    // Settings: a bad value changes nothing; a new address waits for the old one's actions.
    let settings = |address: &str, rule: &str, limit: usize| json!({"settings": {"name": "Sandbox", "apiBaseUrl": address, "closingRule": rule, "historyLimit": limit}});
    let refused = call(
        "save_settings",
        settings("http://example.com/v1", "optional", 50),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "api_address_insecure");
    assert_eq!(
        call("get_settings", json!({})).unwrap()["historyLimit"],
        1000
    );
    let refused = call("save_settings", settings("", "optional", 50)).unwrap_err();
    assert_eq!(refused["code"], "actions_still_waiting");
    assert_eq!(refused["count"], 1);
    let refused = call(
        "save_settings",
        json!({"settings": {"name": " ", "apiBaseUrl": "", "closingRule": "optional", "historyLimit": 50}}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "workspace_name_invalid");
    call(
        "save_settings",
        settings("http://127.0.0.1:9/v1/", "category", 50),
    )
    .unwrap();
    let saved = call("get_settings", json!({})).unwrap();
    assert_eq!(
        (&saved["historyLimit"], &saved["closingRule"]),
        (&json!(50), &json!("category"))
    );
    // The closing rule: a close without a category is refused, and nothing is saved.
    let refused = call(
        "submit_action",
        json!({"input": {"identifierKind": "id", "identifierValue": "5", "action": "close"}}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "closing_category_required");
    assert_eq!(
        open_window(&window, 90)["history"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    call(
        "save_settings",
        settings("http://127.0.0.1:9/v1", "optional", 50),
    )
    .unwrap();
    // A new address with a token saved: asked first, and nothing changes until then.
    call(
        "save_token",
        json!({"token": "tok-mock-123", "address": "http://127.0.0.1:9/v1"}),
    )
    .unwrap();
    let asked = call("save_settings", settings("", "optional", 50)).unwrap();
    assert_eq!(
        asked,
        json!({"addressChanged": false, "confirmAddress": true})
    );
    assert_eq!(call("token_status", json!({})).unwrap()["saved"], true);
    let mut confirmed = settings("", "optional", 50);
    confirmed["settings"]["confirmAddress"] = json!(true);
    let refused = call("save_settings", confirmed).unwrap_err();
    assert_eq!(
        refused["code"], "actions_still_waiting",
        "the close still waits"
    );
    assert_eq!(call("token_status", json!({})).unwrap()["saved"], true);
    call("forget_token", json!({})).unwrap();

    // Another workspace: added and shown, then removed; the only one cannot go.
    let refused = invoke(
        &window,
        "add_workspace",
        json!({"name": "", "apiBaseUrl": ""}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "workspace_name_invalid");
    let brand_b = invoke(
        &window,
        "add_workspace",
        json!({"name": "Brand B", "apiBaseUrl": "http://127.0.0.1:9/v2"}),
    )
    .unwrap();
    let brand_b = brand_b.as_str().unwrap();
    let listed = &open_window(&window, 60)["workspaces"];
    assert_eq!(listed["shown"], json!(brand_b), "a new workspace is shown");
    assert_eq!(listed["workspaces"].as_array().unwrap().len(), 2);
    invoke(&window, "show_workspace", json!({"workspace": shown})).unwrap();
    invoke_in(&window, brand_b, "remove_workspace", json!({})).unwrap();
    let refused = call("remove_workspace", json!({})).unwrap_err();
    assert_eq!(refused["code"], "last_workspace");

    // The rest of the commands, each through IPC and its permission.
    // No token saved: nothing is asked of Aelyst, and the cached choices come back.
    assert_eq!(
        call("refresh_closing_categories", json!({})).unwrap(),
        open_window(&window, 100)["categories"]
    );
    assert_eq!(
        call("contact_preview", json!({"kind": "id", "value": "5"})).unwrap(),
        Value::Null,
        "no token: no preview, and no error"
    );
    // Handoffs: nothing handed over at this launch; the Paste button reads the clipboard in
    // Rust (none here, or whatever it holds: a contact or a note either way). The global
    // shortcut is the real desktop's only (`AppOptions`), so here it says it is unavailable.
    assert_eq!(
        invoke(
            &window,
            "watch_handoffs",
            json!({"onEvent": "__CHANNEL__:11"})
        )
        .unwrap(),
        Value::Null
    );
    // The real desktop registers the shortcut then; here it has none to register.
    assert_eq!(
        invoke(&window, "window_ready", json!({})).unwrap(),
        Value::Null
    );
    let pasted = invoke(&window, "paste_contact", json!({})).unwrap();
    assert!(["contact", "note"].contains(&pasted["type"].as_str().unwrap()));
    let status = invoke(&window, "shortcut_status", json!({})).unwrap();
    assert_eq!(status["standard"], "Ctrl+Shift+F9");
    let refused = invoke(
        &window,
        "set_shortcut",
        json!({"shortcut": "Ctrl+Shift+F9"}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "shortcut_unavailable");
    // Shift as the only modifier, or none, would go off while the agent types anywhere:
    // refused for what it is, and nothing is saved.
    for plain in ["Shift+A", "A", "F9", "Shift+F9"] {
        let refused = invoke(&window, "set_shortcut", json!({ "shortcut": plain })).unwrap_err();
        assert_eq!(refused["code"], "shortcut_too_plain", "{plain}");
        assert_eq!(refused["value"], plain);
    }

    // Starting with the computer: off by default; on writes the desktop's autostart entry
    // (in this test's own HOME), off removes it.
    assert_eq!(
        invoke(&window, "autostart_status", json!({})).unwrap(),
        false
    );
    assert_eq!(
        invoke(&window, "set_autostart", json!({"enabled": true})).unwrap(),
        true
    );
    // The auto-launch crate writes under $HOME/.config (whatever XDG_CONFIG_HOME says).
    let entries = |dir: &str| {
        std::fs::read_dir(home.path().join(dir))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    assert_eq!(
        entries(".config/autostart") + entries("config/autostart"),
        1,
        "one autostart entry"
    );
    assert_eq!(
        invoke(&window, "set_autostart", json!({"enabled": false})).unwrap(),
        false
    );
    assert_eq!(
        entries(".config/autostart") + entries("config/autostart"),
        0
    );

    // My conversations: asks who the agent is first; without a token, says so.
    assert_eq!(
        call("workspace_users", json!({})).unwrap(),
        Value::Null,
        "no token: no users list"
    );
    let list_state = |trigger: &str| {
        call(
            "my_conversations",
            json!({"search": "", "cursor": null, "trigger": trigger}),
        )
        .unwrap()["state"]
            .clone()
    };
    assert_eq!(list_state("asked"), "noMe");
    call(
        "set_me",
        json!({"me": {"id": 42, "name": "Siti Aminah", "email": null}}),
    )
    .unwrap();
    assert_eq!(call("get_settings", json!({})).unwrap()["me"]["id"], 42);
    assert_eq!(list_state("asked"), "noToken");
    assert_eq!(
        list_state("timer"),
        "skipped",
        "a timer tick right after: not again"
    );
    let diagnostics = call("diagnostics", json!({})).unwrap();
    assert!(diagnostics.as_str().unwrap().contains("History: 1 waiting"));
    let refused = call("retry_action", json!({"id": entry["id"]})).unwrap_err();
    assert_eq!(refused["code"], "entry_not_retryable", "a pending action");
    assert_eq!(call("clear_finished", json!({})).unwrap(), 0);
    call("retry_sending", json!({})).unwrap();
    // No program to open a folder with (an empty PATH): said in plain words.
    let path = std::env::var_os("PATH");
    let no_programs = tempfile::tempdir().unwrap();
    std::env::set_var("PATH", no_programs.path());
    let opened = invoke(&window, "open_log_folder", json!({}));
    if let Some(path) = path {
        std::env::set_var("PATH", path);
    }
    assert_eq!(opened.unwrap_err()["code"], "log_folder_unavailable");
    let list = home.path().join("list.csv");
    std::fs::write(&list, "identifier,category\nid:7,Resolved\nid:8,\n").unwrap();
    std::env::set_var("AELYST_DIALOG_PATH", &list);
    let text = invoke(&window, "bulk_open_csv", json!({})).unwrap();
    let input = json!({"input": {"source": "csv", "text": text, "action": "close"}});
    let rows = call("bulk_preview", input.clone()).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    // Sending is on hold (no token) once the worker has looked again after retry_sending:
    // then nothing of the run can be in flight when it is cancelled.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while call("token_status", json!({})).unwrap()["pause"].is_null() {
        assert!(std::time::Instant::now() < deadline, "sending never paused");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let started = call("bulk_submit", input).unwrap();
    assert_eq!(started["count"], 2);
    let cancelled = call("bulk_cancel", json!({"batch": started["batch"]})).unwrap();
    assert_eq!(
        cancelled, 2,
        "nothing could be sent (no token): both cancelled"
    );
    assert_eq!(
        call("cancel_waiting", json!({})).unwrap(),
        1,
        "the one close left waiting"
    );
    let export = home.path().join("export.csv");
    std::env::set_var("AELYST_DIALOG_PATH", &export);
    let written = call("export_history", json!({"ids": []})).unwrap();
    assert_eq!(written, json!(export.display().to_string()));
    assert_eq!(
        csv::Reader::from_path(&export).unwrap().records().count(),
        3
    );

    // Core commands the page never uses are refused now that core:default is not granted
    // (`plugin:app|version` was in it).
    for core in [
        "plugin:app|version",
        "plugin:event|listen",
        "plugin:window|set_focus",
        "plugin:path|resolve_directory",
    ] {
        assert!(
            invoke(&window, core, json!({})).is_err(),
            "{core} is not granted to the window"
        );
        CALLED.lock().unwrap().remove(core);
    }

    let called: Vec<String> = CALLED.lock().unwrap().iter().cloned().collect();
    let mut every: Vec<String> = aelyst_desk::COMMANDS
        .iter()
        .map(|c| c.to_string())
        .collect();
    every.sort();
    assert_eq!(
        called, every,
        "every command the window may call was called through IPC"
    );

    // What was written to disk holds no token.
    support::files::assert_in_no_file(home.path(), "tok-mock-123");
}

/// The capability file grants exactly the commands in `src-tauri/commands/list.rs` (which
/// `build.rs` declares and `lib.rs` registers): one list, three uses that cannot disagree.
#[test]
fn the_capability_grants_exactly_the_listed_commands() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = root.join("src-tauri/capabilities");
    let files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files,
        ["default.json"],
        "one capability file: no other can grant more"
    );
    let capability: Value =
        serde_json::from_slice(&std::fs::read(folder.join("default.json")).unwrap()).unwrap();
    assert_eq!(capability["windows"], json!(["main"]));
    for key in ["webviews", "remote", "platforms"] {
        assert!(capability.get(key).is_none(), "{key} widens the grant");
    }
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("a plain grant, with no scope").to_owned())
        .collect();
    // What the window holds beyond its own commands, each for a reason: Tauri's zoom-keys
    // script calls this one while `zoomHotkeysEnabled` is on.
    let config: Value =
        serde_json::from_slice(&std::fs::read(root.join("tauri.conf.json")).unwrap()).unwrap();
    let zoom_keys = config["app"]["windows"][0]["zoomHotkeysEnabled"] == json!(true);
    let mut listed: Vec<String> = aelyst_desk::COMMANDS
        .iter()
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .chain(zoom_keys.then(|| "core:webview:allow-set-webview-zoom".to_owned()))
        .collect();
    granted.sort();
    listed.sort();
    println!("the window is granted: {granted:?}");
    assert_eq!(
        granted, listed,
        "exactly the app's commands (and the zoom keys), nothing of core:default"
    );
}
