// Every command the window may call, in one place. `build.rs` declares a permission for each
// (`allow-<name>`), `lib.rs` registers each handler, and `tests/commands_mock.rs` fails when
// `capabilities/default.json` does not grant exactly these. Read with `include!` by both, so
// this file holds only the list.
app_commands! {
    diagnostics::app_info,
    workspaces::watch_workspaces,
    workspaces::show_workspace,
    workspaces::add_workspace,
    workspaces::remove_workspace,
    workspaces::cancel_waiting,
    actions::submit_action,
    actions::closing_categories,
    actions::refresh_closing_categories,
    actions::contact_preview,
    history::watch_history,
    history::retry_action,
    history::clear_finished,
    token::token_status,
    token::save_token,
    token::forget_token,
    token::retry_sending,
    settings::get_settings,
    settings::save_settings,
    diagnostics::diagnostics,
    diagnostics::open_log_folder,
    bulk::bulk_preview,
    bulk::bulk_open_csv,
    bulk::bulk_submit,
    bulk::bulk_cancel,
    export::export_history,
}
