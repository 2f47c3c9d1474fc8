//! The real window, through the real webview: the app starts and shows what an agent needs.

mod support;

use support::desktop::Desktop;

#[tokio::test(flavor = "multi_thread")]
async fn main_window_renders_heading_and_form() {
    let desktop = Desktop::builder().start();
    let app = desktop.launch().await;

    assert_eq!(app.text("h1").await, "Aelyst Desk");
    let kind = app.wait_for("#identifier-type").await;
    assert_eq!(
        kind.prop("tagName").await.unwrap().as_deref(),
        Some("SELECT")
    );
    let label = app.text("label[for=identifier-value]").await;
    assert!(!label.is_empty(), "the contact field has a visible label");
    let title = app.client.title().await.expect("title");
    assert_eq!(title, "Aelyst Desk");

    let shot = app.screenshot("main-window").await;
    assert!(std::fs::metadata(&shot)
        .map(|m| m.len() > 1000)
        .unwrap_or(false));
    app.close().await;
}
