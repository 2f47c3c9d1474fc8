// The shown workspace's closing rule, said next to the fields it concerns. Rust enforces it
// (a close that breaks it is refused with plain words); this only tells the agent beforehand.
const CATEGORY_WORDS = {
  optional: "(optional)",
  category: "(required in this workspace)",
  "category-summary": "(required in this workspace)",
};
const SUMMARY_WORDS = {
  optional: "(needs a category)",
  category: "(needs a category)",
  "category-summary": "(required in this workspace)",
};

const BULK_CATEGORY_WORDS = {
  optional: "(optional; a CSV row's own wins)",
  category: "(required in this workspace; a CSV row's own wins)",
  "category-summary": "(required in this workspace, with a summary; a CSV row's own wins)",
};

export function showClosingRule(rule) {
  document.getElementById("bulk-category-need").textContent = BULK_CATEGORY_WORDS[rule] ?? BULK_CATEGORY_WORDS.optional;
  document.getElementById("category-need").textContent = CATEGORY_WORDS[rule] ?? CATEGORY_WORDS.optional;
  document.getElementById("summary-need").textContent = SUMMARY_WORDS[rule] ?? SUMMARY_WORDS.optional;
  document.getElementById("category").setAttribute("aria-required", String(rule !== "optional"));
  document.getElementById("summary").setAttribute("aria-required", String(rule === "category-summary"));
}
