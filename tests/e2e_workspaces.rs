//! Two workspaces side by side in the real window, against two sandboxes on two ports with two
//! tokens: actions queued in one while its server is down reach that server only, whichever
//! workspace is shown; neither server sees the other's token; the closing rule stops a close
//! with nothing sent; removing a workspace with waiting actions asks first; a restart keeps
//! both workspaces, their tokens (in the keychain only) and their histories.
// Drives the real Linux desktop (Xvfb, a session bus, the Secret Service): Linux only;
// the Windows and macOS checks (scripts/check-cross.sh) compile everything else.
#![cfg(target_os = "linux")]

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use aelyst_sandbox::{status_path, Fault, Sandbox, SandboxOptions};
use support::desktop::{one_at_a_time, App, Desktop};

const TOKEN_A: &str = "brand-a-token-1";
const TOKEN_B: &str = "brand-b-token-2";
const DELIVERY: Duration = Duration::from_secs(60);

async fn wait_until(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + DELIVERY;
    while !check() {
        assert!(Instant::now() < deadline, "{what}: not within {DELIVERY:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn options_of_switcher(app: &App) -> Vec<(String, String)> {
    app.js("const s = document.getElementById('workspace-select');\
         return s ? [...s.options].map(o => [o.value, o.textContent]) : [];")
        .await
}

/// Shows the workspace named `name` through the header's switcher; returns once the window
/// has started afresh on it.
async fn switch_to(app: &App, name: &str) {
    let id = options_of_switcher(app)
        .await
        .into_iter()
        .find(|(_, text)| text == name)
        .unwrap_or_else(|| panic!("no workspace {name} in the switcher"))
        .0;
    app.mark_page().await;
    app.choose("#workspace-select", &id).await;
    app.wait_new_page().await;
    let shown: String = app
        .js("return document.getElementById('workspace-select').selectedOptions[0].textContent;")
        .await;
    assert_eq!(shown, name);
}

fn history_has(rows: &[support::desktop::HistoryRow], contact: &str) -> bool {
    rows.iter().any(|r| r.text.contains(contact))
}

#[tokio::test(flavor = "multi_thread")]
async fn two_workspaces_side_by_side_each_with_its_own_server_token_history_and_rule() {
    let _turn = one_at_a_time().await;
    let a = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let b = Sandbox::start(SandboxOptions::default()).await.unwrap();
    a.set_token(TOKEN_A);
    b.set_token(TOKEN_B);
    let desktop = Desktop::builder()
        .env("AELYST_API_BASE_URL", &a.base_url())
        .start();
    let app = desktop.launch().await;
    app.save_token(TOKEN_A).await;
    assert!(
        options_of_switcher(&app).await.is_empty(),
        "one workspace: no switcher, nothing new to learn"
    );

    // A second workspace, added in Settings; its token is asked for at once.
    app.open_settings().await;
    app.click("#workspace-add").await;
    app.fill("#workspace-name", "Brand B").await;
    app.fill("#workspace-address", &b.base_url()).await;
    app.mark_page().await;
    app.click("#workspace-save").await;
    app.wait_new_page().await;
    app.wait_text("#token-heading", "Brand B").await;
    app.save_token(TOKEN_B).await;
    let switcher = options_of_switcher(&app).await;
    assert_eq!(
        switcher
            .iter()
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>(),
        ["Sandbox", "Brand B"]
    );
    app.assert_accessible("the form with the workspace switcher")
        .await;

    // In A: one close its server refuses (it fails), then two while its server is down.
    switch_to(&app, "Sandbox").await;
    a.script(&status_path("id:9"), [Fault::status(404)]);
    app.submit_action("id", "9", true, "Resolved", "").await;
    app.wait_history("id:9 failed", DELIVERY, |rows| {
        rows.iter().any(|r| r.status == "failed")
    })
    .await;
    a.set_down(true);
    app.submit_action("id", "1", true, "Resolved", "").await;
    app.submit_action("id", "2", true, "Resolved", "").await;
    app.wait_history("A's two waiting", DELIVERY, |rows| {
        rows.iter().filter(|r| r.status == "pending").count() == 2
    })
    .await;

    // B shown: its own history, a badge for A's failure, its own action delivered.
    switch_to(&app, "Brand B").await;
    app.wait_text("#workspace-failed", "Sandbox: 1 failed action")
        .await;
    app.screenshot("15-workspace-switcher-with-badge").await;
    app.submit_action("id", "3", true, "Resolved", "").await;
    app.wait_history("B's action done", DELIVERY, |rows| {
        rows.len() == 1 && rows[0].status == "done"
    })
    .await;
    // A's server comes back while B is shown: A's actions go to A.
    a.set_down(false);
    wait_until("A's two actions delivered to A", || {
        a.statuses_sent("id:1") == ["close"] && a.statuses_sent("id:2") == ["close"]
    })
    .await;
    let rows = app.history().await;
    assert!(
        !history_has(&rows, "contact ID 9") && rows.len() == 1,
        "B's history shows B's only: {:?}",
        rows.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for contact in ["id:1", "id:2", "id:9"] {
        assert_eq!(b.posts_to(contact), 0, "{contact} never went to B");
    }
    assert_eq!(a.posts_to("id:3"), 0, "B's action never went to A");
    assert_eq!(a.tokens_seen(), [TOKEN_A.to_owned()].into());
    assert_eq!(b.tokens_seen(), [TOKEN_B.to_owned()].into());

    // B's closing rule: a category is required. A close without one is refused in plain
    // words and nothing is saved or sent.
    app.open_settings().await;
    app.choose("#closing-rule", "category").await;
    app.mark_page().await;
    app.click("#settings-save").await;
    app.wait_new_page().await;
    app.wait_text("label[for='category']", "required").await;
    app.submit_action("id", "4", true, "", "").await;
    app.wait_text("#form-error", "This workspace needs a closing category")
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(b.posts_to("id:4"), 0, "nothing was sent");
    assert_eq!(app.history().await.len(), 1, "nothing was saved");

    // Removing B while an action waits: asked first; keeping it changes nothing.
    b.set_down(true);
    app.submit_action("id", "5", true, "Resolved", "").await;
    app.wait_history("id:5 waiting", DELIVERY, |rows| {
        rows.iter().any(|r| r.status == "pending")
    })
    .await;
    app.open_settings().await;
    app.assert_accessible("the settings with two workspaces")
        .await;
    app.click("#workspace-remove").await;
    app.wait_visible("#confirm-dialog", true).await;
    app.click("#confirm-yes").await;
    app.wait_text("#confirm-title", "still waiting").await;
    app.wait_text(
        "#confirm-text",
        "1 action of this workspace is still waiting",
    )
    .await;
    app.click("#confirm-no").await;
    app.wait_text("#workspace-status", "1 action is still waiting")
        .await;
    app.screenshot_at("16-workspaces-in-settings", "#settings")
        .await;
    assert_eq!(options_of_switcher(&app).await.len(), 2, "B is still there");
    app.close().await;

    // A restart keeps both workspaces, their histories and their tokens, in the keychain only.
    let home = desktop.stop_keep_home();
    let desktop = Desktop::builder()
        .env("AELYST_API_BASE_URL", &a.base_url())
        .home(home)
        .start();
    let app = desktop.launch().await;
    assert_eq!(options_of_switcher(&app).await.len(), 2);
    let rows = app.history().await;
    assert_eq!(rows.len(), 3, "A's history came back");
    assert!(!app.is_visible("#token-step").await, "A's token came back");
    switch_to(&app, "Brand B").await;
    assert!(!app.is_visible("#token-step").await, "B's token came back");
    assert_eq!(app.history().await.len(), 2, "B's history came back");
    let listed = Command::new("secret-tool")
        .args(["search", "--all", "service", "ai.aelyst.desk"])
        .envs(desktop.env().iter().cloned())
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(
        listed.lines().filter(|l| l.starts_with('[')).count(),
        2,
        "one keychain entry per workspace: {listed}"
    );
    for token in [TOKEN_A, TOKEN_B] {
        support::files::assert_in_no_file(desktop.home(), token);
    }

    // Removing B again, this time cancelling what waits: B is gone, A stays.
    app.open_settings().await;
    app.click("#workspace-remove").await;
    app.click("#confirm-yes").await;
    app.wait_text("#confirm-title", "still waiting").await;
    app.mark_page().await;
    app.click("#confirm-yes").await;
    app.wait_new_page().await;
    assert!(
        options_of_switcher(&app).await.is_empty(),
        "one workspace left: no switcher"
    );
    app.open_settings().await;
    app.wait_text("#app-version", &a.base_url()).await;
    assert_eq!(app.history().await.len(), 3);
    app.screenshot("17-workspaces-after-remove").await;
    app.close().await;
    a.stop().await;
    b.stop().await;
}
