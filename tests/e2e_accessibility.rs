//! What a screen reader gets from the real window, read over AT-SPI (the accessibility bus,
//! WebKitGTK's bridge, pyatspi), not from the page's markup: in every view and in English and
//! Spanish, every control has a name in that language and the role it should have; the focus
//! lands where the README says after picking a row, a handoff and a dialog; a history entry
//! that is delivered or fails is said once, in the agent's language. Prints what the tree
//! showed as a table (README, Accessibility).
// Drives the real Linux desktop (Xvfb, a session bus, the Secret Service, the accessibility
// bus): Linux only; the Windows and macOS checks (scripts/check-cross.sh) compile the rest.
#![cfg(target_os = "linux")]

mod support;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use aelyst_sandbox::{Sandbox, SandboxOptions, DEFAULT_TOKEN};
use support::a11y::{self, Heard, Listener, Node};
use support::desktop::keys::{CTRL, ENTER, ESC, RELEASE};
use support::desktop::{app_binary, one_at_a_time, Desktop};

const DELIVERY: Duration = Duration::from_secs(30);
/// The sandbox's agent Siti Aminah.
const SITI: u64 = 42;
/// A contact the sandbox has, and one it has not (a close of it fails).
const KNOWN: u64 = 5;
const UNKNOWN: u64 = 999_999;

/// The roles a control must have, by its HTML id (ARIA's mapping as WebKitGTK gives it).
const ROLES: &[(&str, &[&str])] = &[
    ("token-input", &["password text"]),
    ("token-save", &["push button"]),
    ("identifier-type", &["combo box"]),
    ("identifier-value", &["entry"]),
    ("status-close", &["toggle button", "radio button"]),
    ("status-open", &["toggle button", "radio button"]),
    ("category", &["combo box"]),
    ("summary", &["entry"]),
    ("submit", &["push button"]),
    ("me-filter", &["entry"]),
    ("me-select", &["list box", "combo box"]),
    ("contact-search", &["entry"]),
    ("bulk-input", &["entry"]),
    ("bulk-close", &["toggle button", "radio button"]),
    ("bulk-open", &["toggle button", "radio button"]),
    ("bulk-category", &["combo box"]),
    ("bulk-check", &["push button"]),
    ("language-select", &["combo box"]),
    ("autostart", &["check box"]),
    ("confirm-yes", &["push button"]),
    ("confirm-no", &["push button"]),
    ("shortcuts-close", &["push button"]),
];

/// Controls that only make sense in a group, and the group must be named ("Action").
const GROUPED: &[&str] = &["status-close", "status-open", "bulk-close", "bulk-open"];

/// What one view's tree showed.
struct Seen {
    view: &'static str,
    language: &'static str,
    controls: usize,
    unnamed: Vec<String>,
    wrong_role: Vec<String>,
    /// Controls by id, with their names: to compare the languages.
    names: BTreeMap<String, String>,
}

fn describe(node: &Node) -> String {
    let id = if node.id.is_empty() {
        format!("<{}>", node.tag)
    } else {
        format!("#{}", node.id)
    };
    format!("{id} ({}, {:?})", node.role, node.name)
}

/// Reads the tree and checks it: `must` are the ids the view shows (each must be there).
fn audit(desktop: &Desktop, view: &'static str, language: &'static str, must: &[&str]) -> Seen {
    let nodes = a11y::tree(desktop);
    let mut seen = Seen {
        view,
        language,
        controls: 0,
        unnamed: Vec::new(),
        wrong_role: Vec::new(),
        names: BTreeMap::new(),
    };
    for (at, node) in nodes.iter().enumerate() {
        if node.is_control() {
            seen.controls += 1;
            if node.name.trim().is_empty() {
                seen.unnamed.push(describe(node));
            }
            if !node.id.is_empty() {
                seen.names.insert(node.id.clone(), node.name.clone());
            }
        }
        if let Some((_, roles)) = ROLES.iter().find(|(id, _)| *id == node.id) {
            if !roles.contains(&node.role.as_str()) {
                seen.wrong_role.push(format!(
                    "{} should be {}",
                    describe(node),
                    roles.join(" or ")
                ));
            }
        }
        if GROUPED.contains(&node.id.as_str()) {
            let group = a11y::ancestor(&nodes, at, |n| !n.name.trim().is_empty());
            let named = group
                .is_some_and(|g| ["panel", "grouping", "radio menu"].contains(&g.role.as_str()));
            if !named {
                seen.wrong_role
                    .push(format!("{} is in no named group", describe(node)));
            }
        }
    }
    for id in must {
        if !nodes.iter().any(|n| n.id == *id) {
            seen.wrong_role
                .push(format!("#{id} is not in the tree of {view}"));
        }
    }
    seen
}

