//! The list reads: the workspace's users (`GET /space/user`), and contacts by assignee or by
//! search (`POST /contact/list`), paged the way every list is (`pages.rs`).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApiToken, Client, ContactPreview, Feature, ReadError};

/// Pages of users read at most (99 each): far more than any workspace has.
const MAX_USER_PAGES: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: u64,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
}

impl User {
    /// "Siti Aminah", or the email when the user has no name.
    pub fn display_name(&self) -> String {
        super::client::full_name(self.first_name.as_deref(), self.last_name.as_deref())
            .or_else(|| self.email.clone())
            .unwrap_or_else(|| format!("User {}", self.id))
    }
}

/// One page of a list, and the cursor of the next (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// Which contacts: those assigned to a user, and/or those a search finds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactQuery {
    pub assignee: Option<u64>,
    pub search: String,
    /// The computer's IANA time zone (the API requires one).
    pub timezone: String,
    /// 1–99.
    pub limit: u8,
}

impl Client {
    /// Every user of the workspace, following the pages.
    pub async fn users(&self, token: &ApiToken) -> Result<Feature<Vec<User>>, ReadError> {
        self.read_all(token, MAX_USER_PAGES, || {
            self.http
                .get(self.endpoint("/space/user"))
                .query(&[("limit", "99")])
        })
        .await
    }

    /// One page of contacts matching `query`, from `cursor` (the first page when `None`).
    pub async fn contacts(
        &self,
        token: &ApiToken,
        query: &ContactQuery,
        cursor: Option<&str>,
    ) -> Result<Feature<Page<ContactPreview>>, ReadError> {
        let conditions: Vec<serde_json::Value> = query
            .assignee
            .iter()
            .map(|user| {
                json!({"category": "contactField", "field": "assigneeUserId",
                       "operator": "isEqualTo", "value": user.to_string()})
            })
            .collect();
        let filter = if conditions.is_empty() {
            json!({})
        } else {
            json!({"$and": conditions})
        };
        let body = json!({"search": query.search, "timezone": query.timezone, "filter": filter});
        let limit = query.limit.clamp(1, 99).to_string();
        let page = self
            .read_page(
                token,
                || {
                    self.http
                        .post(self.endpoint("/contact/list"))
                        .query(&[("limit", limit.as_str())])
                        .json(&body)
                },
                cursor,
            )
            .await?;
        Ok(match page {
            Some((items, next)) => Feature::Available(Page { items, next }),
            None => Feature::Unavailable,
        })
    }
}

/// The computer's own IANA time zone ("Asia/Kuala_Lumpur"); "UTC" when it cannot be told.
pub fn local_timezone() -> String {
    iana_time_zone::get_timezone().unwrap_or_else(|_| "UTC".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_is_named_by_name_then_email() {
        let mut user = User {
            id: 42,
            first_name: Some("Siti".into()),
            last_name: Some(" Aminah ".into()),
            email: Some("siti@brand.example".into()),
            role: None,
        };
        assert_eq!(user.display_name(), "Siti Aminah");
        user.first_name = None;
        user.last_name = Some(String::new());
        assert_eq!(user.display_name(), "siti@brand.example");
        user.email = None;
        assert_eq!(user.display_name(), "User 42");
    }
}
