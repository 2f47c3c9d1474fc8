// The words the window uses for actions, states and kinds of contact, in one place so the
// form, the bulk view and the history always say the same thing. Looked up when asked (the
// catalog loads after the modules do), from keys written out so a test can find them.
import { t } from "./i18n.js";
import { ACTION, ENTRY_STATE, IDENTIFIER_KIND } from "./contract.js";

const ACTION_KEYS = { [ACTION.CLOSE]: "action.close", [ACTION.OPEN]: "action.open" };
const STATE_KEYS = {
  [ENTRY_STATE.PENDING]: "state.pending",
  // The window's own word: pending, with a reason it has not gone yet.
  waiting: "state.waiting",
  [ENTRY_STATE.DONE]: "state.done",
  [ENTRY_STATE.FAILED]: "state.failed",
  [ENTRY_STATE.CANCELLED]: "state.cancelled",
};
const KIND_KEYS = {
  [IDENTIFIER_KIND.PHONE]: "kind.phone",
  [IDENTIFIER_KIND.EMAIL]: "kind.email",
  [IDENTIFIER_KIND.ID]: "kind.id",
};

/** "Close" or "Reopen". */
export const actionWord = (action) => t(ACTION_KEYS[action]);
/** "Sending", "Waiting", "Done", "Failed", "Cancelled". */
export const stateWord = (state) => t(STATE_KEYS[state]);
/** "phone", "email", "contact ID": lower case, as it reads inside a sentence. */
export const kindWord = (kind) => t(KIND_KEYS[kind]);

/** A contact as the agent reads it: "phone +60 12-123 3112", "contact ID 123". */
export function contactWords(identifier) {
  return t("kind.contact", { kind: kindWord(identifier.kind), display: identifier.display });
}
