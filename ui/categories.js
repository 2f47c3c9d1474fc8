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

/** Shows the cached list at once, then asks the workspace for a fresh one. */
export async function loadCategories() {
  show(await call("closing_categories"));
  call("refresh_closing_categories").then(show, () => {});
}
