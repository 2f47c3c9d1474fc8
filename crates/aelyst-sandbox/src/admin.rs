//! The sandbox's own endpoints (`/_sandbox/…`): the request log, scripted faults, the token,
//! the contacts as they stand. For the README's sandbox mode and tests in other processes.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::*;

pub(crate) async fn requests(State(shared): State<Arc<Shared>>) -> Json<Vec<LoggedRequest>> {
    Json(shared.world().log.clone())
}

#[derive(Deserialize)]
pub(crate) struct ScriptFaults {
    /// Raw path, as the app sends it.
    path: String,
    faults: Vec<Fault>,
}

pub(crate) async fn faults(
    State(shared): State<Arc<Shared>>,
    Json(script): Json<ScriptFaults>,
) -> StatusCode {
    shared
        .world()
        .faults
        .entry(script.path)
        .or_default()
        .extend(script.faults);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
pub(crate) struct NewToken {
    token: String,
}

pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    Json(new): Json<NewToken>,
) -> StatusCode {
    shared.world().token = new.token;
    StatusCode::NO_CONTENT
}

pub(crate) async fn contacts(State(shared): State<Arc<Shared>>) -> Json<Vec<Value>> {
    Json(
        shared
            .world()
            .contacts
            .iter()
            .map(Contact::to_api)
            .collect(),
    )
}
