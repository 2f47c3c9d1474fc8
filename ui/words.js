// The words the window uses for actions, states and kinds of contact, in one place so the
// form, the bulk view and the history always say the same thing.
export const ACTION_WORDS = Object.freeze({ close: "Close", open: "Reopen" });
export const DONE_WORDS = Object.freeze({ close: "Closed", open: "Reopened" });
export const STATE_WORDS = Object.freeze({ pending: "Sending", done: "Done", failed: "Failed", cancelled: "Cancelled" });
export const KIND_WORDS = Object.freeze({ phone: "phone", email: "email", id: "contact ID" });

/** "1 action", "3 actions": a count with its noun, for every count the window says. */
export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}
