//! The client against the sandbox over real loopback HTTP: what goes on the wire, and what
//! every answer becomes.

mod support;

use std::time::Duration;

use aelyst_core::api::{
    Action, ApiToken, Client, ContactLookup, Feature, Identifier, Outcome, ReadError, Reason,
    RetryPolicy, RetryReason, StatusChange, StatusReply, MAX_ANSWER_BYTES,
};
use aelyst_sandbox::{status_path, ContactStatus, Fault, Sandbox, SandboxOptions, DEFAULT_TOKEN};
use serde_json::json;
use support::{
    close_with_note, id, phone, quick_client, quick_config, sandbox, sandbox_with,
    slower_than_the_timeout, token,
};

fn client_for(sandbox: &Sandbox) -> Client {
    quick_client(&sandbox.base_url())
}

/// A sandbox as seeded, and a client for it.
async fn started() -> (Sandbox, Client) {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    (sandbox, client)
}

/// A reopen of `identifier` with the sandbox's token, as a first attempt.
async fn reopen(client: &Client, identifier: &Identifier) -> StatusReply {
    client
        .set_status(&token(), identifier, &StatusChange::open(), 1)
        .await
}

fn done(contact: u64) -> Outcome {
    Outcome::Done {
        contact_id: Some(contact),
    }
}

