// The one door to the Rust side. Errors arrive as { kind, message } in plain words.
const { invoke, Channel } = window.__TAURI__.core;

export async function call(command, args = {}) {
  try {
    return await invoke(command, args);
  } catch (error) {
    if (error && typeof error === "object" && "message" in error) throw error;
    throw { kind: "unexpected", message: String(error) };
  }
}

/** A channel Rust sends a stream of messages on; pass it as a command argument. */
export function channel(handler) {
  const stream = new Channel();
  stream.onmessage = handler;
  return stream;
}
