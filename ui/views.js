// The three views above the history: "My conversations", "One contact" and "Bulk". The
// first is set up when it is first shown (its questions to Rust), not at start; its module is
// imported then too, which saves loading it in development (the release bundle, built without
// esbuild's --splitting, has it inside main.js already).
const VIEWS = {
  "my-conversations": { button: "view-my-conversations", card: "my-conversations-card" },
  single: { button: "view-single", card: "action-card" },
  bulk: { button: "view-bulk", card: "bulk-card" },
};

let myConversations = null;

/** Shows view `name`; `options` go to the view (`{ chooseMe: true }` asks who the agent is). */
export function showView(name, options = {}) {
  for (const [view, { button, card }] of Object.entries(VIEWS)) {
    document.getElementById(button).setAttribute("aria-pressed", String(view === name));
    document.getElementById(card).hidden = view !== name;
  }
  if (name === "my-conversations") {
    myConversations ??= import("./my-conversations.js").then((module) => module.setUpMyConversations({ showView }));
    return myConversations.then((view) => view.shown(options));
  }
  myConversations?.then((view) => view.hidden());
  return Promise.resolve();
}

export function setUpViews() {
  for (const name of Object.keys(VIEWS)) {
    document.getElementById(VIEWS[name].button).addEventListener("click", () => showView(name));
  }
}
