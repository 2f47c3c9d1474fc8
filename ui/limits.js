// The limits Rust checks, put on the fields that take them, from contract.js (so the page
// never says one number and Rust another). `maxLength` counts UTF-16 units, as Rust counts a
// category and a summary. The token field has none: a browser would cut a long paste short
// without a word, and Rust refuses a token that is too long in plain words instead.
import { LIMITS } from "./contract.js";

const FIELDS = [
  ["category", "maxLength", LIMITS.CATEGORY_MAX],
  ["summary", "maxLength", LIMITS.SUMMARY_MAX],
  ["bulk-category", "maxLength", LIMITS.CATEGORY_MAX],
  ["bulk-summary", "maxLength", LIMITS.SUMMARY_MAX],
  ["workspace-name", "maxLength", LIMITS.WORKSPACE_NAME_MAX],
  ["workspace-rename", "maxLength", LIMITS.WORKSPACE_NAME_MAX],
  ["history-size", "min", LIMITS.HISTORY_LIMIT_MIN],
  ["history-size", "max", LIMITS.HISTORY_LIMIT_MAX],
];

export function applyLimits() {
  for (const [id, property, value] of FIELDS) {
    document.getElementById(id)[property] = value;
  }
}