#[tokio::test]
async fn close_reaches_the_server_with_the_exact_body_and_plus_intact() {
    let (sandbox, client) = started().await;
    let reply = client
        .set_status(&token(), &phone(), &close_with_note(), 1)
        .await;
    assert_eq!(reply.outcome, done(1));
    assert_eq!(reply.http_status, Some(200));
    assert_eq!(reply.rate_limit.limit, Some(5));
    assert_eq!(reply.rate_limit.remaining, Some(4));

    let log = sandbox.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].raw_path,
        "/v1/contact/phone:%2B60121233112/conversation/status"
    );
    assert_eq!(log[0].identifier.as_deref(), Some("phone:+60121233112"));
    assert_eq!(
        log[0].body,
        Some(
            json!({"status": "close", "category": "Resolved", "summary": "Refund sent, customer happy."})
        )
    );
    let contact = sandbox.contact(1).unwrap();
    assert_eq!(contact.status, ContactStatus::Close);
    assert_eq!(contact.last_category.as_deref(), Some("Resolved"));

    assert_eq!(reopen(&client, &phone()).await.outcome, done(1));
    assert_eq!(sandbox.requests()[1].body, Some(json!({"status": "open"})));
    let contact = sandbox.contact(1).unwrap();
    assert_eq!(
        (contact.status, contact.conversations),
        (ContactStatus::Open, 2)
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn email_and_id_identifiers_find_their_contacts() {
    let (sandbox, client) = started().await;
    for (identifier, contact) in [("email:ABDC@gmail.com", 1), ("id:7", 7)] {
        let reply = reopen(&client, &id(identifier)).await;
        assert_eq!(reply.outcome, done(contact), "{identifier}");
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn client_errors_are_rejected_or_unauthorized_and_never_retried() {
    let (sandbox, client) = started().await;

    let missing = reopen(&client, &id("phone:+60129999999")).await;
    assert_eq!(
        missing.outcome,
        Outcome::Rejected {
            reason: Reason::NoContact
        }
    );

    let wrong = ApiToken::new("not-the-token").unwrap();
    let unauthorized = client
        .set_status(&wrong, &phone(), &StatusChange::open(), 1)
        .await;
    assert!(matches!(unauthorized.outcome, Outcome::Unauthorized));
    assert!(!sandbox.requests().last().unwrap().authorized);

    let refused = reopen(&client, &id("id:13")).await;
    assert_eq!(
        refused.outcome,
        Outcome::Rejected {
            reason: Reason::Refused {
                status: 400,
                server_message: Some("Contact is blocked.".into())
            }
        }
    );

    sandbox.script(&status_path("phone:+60121233112"), [Fault::status(400)]);
    let invalid = reopen(&client, &phone()).await;
    assert_eq!(
        invalid.outcome,
        Outcome::Rejected {
            reason: Reason::Refused {
                status: 400,
                server_message: Some("Validation error.".into())
            }
        }
    );
    assert_eq!(invalid.http_status, Some(400));
    sandbox.stop().await;
}

#[tokio::test]
async fn server_side_validation_matches_the_reference() {
    let sandbox = sandbox_with(SandboxOptions {
        require_category: true,
        ..SandboxOptions::default()
    })
    .await;
    let client = client_for(&sandbox);
    let bare_close = StatusChange::new(Action::Close, None, None).unwrap();
    let reply = client.set_status(&token(), &phone(), &bare_close, 1).await;
    assert_eq!(reply.http_status, Some(400));
    // A hand-made body the app itself would never send: the sandbox refuses it as the API does.
    let raw = reqwest::Client::new()
        .post(format!(
            "{}{}",
            sandbox.base_url().trim_end_matches("/v1"),
            status_path("id:2")
        ))
        .bearer_auth(DEFAULT_TOKEN)
        .json(&json!({"status": "close", "category": "x".repeat(129)}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    assert_eq!(
        raw.json::<serde_json::Value>().await.unwrap(),
        json!({"code": 400, "message": "Validation error."})
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn retryable_answers_say_when_to_try_again() {
    let sandbox = sandbox().await;
    // The app's own waits for a bare 449, to see that it means minutes.
    let mut config = quick_config(&sandbox.base_url());
    config.policy.queued_base = RetryPolicy::default().queued_base;
    config.policy.queued_cap = RetryPolicy::default().queued_cap;
    let client = Client::new(config).unwrap();
    let path = status_path("phone:+60121233112");
    let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
    sandbox.script(
        &path,
        [
            Fault::status_retry_after(429, "2"),
            Fault::status_retry_after(429, &soon),
            Fault::status(449),
            Fault::status_retry_after(449, "45"),
            Fault::status(500),
            Fault::status(503),
            Fault::Drop,
            slower_than_the_timeout(),
        ],
    );
    let mut outcomes = Vec::new();
    for attempt in 1..=8 {
        outcomes.push(
            client
                .set_status(&token(), &phone(), &close_with_note(), attempt)
                .await,
        );
    }

    assert_eq!(
        outcomes[0].outcome,
        Outcome::RetryLater {
            after: Duration::from_secs(2),
            reason: RetryReason::RateLimited
        }
    );
    assert_eq!(outcomes[0].rate_limit.remaining, Some(0));
    match &outcomes[1].outcome {
        Outcome::RetryLater {
            after,
            reason: RetryReason::RateLimited,
        } => {
            assert!(
                (Duration::from_secs(28)..=Duration::from_secs(30)).contains(after),
                "{after:?}"
            )
        }
        other => panic!("HTTP-date Retry-After: {other:?}"),
    }
    assert_eq!(
        outcomes[2].outcome,
        Outcome::RetryLater {
            after: Duration::from_secs(8 * 60),
            reason: RetryReason::Queued
        },
        "449 without Retry-After waits minutes (third try: 8)"
    );
    assert_eq!(
        outcomes[3].outcome,
        Outcome::RetryLater {
            after: Duration::from_secs(45),
            reason: RetryReason::Queued
        }
    );
    assert!(matches!(
        outcomes[4].outcome,
        Outcome::RetryLater {
            reason: RetryReason::ServerError { status: 500 },
            ..
        }
    ));
    assert!(matches!(
        outcomes[5].outcome,
        Outcome::RetryLater {
            reason: RetryReason::ServerError { status: 503 },
            ..
        }
    ));
    assert_network_retry(&outcomes[6]);
    assert!(
        matches!(
            outcomes[7].outcome,
            Outcome::RetryLater {
                reason: RetryReason::Timeout,
                ..
            }
        ),
        "{:?}",
        outcomes[7]
    );

    // The faults are used up: the next try goes through, and the contact is closed once.
    let last = client
        .set_status(&token(), &phone(), &close_with_note(), 9)
        .await;
    assert_eq!(last.outcome, done(1));
    assert_eq!(sandbox.contact(1).unwrap().status, ContactStatus::Close);
    sandbox.stop().await;
}

/// No answer at all: tried again later, as a network failure, with no HTTP status.
fn assert_network_retry(reply: &StatusReply) {
    assert!(
        matches!(
            reply.outcome,
            Outcome::RetryLater {
                reason: RetryReason::Network,
                ..
            }
        ),
        "{reply:?}"
    );
    assert_eq!(reply.http_status, None);
}

#[tokio::test]
async fn per_path_rate_limit_answers_429_with_headers() {
    let (sandbox, client) = started().await;
    let mut answers = Vec::new();
    for _ in 0..6 {
        answers.push(reopen(&client, &phone()).await);
    }
    let remaining: Vec<_> = answers.iter().map(|a| a.rate_limit.remaining).collect();
    assert_eq!(
        remaining[..5],
        [Some(4), Some(3), Some(2), Some(1), Some(0)]
    );
    assert_eq!(answers[5].http_status, Some(429));
    assert!(matches!(
        answers[5].outcome,
        Outcome::RetryLater { reason: RetryReason::RateLimited, after } if after >= Duration::from_secs(1)
    ));
    // Another contact has its own path and its own budget.
    assert_eq!(reopen(&client, &id("id:2")).await.outcome, done(2));
    sandbox.stop().await;
}

#[tokio::test]
async fn workspace_limit_covers_all_paths() {
    let sandbox = sandbox_with(SandboxOptions {
        workspace_limit: Some(3),
        ..SandboxOptions::default()
    })
    .await;
    let client = client_for(&sandbox);
    let mut codes = Vec::new();
    for contact in 1..=4 {
        codes.push(
            reopen(&client, &id(&format!("id:{contact}")))
                .await
                .http_status,
        );
    }
    assert_eq!(codes, [Some(200), Some(200), Some(200), Some(429)]);
    sandbox.stop().await;
}

#[tokio::test]
async fn closing_notes_are_walked_page_by_page() {
    let (sandbox, client) = started().await;
    let Feature::Available(notes) = client.closing_notes(&token()).await.unwrap() else {
        panic!("closing notes should be available");
    };
    assert_eq!(notes.len(), 12);
    assert_eq!(notes[0].category, "Resolved");
    assert_eq!(notes[11].category, "Other");
    let wrong = ApiToken::new("nope").unwrap();
    assert_eq!(
        client.closing_notes(&wrong).await,
        Err(ReadError::Unauthorized)
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn contact_preview_tells_found_missing_and_unavailable_apart() {
    let (sandbox, client) = started().await;
    let Feature::Available(ContactLookup::Found(contact)) =
        client.contact(&token(), &phone()).await.unwrap()
    else {
        panic!("contact 1 exists");
    };
    assert_eq!(contact.id, 1);
    assert_eq!(contact.status.as_deref(), Some("open"));
    assert_eq!(
        client.contact(&token(), &id("id:999")).await.unwrap(),
        Feature::Available(ContactLookup::NoSuchContact)
    );
    sandbox.stop().await;

    let switched_off = sandbox_with(SandboxOptions {
        closing_notes_enabled: false,
        contact_lookup_enabled: false,
        ..SandboxOptions::default()
    })
    .await;
    let client = client_for(&switched_off);
    let notes = client.closing_notes(&token()).await;
    let preview = client.contact(&token(), &phone()).await;
    assert_eq!(
        (notes, preview),
        (Ok(Feature::Unavailable), Ok(Feature::Unavailable))
    );
    switched_off.stop().await;
}

#[tokio::test]
async fn a_server_that_is_down_is_a_network_retry_until_it_is_back() {
    let (sandbox, client) = started().await;
    // Up first: the client keeps that connection open for the next call, into the outage.
    assert_eq!(reopen(&client, &phone()).await.outcome, done(1));
    sandbox.set_down(true);
    // Twice: whether or not the first went over the kept connection, the second needs a new one.
    assert_network_retry(&reopen(&client, &phone()).await);
    assert_network_retry(&reopen(&client, &phone()).await);
    assert!(sandbox.turned_away() >= 2, "both tries reached the sandbox");
    sandbox.set_down(false);
    assert_eq!(reopen(&client, &phone()).await.outcome, done(1));
    let answered: Vec<u16> = sandbox
        .requests()
        .iter()
        .map(|r| r.status)
        .filter(|&s| s != 0)
        .collect();
    assert_eq!(answered, [200, 200], "nothing was answered while down");
    sandbox.stop().await;
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let sandbox = sandbox().await;
    // Somewhere the sandbox would answer (and log) if the client went there.
    let elsewhere = format!("{}/contact/id:2/conversation/status", sandbox.base_url());
    sandbox.script(
        &status_path("id:1"),
        [Fault::Redirect {
            location: elsewhere,
        }],
    );
    let reply = client_for(&sandbox)
        .set_status(&token(), &id("id:1"), &close_with_note(), 1)
        .await;
    assert!(
        matches!(reply.outcome, Outcome::Rejected { .. }),
        "{:?}",
        reply.outcome
    );
    let paths: Vec<String> = sandbox
        .requests()
        .iter()
        .map(|r| r.raw_path.clone())
        .collect();
    assert_eq!(
        paths,
        [status_path("id:1")],
        "only the one request, nothing followed"
    );
}

#[tokio::test]
async fn an_answer_larger_than_the_cap_is_refused_in_plain_words() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    let contact = "/v1/contact/id:1";
    // Just under the cap: read whole (and then not a contact, so "not understood").
    sandbox.script(
        contact,
        [
            Fault::Oversized {
                bytes: MAX_ANSWER_BYTES - 10,
            },
            Fault::Oversized {
                bytes: MAX_ANSWER_BYTES + 1,
            },
        ],
    );
    assert_eq!(
        client.contact(&token(), &id("id:1")).await,
        Err(ReadError::Unexpected(200))
    );
    let refused = client.contact(&token(), &id("id:1")).await.unwrap_err();
    assert_eq!(refused, ReadError::TooLarge);
    let problem = aelyst_core::AppError::from(refused);
    assert_eq!(problem.code, aelyst_core::ErrorCode::AnswerTooLarge);
    assert_eq!(problem.fields["limit"], MAX_ANSWER_BYTES);

    // The status call: the change was answered 200, so it is done; only the body is left
    // unread (no contact id), and nothing is sent again.
    sandbox.script(
        &status_path("id:1"),
        [Fault::Oversized {
            bytes: 64 * MAX_ANSWER_BYTES,
        }],
    );
    let reply = client
        .set_status(&token(), &id("id:1"), &close_with_note(), 1)
        .await;
    assert_eq!(reply.outcome, Outcome::Done { contact_id: None });
    assert_eq!(sandbox.requests().len(), 3);
    support::fault_row(
        "an answer larger than the cap",
        "the sandbox streams 4 MiB + 1 byte to a read and 256 MiB to a close, with no Content-Length",
        "the read refused in plain words (answer_too_large); the close done once, its body left unread; memory bounded by the cap; lost: 0, leaked: 0",
    );
}
