//! `aelyst-sandbox`: a local fake Aelyst API, for trying the app without a real token.

use clap::Parser;

use aelyst_sandbox::{self as sandbox, SandboxOptions};

/// A local fake Aelyst API on 127.0.0.1, with seeded contacts (ids 1–50; contact 1 is
/// phone:+60121233112 / email:abdc@gmail.com; contact 13 is blocked) and closing notes.
#[derive(Parser)]
#[command(name = "aelyst-sandbox", version)]
struct Args {
    /// Port on 127.0.0.1; the API is then at http://127.0.0.1:<port>/v1.
    #[arg(long, default_value_t = sandbox::DEFAULT_PORT)]
    port: u16,
    /// The bearer token the sandbox accepts.
    #[arg(long, default_value = sandbox::DEFAULT_TOKEN)]
    token: String,
    /// Requests per second per method and path (the vendor documents 5); 0 turns it off.
    #[arg(long, default_value_t = sandbox::DOCUMENTED_PER_PATH_LIMIT)]
    per_path_limit: u32,
    /// Requests per second for the whole workspace; off unless given.
    #[arg(long)]
    workspace_limit: Option<u32>,
    /// Refuse a close that has no category, as when an admin makes the closing note mandatory.
    #[arg(long)]
    require_category: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let options = SandboxOptions {
        token: args.token,
        per_path_limit: (args.per_path_limit > 0).then_some(args.per_path_limit),
        workspace_limit: args.workspace_limit,
        require_category: args.require_category,
        ..SandboxOptions::default()
    };
    println!(
        "Aelyst sandbox listening on http://{}/v1 (Ctrl+C stops it)",
        listener.local_addr()?
    );
    sandbox::serve(listener, options, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
