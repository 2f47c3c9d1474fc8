//! Shared code for the integration tests.
#![allow(dead_code)] // each test binary uses a different part

pub mod desktop;
pub mod files;
pub mod notifications;
