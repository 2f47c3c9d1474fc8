// Settings: whether a close sent from a row picked in My conversations brings up the next row.
import { call } from "./ipc.js";
import { problemText } from "./errors.js";
import { closeAndNext, setCloseAndNext } from "./preferences.js";

const $ = (id) => document.getElementById(id);

/** The tick box, as Rust keeps it (`info`: app_info's answer). */
export function setUpCloseAndNext(info) {
  const box = $("close-and-next");
  const error = $("close-and-next-error");
  info.then((about) => {
    box.checked = about.closeAndNext;
  }).catch(() => {});
  box.addEventListener("change", async () => {
    error.hidden = true;
    try {
      await call("set_close_and_next", { on: box.checked });
      setCloseAndNext(box.checked);
    } catch (problem) {
      // Not saved: the box shows what still holds.
      box.checked = closeAndNext();
      error.textContent = problemText(problem);
      error.hidden = false;
    }
  });
}
