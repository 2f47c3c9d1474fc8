//! The app's commands through Tauri's mock runtime, with the real config and capability file
//! (so the grants are checked too) and keyring-core's in-memory mock keychain.

mod support;

use std::sync::Arc;

use aelyst_core::keychain::{Keychain, DEFAULT_ACCOUNT};
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

#[test]
fn commands_through_the_mock_runtime() {
    // One test: the app data dir comes from HOME, which is process-wide.
    let home = tempfile::tempdir().unwrap();
    std::env::set_var("HOME", home.path());
    std::env::set_var("XDG_DATA_HOME", home.path().join("data"));
    std::env::set_var("XDG_CONFIG_HOME", home.path().join("config"));
    // Nothing listens on port 9: actions stay queued, and nothing leaves the machine.
    std::env::set_var("AELYST_API_BASE_URL", "http://127.0.0.1:9/v1");

    let store: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let mut app =
        aelyst_desk::app_builder(mock_builder(), Keychain::with_store(DEFAULT_ACCOUNT, store))
            .build(tauri::generate_context!())
            .expect("app builds on the mock runtime");
    // Runs the setup hook, which manages the state and makes the main window.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = app
        .get_webview_window("main")
        .expect("setup made the main window");

    let info = invoke(&window, "app_info", json!({})).unwrap();
    assert_eq!(info["apiBaseUrl"], "http://127.0.0.1:9/v1");
    assert_eq!(info["sandbox"], true);

    // Validation happens before anything is saved, in plain words.
    let refused = invoke(
        &window,
        "submit_action",
        json!({"input": {"identifierKind": "phone", "identifierValue": "012 123 3112", "action": "close"}}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "phone_without_country_code");
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .contains("country code"));
    let refused = invoke(
        &window,
        "submit_action",
        json!({"input": {"identifierKind": "id", "identifierValue": "5", "action": "close", "summary": "lost"}}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "summary_without_category");
    assert_eq!(
        invoke(
            &window,
            "watch_history",
            json!({"onEvent": "__CHANNEL__:7"})
        )
        .unwrap(),
        json!([])
    );

    let entry = invoke(
        &window,
        "submit_action",
        json!({"input": {"identifierKind": "phone", "identifierValue": "+60 12-123 3112", "action": "close",
                         "category": "Resolved", "summary": "Done and dusted"}}),
    )
    .unwrap();
    assert_eq!(entry["state"], "pending");
    assert_eq!(entry["identifier"]["canonical"], "+60121233112");
    assert_eq!(entry["identifier"]["display"], "+60 12-123 3112");
    let history = invoke(
        &window,
        "watch_history",
        json!({"onEvent": "__CHANNEL__:8"}),
    )
    .unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(
        invoke(&window, "closing_categories", json!({})).unwrap(),
        json!(["Resolved"])
    );

    // The token goes into the keychain and never comes back out.
    let status = invoke(&window, "token_status", json!({})).unwrap();
    assert_eq!(status["saved"], false);
    let refused = invoke(&window, "save_token", json!({"token": "has space"})).unwrap_err();
    assert_eq!(refused["code"], "token_has_spaces");
    invoke(&window, "save_token", json!({"token": " tok-mock-123 "})).unwrap();
    let status = invoke(&window, "token_status", json!({})).unwrap();
    assert_eq!(status["saved"], true);
    assert!(!status.to_string().contains("tok-mock-123"));
    let state = app.state::<aelyst_desk::AppState>();
    assert_eq!(
        state.keychain.load().unwrap().unwrap().expose(),
        "tok-mock-123"
    );
    invoke(&window, "forget_token", json!({})).unwrap();
    assert_eq!(
        invoke(&window, "token_status", json!({})).unwrap()["saved"],
        false
    );

    // Settings: a bad value changes nothing.
    let refused = invoke(
        &window,
        "save_settings",
        json!({"settings": {"apiBaseUrl": "http://example.com/v1", "historyLimit": 50}}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "api_address_insecure");
    assert_eq!(
        invoke(&window, "get_settings", json!({})).unwrap()["historyLimit"],
        1000
    );
    invoke(
        &window,
        "save_settings",
        json!({"settings": {"apiBaseUrl": "", "historyLimit": 50}}),
    )
    .unwrap();
    assert_eq!(
        invoke(&window, "get_settings", json!({})).unwrap()["historyLimit"],
        50
    );

    // The rest of the commands, each through IPC and its permission.
    assert!(invoke(&window, "refresh_closing_categories", json!({})).is_ok());
    assert_eq!(
        invoke(
            &window,
            "contact_preview",
            json!({"kind": "id", "value": "5"})
        )
        .unwrap(),
        Value::Null,
        "no token: no preview, and no error"
    );
    let diagnostics = invoke(&window, "diagnostics", json!({})).unwrap();
    assert!(diagnostics.as_str().unwrap().contains("History: 1 waiting"));
    let refused = invoke(&window, "retry_action", json!({"id": entry["id"]})).unwrap_err();
    assert_eq!(refused["code"], "entry_not_retryable", "a pending action");
    assert_eq!(invoke(&window, "clear_finished", json!({})).unwrap(), 0);
    invoke(&window, "retry_sending", json!({})).unwrap();
    match invoke(&window, "open_log_folder", json!({})) {
        // No file manager on a test machine; the folder exists either way.
        Ok(_) => {}
        Err(err) => assert_eq!(err["code"], "log_folder_unavailable"),
    }
    let list = home.path().join("list.csv");
    std::fs::write(&list, "identifier,category\nid:7,Resolved\nid:8,\n").unwrap();
    std::env::set_var("AELYST_DIALOG_PATH", &list);
    let text = invoke(&window, "bulk_open_csv", json!({})).unwrap();
    let input = json!({"input": {"source": "csv", "text": text, "action": "close"}});
    let rows = invoke(&window, "bulk_preview", input.clone()).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    // Sending is on hold (no token) once the worker has looked again after retry_sending:
    // then nothing of the run can be in flight when it is cancelled.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while invoke(&window, "token_status", json!({})).unwrap()["pause"].is_null() {
        assert!(std::time::Instant::now() < deadline, "sending never paused");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let started = invoke(&window, "bulk_submit", input).unwrap();
    assert_eq!(started["count"], 2);
    let cancelled = invoke(&window, "bulk_cancel", json!({"batch": started["batch"]})).unwrap();
    assert_eq!(
        cancelled, 2,
        "nothing could be sent (no token): both cancelled"
    );
    let export = home.path().join("export.csv");
    std::env::set_var("AELYST_DIALOG_PATH", &export);
    let written = invoke(&window, "export_history", json!({"ids": []})).unwrap();
    assert_eq!(written, json!(export.display().to_string()));
    assert_eq!(
        csv::Reader::from_path(&export).unwrap().records().count(),
        3
    );

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
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src-tauri/capabilities/default.json");
    let capability: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .filter(|p| p != "core:default")
        .collect();
    let mut listed: Vec<String> = aelyst_desk::COMMANDS
        .iter()
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .collect();
    granted.sort();
    listed.sort();
    assert_eq!(granted, listed);
}
