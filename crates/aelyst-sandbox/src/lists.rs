//! The list endpoints: the workspace's users (`GET /v1/space/user`, `GET /v1/space/user/{id}`)
//! and contacts by filter or search (`POST /v1/contact/list`), paged like the closing notes,
//! with the documented body checks (a missing `timezone` is a 400, `limit` outside 1–99 a 400).
//! Filters and search are matched here with the sandbox's own code.

use std::sync::Arc;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::contacts::Contact;
use crate::{error_answer, handle, vendor_message, Incoming, Shared};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageQuery {
    limit: Option<String>,
    cursor_id: Option<String>,
}

/// `limit` (1–99, 10 when absent) and the offset `cursorId` stands for; `None` is a 400.
fn page_bounds(query: &PageQuery) -> Option<(usize, usize)> {
    let limit = match query.limit.as_deref().map(str::parse::<usize>) {
        None => 10,
        Some(Ok(limit)) if (1..=99).contains(&limit) => limit,
        Some(_) => return None,
    };
    let start = match query.cursor_id.as_deref().map(str::parse::<usize>) {
        None => 0,
        Some(Ok(cursor)) => cursor,
        Some(Err(_)) => return None,
    };
    Some((limit, start))
}

/// One page of `all`, with `next`/`previous` as full URLs carrying `cursorId`.
fn page(all: Vec<Value>, limit: usize, start: usize, url: impl Fn(usize) -> String) -> Response {
    let total = all.len();
    let items: Vec<Value> = all.into_iter().skip(start).take(limit).collect();
    let end = start + items.len();
    let next = (end < total).then(|| url(end));
    let previous = (start > 0).then(|| url(start.saturating_sub(limit)));
    Json(json!({"items": items, "pagination": {"next": next, "previous": previous}}))
        .into_response()
}

fn host(headers: &HeaderMap) -> String {
    headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned()
}

fn incoming<'a>(method: &'a Method, path: &str, body: Option<Value>) -> Incoming<'a> {
    Incoming {
        method,
        raw_path: path.to_owned(),
        identifier: None,
        authorized: false,
        bearer: None,
        body,
    }
}

pub(crate) async fn list_users(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let enabled = shared.options.lists_enabled;
    let host = host(&headers);
    handle(
        &shared,
        incoming(&Method::GET, uri.path(), None),
        &headers,
        |world| {
            if !enabled {
                return error_answer(404, "Not Found");
            }
            let Some((limit, start)) = page_bounds(&query) else {
                return error_answer(400, vendor_message(400));
            };
            let all = world.users.iter().map(crate::users::User::to_api).collect();
            page(all, limit, start, |cursor| {
                format!("http://{host}/v1/space/user?limit={limit}&cursorId={cursor}")
            })
        },
    )
    .await
}

pub(crate) async fn get_user(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let enabled = shared.options.lists_enabled;
    handle(
        &shared,
        incoming(&Method::GET, uri.path(), None),
        &headers,
        |world| {
            if !enabled {
                return error_answer(404, "Not Found");
            }
            let Ok(id) = id.parse::<u64>() else {
                return error_answer(400, vendor_message(400));
            };
            match world.users.iter().find(|u| u.id == id) {
                Some(user) => Json(user.to_api()).into_response(),
                None => error_answer(404, "User not found"),
            }
        },
    )
    .await
}

/// What `POST /contact/list` asks for, checked as the API documents it.
struct ListBody {
    search: String,
    filter: Filter,
}

enum Filter {
    All,
    And(Vec<Condition>),
    Or(Vec<Condition>),
}

struct Condition {
    field: String,
    operator: String,
    value: Option<String>,
}

impl ListBody {
    /// `None`: a 400 (no `timezone`, or a shape the API refuses).
    fn parse(body: &Value) -> Option<Self> {
        let object = body.as_object()?;
        match object.get("timezone") {
            Some(Value::String(zone)) if !zone.trim().is_empty() => {}
            _ => return None,
        }
        let search = match object.get("search") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.trim().to_lowercase(),
            Some(_) => return None,
        };
        let filter = match object.get("filter") {
            None | Some(Value::Null) => Filter::All,
            Some(Value::Object(filter)) if filter.is_empty() => Filter::All,
            Some(Value::Object(filter)) => {
                if let Some(all) = filter.get("$and") {
                    Filter::And(conditions(all)?)
                } else if let Some(any) = filter.get("$or") {
                    Filter::Or(conditions(any)?)
                } else {
                    return None;
                }
            }
            Some(_) => return None,
        };
        Some(Self { search, filter })
    }

    fn matches(&self, contact: &Contact) -> bool {
        let filtered = match &self.filter {
            Filter::All => true,
            Filter::And(all) => all.iter().all(|c| c.holds(contact)),
            Filter::Or(any) => any.iter().any(|c| c.holds(contact)),
        };
        filtered && (self.search.is_empty() || found(&self.search, contact))
    }
}

fn conditions(list: &Value) -> Option<Vec<Condition>> {
    list.as_array()?
        .iter()
        .map(|condition| {
            let text = |name: &str| {
                condition
                    .get(name)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            if text("category")?.as_str() != "contactField" {
                return None;
            }
            let field = text("field")?;
            let operator = text("operator")?;
            let known_field = matches!(
                field.as_str(),
                "assigneeUserId" | "firstName" | "lastName" | "email" | "phone"
            );
            let known_operator = matches!(
                operator.as_str(),
                "isEqualTo" | "isNotEqualTo" | "exists" | "doesNotExist"
            );
            (known_field && known_operator).then(|| Condition {
                field,
                operator,
                value: condition.get("value").map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
            })
        })
        .collect()
}

impl Condition {
    fn holds(&self, contact: &Contact) -> bool {
        let actual = match self.field.as_str() {
            "assigneeUserId" => contact.assignee.as_ref().map(|u| u.id.to_string()),
            "firstName" => Some(contact.first_name.clone()),
            "lastName" => Some(contact.last_name.clone()),
            "email" => Some(contact.email.clone()),
            _ => Some(contact.phone.clone()),
        };
        match self.operator.as_str() {
            "isEqualTo" => actual.is_some() && actual == self.value,
            "isNotEqualTo" => actual != self.value,
            "exists" => actual.is_some(),
            _ => actual.is_none(),
        }
    }
}

/// Names, email and phone, as the vendor's search is assumed to match: any part of the name or
/// email (any case), or the digits of the phone number.
fn found(search: &str, contact: &Contact) -> bool {
    let name = format!("{} {}", contact.first_name, contact.last_name).to_lowercase();
    if name.contains(search) || contact.email.to_lowercase().contains(search) {
        return true;
    }
    let digits: String = search.chars().filter(char::is_ascii_digit).collect();
    digits.len() >= 3 && contact.phone.contains(&digits)
}

pub(crate) async fn list_contacts(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let enabled = shared.options.lists_enabled;
    let host = host(&headers);
    let request = incoming(&Method::POST, uri.path(), parsed.clone());
    handle(&shared, request, &headers, |world| {
        if !enabled {
            return error_answer(404, "Not Found");
        }
        let (Some((limit, start)), Some(wanted)) = (
            page_bounds(&query),
            parsed.as_ref().and_then(ListBody::parse),
        ) else {
            return error_answer(400, vendor_message(400));
        };
        // Newest first, as the API lists them.
        let all = world
            .contacts
            .iter()
            .rev()
            .filter(|c| wanted.matches(c))
            .map(Contact::to_api)
            .collect();
        page(all, limit, start, |cursor| {
            format!("http://{host}/v1/contact/list?limit={limit}&cursorId={cursor}")
        })
    })
    .await
}
