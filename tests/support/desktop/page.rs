//! The app's window as a test sees it, through WebDriver: find, click, fill, type keys, read
//! the history, take screenshots. (The processes behind it, Xvfb, the buses, the keyring and
//! the drivers, are the parent module's.)

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use super::*;

/// WebDriver key codes, for [`App::keys`].
#[allow(dead_code)] // each test binary uses a different part
pub mod keys {
    pub const ALT: &str = "\u{E00A}";
    pub const CTRL: &str = "\u{E009}";
    pub const SHIFT: &str = "\u{E008}";
    pub const F8: &str = "\u{E038}";
    pub const ENTER: &str = "\u{E007}";
    pub const TAB: &str = "\u{E004}";
    pub const ESC: &str = "\u{E00C}";
    pub const UP: &str = "\u{E013}";
    pub const DOWN: &str = "\u{E015}";
    pub const HOME: &str = "\u{E011}";
    pub const END: &str = "\u{E010}";
    /// Releases the modifier keys pressed before it.
    pub const RELEASE: &str = "\u{E000}";
}

/// The app's window, through WebDriver.
pub struct App {
    pub client: Client,
}

impl App {
    /// Puts `text` in a field at once, as a paste does (line breaks and all), and tells the
    /// page it changed.
    pub async fn paste(&self, css: &str, text: &str) {
        self.wait_for(css).await;
        self.client
            .execute(
                "const field = document.querySelector(arguments[0]);\
                 field.value = arguments[1];\
                 field.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![serde_json::json!(css), serde_json::json!(text)],
            )
            .await
            .unwrap_or_else(|e| panic!("paste into {css}: {e}"));
    }

    /// Fills the form and presses Close (with the note) or Reopen. Waits first for a send
    /// still on its way (the form's button is off until it is in, and then the contact is
    /// emptied: this one's contact would be wiped, or its press land on the button while off).
    pub async fn submit_action(
        &self,
        kind: &str,
        value: &str,
        close: bool,
        category: &str,
        summary: &str,
    ) {
        self.wait_js(
            "the form free of the send before",
            "return !document.getElementById('submit').disabled;",
        )
        .await;
        self.choose("#identifier-type", kind).await;
        self.fill("#identifier-value", value).await;
        self.click(if close {
            "#status-close"
        } else {
            "#status-open"
        })
        .await;
        if close {
            self.fill("#category", category).await;
            if !summary.is_empty() {
                self.fill("#summary", summary).await;
            }
        }
        self.click("#submit").await;
    }

    /// Types `keys` (see [`keys`]) into whatever has the focus, as a person at the keyboard.
    pub async fn keys(&self, keys: &str) {
        let focused = self
            .client
            .active_element()
            .await
            .expect("a focused element");
        focused.send_keys(keys).await.expect("keys");
    }

    /// The id of the focused element ("" when it has none).
    pub async fn focused_id(&self) -> String {
        self.js("return document.activeElement ? document.activeElement.id : '';")
            .await
    }

