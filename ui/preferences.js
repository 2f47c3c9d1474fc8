// The agent's preferences the window acts on (kept by Rust, in preferences.json): told at
// start (app_info) and when Settings changes them.
let nextAfterClose = true;

/** Whether closing a conversation picked from My conversations brings up the next one. */
export function closeAndNext() {
  return nextAfterClose;
}

export function setCloseAndNext(on) {
  nextAfterClose = on;
}
