//! The vendor's endpoints: set a conversation's status, look up a contact, list closing notes.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::gate::*;
use super::*;

/// Runs the shared checks, then `answer`, and logs what was answered.
pub(crate) async fn handle(
    shared: &Shared,
    mut incoming: Incoming<'_>,
    headers: &HeaderMap,
    answer: impl FnOnce(&mut World) -> Response,
) -> Response {
    incoming.bearer = bearer(headers);
    incoming.authorized = incoming.bearer.as_deref() == Some(shared.world().token.as_str());
    match shared.gate(&incoming).await {
        Gate::Drop => {
            let mut world = shared.world();
            shared.log(&mut world, &incoming, 0);
            dropped()
        }
        Gate::Answer(response, code) => {
            let mut world = shared.world();
            shared.log(&mut world, &incoming, code);
            response
        }
        Gate::Pass(extra) => {
            let mut world = shared.world();
            let mut response = answer(&mut world);
            response.headers_mut().extend(extra);
            let code = response.status().as_u16();
            shared.log(&mut world, &incoming, code);
            response
        }
    }
}

pub(crate) async fn set_status(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    Path(identifier): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let incoming = Incoming {
        method: &Method::POST,
        raw_path: uri.path().to_owned(),
        identifier: Some(identifier.clone()),
        authorized: false,
        bearer: None,
        body: parsed.clone(),
    };
    let require_category = shared.options.require_category;
    handle(&shared, incoming, &headers, |world| {
        let Some(change) = parsed
            .as_ref()
            .and_then(|b| contacts::StatusBody::validate(b, require_category))
        else {
            return error_answer(400, vendor_message(400));
        };
        match contacts::find(&mut world.contacts, &identifier) {
            Err(contacts::Lookup::Malformed) => error_answer(400, vendor_message(400)),
            Err(contacts::Lookup::Missing) => error_answer(404, vendor_message(404)),
            Ok(contact) if contact.blocked => error_answer(400, "Contact is blocked."),
            Ok(contact) => {
                contact.apply(&change);
                (StatusCode::OK, Json(json!({"contactId": contact.id}))).into_response()
            }
        }
    })
    .await
}

pub(crate) async fn get_contact(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    Path(identifier): Path<String>,
    headers: HeaderMap,
) -> Response {
    let incoming = Incoming {
        method: &Method::GET,
        raw_path: uri.path().to_owned(),
        identifier: Some(identifier.clone()),
        authorized: false,
        bearer: None,
        body: None,
    };
    let enabled = shared.options.contact_lookup_enabled;
    handle(&shared, incoming, &headers, |world| {
        if !enabled {
            return error_answer(404, "Not Found");
        }
        match contacts::find(&mut world.contacts, &identifier) {
            Err(contacts::Lookup::Malformed) => error_answer(400, vendor_message(400)),
            Err(contacts::Lookup::Missing) => error_answer(404, vendor_message(404)),
            Ok(contact) => Json(contact.to_api()).into_response(),
        }
    })
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NotesQuery {
    limit: Option<String>,
    cursor_id: Option<String>,
}

pub(crate) async fn list_closing_notes(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<NotesQuery>,
    headers: HeaderMap,
) -> Response {
    let incoming = Incoming {
        method: &Method::GET,
        raw_path: uri.path().to_owned(),
        identifier: None,
        authorized: false,
        bearer: None,
        body: None,
    };
    let enabled = shared.options.closing_notes_enabled;
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    handle(&shared, incoming, &headers, |world| {
        if !enabled {
            return error_answer(404, "Not Found");
        }
        let limit = match query.limit.as_deref().map(str::parse::<usize>) {
            None => 10,
            Some(Ok(limit)) if (1..=100).contains(&limit) => limit,
            Some(_) => return error_answer(400, vendor_message(400)),
        };
        let start = match query.cursor_id.as_deref().map(str::parse::<usize>) {
            None => 0,
            Some(Ok(cursor)) => cursor,
            Some(Err(_)) => return error_answer(400, vendor_message(400)),
        };
        let items: Vec<Value> = world
            .notes
            .iter()
            .skip(start)
            .take(limit)
            .map(
                |(category, description)| json!({"category": category, "description": description}),
            )
            .collect();
        let page_url = |cursor: usize| {
            format!("http://{host}/v1/space/closing_notes?limit={limit}&cursorId={cursor}")
        };
        let end = start + items.len();
        let next = (end < world.notes.len()).then(|| page_url(end));
        let previous = (start > 0).then(|| page_url(start.saturating_sub(limit)));
        Json(json!({"items": items, "pagination": {"next": next, "previous": previous}}))
            .into_response()
    })
    .await
}
