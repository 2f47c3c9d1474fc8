// The one door to the Rust side. A refused command always rejects with { code, ...fields }:
// errors.js makes sure of the shape, whatever invoke threw, and has the words for it.
import { toProblem } from "./errors.js";

const { invoke, Channel } = window.__TAURI__.core;

export async function call(command, args = {}) {
  try {
    return await invoke(command, args);
  } catch (error) {
    throw toProblem(error);
  }
}

/** A channel Rust sends a stream of messages on; pass it as a command argument. */
export function channel(handler) {
  const stream = new Channel();
  stream.onmessage = handler;
  return stream;
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
