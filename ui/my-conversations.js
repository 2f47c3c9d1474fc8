// "My conversations": the open conversations assigned to the agent, each one click (or Enter)
// from the form with Close chosen; several at once through the bulk review. Set up when the
// view is first shown (see views.js).
import { callIn } from "./ipc.js";
import { announce } from "./announcer.js";
import { onHistoryChange } from "./history-store.js";
import { shownWorkspace } from "./workspace.js";
import { problemText, reasonText } from "./errors.js";
import { t } from "./i18n.js";
import { fillContact, onFormSent } from "./action-form.js";
import { KEY, pressed } from "./keyboard.js";
import { closeAndNext } from "./preferences.js";
import { prefillClose } from "./bulk.js";
import { ACTION, ENTRY_STATE, IDENTIFIER_KIND, LIMITS, LIST_STATE, LIST_TRIGGER } from "./contract.js";

const SEARCH_DELAY_MS = 300;
// Weakest first: an ask the agent made always goes; Rust may skip the window's own.
const TRIGGER_STRENGTH = [LIST_TRIGGER.TIMER, LIST_TRIGGER.FOCUS, LIST_TRIGGER.ASKED];

const $ = (id) => document.getElementById(id);

/** Sets the view up; `showView` (from views.js, which imports this module) changes views. */
export function setUpMyConversations({ showView }) {
  const chooser = $("me-chooser");
  const body = $("my-conversations-body");
  const list = $("my-conversations-list");
  const more = $("my-conversations-more");
  const status = $("my-conversations-status");
  const search = $("contact-search");
  const closeSelected = $("my-conversations-close-selected");
  let me = shownWorkspace().me;
  let next = null;
  let loading = false;
  // A first page asked for while another page was on its way (a search typed, Refresh, the
  // timer): it goes once that page is in, for the strongest of the asks meanwhile, and every
  // one of them resolves when it is drawn. { trigger, drawn, resolve }
  let waiting = null;
  let timer = 0;
  let searchTimer = 0;
  let visible = false;
  // Closes sent from this list, by contact id, so their rows can leave or come back.
  const sent = new Map();
  // The ticked rows' contact ids (as the rows' data-contact-id has them): what "Close
  // selected" counts and sends. A row that leaves (sent, or gone from the list) leaves it.
  const selected = new Set();
  // The contact last picked from the list into the form: when its close is sent, the next
  // row comes up (unless the agent turned that off in Settings).
  let picked = null;
  // The rows listed after it when it was picked: its close may be done, and its row gone,
  // before the form hears back, and the next is still the one after it.
  let followers = [];
  // And the one listed before it (null: it was the first), for when it was the last.
  let before = null;

  function say(text) {
    status.textContent = text;
  }

  function row({ contactId, name: given, reach }) {
    const name = given ?? t("my_conversations.unnamed_contact", { id: contactId });
    const item = document.createElement("li");
    item.className = "my-conversations-row";
    item.dataset.contactId = String(contactId);
    // What it shows, so a refresh can tell the row is the same (`listedRow`).
    item.dataset.shows = JSON.stringify([given, reach]);
    const tick = document.createElement("input");
    tick.type = "checkbox";
    tick.id = `my-conversations-tick-${contactId}`;
    tick.setAttribute("aria-label", t("my_conversations.select_row", { name }));
    tick.checked = selected.has(String(contactId));
    tick.addEventListener("change", () => {
      if (tick.checked) selected.add(item.dataset.contactId);
      else selected.delete(item.dataset.contactId);
      showSelected();
    });
    const pick = document.createElement("button");
    pick.type = "button";
    // An id, as the tick box has: a refresh puts the focus back on the same row's button.
    pick.id = `my-conversations-pick-${contactId}`;
    pick.className = "my-conversations-pick";
    const who = document.createElement("span");
    who.className = "my-conversations-name";
    who.textContent = name;
    const how = document.createElement("span");
    how.className = "my-conversations-reach";
    how.textContent = reach ?? "";
    pick.append(who, how);
    pick.setAttribute("aria-label", reach
      ? t("my_conversations.pick_label_reach", { name, reach })
      : t("my_conversations.pick_label", { name }));
    pick.addEventListener("click", () => pickContact(contactId));
    const note = document.createElement("span");
    note.className = "my-conversations-note";
    item.append(tick, pick, note);
    return item;
  }

  /**
   * The row for `data`: the one already listed when it shows the same, else a new one. A refresh
   * that made every row anew took away a button being pressed, and the click with it (a
   * refresh landing between a press and its release lost the pick).
   */
  function listedRow(data) {
    const listed = list.querySelector(`[data-contact-id="${data.contactId}"]`);
    return listed?.dataset.shows === JSON.stringify([data.name, data.reach]) ? listed : row(data);
  }

  function showSelected() {
    const count = selected.size;
    closeSelected.disabled = count === 0;
    closeSelected.textContent = count ? t("my_conversations.close_selected_count", { count }) : t("my_conversations.close_selected");
  }

  function emptyWords() {
    return search.value.trim() ? t("my_conversations.empty_search") : t("my_conversations.empty");
  }

  /** Loads the first page (`reset`) or the next one. */
  async function load({ reset, trigger = LIST_TRIGGER.ASKED }) {
    if (loading && reset) {
      if (!waiting) {
        let resolve;
        const drawn = new Promise((done) => (resolve = done));
        waiting = { trigger, drawn, resolve };
      } else if (TRIGGER_STRENGTH.indexOf(trigger) > TRIGGER_STRENGTH.indexOf(waiting.trigger)) {
        waiting.trigger = trigger;
      }
      return waiting.drawn;
    }
    if (loading || (!reset && !next)) return;
    loading = true;
    try {
      const page = await callIn("my_conversations", {
        search: search.value,
        cursor: reset ? null : next,
        trigger,
      });
      // A first page the agent asked for since (another search, say) replaces this one: not
      // drawn. (One the window asked for by itself may be skipped by Rust: this one is drawn.)
      if (page.state === LIST_STATE.SKIPPED || (reset && waiting?.trigger === LIST_TRIGGER.ASKED)) return;
      if (page.state === LIST_STATE.NO_ME) {
        await askWhoYouAre();
        return;
      }
      if (page.state === LIST_STATE.UNAVAILABLE) {
        list.replaceChildren();
        more.hidden = true;
        say(t("my_conversations.unavailable"));
        return;
      }
      if (page.state === LIST_STATE.NO_TOKEN) {
        say(t("my_conversations.no_token"));
        return;
      }
      const rows = page.rows.filter((r) => !sent.has(r.contactId) || sent.get(r.contactId) === ENTRY_STATE.FAILED);
      if (reset) {
        // A refresh (the timer, the window coming back, Refresh) while the agent ticks rows
        // keeps the ticks of the rows still listed (`row` ticks them from `selected`).
        const fresh = rows.map(listedRow);
        const listed = new Set(fresh.map((item) => item.dataset.contactId));
        for (const id of selected) if (!listed.has(id)) selected.delete(id);
        // Only what changed moves: a row kept in its place is never taken out of the page.
        const focused = list.contains(document.activeElement) ? document.activeElement.id : "";
        fresh.forEach((item, at) => {
          if (list.children[at] !== item) list.insertBefore(item, list.children[at] ?? null);
        });
        while (list.children.length > fresh.length) list.lastElementChild.remove();
        if (focused && document.activeElement?.id !== focused) document.getElementById(focused)?.focus();
      }
      else list.append(...rows.filter((r) => !list.querySelector(`[data-contact-id="${r.contactId}"]`)).map(row));
      next = page.next;
      more.hidden = !next;
      const count = list.children.length;
      say(count ? t(next ? "my_conversations.count_so_far" : "my_conversations.count", { count }) : emptyWords());
      showSelected();
    } catch (problem) {
      say(t("my_conversations.load_failed", { problem: problemText(problem) }));
    } finally {
      loading = false;
      const again = waiting;
      waiting = null;
      if (again) load({ reset: true, trigger: again.trigger }).then(again.resolve);
    }
  }

  async function askWhoYouAre() {
    body.hidden = true;
    chooser.hidden = false;
    const select = $("me-select");
    const hint = $("me-status");
    hint.textContent = t("my_conversations.people_loading");
    let users;
    try {
      users = await callIn("workspace_users");
    } catch (problem) {
      hint.textContent = t("my_conversations.people_failed", { problem: problemText(problem) });
      return;
    }
    if (!users) {
      hint.textContent = t("my_conversations.people_unshared");
      return;
    }
    const options = users.map((user) => {
      const option = document.createElement("option");
      option.value = String(user.id);
      option.textContent = user.email ? t("my_conversations.user_with_email", { name: user.name, email: user.email }) : user.name;
      option.dataset.search = `${user.name} ${user.email ?? ""}`.toLowerCase();
      option.dataset.name = user.name;
      option.dataset.email = user.email ?? "";
      return option;
    });
    select.replaceChildren(...options);
    hint.textContent = t("my_conversations.people_count", { count: users.length });
    $("me-filter").oninput = () => {
      const wanted = $("me-filter").value.trim().toLowerCase();
      for (const option of options) option.hidden = !option.dataset.search.includes(wanted);
      const first = options.find((o) => !o.hidden);
      if (first && select.selectedOptions[0]?.hidden !== false) select.value = first.value;
    };
    select.focus();
  }

  chooser.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = $("me-select").selectedOptions[0];
    if (!chosen) return;
    me = { id: Number(chosen.value), name: chosen.dataset.name, email: chosen.dataset.email || null };
    await callIn("set_me", { me });
    chooser.hidden = true;
    body.hidden = false;
    announce(t("my_conversations.showing_for", { name: me.name }));
    await load({ reset: true });
    search.focus();
  });

  function pickContact(contactId, { clearNote = false } = {}) {
    picked = contactId;
    const rows = [...list.children];
    const at = rows.findIndex((item) => item.dataset.contactId === String(contactId));
    followers = at < 0 ? [] : rows.slice(at + 1).map((item) => item.dataset.contactId);
    before = at > 0 ? rows[at - 1].dataset.contactId : null;
    showView("single");
    // The closing note typed so far stays: the agent may pick the row after writing it. The
    // next row after a close starts with an empty one (fillContact empties it).
    fillContact({ kind: IDENTIFIER_KIND.ID, value: String(contactId), clearNote });
    $("category").focus();
  }

  /** The row after `contactId`'s that is still listed and not on its way, or null. */
  function rowAfter(contactId) {
    const rows = [...list.children];
    const visible = (item) => item && !item.hidden;
    let at = rows.findIndex((item) => item.dataset.contactId === String(contactId));
    if (at < 0) {
      // Its row has left: the first of the rows that followed it that is still here, or what
      // came after the last of them, or (it was the last) after the row before it: a page
      // loaded since.
      const still = followers.map((id) => rows.find((item) => item.dataset.contactId === id));
      const next = still.find(visible);
      if (next) return next;
      const anchor = followers.length ? followers.at(-1) : before;
      at = anchor === null ? -1 : rows.findIndex((item) => item.dataset.contactId === anchor);
      if (anchor !== null && at < 0) return null;
    }
    return rows.slice(at + 1).find(visible) ?? null;
  }

  // Close and go to the next: category, Ctrl+Enter, category, Ctrl+Enter.
  onFormSent(async (entry) => {
    const after = picked;
    picked = null;
    const sentPicked = after !== null && entry.action === ACTION.CLOSE
      && entry.identifier.kind === IDENTIFIER_KIND.ID && Number(entry.identifier.canonical) === after;
    if (!sentPicked || !closeAndNext()) return;
    let following = rowAfter(after);
    // The last row of what is loaded: the next page first, when there is one.
    if (!following && !more.hidden) {
      await load({ reset: false });
      following = rowAfter(after);
    }
    if (!following) {
      announce(t("my_conversations.none_left"));
      return;
    }
    pickContact(Number(following.dataset.contactId), { clearNote: true });
    announce(t("my_conversations.next_picked", { name: following.querySelector(".my-conversations-name").textContent }));
  });

  // The arrow keys move between the rows (staying on the tick boxes or on the names), Home
  // and End to the first and the last.
  list.addEventListener("keydown", (event) => {
    const step = pressed(KEY.NEXT_ROW, event) ? (event.key === "ArrowDown" ? 1 : -1) : 0;
    const end = pressed(KEY.END_ROW, event) ? event.key : "";
    if (!step && !end) return;
    const rows = [...list.children].filter((item) => !item.hidden);
    const current = event.target.closest("li");
    const column = event.target.matches("input[type=checkbox]") ? "input[type=checkbox]" : ".my-conversations-pick";
    let at = rows.indexOf(current);
    if (end) at = end === "Home" ? 0 : rows.length - 1;
    else at = Math.min(Math.max(at + step, 0), rows.length - 1);
    event.preventDefault();
    rows[at]?.querySelector(column)?.focus();
  });

  closeSelected.addEventListener("click", async () => {
    const ids = [...selected];
    if (!ids.length) return;
    await showView("bulk");
    prefillClose(ids.map((id) => `id:${id}`));
    $("bulk-category").focus();
    announce(t("my_conversations.ready_for_closing", { count: ids.length }));
  });

  // A close of a listed contact: the row waits while it is sent, leaves once done, and comes
  // back with the reason if it failed.
  onHistoryChange((changed) => {
    for (const entry of changed) {
      if (entry.action !== ACTION.CLOSE || entry.identifier.kind !== IDENTIFIER_KIND.ID) continue;
      const contactId = Number(entry.identifier.canonical);
      const item = list.querySelector(`[data-contact-id="${contactId}"]`);
      sent.set(contactId, entry.state);
      // On its way, done or failed: no longer among the ticked (a failed row comes back
      // unticked, with its reason).
      selected.delete(String(contactId));
      if (!item) {
        showSelected();
        continue;
      }
      item.querySelector("input[type=checkbox]").checked = false;
      const note = item.querySelector(".my-conversations-note");
      if (entry.state === ENTRY_STATE.DONE) {
        item.remove();
        say(list.children.length ? t("my_conversations.count", { count: list.children.length }) : emptyWords());
      } else if (entry.state === ENTRY_STATE.FAILED) {
        item.hidden = false;
        note.textContent = reasonText(entry.reason, entry) || t("my_conversations.not_closed");
      } else if (entry.state === ENTRY_STATE.PENDING) {
        item.hidden = true;
      }
      showSelected();
    }
  });

  more.addEventListener("click", () => load({ reset: false }));
  new IntersectionObserver((seen) => {
    if (seen.some((e) => e.isIntersecting) && visible) load({ reset: false });
  }).observe(more);
  $("my-conversations-refresh").addEventListener("click", () => load({ reset: true }));
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => load({ reset: true }), SEARCH_DELAY_MS);
  });
  window.addEventListener("focus", () => {
    if (visible) load({ reset: true, trigger: LIST_TRIGGER.FOCUS });
  });

  return {
    shown({ chooseMe = false } = {}) {
      visible = true;
      if (chooseMe) me = null;
      clearInterval(timer);
      timer = setInterval(() => {
        if (!document.hidden) load({ reset: true, trigger: LIST_TRIGGER.TIMER });
        // Rust skips a tick that comes too soon after the last refresh.
      }, LIMITS.LIST_TIMER_MS);
      if (!me) return askWhoYouAre();
      chooser.hidden = true;
      body.hidden = false;
      return load({ reset: true });
    },
    hidden() {
      visible = false;
      clearInterval(timer);
    },
  };
}
