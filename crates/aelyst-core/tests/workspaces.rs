//! Workspaces side by side against two real sandboxes on loopback: each one's actions and
//! token reach its own server only; an address change or a removal never moves or drops a
//! waiting action; a token is never handed out for another address; an install of the
//! version before workspaces becomes the first one untouched.

mod support;

use std::path::Path;
use std::sync::Arc;

use aelyst_core::api::{ApiToken, ClientConfig};
use aelyst_core::keychain::{Keychains, DEFAULT_ACCOUNT};
use aelyst_core::outbox::{EntryState, Outbox, OutboxOptions, TokenSource};
use aelyst_core::policy::{Level, Policies, PolicyValues, Read};
use aelyst_core::settings::SettingsStore;
use aelyst_core::workspace::{BulkInput, ClosingRule, OpenWorkspace, Setup, Workspaces, LEGACY_ID};
use aelyst_core::Coded;
use aelyst_core::ErrorCode;
use aelyst_sandbox::Sandbox;
use keyring_core::CredentialStore;
use support::outbox::{all_finished, poll, quiet, settle};
use support::{close, quick_config, sandbox};

const TOKEN_A: &str = "token-for-brand-a";
const TOKEN_B: &str = "token-for-brand-b";

struct Desk {
    dir: tempfile::TempDir,
    store: Arc<CredentialStore>,
    settings: Arc<SettingsStore>,
    workspaces: Workspaces,
}

/// The app's data folder `dir` opened as the app opens it, `env` standing for
/// `AELYST_API_BASE_URL`. Returns the workspace shown.
fn open_desk(
    dir: tempfile::TempDir,
    store: Arc<CredentialStore>,
    env: Option<&str>,
) -> (Desk, String) {
    open_managed_desk(dir, store, env, Policies::default())
}

/// [`open_desk`] on a computer with IT's `policies`.
fn open_managed_desk(
    dir: tempfile::TempDir,
    store: Arc<CredentialStore>,
    env: Option<&str>,
    policies: Policies,
) -> (Desk, String) {
    let (settings, _) = SettingsStore::open(&dir.path().join("settings.json")).unwrap();
    let legacy = dir.path().join("outbox.jsonl").exists();
    let settled = settings
        .update(|s| s.settle_with_policies(&policies, legacy, env))
        .unwrap();
    let settings = Arc::new(settings);
    let (workspaces, _) = Workspaces::open(Setup {
        policies: Arc::new(policies),
        data_dir: dir.path().to_owned(),
        keychains: Keychains::with_store(store.clone()),
        settings: settings.clone(),
        listener: Arc::new(|_, _| {}),
        spawn: Arc::new(|work| {
            tokio::spawn(work);
        }),
        tune: quick,
    })
    .unwrap();
    let desk = Desk {
        dir,
        store,
        settings,
        workspaces,
    };
    (desk, settled.shown)
}

fn quick(config: ClientConfig) -> ClientConfig {
    quick_config(config.base_url().as_str())
}

fn mock_store() -> Arc<CredentialStore> {
    keyring_core::mock::Store::new().unwrap()
}

impl Desk {
    fn get(&self, id: &str) -> Arc<OpenWorkspace> {
        self.workspaces.get(id).unwrap()
    }

    /// As the window saves it: for the address it shows.
    fn save_token(&self, id: &str, token: &str) {
        let open = self.get(id);
        let address = open.outbox.client().config().base_url().to_string();
        open.save_token(token, &address).unwrap();
    }

    fn close_in(&self, id: &str, contact: &str) {
        let (identifier, change) = close(contact);
        self.get(id).outbox.submit(identifier, change).unwrap();
    }

    fn keychain_has(&self, account: &str) -> bool {
        Keychains::with_store(self.store.clone())
            .account(account)
            .has_token()
            .unwrap()
    }
}

async fn two_brands() -> (Sandbox, Sandbox, Desk, String, String) {
    let (a, b) = (sandbox().await, sandbox().await);
    a.set_token(TOKEN_A);
    b.set_token(TOKEN_B);
    let (desk, brand_a) = open_desk(support::data_dir(), mock_store(), Some(&a.base_url()));
    let brand_b = desk.workspaces.add("Brand B", &b.base_url()).unwrap();
    desk.save_token(&brand_a, TOKEN_A);
    desk.save_token(&brand_b, TOKEN_B);
    (a, b, desk, brand_a, brand_b)
}

