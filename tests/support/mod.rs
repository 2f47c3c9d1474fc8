//! Shared code for the integration tests.
#![allow(dead_code)] // each test binary uses a different part

// The real desktop stack (Xvfb, a session bus, a Secret Service, WebDriver): Linux's only.
#[cfg(target_os = "linux")]
pub mod a11y;
#[cfg(target_os = "linux")]
pub mod desktop;
pub mod files;
#[cfg(target_os = "linux")]
pub mod notifications;