/// The catalog's words (a plural's forms each count as one), by key.
fn catalog(language: &str) -> BTreeMap<String, String> {
    let path = format!("{}/ui/locales/{language}.json", env!("CARGO_MANIFEST_DIR"));
    let words: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the catalog")).expect("JSON");
    let mut flat = BTreeMap::new();
    for (key, value) in words {
        match value {
            serde_json::Value::String(text) => {
                flat.insert(key, text);
            }
            serde_json::Value::Object(forms) => {
                for (form, text) in forms {
                    if let serde_json::Value::String(text) = text {
                        flat.insert(format!("{key}.{form}"), text);
                    }
                }
            }
            _ => {}
        }
    }
    flat
}

/// Controls whose name in `other` is the English one, where the catalogs say it differs.
fn english_names(english: &[Seen], other: &Seen, language: &str) -> Vec<String> {
    let en = catalog("en");
    let theirs = catalog(language);
    // Words both catalogs spell alike ("Email" and "Email"): the same name is right.
    let alike: HashSet<&str> = en
        .iter()
        .filter(|(key, value)| theirs.get(*key) == Some(*value))
        .map(|(_, value)| value.as_str())
        .collect();
    let Some(before) = english.iter().find(|s| s.view == other.view) else {
        return Vec::new();
    };
    other
        .names
        .iter()
        .filter(|(id, name)| before.names.get(*id) == Some(*name) && !alike.contains(name.as_str()))
        .map(|(id, name)| format!("#{id} {name:?}"))
        .collect()
}

/// The static pieces of `template` (around its `{placeholders}`) are all in `text`.
fn said(template: &str, text: &str) -> bool {
    template
        .split(['{', '}'])
        .step_by(2)
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .all(|piece| text.contains(piece.trim_end_matches('.')))
}

