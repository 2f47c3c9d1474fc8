//! Promises of the README that only the real window can prove: an API address saved in
//! Settings (no environment variable) is used and kept across a restart; forgetting and
//! replacing the token; the token nowhere in the page or the app's files; no contact or
//! summary in the log or the diagnostics; Try again, Close again, the filter and a filtered
//! export, Clear finished, a pasted bulk reopen, retrying a cancelled action; the start-up
//! notices; a second launch handing over; the window's size coming back; a keychain that
//! stopped answering, asked again with Try again.
// Drives the real Linux desktop (Xvfb, a session bus, the Secret Service): Linux only;
// the Windows and macOS checks (scripts/check-cross.sh) compile everything else.
#![cfg(target_os = "linux")]

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use aelyst_sandbox::{Sandbox, SandboxOptions, DEFAULT_TOKEN};
use support::desktop::{one_at_a_time, App, Desktop};
use support::files::walk;

const DELIVERY: Duration = Duration::from_secs(30);
const DATA: &str = "data/ai.aelyst.desk";

/// Waits until `sandbox` has answered `count` POSTs for `api_form`.
async fn delivered(sandbox: &Sandbox, api_form: &str, count: usize) {
    let deadline = Instant::now() + DELIVERY;
    while sandbox.posts_to(api_form) < count {
        assert!(
            Instant::now() < deadline,
            "{api_form} was not sent {count} time(s)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn notices(app: &App) -> Vec<String> {
    app.js("return [...document.querySelectorAll('#notices .notice')].map(p => p.textContent);")
        .await
}

/// A desktop whose app points at an address where nothing listens (nothing leaves the
/// machine), on `home` when given (a restart).
fn offline_desktop(home: Option<tempfile::TempDir>) -> Desktop {
    let builder = Desktop::builder().env("AELYST_API_BASE_URL", "http://127.0.0.1:9/v1");
    match home {
        Some(home) => builder.home(home),
        None => builder,
    }
    .start()
}

/// `token` is in no input's value, no markup and no text of the page.
async fn assert_not_in_page(app: &App, token: &str) {
    let page: String = app
        .js("return [...document.querySelectorAll('input, textarea')].map(e => e.value).join('\\n')\
             + document.documentElement.outerHTML + document.body.innerText;")
        .await;
    assert!(!page.contains(token), "the token reached the page");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_address_saved_in_settings_is_used_and_kept_and_the_token_stays_out_of_sight() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    // No AELYST_API_BASE_URL: the address comes from Settings only. Nothing is sent before
    // it is saved (no token yet, nothing queued).
    let desktop = Desktop::builder().start();
    let app = desktop.launch().await;
    assert!(
        notices(&app).await.is_empty(),
        "a clean start has no notice"
    );
    app.wait_visible("#token-step", true).await;

    app.open_settings().await;
    app.mark_page().await;
    app.fill("#api-address", &sandbox.base_url()).await;
    app.click("#settings-save").await;
    // A new address: the window starts afresh on it and asks for its token.
    app.wait_new_page().await;
    app.save_token(DEFAULT_TOKEN).await;
    app.open_settings().await;
    app.wait_text("#app-version", &sandbox.base_url()).await;

    // A contact in its several forms, and a summary, that must never reach the log.
    app.submit_action(
        "phone",
        "+60 12-123 3112",
        true,
        "Resolved",
        "Secret summary words",
    )
    .await;
    delivered(&sandbox, "phone:+60121233112", 1).await;
    app.submit_action("email", "Abdc@Gmail.com", false, "", "")
        .await;
    delivered(&sandbox, "email:abdc@gmail.com", 1).await;
    app.wait_history("both done", DELIVERY, |rows| {
        rows.len() == 2 && rows.iter().all(|r| r.status == "done")
    })
    .await;

    // The diagnostics, with a history: facts only.
    app.open_settings().await;
    app.click("#copy-diagnostics").await;
    app.wait_visible("#diagnostics", true).await;
    let diagnostics: String = app
        .js("return document.getElementById('diagnostics').value;")
        .await;
    assert!(diagnostics.contains("2 done"), "{diagnostics}");

    // The token is in no input, no text of the page.
    assert_not_in_page(&app, DEFAULT_TOKEN).await;

    // Forget the token: asked first, then gone from the keychain; a new one sends again.
    app.click("#token-forget").await;
    app.wait_visible("#confirm-dialog", true).await;
    app.click("#confirm-yes").await;
    app.wait_visible("#token-step", true).await;
    let listed = Command::new("secret-tool")
        .args(["search", "--all", "service", "ai.aelyst.desk"])
        .envs(desktop.env().iter().cloned())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&listed.stdout).contains(DEFAULT_TOKEN));
    sandbox.set_token("replaced-token-2");
    app.save_token("replaced-token-2").await;
    app.submit_action("id", "5", true, "Resolved", "").await;
    delivered(&sandbox, "id:5", 1).await;
    assert_not_in_page(&app, "replaced-token-2").await;
    app.close().await;

    // A restart keeps the address (still no environment variable).
    let home = desktop.stop_keep_home();
    let desktop = Desktop::builder().home(home).start();
    let app = desktop.launch().await;
    app.open_settings().await;
    app.wait_text("#app-version", &sandbox.base_url()).await;
    let address: String = app
        .js("return document.getElementById('api-address').value;")
        .await;
    assert_eq!(address, sandbox.base_url());
    app.submit_action("id", "6", true, "Resolved", "").await;
    delivered(&sandbox, "id:6", 1).await;
    app.close().await;

    // Nothing the app wrote holds a token: settings, journal, log, WebKit's storage.
    let files = walk(desktop.home());
    assert!(files.len() > 3, "the app wrote its files: {files:?}");
    for token in [DEFAULT_TOKEN, "replaced-token-2"] {
        support::files::assert_in_no_file(desktop.home(), token);
    }
    // And only the agent can read them: every folder 0700, every file 0600.
    support::files::assert_private(&desktop.home().join(DATA));
    // The log: never a summary or a contact, in any form it was typed or sent.
    let logs = desktop.home().join(DATA).join("logs");
    let log: String = walk(&logs)
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    assert!(log.contains("status call answered"), "the log is written");
    for secret in [
        "Secret summary words",
        "secret summary words",
        "SECRET SUMMARY WORDS",
        "+60 12-123 3112",
        "+60121233112",
        "60121233112",
        "Abdc@Gmail.com",
        "abdc@gmail.com",
        "ABDC@GMAIL.COM",
    ] {
        assert!(!log.contains(secret), "{secret:?} is in the log");
        assert!(
            !diagnostics.contains(secret),
            "{secret:?} is in the diagnostics"
        );
    }
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn try_again_close_again_filter_export_clear_bulk_reopen_and_a_cancelled_retry() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let export = tempfile::NamedTempFile::new().unwrap();
    let desktop = Desktop::builder()
        .sandbox(&sandbox)
        .env("AELYST_DIALOG_PATH", &export.path().display().to_string())
        .start();
    let app = desktop.launch_signed_in().await;

    // Try again on a failure sends it again.
    app.submit_action("id", "999", true, "Spam", "").await;
    let rows = app
        .wait_history("404", DELIVERY, |r| {
            r.first().is_some_and(|r| r.status == "failed")
        })
        .await;
    app.click(&format!("[data-entry='{}'] button.retry", rows[0].entry))
        .await;
    delivered(&sandbox, "id:999", 2).await;
    // The keyboard stays on the row whose Try again was pressed (its button is gone now).
    let on_row = format!(
        "return document.activeElement?.closest('[data-entry]')?.dataset.entry === '{}';",
        rows[0].entry
    );
    let deadline = std::time::Instant::now() + DELIVERY;
    while !app.js::<bool>(&on_row).await {
        assert!(
            std::time::Instant::now() < deadline,
            "the focus left the row: it is on {:?}",
            app.focused_id().await
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // Close again on a done reopen: confirmed, then a new close goes out.
    app.submit_action("id", "8", false, "", "").await;
    let rows = app
        .wait_history("reopened", DELIVERY, |r| {
            r.iter().any(|r| r.action == "open" && r.status == "done")
        })
        .await;
    let reopen = rows.iter().find(|r| r.action == "open").unwrap();
    app.click(&format!("[data-entry='{}'] button.undo", reopen.entry))
        .await;
    app.wait_text("#confirm-title", "Close this conversation again?")
        .await;
    app.click("#confirm-yes").await;
    delivered(&sandbox, "id:8", 2).await;

    // The filter, and an export of what it shows.
    app.fill("#history-filter", "999").await;
    let shown = app.history().await;
    assert!(
        !shown.is_empty() && shown.iter().all(|r| r.text.contains("999")),
        "{shown:#?}"
    );
    app.click("#export-history").await;
    app.wait_text("#export-status", "Saved to").await;
    let exported = csv::Reader::from_path(export.path())
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect::<Vec<_>>();
    assert_eq!(
        exported.len(),
        shown.len(),
        "the export holds what the filter shows"
    );
    assert!(exported.iter().all(|r| &r[4] == "id:999"));
    let _: serde_json::Value = app
        .js(
            "const f = document.getElementById('history-filter'); f.value = '';\
             f.dispatchEvent(new Event('input', { bubbles: true })); return null;",
        )
        .await;

    // A pasted bulk reopen.
    app.click("#view-bulk").await;
    app.click("#bulk-open").await;
    app.paste("#bulk-input", "id:20\nid:21").await;
    app.click("#bulk-check").await;
    app.wait_text("#bulk-review-summary", "2 of 2 rows are ready")
        .await;
    app.click("#bulk-confirm").await;
    delivered(&sandbox, "id:20", 1).await;
    delivered(&sandbox, "id:21", 1).await;
    assert_eq!(sandbox.statuses_sent("id:20"), ["open"]);

    // A cancelled action tried again: the sandbox is down while the run waits.
    sandbox.set_down(true);
    app.click("#bulk-close").await;
    app.paste("#bulk-input", "id:30\nid:31\nid:32").await;
    app.click("#bulk-check").await;
    app.wait_text("#bulk-review-summary", "3 of 3 rows are ready")
        .await;
    app.click("#bulk-confirm").await;
    app.wait_visible("#bulk-cancel", true).await;
    // An action on its way when Cancel is pressed goes on (it waits to be sent again while
    // the server is down), and the button stays for it: press until nothing waits.
    let deadline = Instant::now() + DELIVERY;
    let in_run = |r: &support::desktop::HistoryRow| {
        ["30", "31", "32"]
            .iter()
            .any(|n| r.text.contains(&format!("contact ID {n}")))
    };
    let rows = loop {
        // The run's rows, once all three are on screen and none of them waits.
        let rows: Vec<_> = app.history().await.into_iter().filter(in_run).collect();
        if rows.len() == 3 && rows.iter().all(|r| r.status != "pending") {
            break rows;
        }
        assert!(Instant::now() < deadline, "still waiting: {rows:#?}");
        let enabled: bool = app
            .js("return !document.getElementById('bulk-cancel').disabled;")
            .await;
        if enabled {
            app.click("#bulk-cancel").await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let cancelled = rows
        .iter()
        .find(|r| r.status == "cancelled")
        .unwrap()
        .clone();
    sandbox.set_down(false);
    app.click(&format!("[data-entry='{}'] button.retry", cancelled.entry))
        .await;
    app.wait_history("the retried one is done", DELIVERY, |r| {
        r.iter()
            .any(|r| r.entry == cancelled.entry && r.status == "done")
    })
    .await;

    // Clear finished: only waiting actions would stay; here, none.
    app.click("#clear-finished").await;
    app.wait_visible("#history-empty", true).await;
    assert!(app.history().await.is_empty());
    app.close().await;
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_files_are_named_at_start_then_the_app_starts_clean() {
    let _turn = one_at_a_time().await;
    let desktop = offline_desktop(None);
    let data = desktop.home().join(DATA);
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("settings.json"),
        b"{\"settings\": {\"historyLimit\": 2",
    )
    .unwrap();
    std::fs::write(data.join("outbox.jsonl"), b"not a record\n").unwrap();
    let app = desktop.launch().await;
    let said = notices(&app).await;
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].contains("settings file could not be read"),
        "{said:?}"
    );
    assert!(
        said[1].contains("Part of the history could not be read"),
        "{said:?}"
    );
    app.screenshot("14-start-up-notices").await;
    app.close().await;
    let home = desktop.stop_keep_home();
    let desktop = offline_desktop(Some(home));
    let app = desktop.launch().await;
    assert!(
        notices(&app).await.is_empty(),
        "the files were set aside once"
    );
    app.close().await;
}

/// The preferences (tauri-plugin-store's file) written half way, as a plain write cut short
/// leaves them: set aside, the copy kept before the last change restored, said once, in the
/// language the copy kept.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_preferences_file_gives_way_to_the_copy_kept_before_the_last_change() {
    let _turn = one_at_a_time().await;
    let desktop = offline_desktop(None);
    let data = desktop.home().join(DATA);
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("preferences.json"), b"{\"language\": \"m").unwrap();
    std::fs::write(
        data.join("preferences.json.bak"),
        br#"{"language": "ms", "shortcut": null}"#,
    )
    .unwrap();
    let app = desktop.launch().await;
    let language = || app.js::<String>("return document.documentElement.lang;");
    assert_eq!(language().await, "ms");
    let said = notices(&app).await;
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].starts_with("Keutamaan anda untuk komputer ini"),
        "{said:?}"
    );
    app.close().await;
    let home = desktop.stop_keep_home();
    let aside = std::fs::read_dir(home.path().join(DATA))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("preferences.json.corrupt-")
        })
        .count();
    assert_eq!(aside, 1, "the damaged file was kept");
    let desktop = offline_desktop(Some(home));
    let app = desktop.launch().await;
    assert_eq!(
        app.js::<String>("return document.documentElement.lang;")
            .await,
        "ms"
    );
    assert!(notices(&app).await.is_empty(), "said once");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_hands_over_and_focuses_the_window_whose_size_and_position_come_back() {
    let _turn = one_at_a_time().await;
    let desktop = offline_desktop(None);
    let app = desktop.launch().await;
    app.client.set_window_rect(70, 50, 610, 640).await.unwrap();
    // Saved shortly after the last change, whatever ends the app later. (The file may already
    // hold the first position, saved when the window was placed: wait for the new size.)
    let saved = desktop
        .home()
        .join("config/ai.aelyst.desk/.window-state.json");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let state: serde_json::Value = std::fs::read(&saved)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let main = &state["main"];
        if (main["width"] == 610 && main["height"] == 640) && (main["x"] == 70 && main["y"] == 50) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the window size and position were not saved: {state}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The agent clicked elsewhere: the window no longer has the focus.
    let focused = |desktop: &Desktop| -> String {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/focus.py");
        let out = Command::new(script)
            .arg("get")
            .envs(desktop.env().iter().cloned())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let away = Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/focus.py"
    ))
    .arg("root")
    .envs(desktop.env().iter().cloned())
    .status()
    .unwrap();
    assert!(away.success());
    assert_ne!(focused(&desktop), "Aelyst Desk", "the focus moved away");
    let second = Command::new(support::desktop::app_binary())
        .envs(desktop.env().iter().cloned())
        .output()
        .unwrap();
    assert!(
        second.status.success(),
        "the second launch handed over and exited ({}): {}",
        second.status,
        String::from_utf8_lossy(&second.stderr)
    );
    // ... and the running window came to the front with the focus.
    let deadline = Instant::now() + Duration::from_secs(10);
    while focused(&desktop) != "Aelyst Desk" {
        assert!(
            Instant::now() < deadline,
            "the second launch did not focus the window (focus: {:?})",
            focused(&desktop)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.client.windows().await.unwrap().len(),
        1,
        "still one window"
    );
    // Without a session bus the launch cannot hand over: the app's own lock stops it before
    // it opens a window or writes anything, and it says why.
    let written = |home: &std::path::Path| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        walk(&home.join(DATA))
            .into_iter()
            .filter(|f| !f.starts_with(home.join(DATA).join("logs")))
            .map(|f| {
                let bytes = std::fs::read(&f).unwrap_or_default();
                (f, bytes)
            })
            .collect()
    };
    let before = written(desktop.home());
    // Under `timeout`: a launch that did not stop would otherwise hold the test forever.
    let busless = Command::new("timeout")
        .arg("20")
        .arg(support::desktop::app_binary())
        .envs(desktop.env().iter().cloned())
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    assert!(!busless.status.success(), "a launch without a bus stopped");
    let said = String::from_utf8_lossy(&busless.stderr);
    assert!(said.contains("already running"), "it says why: {said}");
    assert_eq!(app.client.windows().await.unwrap().len(), 1);
    assert_eq!(
        written(desktop.home()),
        before,
        "the stopped launch wrote nothing"
    );
    let ready: bool = app
        .js("return document.body.dataset.ready === 'true';")
        .await;
    assert!(ready, "the first window is still there and working");
    app.close().await;

    let home = desktop.stop_keep_home();
    let desktop = offline_desktop(Some(home));
    let app = desktop.launch().await;
    let rect = app.client.get_window_rect().await.unwrap();
    assert_eq!(rect, (70, 50, 610, 640), "the position and size came back");
    app.close().await;
}

