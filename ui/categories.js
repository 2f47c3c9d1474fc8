// The closing-category suggestions: recently used, then the workspace's closing notes.
import { call } from "./ipc.js";

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

/** Shows the list cached on this computer. */
export async function showCachedCategories() {
  show(await call("closing_categories"));
}

/** Asks the workspace for a fresh list in the background; the cached one stays until then. */
export function refreshCategories() {
  call("refresh_closing_categories").then(show, () => {});
}
