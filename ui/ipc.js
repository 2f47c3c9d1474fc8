// The one door to the Rust side (start-up's first three questions are asked by index.html as
// the page is read, and taken up here). A refused command always rejects with
// { code, ...fields }: errors.js makes sure of the shape, whatever invoke threw, and has the
// words for it.
import { toProblem } from "./errors.js";

const { invoke } = window.__TAURI__.core;

export async function call(command, args = {}) {
  try {
    return await invoke(command, args);
  } catch (error) {
    throw toProblem(error);
  }
}

/**
 * The answer to one of the first questions index.html asked as the page was read
 * ("opening": `open_window`, "info": `app_info`, "handoffs": `watch_handoffs`), refused as
 * `call` refuses.
 */
export async function firstAnswer(name) {
  try {
    return await window.__AELYST_FIRST__[name];
  } catch (error) {
    throw toProblem(error);
  }
}

/**
 * Hands one of those questions' channels ("failedCounts", "history", "handoffs") to
 * `handler`, with what it heard before, in order.
 */
export function adopt(name, handler) {
  const stream = window.__AELYST_FIRST__.channels[name];
  stream.onmessage = handler;
  // One message whose handler throws does not stop the others (as the channel itself does).
  for (const message of stream.held.splice(0)) {
    try {
      handler(message);
    } catch (problem) {
      queueMicrotask(() => {
        throw problem;
      });
    }
  }
}

// The workspace the window shows (set once at start: switching reloads the page). Commands
// about one workspace name it explicitly, so an answer can never land in another.
let shownWorkspace = "";

export function setShownWorkspace(id) {
  shownWorkspace = id;
}

export function shownWorkspaceId() {
  return shownWorkspace;
}

/** `call` for a command about the shown workspace. */
export function callIn(command, args = {}) {
  return call(command, { ...args, workspace: shownWorkspace });
}
