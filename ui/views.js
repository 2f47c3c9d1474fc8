// The three views above the history: "My conversations", "One contact" and "Bulk". My
// conversations and Bulk are set up when first shown (their modules imported then, and My
// conversations' questions to Rust asked then, not at start); the release bundle keeps their
// modules in chunks of their own (scripts/bundle-ui.sh, esbuild --splitting).
const VIEWS = {
  "my-conversations": {
    button: "view-my-conversations",
    card: "my-conversations-card",
    load: () => import("./my-conversations.js").then((module) => module.setUpMyConversations({ showView })),
  },
  single: { button: "view-single", card: "action-card" },
  bulk: {
    button: "view-bulk",
    card: "bulk-card",
    load: () => import("./bulk.js").then((module) => module.setUpBulk()),
  },
};

// Views set up so far: the promise of what each setUp returned.
const loaded = {};

/**
 * Shows view `name`, set up first if it never was; resolves once it is ready. `options` go to
 * the view (`{ chooseMe: true }` asks who the agent is).
 */
export function showView(name, options = {}) {
  for (const [view, { button, card }] of Object.entries(VIEWS)) {
    document.getElementById(button).setAttribute("aria-pressed", String(view === name));
    document.getElementById(card).hidden = view !== name;
    if (view !== name) loaded[view]?.then((shown) => shown?.hidden?.());
  }
  const load = VIEWS[name].load;
  if (!load) return Promise.resolve();
  loaded[name] ??= load();
  return loaded[name].then((shown) => shown?.shown?.(options));
}

export function setUpViews() {
  for (const name of Object.keys(VIEWS)) {
    document.getElementById(VIEWS[name].button).addEventListener("click", () => showView(name));
  }
}