    /// Waits (up to 5 s) for the element with id `id` to have the focus.
    pub async fn wait_focus(&self, id: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let focused = self.focused_id().await;
            if focused == id {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the focus is in {focused:?}, not {id}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Marks the page, so [`App::wait_new_page`] can tell when it has been replaced (the app
    /// reloads the window to show another workspace, or after its address changed).
    pub async fn mark_page(&self) {
        let _: bool = self.js("window.__aelystOldPage = true; return true;").await;
    }

    /// Waits until the marked page has been replaced by a new one that is ready.
    pub async fn wait_new_page(&self) {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let fresh = self
                .client
                .execute(
                    "return !window.__aelystOldPage && document.body.dataset.ready === 'true';",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if fresh {
                return;
            }
            assert!(Instant::now() < deadline, "the page was not replaced");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Opens Settings from the header (when it is closed), and checks that it opened with its
    /// content in place: where "Remove this workspace" sits in the panel when the panel shows
    /// is where it sits once the panel is filled. A panel shown before it was filled moved
    /// under a click made as it showed (CI saw one land beside the button, and the dialog it
    /// opens never came).
    pub async fn open_settings(&self) {
        if self.is_visible("#settings").await {
            return;
        }
        let script = r#"
            const done = arguments[arguments.length - 1];
            const panel = document.getElementById("settings");
            const button = document.getElementById("workspace-remove");
            const place = () => Math.round(button.getBoundingClientRect().top - panel.getBoundingClientRect().top);
            let shown = null;
            new MutationObserver((_, observer) => {
              if (panel.hidden) return;
              shown = place();
              observer.disconnect();
            }).observe(panel, { attributes: true, attributeFilter: ["hidden"] });
            document.getElementById("settings-toggle").click();
            const settled = () => {
              const filled = document.getElementById("token-state").textContent || !document.getElementById("settings-error").hidden;
              if (shown === null || !filled) {
                setTimeout(settled, 50);
                return;
              }
              requestAnimationFrame(() => requestAnimationFrame(() => done([shown, place()])));
            };
            settled();
        "#;
        let (shown, filled): (i64, i64) = self.js_async(script).await;
        assert_eq!(
            shown, filled,
            "Settings moved after it showed: Remove this workspace was {shown} px down the panel \
             when it showed, {filled} px once filled"
        );
    }

    /// Pastes `token` in the token step and saves it; returns once the form is back.
    pub async fn save_token(&self, token: &str) {
        self.wait_visible("#token-input", true).await;
        self.fill("#token-input", token).await;
        self.click("#token-save").await;
        self.wait_visible("#token-step", false).await;
        self.wait_visible("#identifier-value", true).await;
    }

    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(STEP_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
    }

    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    /// Saves a PNG of the window under `target/e2e-screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // Two animation frames: the last DOM change is painted before the picture is taken.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        let png = self.client.screenshot().await.expect("screenshot");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Scrolls `css` into view, then saves a screenshot.
    pub async fn screenshot_at(&self, name: &str, css: &str) -> PathBuf {
        let _: serde_json::Value = self
            .js(&format!("document.querySelector(\"{css}\")?.scrollIntoView({{block: 'center'}}); return null;"))
            .await;
        self.screenshot(name).await
    }

    /// Ends the WebDriver session, which closes the app, and waits for the process to be gone
    /// (a new launch too early would find the old one and hand over to it: single instance).
    pub async fn close(self) {
        let _ = self.client.close().await;
        let deadline = Instant::now() + STEP_TIMEOUT;
        while app_running() {
            assert!(
                Instant::now() < deadline,
                "the app did not exit after its session ended"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// One row of the history as the window shows it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct HistoryRow {
    pub entry: String,
    pub action: String,
    pub status: String,
    pub text: String,
}

const POLL: Duration = Duration::from_millis(100);

impl App {
    /// Clicks the element. One the page replaced between finding and clicking it (a list that
    /// refreshed: WebKitWebDriver says the node "was not found", or "stale") was not clicked,
    /// so it is found again and clicked, for up to half a step's time, as a person would click
    /// what is on screen now.
    ///
    /// Seen in CI after `fill` had met the same: WebKitWebDriver answering every click with an
    /// error with no message while the page worked. Then, as `fill` does, the element is
    /// clicked by the page itself (the same `click` event), and stderr says so.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + STEP_TIMEOUT / 2;
        loop {
            match self.wait_for(css).await.click().await {
                Ok(()) => return,
                Err(err) if Instant::now() >= deadline => {
                    eprintln!(
                        "click {css}: WebDriver kept refusing ({err:?}); clicked by the page"
                    );
                    let clicked: bool = self
                        .js(&format!(
                            "const e = document.querySelector({}); if (!e) return false; e.click(); return true;",
                            serde_json::Value::from(css)
                        ))
                        .await;
                    assert!(clicked, "click {css}: not on the page ({err})");
                    return;
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// Clears a field and types into it, key by key, as a person would. A field that is not
    /// ready for keys yet (shown a moment ago; WebKitWebDriver now and then says "not
    /// interactable" or "stale", or answers an error with no message, for one that is) is
    /// found again and tried again, for up to a step's time.
    ///
    /// Seen on a loaded machine, once in many runs: WebKitWebDriver answering every try for a
    /// field with an error with no message (`fill #contact-search: webdriver returned error:`)
    /// while the page itself worked. After half a step's time of that, the text is put in as
    /// [`App::paste`] does (the page hears the same `input` event), and stderr says so with
    /// the error, so the app's behaviour is still what is tested.
    pub async fn fill(&self, css: &str, text: &str) {
        let deadline = Instant::now() + STEP_TIMEOUT / 2;
        loop {
            let field = self.wait_for(css).await;
            let typed = match field.clear().await {
                Ok(()) if text.is_empty() => Ok(()),
                Ok(()) => field.send_keys(text).await,
                Err(err) => Err(err),
            };
            match typed {
                Ok(()) if self.holds(css, text).await => return,
                // WebKitWebDriver said yes, but keys were lost (seen: a field left empty, and
                // the action that needed it refused): typed again.
                Ok(()) if Instant::now() < deadline => tokio::time::sleep(POLL).await,
                Ok(()) => {
                    eprintln!("fill {css}: the keys kept getting lost; pasted instead");
                    self.paste(css, text).await;
                    return;
                }
                Err(err) if Instant::now() >= deadline => {
                    eprintln!(
                        "fill {css}: WebDriver kept refusing the keys ({err:?}); pasted instead"
                    );
                    self.paste(css, text).await;
                    return;
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// Whether the field holds `text` as the page would after typing it: the same, or cut at
    /// the field's `maxlength`, or without a `kind:` prefix the form reads and takes off.
    async fn holds(&self, css: &str, text: &str) -> bool {
        self.client
            .execute(
                "const field = document.querySelector(arguments[0]);\
                 const text = arguments[1];\
                 const value = field.value;\
                 if (value === text) return true;\
                 if (field.maxLength > 0 && value === text.slice(0, field.maxLength)) return true;\
                 return text.includes(':') && value !== '' && text.trim().endsWith(value);",
                vec![serde_json::json!(css), serde_json::json!(text)],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true)
    }

    /// Picks an option of a `<select>` by clicking it.
    pub async fn choose(&self, select: &str, value: &str) {
        self.click(&format!("{select} option[value='{value}']"))
            .await;
    }

    pub async fn is_visible(&self, css: &str) -> bool {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element.is_displayed().await.unwrap_or(false),
            Err(_) => false,
        }
    }

    pub async fn wait_visible(&self, css: &str, visible: bool) {
        let deadline = Instant::now() + STEP_TIMEOUT;
        while self.is_visible(css).await != visible {
            assert!(
                Instant::now() < deadline,
                "{css} never became {}",
                if visible { "visible" } else { "hidden" }
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until `script` (ending in `return <bool>`) says true: one script reads what it
    /// needs at once (two reads could fall either side of a change).
    pub async fn wait_js(&self, what: &str, script: &str) {
        let deadline = Instant::now() + STEP_TIMEOUT;
        while !self.js::<bool>(script).await {
            assert!(
                Instant::now() < deadline,
                "{what}: not after {STEP_TIMEOUT:?}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Sizes the window and waits until the page's viewport has the new size (WebDriver may
    /// answer before the page has it; the test window has no decorations or menu, so the
    /// viewport is the window).
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize");
        self.wait_js(
            &format!("the page at {width}x{height}"),
            &format!("return window.innerWidth === {width} && window.innerHeight === {height};"),
        )
        .await;
    }

    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{css} never said {needle:?}; it says {text:?}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn js<T: serde::de::DeserializeOwned>(&self, script: &str) -> T {
        let value = self
            .client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"));
        serde_json::from_value(value).expect("script result shape")
    }

    /// Runs `script` as an async WebDriver script: it ends by calling
    /// `arguments[arguments.length - 1]` with its result.
    pub async fn js_async<T: serde::de::DeserializeOwned>(&self, script: &str) -> T {
        let value = self
            .client
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"));
        serde_json::from_value(value).expect("script result shape")
    }

    pub async fn history(&self) -> Vec<HistoryRow> {
        self.js(
            "return [...document.querySelectorAll('#history [data-entry]')].map(e => ({\
               entry: e.dataset.entry, action: e.dataset.action, status: e.dataset.status,\
               text: e.innerText }));",
        )
        .await
    }

    /// Waits until the history satisfies `done`, up to `within`.
    pub async fn wait_history(
        &self,
        what: &str,
        within: Duration,
        done: impl Fn(&[HistoryRow]) -> bool,
    ) -> Vec<HistoryRow> {
        let deadline = Instant::now() + within;
        loop {
            let rows = self.history().await;
            if done(&rows) {
                return rows;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: the history shows {rows:#?}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Fails the test when axe-core finds anything in the window as it is (`state` says what
    /// is on screen).
    pub async fn assert_accessible(&self, state: &str) {
        let violations = self.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "axe-core found problems in {state}: {violations:#?}"
        );
    }

    /// Runs axe-core (from `tests/node_modules`, installed by scripts/setup.sh) in the real
    /// webview and returns its violations.
    pub async fn accessibility_violations(&self) -> Vec<serde_json::Value> {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node_modules/axe-core/axe.min.js");
        let axe = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run scripts/setup.sh (npm ci --prefix tests)",
                path.display()
            )
        });
        let loaded: String = self
            .js(&format!(
                "{axe}\n;window.axe = axe; return typeof window.axe;"
            ))
            .await;
        assert_eq!(loaded, "object", "axe-core did not load");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, { resultTypes: ['violations'] })\
                   .then(r => done(r.violations.map(v => ({ id: v.id, help: v.help,\
                      nodes: v.nodes.map(n => n.target.join(' ')) }))))\
                   .catch(e => done([{ id: 'axe-error', help: String(e) }]));",
                vec![],
            )
            .await
            .expect("axe.run");
        serde_json::from_value(result).expect("violations")
    }
}
