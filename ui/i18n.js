// The agent's language: which one the window speaks, its catalog (ui/locales/<language>.json,
// flat JSON: Rust reads the same files for the tray, notifications and the desktop entry), and
// numbers, dates and times in that language. Every word on screen comes through t().
//
// Keys built at run time (everything else is written out where it is used, in ui/*.js or as
// data-i18n / data-i18n-attr in index.html) are built in errors.js from the values in
// contract.js; the test that checks every key exists builds the same keys from the Rust types.
import { LANGUAGES } from "./contract.js";

export { LANGUAGES };
export const LANGUAGE_NAMES = Object.freeze({
  en: "English",
  ms: "Bahasa Melayu",
  id: "Bahasa Indonesia",
  "pt-BR": "Português (Brasil)",
  es: "Español",
});

/** Set by Settings just before the reload that applies a new choice (see settings.js). */
export const CHOSEN_LANGUAGE = "aelyst.language";
/** Set with it: Settings opens again after that reload, where the agent left it. */
export const SHOW_SETTINGS = "aelyst.showSettings";

/** One of LANGUAGES for a BCP 47 tag ("pt-PT" → "pt-BR", "in-ID" → "id"), or null. */
export function matchLanguage(tag) {
  if (typeof tag !== "string" || !tag) return null;
  const exact = LANGUAGES.find((l) => l.toLowerCase() === tag.toLowerCase());
  if (exact) return exact;
  const base = tag.split(/[-_]/)[0].toLowerCase();
  // "in" is the old code for Indonesian, still sent by some systems.
  return { pt: "pt-BR", in: "id" }[base] ?? (LANGUAGES.includes(base) ? base : null);
}

function startLanguage() {
  let chosen = null;
  try {
    chosen = sessionStorage.getItem(CHOSEN_LANGUAGE);
  } catch {
    // Storage can be switched off; the other sources still answer.
  }
  if (LANGUAGES.includes(chosen)) return chosen;
  // Rust's initialization script: the saved choice, else the OS locale.
  if (LANGUAGES.includes(window.__AELYST_LANG__)) return window.__AELYST_LANG__;
  return matchLanguage(navigator.language) ?? "en";
}

export const language = startLanguage();
document.documentElement.lang = language;

let catalog = {};
/**
 * `make()`, called the first time the value is asked for, then kept. Each Intl object loads
 * ICU's rules and data for its language into the page (README, Figures: ~5 MiB for the seven
 * this module made as it loaded), so none is made before a text needs it: a start with an
 * empty history makes none, one with history the one or two its rows' times use.
 */
function lazy(make) {
  let value = null;
  return () => (value ??= make());
}

let plurals = lazy(() => new Intl.PluralRules(language));

async function fetchCatalog(lang) {
  const answer = await fetch(`locales/${lang}.json`);
  if (!answer.ok) throw new Error(`locales/${lang}.json: ${answer.status}`);
  return { lang, words: await answer.json() };
}

/** The words Rust's initialization script handed over with the language, if they are this one's. */
function handedCatalog() {
  const words = window.__AELYST_WORDS__;
  return language === window.__AELYST_LANG__ && words && typeof words === "object" ? { lang: language, words } : null;
}

// Handed over by Rust before any script ran, else (a language chosen in Settings, applied by a
// reload) asked for as the module loads (start-up time matters). A catalog that cannot be read
// falls back to English; with none at all, the page keeps the English written in index.html
// and `ready` still resolves, so the window starts anyway.
const handed = handedCatalog();
const loading = (handed ? Promise.resolve(handed) : fetchCatalog(language))
  .catch((error) => {
    if (language === "en") throw error;
    console.warn("No catalog for", language, error);
    return fetchCatalog("en");
  })
  .catch((error) => {
    console.warn("No catalog at all", error);
    return { lang: "en", words: {} };
  });

/** Resolves once the catalog is loaded and the page's own words are translated. */
export const ready = loading.then(({ lang, words }) => {
  // Where start-up goes (scripts/bench-startup.py prints the page's marks).
  performance.mark("catalog");
  catalog = words;
  if (lang !== language) {
    // English words on screen: screen readers must read them as English.
    document.documentElement.lang = lang;
    plurals = lazy(() => new Intl.PluralRules(lang));
  }
  translatePage();
});

export function hasWords(key) {
  return Object.hasOwn(catalog, key);
}

