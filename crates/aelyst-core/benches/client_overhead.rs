//! One status call through the Aelyst client vs a raw reqwest POST of the same bytes, both
//! against the sandbox on loopback. The difference is the client's own overhead (identifier
//! encoding, JSON, classification); the goal is ≤ 2 ms median. `scripts/bench-client.sh` runs
//! this and prints the difference.

use criterion::{criterion_group, criterion_main, Criterion};

use aelyst_core::api::{Action, ApiToken, Client, ClientConfig, Identifier, StatusChange};
use aelyst_sandbox::{Sandbox, SandboxOptions, DEFAULT_TOKEN};

fn status_call(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    // No rate limit: the benchmark measures the client, not the sandbox's 5/s.
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxOptions {
            per_path_limit: None,
            ..SandboxOptions::default()
        }))
        .expect("sandbox");
    let client =
        Client::new(ClientConfig::new(&sandbox.base_url()).expect("config")).expect("client");
    let token = ApiToken::new(DEFAULT_TOKEN).expect("token");
    let identifier = Identifier::parse("phone:+60121233112").expect("identifier");
    let change =
        StatusChange::new(Action::Close, Some("Resolved"), Some("Benchmark")).expect("change");

    let raw = reqwest::Client::new();
    let url = client.status_url(&identifier);
    let body = serde_json::to_vec(&change).expect("body");

    let mut group = c.benchmark_group("status_call");
    group.bench_function("aelyst_client", |b| {
        b.to_async(&runtime).iter(|| async {
            let reply = client.set_status(&token, &identifier, &change, 1).await;
            assert_eq!(reply.http_status, Some(200));
        })
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = raw
                .post(&url)
                .bearer_auth(DEFAULT_TOKEN)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .expect("send");
            assert_eq!(response.status().as_u16(), 200);
            response.bytes().await.expect("body");
        })
    });
    group.finish();
    runtime.block_on(sandbox.stop());
}

criterion_group!(benches, status_call);
criterion_main!(benches);
