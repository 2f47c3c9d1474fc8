// The Close/Reopen pair, in the single form and in the bulk view: one button pressed at a time,
// and the closing-note fields only with Close (a note has no meaning on a reopen, and Rust
// refuses one).
import { ACTION } from "./contract.js";

export function setUpActionToggle({ close, open, noteFields, onChange = () => {} }) {
  let action = ACTION.CLOSE;
  function choose(next) {
    action = next;
    close.setAttribute("aria-pressed", String(action === ACTION.CLOSE));
    open.setAttribute("aria-pressed", String(action === ACTION.OPEN));
    noteFields.hidden = action !== ACTION.CLOSE;
    onChange(action);
  }
  close.addEventListener("click", () => choose(ACTION.CLOSE));
  open.addEventListener("click", () => choose(ACTION.OPEN));
  choose(action);
  return { choose, current: () => action };
}
