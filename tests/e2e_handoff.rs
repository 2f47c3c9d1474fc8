//! Close from anywhere, under Xvfb with the real clipboard (xclip) and a real key press in
//! the X server (xdotool): `aelyst-desk --close-from-clipboard` against the running app fills
//! the form (phone, email and id forms; junk gives a note); the global shortcut does the same;
//! a link on the command line fills the form, a bad one gives a note; a launch with
//! `--contact` starts with it in the form. Nothing of it is ever sent.
// Drives the real Linux desktop (Xvfb, a session bus, the Secret Service): Linux only;
// the Windows and macOS checks (scripts/check-cross.sh) compile everything else.
#![cfg(target_os = "linux")]

mod support;

use std::time::{Duration, Instant};

use aelyst_sandbox::{status_path, Fault, Sandbox, SandboxOptions};
use support::desktop::keys::{CTRL, F8, RELEASE, SHIFT};
use support::desktop::{app_binary, one_at_a_time, App, Desktop};
use support::notifications::Notifications;

/// What the form shows: (kind, contact, Close chosen, the focused field, the note if shown).
async fn form(app: &App) -> (String, String, bool, String, String) {
    app.js("const $ = (id) => document.getElementById(id);\
         return [$('identifier-type').value, $('identifier-value').value,\
                 $('status-close').getAttribute('aria-pressed') === 'true',\
                 document.activeElement ? document.activeElement.id : '',\
                 $('handoff-note').hidden ? '' : $('handoff-note').textContent];")
        .await
}