// Fields that are numbers but not amounts: an HTTP status ("error 404"), a line of a file
// (`first`: a bulk row's earlier line), an id, a typed value. Grouped as amounts they would read
// "line 1,234" or change what was typed.
const RAW_NUMBERS = new Set(["status", "line", "first", "id", "value"]);
const number = lazy(() => new Intl.NumberFormat(language));

/**
 * `n` as the language writes an amount. Whole numbers from 0 to 999 are written as they are:
 * every language in LANGUAGES writes them in Latin digits with no grouping, so the counters on
 * the first screen ("0 of 512 characters") need no ICU (tests/e2e_language.rs checks this
 * against Intl in each language). A language added with other digits must drop this shortcut.
 */
export function formatNumber(n) {
  // -0 passes the test but Intl writes it "-0".
  return Number.isInteger(n) && n >= 0 && n < 1000 && !Object.is(n, -0) ? String(n) : number().format(n);
}

/**
 * The words for `key`, with `{name}` replaced by fields[name]. A plural entry (an object of
 * Intl.PluralRules categories) is chosen by fields.count. A missing key gives the key itself.
 */
export function t(key, fields = {}) {
  let text = catalog[key];
  if (text === undefined) {
    console.warn("No words for", key);
    return key;
  }
  if (typeof text === "object") text = text[plurals().select(Number(fields.count))] ?? text.other;
  // Most texts have no field: the history draws thousands of rows, so skip the replace.
  if (!text.includes("{")) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    const value = fields[name];
    if (value === undefined || value === null) return whole;
    return typeof value === "number" && !RAW_NUMBERS.has(name) ? formatNumber(value) : String(value);
  });
}

/**
 * Puts the words in the page's own elements: `data-i18n="key"` for the text, and
 * `data-i18n-attr="placeholder:key;aria-label:key"` for attributes. An element whose text holds
 * other elements (a <strong>, a <code>) marks each with `data-i18n-slot="name"`: the text's
 * `{name}` says where it goes, so a language can put it elsewhere in the sentence.
 */
export function translatePage(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    const key = element.dataset.i18n;
    // Without words for it, the English written in the page stays.
    if (!hasWords(key)) continue;
    if (element.querySelector(":scope > [data-i18n-slot]")) fillSlots(element, t(key));
    else element.textContent = t(key);
  }
  for (const element of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of element.dataset.i18nAttr.split(";")) {
      const [attribute, key] = pair.split(":").map((part) => part.trim());
      if (attribute && hasWords(key)) element.setAttribute(attribute, t(key));
    }
  }
}

function fillSlots(element, text) {
  const slots = new Map(
    [...element.children].filter((child) => child.dataset.i18nSlot).map((child) => [child.dataset.i18nSlot, child]),
  );
  // split() with a group: even indexes are text, odd ones slot names.
  const parts = text.split(/\{(\w+)\}/).map((part, i) => (i % 2 ? slots.get(part) ?? `{${part}}` : part));
  element.replaceChildren(...parts.filter((part) => part !== ""));
}

// One formatter each, made once, when first used: toLocale…String with options builds a new one
// per call (in V8, 20,000 times: 1.26 s, against 16 ms for a shared one), once or twice per
// history row. The time zone is the computer's own (Intl's default).
const DAY = { year: "numeric", month: "numeric", day: "numeric" };
const HOUR_MINUTE = { hour: "2-digit", minute: "2-digit" };
const dateTime = (options) => lazy(() => new Intl.DateTimeFormat(language, options));
const TIME = dateTime(HOUR_MINUTE);
const TIME_WITH_SECONDS = dateTime({ ...HOUR_MINUTE, second: "2-digit" });
const DATE_TIME = dateTime({ ...DAY, ...HOUR_MINUTE });
const DATE_TIME_WITH_SECONDS = dateTime({ ...DAY, ...HOUR_MINUTE, second: "2-digit" });
const megabytes = lazy(() => new Intl.NumberFormat(language, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 }));

export const formatTime = (ms) => TIME().format(ms);
export const formatTimeWithSeconds = (ms) => TIME_WITH_SECONDS().format(ms);
export const formatDateTime = (ms) => DATE_TIME().format(ms);
export const formatDateTimeWithSeconds = (ms) => DATE_TIME_WITH_SECONDS().format(ms);

/** A size in bytes as megabytes ("2 MB"), in the language's own unit words. */
export function formatMegabytes(bytes) {
  return megabytes().format(bytes / (1024 * 1024));
}
