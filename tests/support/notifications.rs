//! A notification server (`org.freedesktop.Notifications`) on a test desktop's session bus:
//! it keeps what the app shows, and clicks a notification as a person would (the
//! `ActionInvoked` signal). The test desktop has no notification daemon of its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

const PATH: &str = "/org/freedesktop/Notifications";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub id: u32,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    pub actions: Vec<String>,
}

struct Server {
    shown: Arc<Mutex<Vec<Shown>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    #[allow(clippy::too_many_arguments)] // the D-Bus method's own shape
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut shown = self.shown.lock().unwrap();
        let id = u32::try_from(shown.len()).unwrap() + 1;
        shown.push(Shown {
            id,
            app_name,
            summary,
            body,
            actions,
        });
        id
    }

    fn close_notification(&self, _id: u32) {}

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "aelyst-test".into(),
            "aelyst".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;
}

pub struct Notifications {
    connection: zbus::Connection,
    shown: Arc<Mutex<Vec<Shown>>>,
}

impl Notifications {
    /// Serves on the session bus at `address` (the desktop's `DBUS_SESSION_BUS_ADDRESS`).
    pub async fn serve(address: &str) -> Self {
        let shown = Arc::new(Mutex::new(Vec::new()));
        let connection = zbus::connection::Builder::address(address)
            .expect("bus address")
            .name("org.freedesktop.Notifications")
            .expect("name")
            .serve_at(
                PATH,
                Server {
                    shown: shown.clone(),
                },
            )
            .expect("serve")
            .build()
            .await
            .expect("the notification server on the test bus");
        Self { connection, shown }
    }

    pub fn shown(&self) -> Vec<Shown> {
        self.shown.lock().unwrap().clone()
    }

    /// Clicks notification `id` (its default action).
    pub async fn click(&self, id: u32) {
        let emitter = SignalEmitter::new(&self.connection, PATH).expect("emitter");
        Server::action_invoked(&emitter, id, "default")
            .await
            .expect("click");
    }
}
