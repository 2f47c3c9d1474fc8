// Declares the app's commands so each one gets a permission that the capability file grants
// explicitly; nothing reaches the webview unless it is named there.
const COMMANDS: &[&str] = &[
    "app_info",
    "submit_action",
    "watch_history",
    "retry_action",
    "clear_finished",
    "token_status",
    "save_token",
    "forget_token",
    "get_settings",
    "save_settings",
    "closing_categories",
    "refresh_closing_categories",
    "contact_preview",
    "diagnostics",
    "open_log_folder",
    "bulk_preview",
    "bulk_open_csv",
    "bulk_submit",
    "bulk_cancel",
    "export_history",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and src-tauri/capabilities");
}
