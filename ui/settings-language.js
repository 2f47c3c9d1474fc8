// Settings: the language of this computer's window (not per workspace).
import { call } from "./ipc.js";
import { problemText } from "./errors.js";
import { CHOSEN_LANGUAGE, LANGUAGES, LANGUAGE_NAMES, SHOW_SETTINGS, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

/**
 * The language of this computer's window (not per workspace). A change is saved in Rust, then
 * the page starts again in it, with Settings open where the agent left it. `appInfo`: the
 * app_info answer (or its promise), which says the choice and what the computer's own is.
 */
export function setUpLanguage(appInfo) {
  const select = $("language-select");
  const error = $("language-error");
  let system = "en";
  const hint = $("language-hint");
  // A short label (a select cannot wrap, and at 200% a long one is cut off); which language
  // the computer has is said beside it.
  const systemOption = document.createElement("option");
  systemOption.value = "";
  systemOption.textContent = t("settings.language_auto");
  select.replaceChildren(
    systemOption,
    ...LANGUAGES.map((code) => {
      const option = document.createElement("option");
      option.value = code;
      // Each name in its own language, so a screen reader says it as a speaker would.
      option.lang = code;
      option.textContent = LANGUAGE_NAMES[code];
      return option;
    }),
  );
  Promise.resolve(appInfo).then((info) => {
    system = LANGUAGES.includes(info.language?.system) ? info.language.system : "en";
    hint.textContent = t("settings.language_system", { name: LANGUAGE_NAMES[system] });
    select.value = LANGUAGES.includes(info.language?.chosen) ? info.language.chosen : "";
  }, () => {});

  select.addEventListener("change", async () => {
    const chosen = select.value;
    error.hidden = true;
    try {
      await call("set_language", { language: chosen || null });
    } catch (problem) {
      error.textContent = problemText(problem);
      error.hidden = false;
      return;
    }
    // The window's own start-up script still says the language it was opened in: this wins.
    sessionStorage.setItem(CHOSEN_LANGUAGE, chosen || system);
    sessionStorage.setItem(SHOW_SETTINGS, "1");
    location.reload();
  });
}
