//! The real window, through the real webview: the app starts and shows what an agent needs
//! first.
// Drives the real Linux desktop (Xvfb, a session bus, the Secret Service): Linux only;
// the Windows and macOS checks (scripts/check-cross.sh) compile everything else.
#![cfg(target_os = "linux")]

mod support;

use support::desktop::{one_at_a_time, Desktop};

#[tokio::test(flavor = "multi_thread")]
async fn main_window_renders_heading_and_first_control() {
    let _turn = one_at_a_time().await;
    let desktop = Desktop::builder().start();
    let app = desktop.launch().await;

    assert_eq!(app.text("h1").await, "Aelyst Desk");
    assert_eq!(app.client.title().await.expect("title"), "Aelyst Desk");
    // First run: the token step is the first thing to do, with a labelled field.
    app.wait_visible("#token-input", true).await;
    assert_eq!(app.text("label[for=token-input]").await, "API token");
    let field_type: Option<String> = app
        .wait_for("#token-input")
        .await
        .attr("type")
        .await
        .expect("type");
    assert_eq!(field_type.as_deref(), Some("password"));
    assert!(
        !app.is_visible("#sandbox-badge").await,
        "the real API is not the sandbox"
    );

    let shot = app.screenshot("00-main-window").await;
    assert!(std::fs::metadata(&shot)
        .map(|m| m.len() > 1000)
        .unwrap_or(false));
    app.close().await;
}
