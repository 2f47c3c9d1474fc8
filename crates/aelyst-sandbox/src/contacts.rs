//! The sandbox's seeded workspace: contacts, their conversation status, closing notes.

use serde::Serialize;
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactStatus {
    Open,
    Close,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    /// E.164.
    pub phone: String,
    pub email: String,
    pub status: ContactStatus,
    pub blocked: bool,
    /// Opening a closed contact starts a new conversation.
    pub conversations: u32,
    pub last_category: Option<String>,
    pub last_summary: Option<String>,
    /// The user the conversation is assigned to.
    pub assignee: Option<crate::users::User>,
}

const FIRST: [&str; 10] = [
    "Aisha", "Ben", "Chen", "Dara", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Jun",
];
const LAST: [&str; 5] = ["Rahman", "Okafor", "Lim", "Novak", "Sato"];

/// Contact 1 is the vendor's own example (`phone:+60121233112`, `email:abdc@gmail.com`);
/// the rest count up from there. Contact 13 is blocked. Every fourth contact is unassigned;
/// the others go to the three agents in turn (see [`crate::users::assignee_of`]).
pub fn seed(count: u64) -> Vec<Contact> {
    let users = crate::users::seed_users();
    (1..=count)
        .map(|id| {
            let index = usize::try_from(id).unwrap_or(0);
            let (phone, email) = if id == 1 {
                ("+60121233112".to_owned(), "abdc@gmail.com".to_owned())
            } else {
                (
                    format!("+6012123{id:04}"),
                    format!("contact{id}@example.com"),
                )
            };
            Contact {
                id,
                first_name: FIRST[index % FIRST.len()].into(),
                last_name: LAST[index % LAST.len()].into(),
                phone,
                email,
                status: ContactStatus::Open,
                blocked: id == 13,
                conversations: 1,
                last_category: None,
                last_summary: None,
                assignee: crate::users::assignee_of(id)
                    .and_then(|user| users.iter().find(|u| u.id == user).cloned()),
            }
        })
        .collect()
}

pub fn seed_closing_notes() -> Vec<(String, String)> {
    [
        (
            "Resolved",
            "The customer's question was answered or the problem fixed.",
        ),
        ("No response", "The customer stopped replying."),
        ("Duplicate", "Handled in another conversation."),
        ("Spam", "Not a real customer message."),
        ("Billing", "A payment, invoice or refund question."),
        ("Refund issued", "Money was sent back to the customer."),
        ("Bug reported", "Passed to the product team as a bug."),
        (
            "Feature request",
            "Logged as a request for the product team.",
        ),
        (
            "Shipping update",
            "The customer was told where their order is.",
        ),
        ("Account help", "Login, password or profile changes."),
        ("Escalated", "Handed to the second-line team."),
        ("Other", "Anything else."),
    ]
    .into_iter()
    .map(|(c, d)| (c.to_owned(), d.to_owned()))
    .collect()
}

pub enum Lookup {
    Malformed,
    Missing,
}

/// Matches `id:N`, `email:…` (any case) and `phone:+E164`, the way the server documents them.
pub fn find<'a>(contacts: &'a mut [Contact], identifier: &str) -> Result<&'a mut Contact, Lookup> {
    let (kind, value) = identifier.split_once(':').ok_or(Lookup::Malformed)?;
    let position = match kind {
        "id" => {
            let id: u64 = value.parse().map_err(|_| Lookup::Malformed)?;
            contacts.iter().position(|c| c.id == id)
        }
        "email" if value.contains('@') => contacts
            .iter()
            .position(|c| c.email.eq_ignore_ascii_case(value)),
        "phone" if value.starts_with('+') && value[1..].chars().all(|c| c.is_ascii_digit()) => {
            contacts.iter().position(|c| c.phone == value)
        }
        _ => return Err(Lookup::Malformed),
    };
    position.map(|i| &mut contacts[i]).ok_or(Lookup::Missing)
}

pub struct StatusBody {
    status: ContactStatus,
    category: Option<String>,
    summary: Option<String>,
}

impl StatusBody {
    /// The vendor's rules: `status` open|close; `category` ≤ 128 and `summary` ≤ 512 characters,
    /// counted in UTF-16 units as a server written in JavaScript counts them.
    pub fn validate(body: &Value, require_category: bool) -> Option<Self> {
        let object = body.as_object()?;
        let status = match object.get("status")?.as_str()? {
            "open" => ContactStatus::Open,
            "close" => ContactStatus::Close,
            _ => return None,
        };
        let text = |name: &str, max: usize| -> Result<Option<String>, ()> {
            match object.get(name) {
                None => Ok(None),
                Some(Value::String(s)) if s.encode_utf16().count() <= max => Ok(Some(s.clone())),
                Some(_) => Err(()),
            }
        };
        let category = text("category", 128).ok()?;
        let summary = text("summary", 512).ok()?;
        if require_category && status == ContactStatus::Close && category.is_none() {
            return None;
        }
        Some(Self {
            status,
            category,
            summary,
        })
    }
}

impl Contact {
    pub fn apply(&mut self, change: &StatusBody) {
        if change.status == ContactStatus::Open && self.status == ContactStatus::Close {
            self.conversations += 1;
        }
        self.status = change.status;
        if change.status == ContactStatus::Close {
            self.last_category = change.category.clone();
            // The server only keeps a summary that comes with a category.
            self.last_summary = change.category.as_ref().and(change.summary.clone());
        }
    }

    pub fn to_api(&self) -> Value {
        json!({
            "id": self.id,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "phone": self.phone,
            "email": self.email,
            "status": self.status,
            "assignee": self.assignee.as_ref().map(crate::users::User::to_assignee),
            "tags": [],
            "created_at": 1_700_000_000 + self.id,
        })
    }
}

#[cfg(test)]
mod validation_tests {
    use super::*;

    /// Counted as a server written in JavaScript counts: UTF-16 units (an emoji is two).
    #[test]
    fn lengths_are_utf16_units() {
        let body = |summary: &str| json!({"status": "close", "category": "A", "summary": summary});
        assert!(StatusBody::validate(&body(&"😀".repeat(256)), false).is_some());
        assert!(StatusBody::validate(&body(&"😀".repeat(257)), false).is_none());
        assert!(StatusBody::validate(&body(&"ü".repeat(512)), false).is_some());
    }
}
