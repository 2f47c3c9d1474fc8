//! An agent's day in the real window, against the sandbox: first run, closing with a note,
//! reopening, failures in plain words, retries, offline, a revoked token, a restart.
// Drives the real Linux desktop (Xvfb, a session bus, the Secret Service): Linux only;
// the Windows and macOS checks (scripts/check-cross.sh) compile everything else.
#![cfg(target_os = "linux")]

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use aelyst_sandbox::{status_path, ContactStatus, Fault, Sandbox, SandboxOptions, DEFAULT_TOKEN};
use serde_json::json;
use support::desktop::keys::{ALT, CTRL, ENTER, ESC, RELEASE, TAB};
use support::desktop::{one_at_a_time, App, Desktop};

const DELIVERY: Duration = Duration::from_secs(30);

/// This test's turn at the desktop (they take turns: see `one_at_a_time`), and a sandbox.
async fn turn_and_sandbox(
    options: SandboxOptions,
) -> (tokio::sync::MutexGuard<'static, ()>, Sandbox) {
    let turn = one_at_a_time().await;
    let sandbox = Sandbox::start(options).await.unwrap();
    (turn, sandbox)
}

/// The app's first run on a fresh desktop, pointed at `sandbox`.
async fn launched(sandbox: &Sandbox) -> (Desktop, App) {
    let desktop = Desktop::builder()
        .env("AELYST_API_BASE_URL", &sandbox.base_url())
        .start();
    let app = desktop.launch().await;
    (desktop, app)
}

/// The app on a fresh desktop, pointed at `sandbox`, with the sandbox's token saved.
async fn signed_in(sandbox: &Sandbox) -> (Desktop, App) {
    let (desktop, app) = launched(sandbox).await;
    app.save_token(DEFAULT_TOKEN).await;
    (desktop, app)
}

/// Closes the app (waiting for its process to be gone, so the next test's launch cannot hand
/// over to it) and stops the sandbox.
async fn finish(app: App, sandbox: Sandbox) {
    app.close().await;
    sandbox.stop().await;
}

