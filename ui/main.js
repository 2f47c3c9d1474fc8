// Starts each part of the window, then marks it ready (the end-to-end tests wait for that).
import { call, firstAnswer } from "./ipc.js";
import { SHOW_SETTINGS, ready } from "./i18n.js";
import { pauseText, problemText, toProblem } from "./errors.js";
import { showAppInfo, watchForNewerVersion } from "./header.js";
import { setUpActionForm } from "./action-form.js";
import { setUpHistory, showSubmitted, showPause } from "./history.js";
import { setUpTokenStep, showTokenStep } from "./token-step.js";
import { showCachedCategories, refreshCategories } from "./categories.js";
import { setUpShortcuts } from "./keyboard.js";
import { setUpViews, showView } from "./views.js";
import { openWorkspaces } from "./workspace.js";
import { historyStream } from "./history-store.js";
import { showClosingRule } from "./closing-rule.js";
import { formWasFilled, setUpHandoffs, showEntryAfterReload, showFill } from "./handoff.js";
import { PAUSE } from "./contract.js";
import { applyLimits } from "./limits.js";
import { applyPolicy } from "./policy.js";
import { setCloseAndNext } from "./preferences.js";

/**
 * Settings is set up, its modules imported, the first time it opens: the first press of its
 * button loads it, then presses again for its own handler. Returns the loader.
 */
function setUpSettingsWhenOpened(info) {
  const toggle = document.getElementById("settings-toggle");
  let settings = null;
  const load = () => {
    settings ??= import("./settings.js").then((module) => {
      module.setUpSettings({ appInfo: info });
      return module;
    }, (problem) => {
      // The next press tries again.
      settings = null;
      throw problem;
    });
    return settings;
  };
  toggle.addEventListener("click", async (event) => {
    if (settings) return;
    event.stopImmediatePropagation();
    await load();
    toggle.click();
  });
  return load;
}

function askForToken(pause) {
  if (pause && (pause.kind === PAUSE.TOKEN_REJECTED || pause.kind === PAUSE.NO_TOKEN)) {
    showTokenStep({ reason: pause.kind === PAUSE.TOKEN_REJECTED ? pauseText(pause) : "" });
  }
}

async function start() {
  applyLimits();
  // The questions start-up asks went out as the page was read (index.html), and the words came
  // with the page (i18n.js; fetched after a reload that applies a language chosen in
  // Settings): the app's, the handoff channel's, and the first answer, which says which
  // workspace is shown and brings that one's token status, categories and history with it.
  // Every question after that names the workspace. (A contact handed over at launch is shown
  // last, in a form that is ready for it.)
  const info = firstAnswer("info");
  const handoffs = setUpHandoffs();
  const history = historyStream();
  const opening = openWorkspaces(history.onHistory);
  // Nothing is drawn before the words are there.
  await ready;
  const form = setUpActionForm({ onSubmitted: showSubmitted });
  setUpShortcuts(form);
  setUpViews();
  setUpTokenStep({ onSaved: refreshCategories });
  const first = await opening;
  const { workspace, token } = first;
  showClosingRule(workspace.closingRule);
  const loadSettings = setUpSettingsWhenOpened(info);
  info.then((about) => {
    applyPolicy(about.setByOrganization);
    setCloseAndNext(about.closeAndNext);
  }).catch(() => {});
  // The answer's pause first: one the stream carried after it (replayed as the history is taken
  // in) has the last word.
  let pause = token.pause;
  showPause(pause);
  setUpHistory({
    history,
    snapshot: first.history,
    onPause: (now) => {
      pause = now;
      askForToken(now);
    },
  });
  showCachedCategories(first.categories);
  const [, handed] = await Promise.all([showAppInfo(workspace, info), handoffs]);
  performance.mark("first-data");
  watchForNewerVersion();
  showEntryAfterReload();
  if (!token.saved) {
    showTokenStep({ reason: token.problem ? problemText(token.problem) : "" });
    showFill(handed, { focus: false });
  } else if (handed || formWasFilled()) {
    // A contact handed over (with the answer, or on the channel while start-up went on).
    askForToken(pause);
    refreshCategories();
    showFill(handed);
  } else {
    askForToken(pause);
    refreshCategories();
    if (workspace.me) {
      // The agent said who they are here: their open conversations first. The list loads in
      // the background; the window is usable at once.
      showView("my-conversations");
    } else {
      document.getElementById("identifier-value").focus();
    }
  }
  // Last, so nothing above takes the focus from it: Settings as the agent left it before a
  // reload that applied a new language.
  if (sessionStorage.getItem(SHOW_SETTINGS)) await (await loadSettings()).showSettingsAfterReload();
}

start()
  .catch(async (problem) => {
    // `ready` never fails: without a catalog, the words are the keys, still better than nothing.
    await ready;
    const notices = document.getElementById("notices");
    const p = document.createElement("p");
    p.className = "notice";
    p.textContent = problemText(toProblem(problem));
    notices.append(p);
  })
  .finally(() => {
    // The same mark as the bare window's, so scripts/bench-startup.py can compare them.
    performance.mark("ready");
    document.body.dataset.ready = "true";
    // After the first frame: what start-up should not wait for (the global shortcut).
    requestAnimationFrame(() => call("window_ready").catch(() => {}));
  });
