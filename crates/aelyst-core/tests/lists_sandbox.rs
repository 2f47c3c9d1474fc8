//! The list reads against the sandbox over loopback: the workspace's users, contacts by
//! assignee across pages, search, the documented body checks, a workspace without the lists,
//! and a 429 waited out.

mod support;

use aelyst_core::api::{ContactQuery, Feature, ReadError};
use aelyst_sandbox::{Fault, SandboxOptions, DEFAULT_TOKEN};
use serde_json::json;
use support::{close_with_note, id, quick_client, sandbox, sandbox_with, token};

/// The user the tests act as (the sandbox's agent Siti Aminah).
const SITI: u64 = 42;

fn assigned(limit: u8) -> ContactQuery {
    ContactQuery {
        assignee: Some(SITI),
        search: String::new(),
        timezone: "Asia/Kuala_Lumpur".into(),
        limit,
    }
}

#[tokio::test]
async fn the_users_of_the_workspace() {
    let sandbox = sandbox().await;
    let client = quick_client(&sandbox.base_url());
    let Feature::Available(users) = client.users(&token()).await.unwrap() else {
        panic!("the sandbox has the users list")
    };
    let siti = users.iter().find(|u| u.id == SITI).expect("Siti is a user");
    assert_eq!(siti.display_name(), "Siti Aminah");
    assert_eq!(siti.email.as_deref(), Some("siti.aminah@brand.example"));
    assert_eq!(users.len(), 5);
    sandbox.stop().await;
}

#[tokio::test]
async fn contacts_assigned_to_a_user_across_pages_newest_first() {
    let sandbox = sandbox().await;
    let client = quick_client(&sandbox.base_url());
    // One of hers is closed: the list still has it (no status filter exists), marked close.
    client
        .set_status(&token(), &id("id:3"), &close_with_note(), 1)
        .await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let Feature::Available(page) = client
            .contacts(&token(), &assigned(5), cursor.as_deref())
            .await
            .unwrap()
        else {
            panic!("the sandbox has the contact list")
        };
        pages += 1;
        assert!(page.items.len() <= 5);
        seen.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert!(pages >= 3, "small pages: {pages}");
    let open: Vec<u64> = seen
        .iter()
        .filter(|c| c.status.as_deref() == Some("open"))
        .map(|c| c.id)
        .collect();
    assert_eq!(open, sandbox.open_assigned_to(SITI));
    assert!(seen
        .iter()
        .any(|c| c.id == 3 && c.status.as_deref() == Some("close")));
    let bodies: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.raw_path == "/v1/contact/list")
        .map(|r| r.body.unwrap())
        .collect();
    assert_eq!(
        bodies[0],
        json!({"search": "", "timezone": "Asia/Kuala_Lumpur", "filter": {"$and": [
            {"category": "contactField", "field": "assigneeUserId", "operator": "isEqualTo", "value": "42"}
        ]}})
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn search_finds_a_contact_by_part_of_a_name_or_phone() {
    let sandbox = sandbox().await;
    let client = quick_client(&sandbox.base_url());
    let search = |text: &str| ContactQuery {
        search: text.into(),
        assignee: None,
        ..assigned(99)
    };
    let Feature::Available(found) = client
        .contacts(&token(), &search("HAN"), None)
        .await
        .unwrap()
    else {
        panic!("available")
    };
    assert!(!found.items.is_empty());
    assert!(found
        .items
        .iter()
        .all(|c| format!("{:?} {:?}", c.first_name, c.last_name)
            .to_lowercase()
            .contains("han")));
    let Feature::Available(found) = client
        .contacts(&token(), &search("12 123 3112"), None)
        .await
        .unwrap()
    else {
        panic!("available")
    };
    assert_eq!(found.items.iter().map(|c| c.id).collect::<Vec<_>>(), [1]);
    sandbox.stop().await;
}

#[tokio::test]
async fn the_sandbox_checks_the_body_and_the_limit_as_documented() {
    let sandbox = sandbox().await;
    let http = reqwest::Client::new();
    let post = |query: &str, body: serde_json::Value| {
        http.post(format!("{}/contact/list{query}", sandbox.base_url()))
            .bearer_auth(DEFAULT_TOKEN)
            .json(&body)
            .send()
    };
    let ok = json!({"search": "", "timezone": "UTC", "filter": {}});
    assert_eq!(post("?limit=5", ok.clone()).await.unwrap().status(), 200);
    assert_eq!(
        post("?limit=5", json!({"search": ""}))
            .await
            .unwrap()
            .status(),
        400,
        "no timezone"
    );
    assert_eq!(post("?limit=0", ok.clone()).await.unwrap().status(), 400);
    assert_eq!(post("?limit=100", ok.clone()).await.unwrap().status(), 400);
    assert_eq!(
        post(
            "",
            json!({"timezone": "UTC", "filter": {"$and": [{"category": "nonsense"}]}})
        )
        .await
        .unwrap()
        .status(),
        400
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_workspace_without_the_lists_says_unavailable_not_an_error() {
    let sandbox = sandbox_with(SandboxOptions {
        lists_enabled: false,
        ..SandboxOptions::default()
    })
    .await;
    let client = quick_client(&sandbox.base_url());
    assert_eq!(client.users(&token()).await.unwrap(), Feature::Unavailable);
    assert_eq!(
        client
            .contacts(&token(), &assigned(10), None)
            .await
            .unwrap(),
        Feature::Unavailable
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_short_retry_after_is_waited_out_and_a_long_one_is_plain_words() {
    let sandbox = sandbox().await;
    let client = quick_client(&sandbox.base_url());
    sandbox.script("/v1/contact/list", [Fault::status_retry_after(429, "1")]);
    let answer = client
        .contacts(&token(), &assigned(10), None)
        .await
        .unwrap();
    assert!(matches!(answer, Feature::Available(_)));
    assert_eq!(
        sandbox
            .requests()
            .iter()
            .filter(|r| r.raw_path == "/v1/contact/list")
            .count(),
        2,
        "asked again once, after the wait"
    );
    sandbox.script("/v1/contact/list", [Fault::status_retry_after(429, "60")]);
    let err = client
        .contacts(&token(), &assigned(10), None)
        .await
        .unwrap_err();
    assert!(matches!(err, ReadError::RateLimited { .. }));
    assert_eq!(
        aelyst_core::AppError::from(err).code,
        aelyst_core::ErrorCode::RateLimited
    );
    sandbox.stop().await;
}