/// Waits (up to 5 s) for the object with HTML id `id` to have the focus over AT-SPI; says
/// what had it instead.
async fn focus_over_atspi(desktop: &Desktop, what: &str, id: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let nodes = a11y::tree(desktop);
        if a11y::focused(&nodes).is_some_and(|n| n.id == id) {
            return Ok(());
        }
        if Instant::now() > deadline {
            let focused = a11y::focused(&nodes).map(describe);
            return Err(format!(
                "{what}: the focused object over AT-SPI is {focused:?}, not #{id}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every view in one language, its tree checked; the focus after picking a row, a handoff and
/// a dialog; what is heard when an entry is delivered and when one fails.
async fn every_view(locale: &str, language: &'static str) -> (Vec<Seen>, Vec<String>) {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let desktop = Desktop::builder()
        .sandbox(&sandbox)
        .env("LANG", locale)
        .start();
    let app = desktop.launch().await;
    desktop.focus_app_window();
    let (lang, zoom, reduced): (String, f64, bool) = app
        .js(
            "return [document.documentElement.lang, outerWidth / innerWidth,\
             matchMedia('(prefers-reduced-motion: reduce)').matches];",
        )
        .await;
    assert_eq!(lang, language, "LANG={locale}");
    assert_eq!(zoom, 1.0, "the usual size on a desktop that set none");
    assert!(!reduced, "motion is not reduced unless the desktop says so");
    let mut seen = Vec::new();
    let mut problems = Vec::new();

    app.wait_visible("#token-step", true).await;
    seen.push(audit(
        &desktop,
        "token step",
        language,
        &["token-input", "token-save"],
    ));
    app.save_token(DEFAULT_TOKEN).await;

    seen.push(audit(
        &desktop,
        "one contact",
        language,
        &[
            "identifier-type",
            "identifier-value",
            "status-close",
            "category",
            "submit",
        ],
    ));

    app.click("#view-my-conversations").await;
    app.wait_visible("#me-chooser", true).await;
    app.wait_for("#me-select option").await;
    seen.push(audit(
        &desktop,
        "who are you",
        language,
        &["me-filter", "me-select"],
    ));
    app.choose("#me-select", &SITI.to_string()).await;
    app.click("#me-save").await;
    app.wait_for("#my-conversations-list .my-conversations-pick")
        .await;
    seen.push(audit(
        &desktop,
        "My conversations",
        language,
        &["contact-search"],
    ));

    // Picking a row: the contact in the form, the focus in the closing category.
    app.click("#my-conversations-list .my-conversations-pick")
        .await;
    app.wait_focus("category").await;
    problems.extend(
        focus_over_atspi(&desktop, "after picking a row", "category")
            .await
            .err(),
    );

    // The shortcut sheet, opened from its button by keyboard; Esc gives the focus back.
    app.js::<serde_json::Value>("document.getElementById('shortcuts-open').focus(); return null;")
        .await;
    app.keys(ENTER).await;
    app.wait_visible("#shortcuts", true).await;
    seen.push(audit(
        &desktop,
        "shortcut sheet",
        language,
        &["shortcuts-close"],
    ));
    app.keys(ESC).await;
    app.wait_visible("#shortcuts", false).await;
    app.wait_focus("shortcuts-open").await;
    problems.extend(
        focus_over_atspi(
            &desktop,
            "after the shortcut sheet closed",
            "shortcuts-open",
        )
        .await
        .err(),
    );

    app.click("#view-bulk").await;
    app.wait_visible("#bulk-card", true).await;
    seen.push(audit(
        &desktop,
        "Bulk",
        language,
        &["bulk-input", "bulk-close", "bulk-category", "bulk-check"],
    ));

    app.open_settings().await;
    seen.push(audit(
        &desktop,
        "Settings",
        language,
        &["language-select", "autostart"],
    ));

    // A question in a dialog (forgetting the token), answered No by Esc: the focus goes back
    // to the button that asked.
    app.js::<serde_json::Value>("document.getElementById('token-forget').focus(); return null;")
        .await;
    app.keys(ENTER).await;
    app.wait_visible("#confirm-dialog", true).await;
    seen.push(audit(
        &desktop,
        "confirmation",
        language,
        &["confirm-yes", "confirm-no"],
    ));
    app.keys(ESC).await;
    app.wait_visible("#confirm-dialog", false).await;
    app.wait_focus("token-forget").await;
    problems.extend(
        focus_over_atspi(&desktop, "after the question closed", "token-forget")
            .await
            .err(),
    );
    app.click("#settings-toggle").await;

    // A contact handed over by a second launch: the focus in the closing category.
    let out = desktop.run(
        app_binary().to_str().expect("a UTF-8 path"),
        &["--contact", &format!("id:{KNOWN}")],
        "",
    );
    assert!(
        out.status.success(),
        "the second launch handed over ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    app.wait_focus("category").await;
    problems.extend(
        focus_over_atspi(&desktop, "after a handoff", "category")
            .await
            .err(),
    );

    // Delivered, then failed: each said once, in the agent's language.
    let words = catalog(language);
    let listener = Listener::start(&desktop);
    app.keys(&format!("{CTRL}{ENTER}{RELEASE}")).await;
    app.wait_history("the handed-over close delivered", DELIVERY, |rows| {
        rows.iter().any(|r| r.status == "done")
    })
    .await;
    app.submit_action("id", &UNKNOWN.to_string(), true, "", "")
        .await;
    app.wait_history("the close of an unknown contact failed", DELIVERY, |rows| {
        rows.iter().any(|r| r.status == "failed")
    })
    .await;
    let heard = listener.stop(Duration::from_secs(2));
    let count = |key: &str| heard.iter().filter(|h| said(&words[key], &h.text)).count();
    let errors: Vec<&Heard> = heard.iter().filter(|h| !h.error.is_empty()).collect();
    assert!(errors.is_empty(), "the listener failed to read: {errors:?}");
    for (key, what) in [
        ("history.done_close", "the delivered close"),
        ("history.announce_failed_close", "the failed close"),
    ] {
        if count(key) != 1 {
            problems.push(format!(
                "{what} was said {} times in {language}, not once; heard: {heard:?}",
                count(key)
            ));
        }
    }
    app.close().await;
    (seen, problems)
}

fn table(rows: &[&Seen]) -> String {
    let mut out = String::from(
        "| view | language | controls | unnamed | wrong role |\n|---|---|---:|---:|---:|\n",
    );
    for row in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            row.view,
            row.language,
            row.controls,
            row.unnamed.len(),
            row.wrong_role.len()
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn every_view_in_two_languages_over_atspi() {
    let _turn = one_at_a_time().await;
    let (english, mut problems) = every_view("en_US.UTF-8", "en").await;
    let (spanish, more) = every_view("es_ES.UTF-8", "es").await;
    problems.extend(more);
    let all: Vec<&Seen> = english.iter().chain(&spanish).collect();
    eprintln!(
        "What the accessibility tree showed (AT-SPI):\n{}",
        table(&all)
    );
    for seen in &all {
        for what in seen
            .unnamed
            .iter()
            .map(|u| format!("unnamed: {u}"))
            .chain(seen.wrong_role.iter().cloned())
        {
            problems.push(format!("{} ({}): {what}", seen.view, seen.language));
        }
    }
    for seen in &spanish {
        for name in english_names(&english, seen, "es") {
            problems.push(format!("{} (es): still English: {name}", seen.view));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The desktop's text size and "reduce motion", as a desktop's settings daemon tells GTK
/// (xsettingsd here, GNOME's gsd-xsettings on a desktop): the window's text is that much larger,
/// still whole; nothing moves, even a transition a later style would add.
#[tokio::test(flavor = "multi_thread")]
async fn the_desktops_text_size_and_reduced_motion_are_followed() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let mut desktop = Desktop::builder().sandbox(&sandbox).start();
    // "Large text" (1.25: 120 dots per inch, in 1024ths) and animations off, as GNOME's
    // settings daemon publishes them.
    desktop.start_settings_daemon("Xft/DPI 122880\nGtk/EnableAnimations 0\n");
    let app = desktop.launch().await;
    let (zoom, reduced, whole): (f64, bool, bool) = app
        .js("const root = document.documentElement;\
             return [outerWidth / innerWidth,\
               matchMedia('(prefers-reduced-motion: reduce)').matches,\
               root.scrollWidth <= root.clientWidth];")
        .await;
    assert!(
        (zoom - 1.25).abs() < 0.02,
        "WebKitGTK draws the page 1.25 times as large: {zoom}"
    );
    assert!(
        reduced,
        "WebKitGTK passes GTK's animations off on as reduced motion"
    );
    assert!(whole, "nothing runs off the side at the larger size");
    // Motion a later style would add is stopped too (set through the element's style: the
    // window's content security policy refuses a new style sheet).
    let moving: (String, String) = app
        .js("const save = document.getElementById('token-save');\
             save.style.transition = 'background-color 1s';\
             save.style.animation = 'turn 2s infinite';\
             const s = getComputedStyle(save);\
             return [s.transitionDuration, s.animationName];")
        .await;
    assert_eq!(moving, ("0s".to_owned(), "none".to_owned()));
    app.screenshot("a11y-large-text").await;
    app.close().await;
}
