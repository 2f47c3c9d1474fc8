// The shown workspace's closing rule, said next to the fields it concerns. Rust enforces it
// (a close that breaks it is refused with plain words); this only tells the agent beforehand.
import { t } from "./i18n.js";

const CATEGORY_KEYS = {
  optional: "form.need_optional",
  category: "form.need_required",
  "category-summary": "form.need_required",
  newer: "form.need_required",
};
const SUMMARY_KEYS = {
  optional: "form.need_category",
  category: "form.need_category",
  "category-summary": "form.need_required",
  newer: "form.need_required",
};
const BULK_CATEGORY_KEYS = {
  optional: "bulk.need_optional",
  category: "bulk.need_required",
  "category-summary": "bulk.need_required_summary",
  // A rule a newer version set is checked as the strictest this version knows.
  newer: "bulk.need_required_summary",
};

export function showClosingRule(rule) {
  const known = Object.hasOwn(CATEGORY_KEYS, rule) ? rule : "optional";
  document.getElementById("bulk-category-need").textContent = t(BULK_CATEGORY_KEYS[known]);
  document.getElementById("category-need").textContent = t(CATEGORY_KEYS[known]);
  document.getElementById("summary-need").textContent = t(SUMMARY_KEYS[known]);
  document.getElementById("category").setAttribute("aria-required", String(rule !== "optional"));
  document.getElementById("summary").setAttribute("aria-required", String(["category-summary", "newer"].includes(rule)));
}
