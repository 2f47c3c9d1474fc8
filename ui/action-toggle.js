// The Close/Reopen pair, in the single form and in the bulk view: one button pressed at a time,
// and the closing-note fields only with Close (a note has no meaning on a reopen, and Rust
// refuses one).
export function setUpActionToggle({ close, open, noteFields, onChange = () => {} }) {
  let action = "close";
  function choose(next) {
    action = next;
    close.setAttribute("aria-pressed", String(action === "close"));
    open.setAttribute("aria-pressed", String(action === "open"));
    noteFields.hidden = action !== "close";
    onChange(action);
  }
  close.addEventListener("click", () => choose("close"));
  open.addEventListener("click", () => choose("open"));
  choose(action);
  return { choose, current: () => action };
}
