//! The sandbox workspace's users: an owner, a manager and three agents, and who each seeded
//! contact is assigned to.

use serde::Serialize;
use serde_json::{json, Value};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: String,
}

/// The agents contacts are assigned to, in turn.
pub const AGENTS: [u64; 3] = [42, 43, 44];

pub fn seed_users() -> Vec<User> {
    [
        (40, "Nadia", "Osman", "owner"),
        (41, "Tom", "Lee", "manager"),
        (42, "Siti", "Aminah", "agent"),
        (43, "Ravi", "Kumar", "agent"),
        (44, "Maria", "Santos", "agent"),
    ]
    .into_iter()
    .map(|(id, first, last, role)| User {
        id,
        first_name: first.into(),
        last_name: last.into(),
        email: format!(
            "{}.{}@brand.example",
            first.to_lowercase(),
            last.to_lowercase()
        ),
        role: role.into(),
    })
    .collect()
}

/// Every fourth contact has nobody; the rest go to [`AGENTS`] in turn (contact 3, 6, 9, 15 …
/// to user 42).
pub fn assignee_of(contact: u64) -> Option<u64> {
    (!contact.is_multiple_of(4)).then(|| AGENTS[usize::try_from(contact % 3).unwrap_or(0)])
}

impl User {
    pub fn to_api(&self) -> Value {
        let team = (self.role == "agent").then(|| json!({"id": 1, "name": "Support"}));
        json!({
            "id": self.id,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "email": self.email,
            "role": self.role,
            "team": team,
            "restrictions": if self.role == "agent" { json!(["show_only_mine"]) } else { json!([]) },
        })
    }

    /// As a contact's `assignee` shows the user.
    pub fn to_assignee(&self) -> Value {
        json!({
            "id": self.id,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "email": self.email,
        })
    }
}
