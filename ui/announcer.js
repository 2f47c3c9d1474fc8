// Says results out loud for screen readers, without moving the focus.
//
// Each message is a new paragraph added to the live region, not new text in the old one:
// WebKitGTK tells the accessibility bus (AT-SPI) when an object is added to a live region,
// but not when the text of one already there changes, so a screen reader on Linux heard
// nothing of `textContent = message` (tests/e2e_accessibility.rs). The last few stay: a screen
// reader reads an added paragraph's text when it hears of it, and one replaced at once by the
// next message (a close delivered just as another is saved) was gone by then.
const KEPT = 3;
const region = () => document.getElementById("announcer");

export function announce(message) {
  const said = document.createElement("p");
  said.textContent = message;
  const live = region();
  live.append(said);
  while (live.childElementCount > KEPT) live.firstElementChild.remove();
}
