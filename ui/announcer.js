// Says results out loud for screen readers, without moving the focus.
const region = () => document.getElementById("announcer");

export function announce(message) {
  region().textContent = "";
  // A fresh text node after clearing makes screen readers repeat an identical message.
  requestAnimationFrame(() => {
    region().textContent = message;
  });
}
