// The shown workspace's closing rule, said next to the fields it concerns. Rust enforces it
// (a close that breaks it is refused with plain words); this only tells the agent beforehand.
import { t } from "./i18n.js";
import { CLOSING_RULE } from "./contract.js";

const { OPTIONAL, CATEGORY, CATEGORY_SUMMARY, NEWER } = CLOSING_RULE;
const CATEGORY_KEYS = {
  [OPTIONAL]: "form.need_optional",
  [CATEGORY]: "form.need_required",
  [CATEGORY_SUMMARY]: "form.need_required",
  [NEWER]: "form.need_required",
};
const SUMMARY_KEYS = {
  [OPTIONAL]: "form.need_category",
  [CATEGORY]: "form.need_category",
  [CATEGORY_SUMMARY]: "form.need_required",
  [NEWER]: "form.need_required",
};
const BULK_CATEGORY_KEYS = {
  [OPTIONAL]: "bulk.need_optional",
  [CATEGORY]: "bulk.need_required",
  [CATEGORY_SUMMARY]: "bulk.need_required_summary",
  // A rule a newer version set is checked as the strictest this version knows.
  [NEWER]: "bulk.need_required_summary",
};

export function showClosingRule(rule) {
  const known = Object.hasOwn(CATEGORY_KEYS, rule) ? rule : OPTIONAL;
  document.getElementById("bulk-category-need").textContent = t(BULK_CATEGORY_KEYS[known]);
  document.getElementById("category-need").textContent = t(CATEGORY_KEYS[known]);
  document.getElementById("summary-need").textContent = t(SUMMARY_KEYS[known]);
  document.getElementById("category").setAttribute("aria-required", String(rule !== OPTIONAL));
  document.getElementById("summary").setAttribute("aria-required", String([CATEGORY_SUMMARY, NEWER].includes(rule)));
}
