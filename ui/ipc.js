// The one door to the Rust side. Errors arrive as { kind, message } in plain words.
const { invoke } = window.__TAURI__.core;
const { listen } = window.__TAURI__.event;

export async function call(command, args = {}) {
  try {
    return await invoke(command, args);
  } catch (error) {
    if (error && typeof error === "object" && "message" in error) throw error;
    throw { kind: "unexpected", message: String(error) };
  }
}

export function onEvent(name, handler) {
  return listen(name, (event) => handler(event.payload));
}
