//! Paged reads, walked one way for every list (closing notes, users, contacts): each page is
//! asked for by `limit` and `cursorId`, the next cursor is read out of `pagination.next`
//! rather than following its URL (the token only ever goes to the saved address), and a short
//! `Retry-After` is waited out because the agent is waiting for the list.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

use super::client::ReadAnswer;
use super::{ApiToken, Client, Feature, ReadError};

/// A `Retry-After` up to this long is waited out inside the read; the agent is waiting.
const LONGEST_READ_WAIT: Duration = Duration::from_secs(5);
const READ_ATTEMPTS: usize = 3;

#[derive(Deserialize)]
struct RawPage<T> {
    #[serde(default = "Vec::new")]
    items: Vec<T>,
    #[serde(default)]
    pagination: Option<Pagination>,
}

#[derive(Deserialize)]
struct Pagination {
    #[serde(default)]
    next: Option<String>,
}

impl Client {
    /// One page: the request `request` builds for `cursor`. `None`: the list is not offered
    /// here (404, 405, or 400 on its filter).
    pub(super) async fn read_page<T: DeserializeOwned>(
        &self,
        token: &ApiToken,
        request: impl Fn() -> reqwest::RequestBuilder,
        cursor: Option<&str>,
    ) -> Result<Option<(Vec<T>, Option<String>)>, ReadError> {
        let with_cursor = || match cursor {
            Some(cursor) => request().query(&[("cursorId", cursor)]),
            None => request(),
        };
        let mut attempt = 0;
        let answer = loop {
            attempt += 1;
            match self.read(token, with_cursor()).await {
                Err(ReadError::RateLimited { wait: Some(wait) })
                    if wait <= LONGEST_READ_WAIT && attempt < READ_ATTEMPTS =>
                {
                    tokio::time::sleep(wait).await;
                }
                // The filter is refused: this workspace cannot offer the list.
                Err(ReadError::Unexpected(400)) => return Ok(None),
                other => break other?,
            }
        };
        match answer {
            ReadAnswer::Json(value) => {
                let page: RawPage<T> =
                    serde_json::from_value(value).map_err(|_| ReadError::Unexpected(200))?;
                let next = page
                    .pagination
                    .and_then(|p| p.next)
                    .and_then(|next| self.cursor_of(&next));
                Ok(Some((page.items, next)))
            }
            ReadAnswer::NotFound(_) | ReadAnswer::MethodNotAllowed => Ok(None),
        }
    }

    /// Every page, until the last, a cursor that repeats, or `max_pages` (a guard against a
    /// server whose `next` never ends).
    pub(super) async fn read_all<T: DeserializeOwned>(
        &self,
        token: &ApiToken,
        max_pages: usize,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Feature<Vec<T>>, ReadError> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..max_pages {
            let Some((page, next)) = self.read_page(token, &request, cursor.as_deref()).await?
            else {
                return Ok(Feature::Unavailable);
            };
            items.extend(page);
            match next {
                Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                _ => break,
            }
        }
        Ok(Feature::Available(items))
    }

    /// The `cursorId` of a `pagination.next`, whole URL or path.
    fn cursor_of(&self, next: &str) -> Option<String> {
        let url = Url::parse(next)
            .or_else(|_| self.config().base_url().join(next))
            .ok()?;
        url.query_pairs()
            .find(|(key, _)| key == "cursorId")
            .map(|(_, value)| value.into_owned())
            .filter(|value| !value.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::super::ClientConfig;
    use super::*;

    #[test]
    fn cursor_is_read_out_of_next() {
        let client = Client::new(ClientConfig::new("https://api.aelyst.ai/v1").unwrap()).unwrap();
        assert_eq!(
            client
                .cursor_of("https://api.aelyst.ai/v1/space/closing_notes?limit=10&cursorId=42")
                .as_deref(),
            Some("42")
        );
        assert_eq!(
            client
                .cursor_of("/v1/space/closing_notes?cursorId=7")
                .as_deref(),
            Some("7")
        );
        assert_eq!(client.cursor_of("https://x.io/y?limit=10"), None);
        assert_eq!(client.cursor_of("https://x.io/y?cursorId="), None);
    }
}
