// The closing-category suggestions: recently used, then the workspace's closing notes.
import { callIn } from "./ipc.js";

function show(choices) {
  const list = document.getElementById("category-options");
  list.replaceChildren(
    ...choices.map((choice) => {
      const option = document.createElement("option");
      option.value = choice;
      return option;
    }),
  );
}

/** Shows the list cached on this computer (Rust's first answer holds it: workspace.js). */
export function showCachedCategories(choices) {
  show(choices);
}

/** Asks the workspace for a fresh list in the background; the cached one stays until then. */
export function refreshCategories() {
  callIn("refresh_closing_categories").then(show, () => {});
}