/// The history channel through the real IPC: `open_window` answers with the
/// history as it is, then carries each change as it happens (the action saved, then sent),
/// each a newer revision, and a removal when the finished ones are cleared.
#[tokio::test(flavor = "multi_thread")]
async fn the_history_channel_carries_every_change_in_order() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let desktop = Desktop::builder().sandbox(&sandbox).start();
    let app = desktop.launch_signed_in().await;
    // The page's own modules (debug builds load them as written) name the shown workspace.
    let _: serde_json::Value = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             import('./ipc.js').then(async ({ shownWorkspaceId }) => {\
               const { invoke, Channel } = window.__TAURI__.core;\
               const workspace = shownWorkspaceId();\
               window.__events = [];\
               const stream = new Channel();\
               stream.onmessage = (event) => window.__events.push(event);\
               const opening = await invoke('open_window', { onFailedCount: new Channel(), onHistory: stream });\
               window.__snapshot = opening.history.length;\
               await invoke('submit_action', { workspace, input: { identifierKind: 'id',\
                 identifierValue: '5', action: 'close' } });\
               done(null);\
             }).catch((e) => done(String(e)));",
            vec![],
        )
        .await
        .expect("open_window through IPC");
    let snapshot: usize = app.js("return window.__snapshot;").await;
    assert_eq!(snapshot, 0, "a fresh history");
    let deadline = Instant::now() + DELIVERY;
    let events: Vec<serde_json::Value> = loop {
        let events: Vec<serde_json::Value> = app.js("return window.__events;").await;
        let done = events
            .iter()
            .any(|e| e["type"] == "upsert" && e["entry"]["state"] == "done");
        if done {
            break events;
        }
        assert!(Instant::now() < deadline, "no done upsert: {events:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let upserts: Vec<(&str, u64)> = events
        .iter()
        .filter(|e| e["type"] == "upsert")
        .map(|e| {
            (
                e["entry"]["state"].as_str().unwrap(),
                e["entry"]["revision"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(upserts.first().map(|u| u.0), Some("pending"), "{upserts:?}");
    assert_eq!(upserts.last().map(|u| u.0), Some("done"), "{upserts:?}");
    assert!(
        upserts.windows(2).all(|w| w[0].1 < w[1].1),
        "each change is a newer revision: {upserts:?}"
    );
    let id = events[0]["entry"]["id"].clone();
    let _: serde_json::Value = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             import('./ipc.js').then(({ shownWorkspaceId }) => window.__TAURI__.core\
               .invoke('clear_finished', { workspace: shownWorkspaceId() }))\
             .then(() => done(null), (e) => done(String(e)));",
            vec![],
        )
        .await
        .expect("clear_finished");
    let deadline = Instant::now() + DELIVERY;
    loop {
        let events: Vec<serde_json::Value> = app.js("return window.__events;").await;
        if events.iter().any(|e| {
            e["type"] == "removed" && e["ids"].as_array().is_some_and(|ids| ids.contains(&id))
        }) {
            break;
        }
        assert!(Instant::now() < deadline, "no removal of {id}: {events:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.close().await;
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_keychain_that_stopped_answering_is_asked_again_by_try_again() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let mut desktop = Desktop::builder()
        .sandbox(&sandbox)
        .without_bus_activation()
        .start();
    let app = desktop.launch_signed_in().await;

    // Saving the token leaves nothing cached: the first send reads the keychain, which is gone.
    desktop.stop_keyring();
    app.submit_action("email", "contact7@example.com", false, "", "")
        .await;
    app.wait_visible("#history-paused-retry", true).await;
    let paused = app.text("#history-paused-text").await;
    assert!(paused.contains("keychain"), "{paused}");
    app.screenshot("15-keychain-paused").await;
    app.wait_history("the action waits", DELIVERY, |rows| {
        rows.len() == 1 && rows[0].status == "pending"
    })
    .await;
    assert_eq!(sandbox.posts_to("email:contact7@example.com"), 0);

    // The keychain is back; the outbox would ask it again by itself only after half a minute,
    // so a send within RETRIED comes from the button.
    desktop.start_keyring_again();
    let pressed = Instant::now();
    app.click("#history-paused-retry").await;
    const RETRIED: Duration = Duration::from_secs(15);
    while sandbox.posts_to("email:contact7@example.com") < 1 {
        assert!(
            pressed.elapsed() < RETRIED,
            "Try again did not send the waiting action"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.wait_visible("#history-paused", false).await;
    app.wait_history("the action is done", DELIVERY, |rows| {
        rows.len() == 1 && rows[0].status == "done"
    })
    .await;
    assert_eq!(sandbox.posts_to("email:contact7@example.com"), 1);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_action_made_for_an_old_address_is_never_tried_again_at_the_new_one() {
    let _turn = one_at_a_time().await;
    let old = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let new = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let desktop = Desktop::builder().sandbox(&old).start();
    let app = desktop.launch_signed_in().await;
    old.set_down(true);
    app.submit_action("id", "3", true, "Resolved", "Refund sent to this customer")
        .await;
    app.wait_history("waiting for the old address", DELIVERY, |rows| {
        rows.first().is_some_and(|r| r.status == "pending")
    })
    .await;

    // A new address: asked (it forgets the token), then "Cancel them and change".
    app.open_settings().await;
    app.mark_page().await;
    app.fill("#api-address", &new.base_url()).await;
    app.click("#settings-save").await;
    app.wait_visible("#confirm-dialog", true).await;
    app.click("#confirm-yes").await;
    app.wait_text("#confirm-title", "waiting for the old address")
        .await;
    app.click("#confirm-yes").await;
    app.wait_new_page().await;
    app.save_token(DEFAULT_TOKEN).await;

    // The cancelled close says it was made for the old address, and offers no Try again.
    let row = "document.querySelector('#history li.entry[data-status=\"cancelled\"]')";
    let deadline = Instant::now() + DELIVERY;
    let (text, retry, copy): (String, bool, bool) = loop {
        let seen: Option<(String, bool, bool)> = app
            .js(&format!(
                "const row = {row}; return row ? [row.textContent, !!row.querySelector('button.retry'),\
                 !!row.querySelector('button.copy')] : null;"
            ))
            .await;
        if let Some(seen) = seen {
            break seen;
        }
        assert!(
            Instant::now() < deadline,
            "no cancelled entry in the history"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let old_address = url_text(&old.base_url());
    assert!(
        text.contains(&format!("Made for {old_address}")),
        "the entry names its address: {text}"
    );
    assert!(!retry, "no Try again for another address's action");
    assert!(copy, "the contact can be copied into the form");
    app.screenshot_at("35-an-action-made-for-the-old-address", "#history")
        .await;

    // Its contact goes into the form, nothing is sent; a new close goes to the new address.
    app.click("#history li.entry[data-status=\"cancelled\"] button.copy")
        .await;
    let value: String = app
        .js("return document.getElementById('identifier-value').value;")
        .await;
    assert_eq!(value, "3");
    app.fill("#category", "Resolved").await;
    app.click("#submit").await;
    delivered(&new, "id:3", 1).await;
    let bodies: Vec<String> = new
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.body.clone().unwrap_or_default().to_string())
        .collect();
    assert_eq!(bodies.len(), 1, "only the agent's new close: {bodies:?}");
    assert!(
        !bodies[0].contains("Refund sent to this customer"),
        "the old action's note never reached the new address"
    );
    app.close().await;
    old.stop().await;
    new.stop().await;
}

/// An address as the app writes it (no trailing slash, as `validate_base_url` gives it).
fn url_text(address: &str) -> String {
    address.trim_end_matches('/').to_owned()
}
