// The three views above the history: "My conversations", "One contact" and "Bulk". My
// conversations and Bulk are set up when first shown (their modules imported then, and My
// conversations' questions to Rust asked then, not at start); the release bundle keeps their
// modules in chunks of their own (scripts/bundle-ui.sh, Rollup). A view is shown once it is
// set up, so nothing on it can be pressed before it answers.
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
// The view asked for last: a view that finishes loading after another was asked for stays
// hidden.
let wanted = "single";

/**
 * Shows view `name`, set up first if it never was; resolves once it is ready. `options` go to
 * the view (`{ chooseMe: true }` asks who the agent is).
 */
export function showView(name, options = {}) {
  wanted = name;
  const load = VIEWS[name].load;
  if (!load) {
    // At once: the caller may put the focus in the view next.
    switchTo(name);
    return Promise.resolve();
  }
  loaded[name] ??= load();
  return loaded[name].then((view) => {
    if (wanted !== name) return undefined;
    switchTo(name);
    return view?.shown?.(options);
  });
}

function switchTo(name) {
  for (const [other, { button, card }] of Object.entries(VIEWS)) {
    document.getElementById(button).setAttribute("aria-pressed", String(other === name));
    document.getElementById(card).hidden = other !== name;
    if (other !== name) loaded[other]?.then((shown) => shown?.hidden?.());
  }
}

export function setUpViews() {
  for (const name of Object.keys(VIEWS)) {
    document.getElementById(VIEWS[name].button).addEventListener("click", () => showView(name));
  }
}
