// Declares the app's commands so each one gets a permission that the capability file grants
// explicitly; nothing reaches the webview unless it is named there. The list itself is
// `src-tauri/commands/list.rs`, shared with `lib.rs`.
macro_rules! app_commands {
    ($($area:ident :: $name:ident),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}
include!("commands/list.rs");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/commands/list.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and src-tauri/capabilities");
}
