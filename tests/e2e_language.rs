//! The agent's own language in the real window: the computer's language at start, a choice in
//! Settings that applies at once, and in Bahasa Melayu and Português (Brasil) no English
//! word from the catalog in any main state, axe-core at 0, and the layout whole at 200%.
// Drives the real Linux desktop (Xvfb, a session bus, the Secret Service): Linux only;
// the Windows and macOS checks (scripts/check-cross.sh) compile everything else.
#![cfg(target_os = "linux")]

mod support;

use aelyst_sandbox::{Sandbox, SandboxOptions, DEFAULT_TOKEN};
use support::desktop::{one_at_a_time, App, Desktop};

const DELIVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// English texts of the catalog on screen where the shown language has its own words: every
/// visible text, `aria-label`, `title` and `placeholder`. A text is split at its placeholders,
/// and a piece counts only when it is not also a piece of the shown language's own catalog
/// (a brand name, "CSV"). Names and identifiers come from the test's data, none English.
const ENGLISH_ON_SCREEN: &str = r#"
const done = arguments[arguments.length - 1];
const lang = document.documentElement.lang;
Promise.all([fetch('locales/en.json'), fetch(`locales/${lang}.json`)].map(p => p.then(r => r.json())))
  .then(([en, shown]) => {
    const texts = (v) => typeof v === 'string' ? [v] : Object.values(v);
    const pieces = (v) => texts(v).flatMap(t => t.split(/\{[^}]*\}/)).map(s => s.trim())
      .filter(s => s.length >= 4 && /[A-Za-z]{3}/.test(s));
    const own = new Set(Object.values(shown).flatMap(pieces));
    const ownText = Object.values(shown).flatMap(texts).join('\n');
    // Workspace names are names, whoever gave them ("Sandbox" for a practice server).
    const names = [document.getElementById('workspace-rename')?.value,
      ...[...document.querySelectorAll('#workspace-select option')].map(o => o.textContent)]
      .filter(Boolean);
    const english = [...new Set(Object.values(en).flatMap(pieces))]
      .filter(p => !own.has(p) && !ownText.includes(p) && !names.includes(p));
    const seen = [];
    const visible = (e) => e.offsetParent !== null || e === document.body;
    for (const e of document.querySelectorAll('body *')) {
      if (!visible(e)) continue;
      for (const attr of ['aria-label', 'title', 'placeholder']) {
        if (e.hasAttribute(attr)) seen.push(e.getAttribute(attr));
      }
    }
    seen.push(document.body.innerText);
    const all = seen.join('\n');
    // Whole words only: "Close" inside a longer word is not the English "Close".
    const found = english.filter(p => new RegExp(`(^|[^\\p{L}])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(all));
    done({ lang, found });
  })
  .catch(e => done({ lang, found: ['check failed: ' + e] }));
"#;

/// i18n.js writes whole numbers from 0 to 999 without Intl (no ICU at start): in this webview's
/// ICU, every language of the window must write them the same way, and the window's
/// formatNumber must write every number as Intl does in the page's language.
async fn numbers_as_intl_writes_them(app: &App) {
    let differs: Vec<String> = app
        .js_async(
            r#"const done = arguments[arguments.length - 1];
            Promise.all([import('./contract.js'), import('./i18n.js')]).then(([{ LANGUAGES }, i18n]) => {
              const differs = [];
              for (const lang of LANGUAGES) {
                const each = new Intl.NumberFormat(lang);
                for (let n = 0; n < 1000; n++) {
                  if (each.format(n) !== String(n)) differs.push(`${lang}: ${n} is ${each.format(n)}`);
                }
              }
              const shown = new Intl.NumberFormat(i18n.language);
              for (const n of [0, -0, 7, 999, 1000, 12345, 1234.5, 0.5, 0.12345, -3, 2 ** 40]) {
                if (i18n.formatNumber(n) !== shown.format(n)) {
                  differs.push(`${i18n.language}: formatNumber(${n}) is ${i18n.formatNumber(n)}, Intl ${shown.format(n)}`);
                }
              }
              done(differs);
            }).catch((e) => done([String(e)]));"#,
        )
        .await;
    assert!(
        differs.is_empty(),
        "numbers written differently: {differs:?}"
    );
}

async fn english_on_screen(app: &App, state: &str, language: &str) {
    let result = app
        .client
        .execute_async(ENGLISH_ON_SCREEN, vec![])
        .await
        .expect("the check ran");
    assert_eq!(result["lang"], language, "<html lang> follows the language");
    let found = result["found"].as_array().cloned().unwrap_or_default();
    assert!(
        found.is_empty(),
        "{state} in {language} shows English words: {found:#?}"
    );
}

/// Chooses `value` in Settings ("" for the computer's language); the window redraws in
/// `expect`, with Settings open again.
async fn choose_language(app: &App, value: &str, expect: &str) {
    app.open_settings().await;
    app.mark_page().await;
    app.choose("#language-select", value).await;
    app.wait_new_page().await;
    app.wait_visible("#settings", true).await;
    let shown: String = app.js("return document.documentElement.lang;").await;
    assert_eq!(shown, expect);
}

/// The main states, each checked for English and by axe-core: Settings, the form with an
/// error, the history with a failed action, the bulk review, then the token step.
async fn main_states(app: &App, sandbox: &Sandbox, language: &str) {
    // Updates: on Linux apt brings them (the .deb has no updater), said in this language.
    let catalog: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("ui/locales/{language}.json")),
        )
        .unwrap(),
    )
    .unwrap();
    let by_system = catalog["settings.updates_by_system"].as_str().unwrap();
    app.wait_text("#update-state", by_system).await;
    assert!(
        !app.is_visible("#check-updates").await,
        "no check where apt updates"
    );
    english_on_screen(app, "Settings", language).await;
    app.assert_accessible(&format!("Settings in {language}"))
        .await;
    app.click("#settings-toggle").await;

    // The form with an error: a phone number without its country code.
    app.choose("#identifier-type", "phone").await;
    app.fill("#identifier-value", "012 123 3112").await;
    app.click("#submit").await;
    app.wait_visible("#form-error", true).await;
    english_on_screen(app, "the form with an error", language).await;
    app.assert_accessible(&format!("the form with an error in {language}"))
        .await;
    app.screenshot(&format!("30-form-{language}")).await;

    // A failed action in the history: no such contact.
    app.submit_action("id", "999", true, "Selesai", "").await;
    app.wait_history("a failed action", DELIVERY, |rows| {
        rows.iter().any(|r| r.status == "failed")
    })
    .await;
    english_on_screen(app, "the history with a failed action", language).await;
    app.assert_accessible(&format!("the history in {language}"))
        .await;

    // The bulk review, with one good row, one bad and one repeated.
    app.click("#view-bulk").await;
    app.paste("#bulk-input", "id:3\nsomeone\nid:3").await;
    app.click("#bulk-check").await;
    app.wait_visible("#bulk-review", true).await;
    english_on_screen(app, "the bulk review", language).await;
    app.assert_accessible(&format!("the bulk review in {language}"))
        .await;
    app.click("#view-single").await;

    // The token step, asked again after the token is forgotten.
    app.click("#settings-toggle").await;
    app.wait_visible("#token-forget", true).await;
    app.click("#token-forget").await;
    app.click("#confirm-yes").await;
    app.wait_visible("#token-step", true).await;
    english_on_screen(app, "the token step", language).await;
    app.assert_accessible(&format!("the token step in {language}"))
        .await;
    app.save_token(DEFAULT_TOKEN).await;
    let _ = sandbox;
}

#[tokio::test(flavor = "multi_thread")]
async fn in_malay_and_brazilian_portuguese_no_english_is_shown_and_axe_finds_nothing() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    // The computer speaks English: the window starts in it.
    let desktop = Desktop::builder()
        .sandbox(&sandbox)
        .env("LANG", "en_US.UTF-8")
        .start();
    let app = desktop.launch_signed_in().await;
    let lang: String = app.js("return document.documentElement.lang;").await;
    assert_eq!(lang, "en");
    numbers_as_intl_writes_them(&app).await;

    for language in ["ms", "pt-BR"] {
        choose_language(&app, language, language).await;
        numbers_as_intl_writes_them(&app).await;
        main_states(&app, &sandbox, language).await;
    }

    // The choice is kept: a restart opens in Portuguese, whatever the computer says.
    app.close().await;
    let app = desktop.launch().await;
    let lang: String = app.js("return document.documentElement.lang;").await;
    assert_eq!(lang, "pt-BR");
    // "As the computer" goes back to English at once.
    choose_language(&app, "", "en").await;
    app.close().await;
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_follows_the_computer_and_holds_in_every_language_at_200_percent() {
    let _turn = one_at_a_time().await;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    for (locale, language) in [
        ("ms_MY.UTF-8", "ms"),
        ("id_ID.UTF-8", "id"),
        ("pt_BR.UTF-8", "pt-BR"),
        ("es_ES.UTF-8", "es"),
        ("en_GB.UTF-8", "en"),
    ] {
        let desktop = Desktop::builder()
            .sandbox(&sandbox)
            .env("LANG", locale)
            .start();
        let app = desktop.launch().await;
        let lang: String = app.js("return document.documentElement.lang;").await;
        assert_eq!(lang, language, "LANG={locale}");
        app.save_token(DEFAULT_TOKEN).await;
        app.screenshot(&format!("31-form-{language}")).await;

        // Settings open (the longest words), in the smallest window, then zoomed to 200% in
        // the window the app opens with: nothing cut off, nothing past the edge.
        app.open_settings().await;
        for (width, height, zoom, shot) in [
            (420, 560, "1", "32-smallest"),
            (520, 720, "2", "33-200-percent"),
        ] {
            app.resize(width, height).await;
            let _: serde_json::Value = app
                .client
                .execute(
                    "document.documentElement.style.zoom = arguments[0];\
                     document.getElementById('settings').scrollIntoView(); return null;",
                    vec![serde_json::json!(zoom)],
                )
                .await
                .expect("zoom");
            app.screenshot(&format!("{shot}-{language}")).await;
            let problems = layout_problems(&app).await;
            assert!(
                problems.is_empty(),
                "{language}, {width}x{height} at {zoom}x: cut off or past the edge: {problems:#?}"
            );
        }
        app.close().await;
    }
    sandbox.stop().await;
}

/// What does not fit: an element past the window's right edge or clipping its own text, and
/// a select option wider than its box (a select cannot wrap; whichever option is chosen must
/// fit, less the arrow).
async fn layout_problems(app: &App) -> Vec<String> {
    app.js(
        "const w = document.documentElement.clientWidth;\
         const past = [...document.querySelectorAll('body *')]\
           .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden') && (e.getBoundingClientRect().right > w + 1\
              || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'hidden'))\
           .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));\
         const c = document.createElement('canvas').getContext('2d');\
         const cut = [...document.querySelectorAll('select:not([size])')].filter(s => s.offsetParent !== null)\
           .flatMap(s => { c.font = getComputedStyle(s).font;\
             return [...s.options].filter(o => c.measureText(o.text).width > s.clientWidth - 32)\
               .map(o => s.id + ': ' + o.text); });\
         return past.concat(cut);",
    )
    .await
}
