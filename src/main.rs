//! The `sluice` binary: reads the configuration, opens the database (recovering answers a crash
//! left streaming), builds the provider catalog and serves the
//! app until Ctrl-C or SIGTERM. `sluice fake-upstream …` instead runs the scripted
//! OpenAI-compatible test server used by the end-to-end tests and benchmarks (the separate
//! `sluice-fake-upstream` binary beside this one, so the server never contains it), and
//! `sluice admin create NAME` creates an administrator account (password on stdin).

use sluice::server::auth_config::check_bind;
use sluice::server::{self, catalog::Catalog, config::Config, state::AppState};
use sluice::store::Store;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("fake-upstream") {
        eprintln!("sluice fake-upstream: {}", run_fake_upstream(&args[1..]));
        return ExitCode::from(2);
    }
    if args.first().map(String::as_str) == Some("admin") {
        return match sluice::server::auth::admin_cli::run(&args[1..]).await {
            Ok(done) => {
                println!("{done}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("sluice admin: {error}");
                ExitCode::from(2)
            }
        };
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sluice: {error}");
            ExitCode::from(2)
        }
    }
}

/// Replaces this process with the `sluice-fake-upstream` binary found beside this one, passing
/// `args` on; returns only when that fails, with the reason.
fn run_fake_upstream(args: &[String]) -> String {
    use std::os::unix::process::CommandExt;
    let beside = std::env::current_exe()
        .map(|exe| exe.with_file_name("sluice-fake-upstream"))
        .unwrap_or_else(|_| "sluice-fake-upstream".into());
    let error = std::process::Command::new(&beside).args(args).exec();
    format!(
        "cannot run {}: {error} (build it with `cargo build --release -p sluice-fake-upstream`)",
        beside.display()
    )
}

/// Loads everything and serves until a shutdown signal.
async fn serve() -> Result<(), String> {
    let config = Config::load()?;
    let leptos_options = leptos::config::get_configuration(None)
        .map_err(|e| format!("Leptos configuration: {e}"))?
        .leptos_options;
    check_bind(config.auth.mode, leptos_options.site_addr)?;
    let store = Store::open(&config.storage.database).await.map_err(|e| {
        format!(
            "cannot open the database {}: {e}",
            config.storage.database.display()
        )
    })?;
    let swept = store
        .delete_expired_sessions()
        .await
        .map_err(|e| format!("cannot sweep expired sessions: {e}"))?;
    tracing::info!(mode = ?config.auth.mode, expired_sessions = swept, "access control ready");
    let recovered = store
        .recover_interrupted()
        .await
        .map_err(|e| format!("cannot recover interrupted answers: {e}"))?;
    tracing::info!(
        database = %config.storage.database.display(),
        recovered,
        "database ready (answers found streaming are now interrupted)"
    );
    let catalog = Catalog::build(&config).await?;
    for model in catalog.models() {
        tracing::info!(model = %model.id, "model available");
    }
    let addr = leptos_options.site_addr;
    let listener = listen(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("Sluice listening on http://{addr}");
    let state = AppState::new(config, catalog, store.clone());
    announce_admin_setup(&state, addr).await?;
    let served = server::run(listener, state, leptos_options, shutdown_signal()).await;
    // Flushes and checkpoints the WAL so a clean stop leaves one tidy file.
    store.close().await;
    served.map_err(|e| format!("server error: {e}"))
}

/// While a `local` instance has no account, prints on stdout (once, not through the log) how
/// to create the administrator, with the set-up token unless the operator chose it.
async fn announce_admin_setup(state: &AppState, addr: std::net::SocketAddr) -> Result<(), String> {
    if state.config.auth.mode != sluice::account::AuthMode::Local {
        return Ok(());
    }
    let none = state
        .store
        .no_accounts_yet()
        .await
        .map_err(|e| format!("cannot read the accounts: {e}"))?;
    if none {
        println!(
            "{}",
            state
                .admin_setup
                .announcement(&format!("http://{addr}/sign-in"))
        );
    }
    Ok(())
}

/// Pending connections the kernel may queue before `accept`. Bursts (many readers reloading at
/// once) overflow a small queue, and every dropped SYN costs its client a 1 s retransmit.
const ACCEPT_BACKLOG: u32 = 4096;

/// Binds the listening socket with [`ACCEPT_BACKLOG`].
fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(ACCEPT_BACKLOG)
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
