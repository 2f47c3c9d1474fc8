//! A proxy set in the environment never sees a request to an API on this computer, bearer
//! header included. Its own test binary: the proxy variables are the whole process's.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aelyst_core::api::Outcome;
use support::{close_with_note, phone, quick_client, sandbox, token};

#[tokio::test]
async fn a_loopback_address_is_reached_directly_whatever_the_proxy_variables_say() {
    // A "proxy" on loopback that counts the connections it is offered and answers none.
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let offered = Arc::new(AtomicUsize::new(0));
    let counter = offered.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = proxy.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(name, &proxy_url);
    }
    for name in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }

    let sandbox = sandbox().await;
    for address in [
        sandbox.base_url(),
        sandbox.base_url().replace("127.0.0.1", "localhost"),
    ] {
        let reply = quick_client(&address)
            .set_status(&token(), &phone(), &close_with_note(), 1)
            .await;
        assert_eq!(
            reply.outcome,
            Outcome::Done {
                contact_id: Some(1)
            },
            "{address}"
        );
    }
    assert_eq!(sandbox.requests().len(), 2, "both went straight to the API");
    assert_eq!(
        offered.load(Ordering::SeqCst),
        0,
        "the proxy saw a request (and its token) for a loopback address"
    );
    support::fault_row(
        "a proxy in the environment",
        "HTTP_PROXY, HTTPS_PROXY and ALL_PROXY (both cases) pointing at a listener, API on 127.0.0.1 and localhost",
        "both actions done directly, 0 connections to the proxy; lost: 0, leaked: 0",
    );
}
