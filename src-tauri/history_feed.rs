//! Where the outbox's changes go: the channel the window opened last (a reload opens a new
//! one and the old page is gone).

use std::sync::Mutex;

use aelyst_core::outbox::HistoryEvent;
use tauri::ipc::Channel;

#[derive(Default)]
pub struct HistoryFeed {
    window: Mutex<Option<Channel<HistoryEvent>>>,
}

impl HistoryFeed {
    pub fn send(&self, event: HistoryEvent) {
        let window = self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(channel) = window.as_ref() {
            if let Err(err) = channel.send(event) {
                tracing::warn!("history change not delivered: {err}");
            }
        }
    }

    pub fn watch(&self, channel: Channel<HistoryEvent>) {
        *self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(channel);
    }
}