#[tokio::test(flavor = "multi_thread")]
async fn each_workspace_sends_its_own_actions_with_its_own_token_to_its_own_server() {
    let (a, b, desk, brand_a, brand_b) = two_brands().await;
    a.set_down(true);
    for contact in ["id:1", "id:2", "id:3"] {
        desk.close_in(&brand_a, contact);
    }
    desk.close_in(&brand_b, "id:4");
    settle(&desk.get(&brand_b).outbox, "B's action done", all_finished).await;
    assert!(
        desk.get(&brand_a)
            .outbox
            .list()
            .iter()
            .all(|e| e.state == EntryState::Pending),
        "A's server is down: A's actions wait"
    );
    poll("A's outbox trying", || a.turned_away(), |n| *n > 0).await;
    a.set_down(false);
    let done = settle(&desk.get(&brand_a).outbox, "A's actions done", all_finished).await;
    assert!(done.iter().all(|e| e.state == EntryState::Done));
    for contact in ["id:1", "id:2", "id:3"] {
        assert_eq!(a.statuses_sent(contact), ["close"], "{contact} once, to A");
        assert_eq!(b.posts_to(contact), 0, "{contact} never to B");
    }
    assert_eq!(a.posts_to("id:4"), 0, "B's action never to A");
    assert_eq!(
        a.tokens_seen(),
        [TOKEN_A.to_owned()].into(),
        "A saw only A's token"
    );
    assert_eq!(
        b.tokens_seen(),
        [TOKEN_B.to_owned()].into(),
        "B saw only B's token"
    );
    assert!(desk.keychain_has(&brand_a) && desk.keychain_has(&brand_b));
    assert!(
        !desk.keychain_has(DEFAULT_ACCOUNT),
        "a new install never uses the old account"
    );
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_address_waits_for_the_old_ones_actions_and_forgets_the_old_token() {
    let (a, b, desk, brand_a, _) = two_brands().await;
    a.set_down(true);
    desk.close_in(&brand_a, "id:1");
    let refused = desk
        .workspaces
        .change_address(&brand_a, &b.base_url())
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::ActionsStillWaiting);
    assert_eq!(refused.fields["count"], 1);
    assert!(
        desk.keychain_has(&brand_a),
        "a refused change forgets nothing"
    );
    // The agent cancels it (it was never sent); then the address can change. One on its way
    // at that moment goes on (and fails against the down server), so cancel until none waits.
    let outbox = desk.get(&brand_a).outbox.clone();
    let cancelled = outbox
        .cancel_waiting_patiently(std::time::Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!((cancelled, outbox.waiting()), (1, 0));
    assert_eq!(outbox.list()[0].state, EntryState::Cancelled);
    assert!(desk
        .workspaces
        .change_address(&brand_a, &format!("{}/", b.base_url()))
        .unwrap());
    assert!(
        !desk.keychain_has(&brand_a),
        "the old address's token is forgotten"
    );
    assert_eq!(
        desk.settings
            .read(|s| s.workspace(&brand_a).unwrap().token_address.clone()),
        None
    );
    // Until a token is saved for the new address nothing goes there.
    desk.close_in(&brand_a, "id:2");
    poll(
        "sending paused for want of a token",
        || desk.get(&brand_a).outbox.pause(),
        Option::is_some,
    )
    .await;
    assert_eq!(b.posts_to("id:2"), 0);
    assert!(!b.tokens_seen().contains(TOKEN_A));
    a.set_down(false);
    assert_eq!(a.posts_to("id:2"), 0, "nor to the old address");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_a_workspace_asks_about_waiting_actions_and_never_drops_one() {
    let (a, b, desk, brand_a, brand_b) = two_brands().await;
    b.set_down(true);
    desk.close_in(&brand_b, "id:7");
    let refused = desk.workspaces.remove(&brand_b).unwrap_err();
    assert_eq!(refused.code, ErrorCode::ActionsStillWaiting);
    assert_eq!(desk.get(&brand_b).outbox.waiting(), 1, "still there");
    // Wait for it: once sent, the workspace can go.
    b.set_down(false);
    settle(&desk.get(&brand_b).outbox, "B's action done", all_finished).await;
    let outbox = desk.get(&brand_b).outbox.clone();
    let folder = desk.dir.path().join("workspaces").join(&brand_b);
    assert!(folder.exists());
    desk.workspaces.remove(&brand_b).unwrap();
    assert!(!folder.exists(), "its files are gone");
    assert!(!desk.keychain_has(&brand_b), "its token is forgotten");
    assert_eq!(
        desk.workspaces.get(&brand_b).err().map(|e| e.code()),
        Some(ErrorCode::WorkspaceNotFound)
    );
    let (identifier, change) = close("id:8");
    assert!(
        outbox.submit(identifier, change).is_err(),
        "nothing can be saved where nothing would send it"
    );
    assert_eq!(
        desk.workspaces.remove(&brand_a).unwrap_err().code,
        ErrorCode::LastWorkspace
    );
    assert!(desk.keychain_has(&brand_a));
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_is_never_handed_out_for_another_address() {
    let (a, b, desk, brand_a, _) = two_brands().await;
    let token = desk.get(&brand_a).token.clone();
    let a_url = url::Url::parse(&a.base_url()).unwrap();
    let b_url = url::Url::parse(&b.base_url()).unwrap();
    assert!(token.current(&a_url).unwrap().is_some());
    assert!(
        token.current(&b_url).unwrap().is_none(),
        "asked for another address, there is no token"
    );
    // The settings file edited by hand (or restored from another backup) to point A
    // elsewhere, its token's address included: the keychain says where the token was saved
    // for, and it stays put.
    let Desk {
        dir,
        store,
        settings,
        workspaces,
    } = desk;
    settings
        .update(|s| {
            let workspace = s.existing(&brand_a)?;
            workspace.api_base_url = Some(b.base_url());
            workspace.token_address = Some(b_url.to_string());
            Ok(())
        })
        .unwrap();
    drop(settings);
    let_go(workspaces, dir.path(), &brand_a).await;
    let (desk, _) = open_desk(dir, store, None);
    desk.close_in(&brand_a, "id:5");
    poll(
        "paused: no token for this address",
        || desk.get(&brand_a).outbox.pause(),
        Option::is_some,
    )
    .await;
    assert!(
        !b.tokens_seen().contains(TOKEN_A),
        "A's token never went to B"
    );
    assert_eq!(b.posts_to("id:5"), 0);
    support::fault_row(
        "a settings file that moves a token to another address",
        "the file edited so that A's address and its token's address both name B",
        "paused for a token; A's token never sent to B (the keychain keeps the address it was saved for); lost: 0, leaked: 0",
    );
    a.stop().await;
    b.stop().await;
}

/// What the version before workspaces left: its token under account `default`, its
/// `outbox.jsonl` in the data folder with a done action and a waiting one, its settings at
/// the top level of the file.
fn previous_version_install(dir: &Path, store: &Arc<CredentialStore>, address: &str) {
    std::fs::write(
        dir.join("settings.json"),
        format!(
            r#"{{"settings":{{"apiBaseUrl":"{address}","historyLimit":50,"closingNotes":[],"recentCategories":["Refund"]}}}}"#
        ),
    )
    .unwrap();
    Keychains::with_store(store.clone())
        .account(DEFAULT_ACCOUNT)
        .save(aelyst_sandbox::DEFAULT_TOKEN)
        .unwrap();
    struct Never;
    impl TokenSource for Never {
        fn current(
            &self,
            _: &url::Url,
        ) -> Result<Option<ApiToken>, aelyst_core::keychain::KeychainError> {
            Ok(None)
        }
    }
    let (outbox, _) = Outbox::open(
        &dir.join("outbox.jsonl"),
        OutboxOptions::default(),
        support::quick_client(address),
        Arc::new(Never),
        Box::new(|_| {}),
    )
    .unwrap();
    for contact in ["id:1", "id:2"] {
        let (identifier, change) = close(contact);
        outbox.submit(identifier, change).unwrap();
    }
    drop(outbox);
    strip_addresses(&dir.join("outbox.jsonl"));
}

/// The journal as a version before 0.6 wrote it: no entry records its address.
fn strip_addresses(journal: &Path) {
    let text = std::fs::read_to_string(journal).unwrap();
    let mut lines = Vec::new();
    for line in text.lines() {
        let mut record: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(entry) = record.get_mut("entry").and_then(|e| e.as_object_mut()) {
            entry.remove("address");
        }
        lines.push(record.to_string());
    }
    std::fs::write(journal, lines.join("\n") + "\n").unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_install_of_the_previous_version_becomes_the_first_workspace_untouched() {
    let sandbox = sandbox().await;
    let dir = support::data_dir();
    let store = mock_store();
    previous_version_install(dir.path(), &store, &sandbox.base_url());
    let (desk, shown) = open_desk(dir, store, Some(&sandbox.base_url()));
    assert_eq!(shown, LEGACY_ID);
    let settings = desk.settings.get();
    assert_eq!(
        settings.workspaces.len(),
        1,
        "the same address: no second workspace"
    );
    assert_eq!(settings.history_limit, 50);
    assert_eq!(settings.workspaces[0].recent_categories, ["Refund"]);
    let done = settle(&desk.get(LEGACY_ID).outbox, "both sent", all_finished).await;
    assert_eq!(done.len(), 2);
    for contact in ["id:1", "id:2"] {
        assert_eq!(
            sandbox.statuses_sent(contact),
            ["close"],
            "{contact} sent once"
        );
    }
    assert!(
        desk.keychain_has(DEFAULT_ACCOUNT),
        "the token stayed where it was"
    );
    // Its secret, saved alone by that version, now carries the address it was used with.
    let (address, _) = Keychains::with_store(desk.store.clone())
        .account(DEFAULT_ACCOUNT)
        .load_bound()
        .unwrap()
        .unwrap();
    assert_eq!(
        address.as_deref(),
        Some(url::Url::parse(&sandbox.base_url()).unwrap().as_str())
    );
    assert!(desk.dir.path().join("outbox.jsonl").exists());
    assert!(
        !desk.dir.path().join("workspaces").exists(),
        "nothing moved"
    );
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_action_made_for_an_old_address_never_goes_to_the_new_one() {
    let (a, b, desk, brand_a, _) = two_brands().await;
    a.set_down(true);
    desk.close_in(&brand_a, "id:1");
    let outbox = desk.get(&brand_a).outbox.clone();
    outbox
        .cancel_waiting_patiently(std::time::Duration::from_secs(10))
        .await
        .unwrap();
    let cancelled = outbox.list()[0].clone();
    assert_eq!(cancelled.state, EntryState::Cancelled);
    let a_address = url::Url::parse(&a.base_url()).unwrap().to_string();
    assert_eq!(cancelled.address.as_deref(), Some(a_address.as_str()));

    // "Cancel them and change", then the new address's token, as the window saves it.
    assert!(desk
        .workspaces
        .change_address(&brand_a, &b.base_url())
        .unwrap());
    // A token typed while the window still showed the old address is refused.
    let refused = desk
        .get(&brand_a)
        .save_token(TOKEN_B, &a.base_url())
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::WorkspaceAddressChanged);
    assert!(!desk.keychain_has(&brand_a), "nothing was saved");
    desk.save_token(&brand_a, TOKEN_B);

    // Try again on the old entry: refused, and it stays as it was.
    let refused = aelyst_core::AppError::from(outbox.retry(&cancelled.id).unwrap_err());
    assert_eq!(refused.code, ErrorCode::EntryOtherAddress);
    assert_eq!(refused.fields["address"], a_address.as_str());
    assert_eq!(outbox.list()[0].state, EntryState::Cancelled);
    a.set_down(false);
    quiet(&outbox).await;
    assert_eq!(
        b.posts_to("id:1"),
        0,
        "another tenant's contact 1 was not closed"
    );
    assert_eq!(a.posts_to("id:1"), 0);
    // A new action goes to the new address, with the new token.
    desk.close_in(&brand_a, "id:2");
    settle(&outbox, "the new action done", all_finished).await;
    assert_eq!(b.posts_to("id:2"), 1);
    support::fault_row(
        "Try again after an address change",
        "an action cancelled through \"Cancel them and change\", retried once the new address's token is saved",
        "refused (made for the old address), 0 requests to the new one; the entry stays in the history; lost: 0, leaked: 0",
    );
    a.stop().await;
    b.stop().await;
}

/// A token source that hands out one token for one address.
struct Bound(url::Url, &'static str);

/// An outbox on `path` sending to `base_url`, with `token` for `address` only; not started.
fn bound_outbox(
    path: &Path,
    base_url: &str,
    address: url::Url,
    token: &'static str,
) -> (Outbox, aelyst_core::outbox::OpenReport) {
    Outbox::open(
        path,
        OutboxOptions::default(),
        support::quick_client(base_url),
        Arc::new(Bound(address, token)),
        Box::new(|_| {}),
    )
    .unwrap()
}

impl TokenSource for Bound {
    fn current(
        &self,
        address: &url::Url,
    ) -> Result<Option<ApiToken>, aelyst_core::keychain::KeychainError> {
        Ok((address == &self.0).then(|| ApiToken::new(self.1).unwrap()))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_waiting_action_in_a_journal_is_never_sent_to_an_address_it_was_not_made_for() {
    let (a, b) = (sandbox().await, sandbox().await);
    let dir = support::data_dir();
    let path = dir.path().join("outbox.jsonl");
    let a_url = url::Url::parse(&a.base_url()).unwrap();
    let b_url = url::Url::parse(&b.base_url()).unwrap();
    {
        // Saved for A and never sent (no worker), as a journal another version left.
        let (outbox, _) = bound_outbox(
            &path,
            &a.base_url(),
            a_url.clone(),
            aelyst_sandbox::DEFAULT_TOKEN,
        );
        let (identifier, change) = close("id:1");
        outbox.submit(identifier, change).unwrap();
    }
    // Opened with B's client and a token for B: the worker holds it back and says why.
    let (outbox, _) = bound_outbox(&path, &b.base_url(), b_url, aelyst_sandbox::DEFAULT_TOKEN);
    outbox.start();
    let entries = settle(&outbox, "held back", all_finished).await;
    assert_eq!(entries[0].state, EntryState::Failed);
    assert_eq!(
        entries[0].reason,
        Some(aelyst_core::api::Reason::OtherAddress {
            address: a_url.to_string()
        })
    );
    assert_eq!(b.requests().len(), 0, "nothing reached the other address");
    assert_eq!(a.requests().len(), 0);
    support::fault_row(
        "a waiting action whose workspace now has another address",
        "a journal with an action made for A, opened by a workspace sending to B with B's token",
        "held back as failed (made for A, said so in the history), 0 requests to B; lost: 0, leaked: 0",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forgetting_a_token_drops_every_copy_in_the_core_call() {
    let (a, b, desk, brand_a, _) = two_brands().await;
    // The token is read and cached by a send.
    desk.close_in(&brand_a, "id:1");
    settle(&desk.get(&brand_a).outbox, "first done", all_finished).await;
    desk.get(&brand_a).forget_token().unwrap();
    assert!(!desk.keychain_has(&brand_a));
    desk.close_in(&brand_a, "id:2");
    poll(
        "paused for want of a token",
        || desk.get(&brand_a).outbox.pause(),
        Option::is_some,
    )
    .await;
    assert_eq!(a.posts_to("id:2"), 0, "the cached token was not used");
    support::fault_row(
        "token forgotten while the outbox holds a copy",
        "forget_token right after a send read and cached it, then a new action",
        "paused for a token, 0 requests with the old one; the action waits; lost: 0, leaked: 0",
    );
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_workspaces_keep_is_the_agents_alone() {
    let (a, b, desk, brand_a, brand_b) = two_brands().await;
    desk.close_in(&brand_a, "id:1");
    desk.close_in(&brand_b, "id:2");
    settle(&desk.get(&brand_b).outbox, "done", all_finished).await;
    // The data folder itself is made private by the app's setup, as here.
    aelyst_core::files::create_private_dir(desk.dir.path()).unwrap();
    #[cfg(unix)]
    support::files::assert_private(desk.dir.path());
    a.stop().await;
    b.stop().await;
}

/// Two actions left waiting by a newer version (its journals), its tokens in the keychain,
/// and its settings file in a shape this version only partly knows.
fn newer_version_install(dir: &Path, store: &Arc<CredentialStore>, a: &Sandbox, b: &Sandbox) {
    let ids = [
        "w-0123456789abcdef0123456789abcdef",
        "w-fedcba9876543210fedcba9876543210",
    ];
    let mut workspaces = Vec::new();
    for ((id, sandbox), (token, contact)) in ids
        .iter()
        .zip([a, b])
        .zip([(TOKEN_A, "id:1"), (TOKEN_B, "id:2")])
    {
        let address = url::Url::parse(&sandbox.base_url()).unwrap();
        Keychains::with_store(store.clone())
            .account(id)
            .save_for(token, address.as_str())
            .unwrap();
        let (outbox, _) = bound_outbox(
            &dir.join("workspaces").join(id).join("outbox.jsonl"),
            &sandbox.base_url(),
            address.clone(),
            token,
        );
        let (identifier, change) = close(contact);
        outbox.submit(identifier, change).unwrap();
        workspaces.push(serde_json::json!({
            "id": id, "name": format!("Brand {contact}"), "apiBaseUrl": sandbox.base_url(),
            "tokenAddress": address.as_str(), "closingRule": "disabled",
            "syncedAt": "2027-01-01", "closingNotes": {"v": 2}
        }));
    }
    let file = serde_json::json!({"settings": {
        "historyLimit": "500", "updates": "automatic", "shown": ids[1], "workspaces": workspaces
    }});
    std::fs::write(dir.join("settings.json"), file.to_string()).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn going_back_from_a_newer_version_keeps_every_workspace_its_token_and_its_waiting_actions() {
    let (a, b) = (sandbox().await, sandbox().await);
    a.set_token(TOKEN_A);
    b.set_token(TOKEN_B);
    let dir = support::data_dir();
    let store = mock_store();
    newer_version_install(dir.path(), &store, &a, &b);
    let (desk, shown) = open_desk(dir, store, None);
    assert_eq!(shown, "w-fedcba9876543210fedcba9876543210");
    assert_eq!(desk.workspaces.all().len(), 2, "both workspaces open");
    for open in desk.workspaces.all() {
        settle(
            &open.outbox,
            "the newer version's action delivered",
            all_finished,
        )
        .await;
    }
    assert_eq!((a.posts_to("id:1"), b.posts_to("id:2")), (1, 1));
    assert_eq!(
        a.tokens_seen(),
        [TOKEN_A].into_iter().map(String::from).collect()
    );
    assert_eq!(
        b.tokens_seen(),
        [TOKEN_B].into_iter().map(String::from).collect()
    );
    // What this version does not know went back into the file as it was.
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(desk.dir.path().join("settings.json")).unwrap())
            .unwrap();
    assert_eq!(file["settings"]["updates"], "automatic");
    assert_eq!(file["settings"]["workspaces"][0]["closingRule"], "disabled");
    assert_eq!(file["settings"]["workspaces"][1]["syncedAt"], "2027-01-01");
    support::fault_row(
        "going back from a newer version",
        "a newer version's settings (a fourth closing rule, unknown fields, a number as a string), its tokens and a waiting action in each of two workspaces",
        "both workspaces open; each action delivered once, with its own token, to its own server; the unknown fields kept; lost: 0, leaked: 0",
    );
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_earlier_versions_finished_actions_are_never_sent_again_and_its_waiting_ones_go() {
    let sandbox = sandbox().await;
    let dir = support::data_dir();
    let path = dir.path().join("outbox.jsonl");
    let address = url::Url::parse(&sandbox.base_url()).unwrap();
    let cancelled = {
        let (outbox, _) = bound_outbox(
            &path,
            &sandbox.base_url(),
            address.clone(),
            aelyst_sandbox::DEFAULT_TOKEN,
        );
        let (identifier, change) = close("id:1");
        let cancelled = outbox.submit(identifier, change).unwrap();
        outbox.cancel_waiting().unwrap();
        let (identifier, change) = close("id:2");
        outbox.submit(identifier, change).unwrap();
        cancelled
    };
    strip_addresses(&path);
    let (outbox, _) = bound_outbox(
        &path,
        &sandbox.base_url(),
        address,
        aelyst_sandbox::DEFAULT_TOKEN,
    );
    outbox.start();
    settle(&outbox, "the waiting one delivered", all_finished).await;
    assert_eq!(
        sandbox.posts_to("id:2"),
        1,
        "a waiting action of that version goes"
    );
    // Which address the cancelled one was made for is not known: it is not sent again.
    let refused = aelyst_core::AppError::from(outbox.retry(&cancelled.id).unwrap_err());
    assert_eq!(refused.code, ErrorCode::EntryAddressUnknown);
    quiet(&outbox).await;
    assert_eq!(sandbox.posts_to("id:1"), 0);
    support::fault_row(
        "an earlier version's journal after an upgrade",
        "a journal with no addresses: one waiting action, one cancelled (possibly for an address since left), then Try again on it",
        "the waiting one delivered once; Try again refused (address unknown), 0 requests; lost: 0, leaked: 0",
    );
}

/// Beside submit, in the core: the categories refreshed from the workspace's own server and
/// cached, and a bulk run checked against the workspace's closing rule, only its good rows
/// queued in its own outbox.
#[tokio::test(flavor = "multi_thread")]
async fn categories_and_bulk_runs_go_by_each_workspaces_own_server_and_rule() {
    let (a, b, desk, brand_a, brand_b) = two_brands().await;
    let choices = desk.workspaces.refresh_categories(&brand_a).await.unwrap();
    assert!(!choices.is_empty(), "the sandbox's closing notes");
    assert_eq!(
        desk.workspaces.category_choices(&brand_a).unwrap(),
        choices,
        "cached"
    );
    assert!(
        b.requests()
            .iter()
            .all(|r| !r.raw_path.contains("closing_notes")),
        "asked of A's server only"
    );

    desk.settings
        .update(|s| {
            s.existing(&brand_b)?.closing_rule = ClosingRule::Category;
            Ok(())
        })
        .unwrap();
    let input: BulkInput = serde_json::from_value(serde_json::json!({
        "source": "csv",
        "text": "id:1,Resolved\nid:2,\nid:3,Resolved\n",
        "action": "close",
    }))
    .unwrap();
    let rows = desk.workspaces.bulk_preview(&brand_b, &input).unwrap();
    let problems: Vec<Option<ErrorCode>> = rows
        .iter()
        .map(|r| r.problem.as_ref().map(|p| p.code))
        .collect();
    assert_eq!(
        problems,
        [None, Some(ErrorCode::ClosingCategoryRequired), None],
        "B's rule"
    );
    assert!(
        desk.workspaces
            .bulk_preview(&brand_a, &input)
            .unwrap()
            .iter()
            .all(|r| r.problem.is_none()),
        "A's rule lets every row go"
    );
    let started = desk.workspaces.bulk_submit(&brand_b, &input).unwrap();
    assert_eq!(started.count, 2);
    let entries = settle(&desk.get(&brand_b).outbox, "B's run done", |e| {
        e.len() == 2 && all_finished(e)
    })
    .await;
    assert!(entries
        .iter()
        .all(|e| e.batch.as_deref() == Some(started.batch.as_str())));
    assert_eq!(
        (b.posts_to("id:1"), b.posts_to("id:2"), b.posts_to("id:3")),
        (1, 0, 1)
    );
    assert_eq!(a.posts_to("id:1"), 0);
    a.stop().await;
    b.stop().await;
}

/// Closes every outbox (nothing may wait) and waits until `workspace`'s journal is free: the
/// old outboxes' locks go with their workers. The desk can then be opened again.
async fn let_go(workspaces: Workspaces, data_dir: &Path, workspace: &str) {
    for open in workspaces.all() {
        open.outbox.close().expect("nothing waits");
    }
    drop(workspaces);
    let journal = data_dir
        .join("workspaces")
        .join(workspace)
        .join("outbox.jsonl");
    poll(
        "the old outbox let go",
        || aelyst_core::outbox::journal::open_elsewhere(&journal),
        |held| !held,
    )
    .await;
}

/// The code a refused call answered with.
fn code<T>(result: Result<T, aelyst_core::AppError>) -> ErrorCode {
    match result {
        Ok(_) => panic!("it was not refused"),
        Err(err) => err.code,
    }
}

/// IT's policy for the tests: `locked` as a machine's managed file.
fn managed(locked: serde_json::Value) -> Policies {
    let (values, problems) = PolicyValues::read("managed/10-it.json", locked.as_object().unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    Policies::merge(
        vec![Read {
            level: Level::MachineLocked,
            source: "managed/10-it.json".into(),
            values,
        }],
        vec![],
    )
}

#[tokio::test]
async fn a_new_install_starts_with_its_presets_and_what_it_locked_cannot_be_changed() {
    let policies = managed(serde_json::json!({
        "Workspaces": [
            {"Name": "Brand A", "ApiAddress": "https://a.example.com/v1", "ClosingRule": "category", "Locked": true},
            {"Name": "Brand B", "ApiAddress": "https://b.example.com/v1"}
        ],
        "AllowUserWorkspaces": false,
        "AllowBulk": false,
        "HistoryLimit": 500
    }));
    let (desk, shown) =
        open_managed_desk(support::data_dir(), mock_store(), None, policies.clone());
    let listed = desk.settings.read(|s| {
        s.workspaces
            .iter()
            .map(|w| (w.name.clone(), w.address(), w.closing_rule))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        listed,
        [
            (
                "Brand A".into(),
                "https://a.example.com/v1".into(),
                ClosingRule::Category
            ),
            (
                "Brand B".into(),
                "https://b.example.com/v1".into(),
                ClosingRule::Optional
            ),
        ],
        "the presets, and no default workspace beside them"
    );
    let brand_a = shown;
    let brand_b = desk.settings.read(|s| s.workspaces[1].id.clone());

    assert_eq!(
        code(desk.workspaces.add("Mine", "")),
        ErrorCode::SetByOrganization
    );
    assert_eq!(
        code(desk.workspaces.remove(&brand_a)),
        ErrorCode::SetByOrganization
    );
    let mut wanted = desk.workspaces.settings_of(&brand_a).unwrap();
    wanted.closing_rule = ClosingRule::Optional;
    assert_eq!(
        code(desk.workspaces.save_settings(&brand_a, &wanted)),
        ErrorCode::SetByOrganization
    );
    let mut wanted = desk.workspaces.settings_of(&brand_b).unwrap();
    wanted.history_limit = 50;
    assert_eq!(
        code(desk.workspaces.save_settings(&brand_b, &wanted)),
        ErrorCode::SetByOrganization
    );
    let bulk = BulkInput {
        source: aelyst_core::bulk::Source::Lines,
        text: "id:5".into(),
        action: aelyst_core::api::Action::Open,
        category: None,
        summary: None,
    };
    assert_eq!(
        code(desk.workspaces.bulk_preview(&brand_b, &bulk)),
        ErrorCode::SetByOrganization
    );
    // The one not locked is the agent's to rename.
    let mut wanted = desk.workspaces.settings_of(&brand_b).unwrap();
    wanted.name = "Brand B (mine)".into();
    desk.workspaces.save_settings(&brand_b, &wanted).unwrap();

    // Refused changes left the file as it was; the next start keeps the presets, once each.
    let dir = desk.dir;
    drop(desk.settings);
    let_go(desk.workspaces, dir.path(), &brand_a).await;
    let (desk, _) = open_managed_desk(dir, mock_store(), None, policies);
    let names = desk.settings.read(|s| {
        s.workspaces
            .iter()
            .map(|w| w.name.clone())
            .collect::<Vec<_>>()
    });
    assert_eq!(names, ["Brand A", "Brand B (mine)"]);
    assert_eq!(
        desk.settings.read(|s| s.workspaces[0].closing_rule),
        ClosingRule::Category
    );
}