async fn wait_form(
    app: &App,
    what: &str,
    done: impl Fn(&(String, String, bool, String, String)) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = form(app).await;
        if done(&seen) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: the form shows {seen:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A second launch with `args`, handed over to the running app; it exits at once.
fn second_launch(desktop: &Desktop, args: &[&str]) {
    let binary = app_binary();
    let out = desktop.run(binary.to_str().unwrap(), args, "");
    assert!(
        out.status.success(),
        "the second launch exits cleanly: {out:?}"
    );
}

async fn clear_form(app: &App) {
    let _: bool = app
        .js(
            "const v = document.getElementById('identifier-value'); v.value = '';\
             v.dispatchEvent(new Event('input')); return true;",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_clipboard_the_shortcut_and_links_fill_the_form_and_send_nothing() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let desktop = Desktop::builder().sandbox(&sandbox).start();
    let app = desktop.launch_signed_in().await;

    // The command, against the running app, for each form a contact can be copied in.
    for (copied, kind, shown) in [
        ("+60 12-123 3112", "phone", "+60 12-123 3112"),
        ("Abdc@Gmail.com", "email", "abdc@gmail.com"),
        ("id:5", "id", "5"),
    ] {
        clear_form(&app).await;
        desktop.set_clipboard(copied);
        second_launch(&desktop, &["--close-from-clipboard"]);
        wait_form(&app, copied, |(k, v, close, focus, note)| {
            k == kind && v == shown && *close && focus == "category" && note.is_empty()
        })
        .await;
    }
    app.screenshot("19-close-from-clipboard").await;

    // Junk on the clipboard: an empty form and a plain note.
    desktop.set_clipboard("see you tomorrow");
    second_launch(&desktop, &["--close-from-clipboard"]);
    wait_form(&app, "junk", |(_, v, _, _, note)| {
        v.is_empty() && note.contains("holds no contact")
    })
    .await;
    app.screenshot("20-clipboard-without-a-contact").await;

    // The global shortcut, pressed in the X server as in any other app.
    clear_form(&app).await;
    desktop.set_clipboard("id:7");
    let pressed = desktop.run("xdotool", &["key", "--clearmodifiers", "ctrl+shift+F9"], "");
    assert!(pressed.status.success(), "{pressed:?}");
    wait_form(&app, "the shortcut", |(k, v, close, focus, _)| {
        k == "id" && v == "7" && *close && focus == "category"
    })
    .await;

    // A link fills the form; a link that carries anything else is refused whole.
    clear_form(&app).await;
    second_launch(
        &desktop,
        &["aelyst-desk://close?contact=email%3Aabdc%40gmail.com"],
    );
    wait_form(&app, "the link", |(k, v, _, focus, _)| {
        k == "email" && v == "abdc@gmail.com" && focus == "category"
    })
    .await;
    second_launch(&desktop, &["aelyst-desk://close?contact=5&token=stolen"]);
    wait_form(&app, "the bad link", |(_, _, _, _, note)| {
        note.starts_with("That link could not be used")
    })
    .await;
    app.screenshot("21-a-link-refused").await;

    // Settings show the shortcut; axe finds nothing with the new controls.
    app.click("#settings-toggle").await;
    app.wait_text("#shortcut-value", "Ctrl+Shift+F9").await;
    app.wait_text("#shortcut-state", "in any app").await;
    app.assert_accessible("Settings with the shortcut controls")
        .await;
    // Off, and the key does nothing; on again.
    app.click("#shortcut-toggle").await;
    app.wait_text("#shortcut-state", "Switched off").await;
    let value: String = app.text("#shortcut-value").await;
    assert_eq!(value, "", "empty when off");
    app.click("#shortcut-toggle").await;
    app.wait_text("#shortcut-value", "Ctrl+Shift+F9").await;
    app.screenshot_at("22-shortcut-in-settings", "#settings")
        .await;

    // Changed by pressing the new keys; the new one works, in any app.
    app.click("#shortcut-record").await;
    app.wait_visible("#shortcut-capture", true).await;
    app.keys(&format!("{CTRL}{SHIFT}{F8}{RELEASE}")).await;
    app.wait_text("#shortcut-value", "Ctrl+Shift+F8").await;
    clear_form(&app).await;
    desktop.set_clipboard("id:9");
    let pressed = desktop.run("xdotool", &["key", "--clearmodifiers", "ctrl+shift+F8"], "");
    assert!(pressed.status.success(), "{pressed:?}");
    wait_form(&app, "the new shortcut", |(k, v, _, focus, _)| {
        k == "id" && v == "9" && focus == "category"
    })
    .await;

    assert!(
        sandbox.requests().iter().all(|r| r.method != "POST"),
        "nothing was sent by any of it"
    );
    app.close().await;

    // A first launch with --contact starts with it in the form.
    let home = desktop.stop_keep_home();
    let desktop = Desktop::builder().sandbox(&sandbox).home(home).start();
    let app = desktop.launch_with(&["--contact", "+60121233112"]).await;
    wait_form(&app, "--contact at launch", |(k, v, close, focus, _)| {
        k == "phone" && v == "+60 12-123 3112" && *close && focus == "category"
    })
    .await;
    app.close().await;
    assert!(sandbox.requests().iter().all(|r| r.method != "POST"));
    sandbox.stop().await;
}

/// Closes the window as a window manager's close button does (WM_DELETE_WINDOW; Xvfb has no
/// window manager to send it).
fn close_button(desktop: &Desktop) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/close_window.py");
    let closed = desktop.run("/usr/bin/python3", &[script, "Aelyst Desk"], "");
    assert!(closed.status.success(), "{closed:?}");
    String::from_utf8_lossy(&closed.stdout).into_owned()
}

/// The close button, then the window gone to the tray. GTK drops a close request that comes
/// while one of its pop-ups holds the pointer (a field's suggestions, say), as a person's click
/// on the close button would first close the pop-up: so the focus leaves the page's fields
/// first, and a request that was dropped is made again, as a person would click again.
async fn close_to_tray(app: &App, desktop: &Desktop, what: &str) {
    let _: bool = app
        .js("document.activeElement && document.activeElement.blur(); return true;")
        .await;
    let mut sent: Vec<String> = Vec::new();
    for _ in 0..4 {
        if let Some(last) = sent.last() {
            eprintln!("{what} at once; the close request is made again (the last: {last:?})");
        }
        sent.push(close_button(desktop));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            let visible: bool = app
                .js("return document.visibilityState === 'visible';")
                .await;
            if !visible {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!(
        "{what}; close requests: {sent:?}; the app's log: {:?}",
        app_log(desktop)
    );
}

/// Waits until the page is shown (`true`) or hidden; says what the app logged if it is not.
async fn wait_shown(app: &App, desktop: &Desktop, shown: bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let visible: bool = app
            .js("return document.visibilityState === 'visible';")
            .await;
        if visible == shown {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}; the app's log: {:?}",
            app_log(desktop)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Everything the app logged in this desktop's home.
fn app_log(desktop: &Desktop) -> Vec<String> {
    support::files::walk(desktop.home())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("log"))
        .map(|p| std::fs::read_to_string(&p).unwrap_or_default())
        .collect()
}

/// How many processes run the app's binary on this machine.
fn app_processes() -> usize {
    let binary = app_binary().canonicalize().unwrap();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|entry| std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == binary))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_window_with_an_action_waiting_keeps_the_app_sending() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let desktop = Desktop::builder().sandbox(&sandbox).start();
    let bus = desktop
        .env()
        .iter()
        .find(|(key, _)| key == "DBUS_SESSION_BUS_ADDRESS")
        .map(|(_, value)| value.clone())
        .unwrap();
    let notifications = Notifications::serve(&bus).await;
    let app = desktop.launch_signed_in().await;
    sandbox.set_down(true);
    app.submit_action("id", "3", true, "Resolved", "").await;
    app.wait_history("waiting", Duration::from_secs(20), |rows| {
        rows.first().is_some_and(|r| r.status == "pending")
    })
    .await;

    // The close button, as a window manager sends it.
    close_to_tray(&app, &desktop, "the window did not go").await;
    // Still running, and still sending: the server comes back and gets the action. (A try
    // made while it was down is logged too, status 0: what counts is one that was answered.)
    sandbox.set_down(false);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !sandbox
        .requests()
        .iter()
        .any(|r| r.method == "POST" && r.identifier.as_deref() == Some("id:3") && r.status == 200)
    {
        assert!(
            Instant::now() < deadline,
            "the action was not sent after the close"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(app_processes() >= 1, "the app is still running");
    // The note is shown from a thread of its own, over a new bus connection: it may arrive a
    // little after the window went, so it is waited for, not read once.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let note = notifications.shown();
        let said = note.first().is_some_and(|n| {
            n.summary == "Aelyst Desk is still running" && n.body.contains("1 action still waiting")
        });
        if said {
            break;
        }
        assert!(Instant::now() < deadline, "the one-time note: {note:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Out of sight, an action that fails for good is a notification naming the contact and
    // the reason; clicking it shows the entry.
    // Queued while the server is down, then refused once the window is out of sight.
    sandbox.set_down(true);
    second_launch(&desktop, &["--contact", "id:4"]);
    // The contact comes through the handoff channel: sent only once it is in the form.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let filled: bool = app
            .js("return document.getElementById('identifier-value').value === '4';")
            .await;
        if filled {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "contact 4 never reached the form"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _: bool = app
        .js("document.getElementById('category').value = 'Resolved';\
             document.getElementById('submit').click(); return true;")
        .await;
    app.wait_history("id:4 waiting", Duration::from_secs(20), |rows| {
        rows.iter()
            .any(|r| r.status == "pending" && r.text.contains("contact ID 4"))
    })
    .await;
    close_to_tray(&app, &desktop, "the window did not go the second time").await;
    sandbox.script(&status_path("id:4"), [Fault::status(404)]);
    sandbox.set_down(false);
    let deadline = Instant::now() + Duration::from_secs(20);
    let shown = loop {
        let all = notifications.shown();
        if let Some(shown) = all.iter().find(|n| n.summary.starts_with("Not closed")) {
            break shown.clone();
        }
        if Instant::now() > deadline {
            let rows: Vec<String> = app
                .history()
                .await
                .into_iter()
                .map(|r| format!("{} {}", r.status, r.text))
                .collect();
            panic!(
                "no notification; history {rows:?}; logs {:?}",
                app_log(&desktop)
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(shown.app_name, "Aelyst Desk");
    assert_eq!(shown.summary, "Not closed: contact ID 4");
    assert!(!shown.body.is_empty(), "the reason: {shown:?}");
    notifications.click(shown.id).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let pointed: bool = app
            .js("const row = document.activeElement && document.activeElement.closest('li.entry');\
                 return document.visibilityState === 'visible' && !!row && row.dataset.status === 'failed';")
            .await;
        if pointed {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the click did not show the failed entry"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.screenshot("24-the-entry-a-notification-pointed-at")
        .await;
    close_to_tray(&app, &desktop, "the window did not go the third time").await;

    // A second launch brings it back.
    second_launch(&desktop, &[]);
    wait_shown(&app, &desktop, true, "the window did not come back").await;
    app.screenshot("23-back-from-the-tray").await;
    app.close().await;
    sandbox.stop().await;
}

/// The category and summary fields as they are.
async fn note_fields(app: &App) -> (String, String) {
    app.js("return [document.getElementById('category').value, document.getElementById('summary').value];")
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handed_over_contact_starts_with_an_empty_note_and_only_ctrl_enter_sends() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let desktop = Desktop::builder().sandbox(&sandbox).start();
    let app = desktop.launch_signed_in().await;

    // A note typed for one contact, not sent.
    app.choose("#identifier-type", "id").await;
    app.fill("#identifier-value", "1").await;
    app.fill("#category", "Refund").await;
    app.fill("#summary", "Note meant for contact one").await;

    // The README's own link, raw `+` and all, brings another contact: its note starts empty.
    second_launch(&desktop, &["aelyst-desk://close?contact=+60121233112"]);
    wait_form(&app, "the raw + link", |(k, v, close, focus, _)| {
        k == "phone" && v == "+60 12-123 3112" && *close && focus == "category"
    })
    .await;
    assert_eq!(
        note_fields(&app).await,
        (String::new(), String::new()),
        "the note typed for the contact before is gone"
    );
    app.screenshot("34-a-handed-over-contact-with-an-empty-note")
        .await;

    // A plain Enter in any field of the form sends nothing: the contact, the category (its
    // suggestions take Enter too) and the Close toggle. (The summary is a text area: Enter
    // is a new line there.)
    app.fill("#category", "Resolved").await;
    for field in ["identifier-value", "category", "status-close"] {
        let _: bool = app
            .js(&format!(
                "document.getElementById('{field}').focus(); return true;"
            ))
            .await;
        app.keys(support::desktop::keys::ENTER).await;
    }
    // Then Ctrl+Enter, which sends: exactly one action, with the category typed just before
    // it (one an Enter had sent would carry "Resolved", and would have emptied the form).
    app.fill("#category", "Sent by Ctrl+Enter").await;
    app.keys(&format!("{CTRL}{}{RELEASE}", support::desktop::keys::ENTER))
        .await;
    app.wait_history("the one action", Duration::from_secs(20), |rows| {
        rows.len() == 1 && rows[0].status == "done"
    })
    .await;
    let posts: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "only Ctrl+Enter sent: {posts:?}");
    assert_eq!(posts[0].identifier.as_deref(), Some("phone:+60121233112"));
    let body = posts[0].body.clone().unwrap_or_default().to_string();
    assert!(body.contains("Sent by Ctrl+Enter"), "{body}");
    assert!(
        !body.contains("Refund") && !body.contains("contact one"),
        "the earlier contact's note went out: {body}"
    );
    app.close().await;
    sandbox.stop().await;
}