fn posts(sandbox: &Sandbox) -> Vec<aelyst_sandbox::LoggedRequest> {
    sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn first_run_close_with_a_note_reopen_and_restart() {
    let (_turn, sandbox) = turn_and_sandbox(SandboxOptions::default()).await;
    let (desktop, app) = launched(&sandbox).await;

    // First run: the token step, and nothing else to do yet.
    app.wait_visible("#token-step", true).await;
    assert!(!app.is_visible("#action-card").await);
    assert!(
        app.is_visible("#sandbox-badge").await,
        "the Sandbox badge shows"
    );
    app.screenshot("01-first-run-token-step").await;
    app.assert_accessible("the token step").await;

    app.fill("#token-input", "   ").await;
    app.click("#token-save").await;
    app.wait_text("#token-error", "empty").await;
    app.save_token(&format!("  {DEFAULT_TOKEN} ")).await;

    // The token is in the real keychain (and only there).
    let listed = Command::new("secret-tool")
        .args(["search", "--all", "service", "ai.aelyst.desk"])
        .envs(desktop.env().iter().cloned())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains(DEFAULT_TOKEN));
    let token_in_dom: bool = app
        .js(&format!(
            "return document.documentElement.outerHTML.includes('{DEFAULT_TOKEN}');"
        ))
        .await;
    assert!(!token_in_dom, "the token never reaches the page");

    // The workspace's closing notes are offered (asked for once the token is saved).
    app.wait_js(
        "the workspace's closing notes offered",
        "return [...document.querySelectorAll('#category-options option')].some(o => o.value === 'Resolved');",
    )
    .await;

    // Close with a note. The preview says who it is.
    app.choose("#identifier-type", "phone").await;
    app.fill("#identifier-value", "+60 12-123 3112").await;
    app.wait_text("#contact-preview", "conversation open").await;
    app.fill("#category", "Resolved").await;
    app.fill("#summary", "Refund sent, customer happy.").await;
    app.wait_text("#summary-count", "28 of 512").await;
    app.click("#submit").await;
    let rows = app
        .wait_history("close done", DELIVERY, |rows| {
            rows.first().is_some_and(|r| r.status == "done")
        })
        .await;
    assert_eq!(rows[0].action, "close");
    assert!(
        rows[0].text.contains("phone +60 12-123 3112"),
        "{}",
        rows[0].text
    );
    assert!(rows[0].text.contains("Resolved"));
    let sent = posts(&sandbox);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].raw_path, status_path("phone:+60121233112"));
    assert_eq!(
        sent[0].body,
        Some(
            json!({"status": "close", "category": "Resolved", "summary": "Refund sent, customer happy."})
        )
    );
    assert_eq!(sandbox.contact(1).unwrap().status, ContactStatus::Close);
    // Ready for the next contact.
    let focus: (String, String) =
        app.js("const f = document.getElementById('identifier-value'); return [document.activeElement.id, f.value];").await;
    assert_eq!(focus, ("identifier-value".into(), String::new()));

    // Reopen, pasting the API form: the kind follows the paste.
    app.fill("#identifier-value", "email:ABDC@gmail.com").await;
    let kind: String = app
        .js("return document.getElementById('identifier-type').value;")
        .await;
    assert_eq!(kind, "email");
    app.click("#status-open").await;
    assert!(
        !app.is_visible("#category").await,
        "a reopen has no closing note"
    );
    app.click("#submit").await;
    app.wait_history("reopen done", DELIVERY, |rows| {
        rows.len() == 2 && rows[0].action == "open" && rows[0].status == "done"
    })
    .await;
    assert_eq!(posts(&sandbox)[1].body, Some(json!({"status": "open"})));
    assert_eq!(sandbox.contact(1).unwrap().status, ContactStatus::Open);
    app.screenshot("02-closed-and-reopened").await;
    app.assert_accessible("the form with history").await;

    // Restart: token and history are still there.
    app.close().await;
    let app = desktop.launch().await;
    app.wait_visible("#identifier-value", true).await;
    assert!(
        !app.is_visible("#token-step").await,
        "the saved token is found again"
    );
    // The window opens with the cursor where the agent types first (a page kept hidden until
    // its data was in lost it: README, Figures).
    let focused: String = app.js("return document.activeElement.id;").await;
    assert_eq!(focused, "identifier-value", "the cursor at start");
    let rows = app
        .wait_history("history after restart", DELIVERY, |rows| rows.len() == 2)
        .await;
    assert!(rows.iter().all(|r| r.status == "done"));
    app.screenshot("03-after-restart").await;
    finish(app, sandbox).await;

    // The log says what happened, and never the token or a summary.
    let logs = desktop.home().join("data/ai.aelyst.desk/logs");
    let text: String = std::fs::read_dir(&logs)
        .unwrap_or_else(|e| panic!("no log folder at {}: {e}", logs.display()))
        .flatten()
        .map(|f| std::fs::read_to_string(f.path()).unwrap_or_default())
        .collect();
    assert!(
        text.contains("status call answered"),
        "the log is written: {text}"
    );
    assert!(!text.contains(DEFAULT_TOKEN), "the token is in the log");
    assert!(!text.contains("Refund sent"), "a summary is in the log");
    assert!(
        !text.contains("60121233112") && !text.contains("abdc@"),
        "a contact is in the log"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_in_plain_words_and_failures_and_retries_show() {
    let (_turn, sandbox) = turn_and_sandbox(SandboxOptions::default()).await;
    sandbox.script(&status_path("id:3"), [Fault::status_retry_after(429, "1")]);
    let (_desktop, app) = signed_in(&sandbox).await;

    for (kind, value, says) in [
        ("phone", "", "Enter a phone number"),
        ("phone", "012 123 3112", "country code"),
        ("phone", "+60 12", "not a phone number"),
        ("email", "abdc@", "not a valid email address"),
        ("id", "12a", "digits only"),
    ] {
        app.submit_action(kind, value, true, "", "").await;
        let text = app.wait_text("#form-error", says).await;
        assert!(!text.is_empty());
        app.fill("#identifier-value", "").await;
    }
    let summary_disabled: bool = app
        .js("return document.getElementById('summary').disabled;")
        .await;
    assert!(summary_disabled, "no summary without a category");
    // The counter counts as a JavaScript server does (UTF-16 units): an emoji is two.
    app.fill("#category", "Resolved").await;
    app.paste("#summary", "😀😀").await;
    app.wait_text("#summary-count", "4 of 512").await;
    app.paste("#summary", "").await;
    app.fill("#category", "").await;
    assert!(posts(&sandbox).is_empty(), "nothing was sent for bad input");
    assert!(
        app.history().await.is_empty(),
        "nothing was queued for bad input"
    );

    // 404: failed, with the reason, after one request.
    app.submit_action("id", "999", true, "Spam", "").await;
    let rows = app
        .wait_history("404 failed", DELIVERY, |rows| {
            rows.first().is_some_and(|r| r.status == "failed")
        })
        .await;
    assert!(
        rows[0].text.contains("No contact matches contact ID 999."),
        "{}",
        rows[0].text
    );
    assert!(
        app.is_visible(&format!("[data-entry='{}'] button.retry", rows[0].entry))
            .await
    );
    app.screenshot_at("04-failed-with-reason", "#history").await;

    // 429 with Retry-After: waits, then goes through.
    app.submit_action("id", "3", true, "Resolved", "").await;
    app.wait_history("429 then done", DELIVERY, |rows| {
        rows.len() == 2 && rows[0].status == "done"
    })
    .await;
    let answers: Vec<u16> = posts(&sandbox)
        .iter()
        .filter(|r| r.raw_path == status_path("id:3"))
        .map(|r| r.status)
        .collect();
    assert_eq!(answers, [429, 200]);
    let not_found: Vec<u16> = posts(&sandbox)
        .iter()
        .filter(|r| r.raw_path == status_path("id:999"))
        .map(|r| r.status)
        .collect();
    assert_eq!(not_found, [404], "a 404 is never retried");
    app.assert_accessible("a failed entry").await;
    finish(app, sandbox).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_then_delivered() {
    let (_turn, sandbox) = turn_and_sandbox(SandboxOptions::default()).await;
    // Offline from the start: every connection is dropped unanswered, yet the sandbox keeps its
    // port, so nothing else can take the address before it is back online.
    sandbox.set_down(true);
    let (_desktop, app) = signed_in(&sandbox).await;
    app.submit_action("id", "4", true, "No response", "Tried twice, no answer.")
        .await;
    let rows = app
        .wait_history("waiting while offline", DELIVERY, |rows| {
            rows.first()
                .is_some_and(|r| r.status == "pending" && r.text.contains("Could not reach Aelyst"))
        })
        .await;
    assert!(rows[0].text.contains("Next try at"), "{}", rows[0].text);
    app.screenshot_at("05-offline-waiting", "#history").await;
    // A next try today shows its time alone; one on another day (here: the page's clock moved
    // three days on, as a clock set forward would) shows its date too, redrawn at the next try.
    let reason = format!("[data-entry='{}'] .entry-reason", rows[0].entry);
    let dated = regex::Regex::new(r"\d{1,2}/\d{1,2}/\d{4}").unwrap();
    let today = app.wait_text(&reason, "Next try at").await;
    assert!(!dated.is_match(&today), "a time today has no date: {today}");
    let _: () = app
        .js("const real = Date.now; Date.now = () => real() + 3 * 86400000; return null;")
        .await;
    let deadline = Instant::now() + DELIVERY;
    let later = loop {
        let text: String = app
            .js(&format!(
                "const e = document.querySelector(\"{reason}\"); return e ? e.innerText : '';"
            ))
            .await;
        if dated.is_match(&text) {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "a next try on another day never showed its date: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(later.contains("Next try at"), "{later}");
    assert!(sandbox.turned_away() > 0, "the app tried while offline");

    sandbox.set_down(false);
    app.wait_history(
        "delivered once back online",
        Duration::from_secs(90),
        |rows| rows.first().is_some_and(|r| r.status == "done"),
    )
    .await;
    let contact = sandbox.contact(4).unwrap();
    assert_eq!(
        (contact.status, contact.last_summary.as_deref()),
        (ContactStatus::Close, Some("Tried twice, no answer."))
    );
    finish(app, sandbox).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_token_brings_the_token_step_back_and_nothing_is_lost() {
    let (_turn, sandbox) = turn_and_sandbox(SandboxOptions::default()).await;
    let (_desktop, app) = signed_in(&sandbox).await;

    sandbox.set_token("rotated-token-2");
    app.submit_action("id", "5", true, "Billing", "Invoice resent.")
        .await;
    app.wait_visible("#token-step", true).await;
    app.wait_text("#token-reason", "did not accept the API token")
        .await;
    let rows = app.history().await;
    assert_eq!(
        rows[0].status, "pending",
        "the action waits for the new token"
    );
    app.screenshot("06-token-rejected").await;

    app.save_token("rotated-token-2").await;
    app.wait_history("sent with the new token", DELIVERY, |rows| {
        rows.first().is_some_and(|r| r.status == "done")
    })
    .await;
    let answers: Vec<u16> = posts(&sandbox).iter().map(|r| r.status).collect();
    assert_eq!(answers, [401, 200]);
    assert_eq!(
        sandbox.contact(5).unwrap().last_category.as_deref(),
        Some("Billing")
    );
    finish(app, sandbox).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_refuse_bad_values_and_the_window_fits_small_and_zoomed() {
    let (_turn, sandbox) = turn_and_sandbox(SandboxOptions::default()).await;
    let (_desktop, app) = signed_in(&sandbox).await;

    app.open_settings().await;
    app.wait_text("#token-state", "A token is saved").await;
    app.fill("#history-size", "5").await;
    app.click("#settings-save").await;
    app.wait_text("#settings-error", "between 10 and 100,000")
        .await;
    app.fill("#history-size", "200").await;
    app.fill("#api-address", "http://example.com/v1").await;
    app.click("#settings-save").await;
    app.wait_text("#settings-error", "https://").await;
    // Back to the address it had: valid, and nothing to ask.
    app.fill("#api-address", &sandbox.base_url()).await;
    app.click("#settings-save").await;
    app.wait_visible("#settings-error", false).await;
    app.click("#copy-diagnostics").await;
    app.wait_visible("#diagnostics", true).await;
    let diagnostics: String = app
        .js("return document.getElementById('diagnostics').value;")
        .await;
    assert!(
        diagnostics.contains("Aelyst Desk 0.1.0") && diagnostics.contains("Token: saved"),
        "{diagnostics}"
    );
    assert!(!diagnostics.contains(DEFAULT_TOKEN));
    app.screenshot_at("07-settings", "#settings").await;
    app.assert_accessible("the settings").await;
    app.click("#settings-toggle").await;

    // The smallest window, zoomed to 200%: nothing runs off the side.
    app.resize(420, 560).await;
    let _: serde_json::Value = app
        .js("document.documentElement.style.zoom = '2'; return null;")
        .await;
    app.screenshot("08-small-window-200-percent").await;
    let overflow: i64 = app
        .js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
        .await;
    let offenders: Vec<String> = app
        .js("const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')]\
             .filter(e => e.getBoundingClientRect().right > w + 1 && e.offsetParent !== null)\
             .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));")
        .await;
    assert!(
        overflow <= 0,
        "content is {overflow}px wider than the window at 200%: {offenders:?}"
    );
    finish(app, sandbox).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_close_with_the_keyboard_only_then_reopen_from_the_history() {
    let (_turn, sandbox) = turn_and_sandbox(SandboxOptions::default()).await;
    let (_desktop, app) = launched(&sandbox).await;

    // The token field has the focus on first run; Enter saves.
    app.wait_visible("#token-input", true).await;
    assert_eq!(app.focused_id().await, "token-input");
    app.keys(&format!("{DEFAULT_TOKEN}{ENTER}")).await;
    app.wait_visible("#token-step", false).await;
    assert_eq!(app.focused_id().await, "identifier-value");

    // Esc clears what was typed.
    app.keys("junk").await;
    app.keys(ESC).await;
    let value: String = app
        .js("return document.getElementById('identifier-value').value;")
        .await;
    assert_eq!(value, "");

    // Paste-style "id:6" picks the kind; Alt+C chooses Close; Tab to the note; Ctrl+Enter sends.
    app.keys("id:6").await;
    app.keys(&format!("{ALT}c{RELEASE}")).await;
    assert_eq!(app.focused_id().await, "status-close");
    app.keys(&format!("{TAB}{TAB}Resolved{TAB}Keyboard only."))
        .await;
    assert_eq!(app.focused_id().await, "summary");
    app.keys(&format!("{CTRL}{ENTER}{RELEASE}")).await;
    app.wait_history("keyboard close done", DELIVERY, |rows| {
        rows.first().is_some_and(|r| r.status == "done")
    })
    .await;
    assert_eq!(
        app.focused_id().await,
        "identifier-value",
        "focus is back for the next contact"
    );
    assert_eq!(
        posts(&sandbox)[0].body,
        Some(json!({"status": "close", "category": "Resolved", "summary": "Keyboard only."}))
    );

    // ? shows the shortcut list (not while typing in a field); Esc closes it.
    app.keys(&format!("{ALT}o{RELEASE}")).await;
    assert_eq!(app.focused_id().await, "status-open");
    app.keys("?").await;
    app.wait_visible("#shortcuts", true).await;
    app.screenshot("09-shortcuts").await;
    app.keys(ESC).await;
    app.wait_visible("#shortcuts", false).await;

    // Reopen from the history, with a confirmation that says what it means.
    let rows = app.history().await;
    app.click(&format!("[data-entry='{}'] button.undo", rows[0].entry))
        .await;
    app.wait_visible("#confirm-dialog", true).await;
    app.wait_text("#confirm-text", "can start a new conversation")
        .await;
    app.screenshot("10-reopen-confirmation").await;
    app.assert_accessible("the reopen confirmation").await;
    app.click("#confirm-yes").await;
    app.wait_history("reopened from history", DELIVERY, |rows| {
        rows.len() == 2 && rows[0].action == "open" && rows[0].status == "done"
    })
    .await;
    assert_eq!(sandbox.contact(6).unwrap().status, ContactStatus::Open);
    assert_eq!(sandbox.contact(6).unwrap().conversations, 2);
    finish(app, sandbox).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_run_with_bad_rows_a_429_a_404_cancel_and_export() {
    // One request a second for the whole workspace, held by the sandbox itself (429 with
    // Retry-After): when Cancel is clicked, the rows left need many more seconds to get
    // through, so the Cancel always lands mid-run however slow the window is to click.
    let (_turn, sandbox) = turn_and_sandbox(SandboxOptions {
        workspace_limit: Some(1),
        ..SandboxOptions::default()
    })
    .await;
    sandbox.script(&status_path("id:3"), [Fault::status_retry_after(429, "1")]);
    let files = tempfile::tempdir().unwrap();
    let csv_path = files.path().join("list.csv");
    let mut csv_text = String::from("identifier,category,summary\n");
    csv_text.push_str(
        "id:1,Resolved,\"Refund sent, thanks\"\nid:999,Spam,\nnobody,,\nid:3,,\n0121233112,,\n",
    );
    for id in 4..=18 {
        csv_text.push_str(&format!("id:{id},,\n"));
    }
    std::fs::write(&csv_path, &csv_text).unwrap();
    let desktop = Desktop::builder()
        .env("AELYST_API_BASE_URL", &sandbox.base_url())
        .env("AELYST_DIALOG_PATH", &csv_path.display().to_string())
        .start();
    let app = desktop.launch().await;
    app.save_token(DEFAULT_TOKEN).await;

    app.click("#view-bulk").await;
    app.wait_visible("#bulk-card", true).await;
    app.fill("#bulk-category", "No response").await;
    app.click("#bulk-open-csv").await;
    app.wait_visible("#bulk-review", true).await;
    let checks: Vec<(String, String)> = app
        .js("return [...document.querySelectorAll('#bulk-rows tbody tr')].map(r => [r.dataset.ready, r.innerText]);")
        .await;
    assert_eq!(checks.len(), 20, "{checks:#?}");
    let bad: Vec<&(String, String)> = checks
        .iter()
        .filter(|(ready, _)| ready == "false")
        .collect();
    assert_eq!(bad.len(), 2, "{bad:#?}");
    assert!(bad[0].1.contains("phone:, email: or id:"));
    assert!(bad[1].1.contains("country code"));
    app.wait_text("#bulk-review-summary", "18 of 20 rows are ready")
        .await;
    app.screenshot_at("11-bulk-preview", "#bulk-review").await;
    app.assert_accessible("the bulk preview").await;
    assert!(posts(&sandbox).is_empty(), "checking sends nothing");

    app.click("#bulk-confirm").await;
    app.wait_visible("#bulk-run", true).await;
    // Cancel once the 429 was retried and a few are through.
    app.wait_history("the 429 row went through", DELIVERY, |rows| {
        rows.iter().filter(|r| r.status == "done").count() >= 5
            && rows
                .iter()
                .any(|r| r.text.contains("contact ID 3\n") && r.status == "done")
    })
    .await;
    app.click("#bulk-cancel").await;
    let rows = app
        .wait_history("run settled", DELIVERY, |rows| {
            rows.len() == 18 && rows.iter().all(|r| r.status != "pending")
        })
        .await;
    app.wait_text("#bulk-counts", "0 waiting").await;
    app.screenshot_at("12-bulk-cancelled", "#bulk-run").await;
    let count = |status: &str| rows.iter().filter(|r| r.status == status).count();
    assert!(count("cancelled") > 0, "cancel stopped the rest: {rows:#?}");
    assert_eq!(count("failed"), 1);
    assert!(rows
        .iter()
        .any(|r| r.status == "failed" && r.text.contains("No contact matches contact ID 999.")));

    // The sandbox saw: never the bad rows, the 404 once, the 429 then its retry, nothing cancelled.
    let log = posts(&sandbox);
    // Answers per contact; workspace 429s may fall on any row and are left out where noted.
    let answers = |id: &str| -> Vec<u16> {
        log.iter()
            .filter(|r| r.raw_path == status_path(id))
            .map(|r| r.status)
            .collect()
    };
    let without_429 =
        |id: &str| -> Vec<u16> { answers(id).into_iter().filter(|&s| s != 429).collect() };
    assert_eq!(
        without_429("id:999"),
        [404],
        "a 404 is sent once and never retried"
    );
    assert_eq!(answers("id:3").first(), Some(&429));
    assert_eq!(without_429("id:3"), [200], "the 429 row went through once");
    for row in rows.iter().filter(|r| r.status == "cancelled") {
        let id = row
            .text
            .lines()
            .find_map(|l| l.split("contact ID ").nth(1))
            .unwrap()
            .trim()
            .to_owned();
        assert!(
            without_429(&format!("id:{id}")).is_empty(),
            "cancelled contact {id} was sent"
        );
    }
    assert!(log
        .iter()
        .all(|r| !r.raw_path.contains("nobody") && !r.raw_path.contains("0121233112")));
    assert_eq!(
        log.iter()
            .find(|r| r.raw_path == status_path("id:1"))
            .unwrap()
            .body,
        Some(json!({"status": "close", "category": "Resolved", "summary": "Refund sent, thanks"})),
        "a CSV row's own note wins"
    );
    assert_eq!(
        log.iter()
            .find(|r| r.raw_path == status_path("id:4") && r.status == 200)
            .map(|r| r.body.clone()),
        Some(Some(json!({"status": "close", "category": "No response"}))),
        "rows without a note get the run's"
    );

    // Export the history (the dialog's answer is the same path) and read it back.
    app.click("#export-history").await;
    app.wait_text("#export-status", "Saved to").await;
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(reader.headers().unwrap().iter().next(), Some("created"));
    let exported: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(exported.len(), 18);
    let failed = exported.iter().find(|r| &r[4] == "id:999").unwrap();
    assert_eq!(
        (&failed[8], &failed[10]),
        ("failed", "No contact matches contact ID 999.")
    );
    let first = exported.iter().find(|r| &r[4] == "id:1").unwrap();
    assert_eq!(&first[7], "Refund sent, thanks");
    finish(app, sandbox).await;
}
