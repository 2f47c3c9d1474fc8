// Keyboard flow: Esc clears the form, Alt+C / Alt+O choose the action, ? shows the list.
import { ACTION } from "./contract.js";

function typingInText(target) {
  return target instanceof HTMLTextAreaElement
    || (target instanceof HTMLInputElement && !["button", "checkbox", "radio"].includes(target.type));
}

export function setUpShortcuts({ clearForm, chooseAction }) {
  const sheet = document.getElementById("shortcuts");
  const showSheet = () => {
    if (!sheet.open) sheet.showModal();
  };
  document.getElementById("shortcuts-open").addEventListener("click", showSheet);

  document.addEventListener("keydown", (event) => {
    if (document.querySelector("dialog[open]")) return;
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      const key = event.key.toLowerCase();
      if (key === "c" || key === "o") {
        event.preventDefault();
        chooseAction(key === "c" ? ACTION.CLOSE : ACTION.OPEN);
      }
      return;
    }
    if (event.key === "Escape" && event.target.closest?.("#action-form")) {
      event.preventDefault();
      clearForm();
    } else if (event.key === "?" && !typingInText(event.target)) {
      event.preventDefault();
      showSheet();
    }
  });
}
