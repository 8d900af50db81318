//! The `sluice` binary: reads the configuration, opens the database (recovering answers a crash
//! left streaming), builds the provider catalog and serves the
//! app until Ctrl-C or SIGTERM. `sluice fake-upstream …` instead runs the scripted
//! OpenAI-compatible test server used by the end-to-end tests and benchmarks (the separate
//! `sluice-fake-upstream` binary beside this one, so the server never contains it), and
//! `sluice admin create NAME` creates an administrator account (password on stdin), and
//! `sluice migrate-to-postgres` copies a SQLite database into an empty PostgreSQL one. The
//! command line is parsed by `clap`: anything it does not know is an error with the usage,
//! never a start.

use clap::{Parser, Subcommand};
use opentelemetry_sdk::trace::SdkTracerProvider;
use sluice::server::config::{check_bind, site, LogFormat, TelemetryConfig};
use sluice::server::{self, catalog::Catalog, config::Config, state::AppState};
use sluice::store::{Store, StoreError, StoreOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The wait between two attempts to reach a database that is unavailable at start-up.
const DATABASE_RETRY: Duration = Duration::from_secs(2);

/// A self-hosted LLM chat site whose streaming never stutters.
#[derive(Debug, Parser)]
#[command(name = "sluice", version, about)]
struct Cli {
    /// The configuration file [default: SLUICE_CONFIG, else ./sluice.toml when present]
    ///
    /// Environment variables win over its settings.
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    /// What to do (default: serve).
    #[command(subcommand)]
    command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the site (the default).
    ///
    /// LEPTOS_SITE_ADDR is the address to listen on (default 127.0.0.1:3000, a host name such
    /// as localhost:3000 is resolved), LEPTOS_SITE_ROOT the folder of the site files (default
    /// target/site, else the one next to the binary).
    Serve,
    /// Run the scripted OpenAI-compatible fake upstream used by tests and benchmarks.
    ///
    /// Its options: `sluice fake-upstream --help`.
    #[command(disable_help_flag = true)]
    FakeUpstream {
        /// Its arguments, passed through.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Manage accounts from the command line.
    Admin {
        /// What to do.
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Copy a SQLite database into an empty PostgreSQL database, every row exactly.
    ///
    /// Every account, session, conversation (every branch), message and preset keeps its id
    /// and times. Stop the server first (rows written during the copy are not copied). The target's
    /// schema is created; a target that holds any data is refused, changing nothing.
    MigrateToPostgres {
        /// The SQLite file [default: sluice.db in the configured data_dir]
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        /// The PostgreSQL URL, postgres://USER:PASSWORD@HOST:PORT/DATABASE [default: the
        /// configured database_url, e.g. SLUICE_DATABASE_URL, which keeps the password out of
        /// the process list]
        #[arg(long, value_name = "URL")]
        to: Option<String>,
    },
}

/// `sluice admin …`.
#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an active administrator; the password is read from stdin.
    ///
    /// The account goes into the configured database (one line of stdin is the password);
    /// this works while the server runs.
    Create {
        /// The account name.
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("sluice: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Some(Command::FakeUpstream { args }) => fake_upstream(args),
        Some(Command::Admin {
            command: AdminCommand::Create { name },
        }) => match runtime.block_on(server::auth::admin_cli::create(
            &name,
            cli.config.as_deref(),
        )) {
            Ok(done) => {
                println!("{done}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("sluice admin: {error}");
                ExitCode::from(2)
            }
        },
        Some(Command::MigrateToPostgres { from, to }) => {
            match runtime.block_on(migrate_to_postgres(from, to, cli.config.as_deref())) {
                Ok(done) => {
                    println!("{done}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("sluice migrate-to-postgres: {error}");
                    ExitCode::from(1)
                }
            }
        }
        Some(Command::Serve) | None => {
            let config = match Config::load(cli.config.as_deref()) {
                Ok(config) => config,
                Err(error) => {
                    eprintln!("sluice: {error}");
                    return ExitCode::from(2);
                }
            };
            let traces = match init_log(&config.telemetry) {
                Ok(traces) => traces,
                Err(error) => {
                    eprintln!("sluice: {error}");
                    return ExitCode::from(2);
                }
            };
            // Before any thread but this one exists: Leptos reads the address from the
            // environment, and only takes an IP address.
            let served = resolve_site_addr().and_then(|()| runtime.block_on(serve(config)));
            // Sends the spans still buffered (outside the runtime: the exporter blocks).
            if let Some(traces) = traces {
                if let Err(error) = traces.shutdown() {
                    eprintln!("sluice: the last traces were not exported: {error}");
                }
            }
            match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("sluice: {error}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// Starts the log: `RUST_LOG` (default `info`) in `[telemetry] log_format`, and with
/// `[telemetry] otlp_endpoint` the trace export, whose provider is returned (to flush at exit).
fn init_log(telemetry: &TelemetryConfig) -> Result<Option<SdkTracerProvider>, String> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let log = match telemetry.log_format {
        LogFormat::Text => tracing_subscriber::fmt::layer().boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .boxed(),
    };
    let (traces, provider) = match &telemetry.otlp_endpoint {
        Some(endpoint) => {
            let (layer, provider) = server::telemetry::otlp_layer(endpoint)?;
            (Some(layer), Some(provider))
        }
        None => (None, None),
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(log)
        .with(traces)
        .init();
    Ok(provider)
}

/// `sluice fake-upstream ARGS…`: replaces this process with the `sluice-fake-upstream` binary
/// found beside this one (its own crate, so the server never contains it), passing the
/// arguments on; returns only when that fails, with the reason.
fn fake_upstream(args: Vec<String>) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let beside = std::env::current_exe()
        .map(|exe| exe.with_file_name("sluice-fake-upstream"))
        .unwrap_or_else(|_| "sluice-fake-upstream".into());
    let error = std::process::Command::new(&beside).args(args).exec();
    eprintln!(
        "sluice fake-upstream: cannot run {}: {error} (build it with \
         `cargo build --release -p sluice-fake-upstream`)",
        beside.display()
    );
    ExitCode::from(2)
}

/// `sluice migrate-to-postgres`: copies `from` (default: the configured SQLite file) into
/// `to` (default: the configured `database_url`); the sentence to print on success.
async fn migrate_to_postgres(
    from: Option<PathBuf>,
    to: Option<String>,
    config_file: Option<&Path>,
) -> Result<String, String> {
    let (from, to) = match (from, to) {
        (Some(from), Some(to)) => (from, to),
        (from, to) => {
            let storage = Config::load(config_file)?.storage;
            let to = to.or(storage.database_url).ok_or(
                "no target: give --to postgres://… or set SLUICE_DATABASE_URL ([storage] \
                 database_url)",
            )?;
            (from.unwrap_or(storage.database), to)
        }
    };
    let report = sluice::store::copy_sqlite_to_postgres(&from, &to).await?;
    Ok(format!(
        "Copied {report} from {} to {}.",
        StoreOptions::sqlite(&from).describe(),
        StoreOptions::postgres(to).describe()
    ))
}

/// Rewrites a `LEPTOS_SITE_ADDR` that names a host (`localhost:3000`) as the IP address it
/// resolves to, which is what Leptos accepts.
fn resolve_site_addr() -> Result<(), String> {
    let Ok(raw) = std::env::var("LEPTOS_SITE_ADDR") else {
        return Ok(());
    };
    let addr = site::resolve_site_addr(&raw)?;
    if raw.trim() != addr.to_string() {
        std::env::set_var("LEPTOS_SITE_ADDR", addr.to_string());
    }
    Ok(())
}

/// Opens everything `config` names and serves until a shutdown signal.
async fn serve(config: Config) -> Result<(), String> {
    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
    let mut leptos_options = leptos::config::get_configuration(None)
        .map_err(|e| format!("Leptos configuration: {e}"))?
        .leptos_options;
    let configured = PathBuf::from(leptos_options.site_root.as_ref());
    let exe = std::env::current_exe().ok();
    let site_root =
        site::find_site_root(&configured, &leptos_options.site_pkg_dir, exe.as_deref())?;
    if site_root != configured {
        tracing::warn!(
            site_root = %site_root.display(),
            "no site files in {} (LEPTOS_SITE_ROOT): serving those next to the binary",
            configured.display()
        );
        leptos_options.site_root = site_root.to_string_lossy().as_ref().into();
    }
    check_bind(config.auth.mode, leptos_options.site_addr)?;
    let store_options = config.storage.store_options();
    let Some(store) = connect_store(&store_options).await? else {
        tracing::info!("stopped while waiting for the database");
        return Ok(());
    };
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
        database = %store_options.describe(),
        recovered,
        "database ready (answers found streaming are now interrupted)"
    );
    let catalog = Catalog::build(&config).await?;
    for model in catalog.models() {
        tracing::info!(model = %model.id, "model available");
    }
    let addr = leptos_options.site_addr;
    let listener = listen(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    // Plain text for a person at a terminal; a JSON log stays one JSON object per line.
    match config.telemetry.log_format {
        LogFormat::Text => println!("Sluice listening on http://{addr}"),
        LogFormat::Json => tracing::info!(url = %format!("http://{addr}"), "Sluice listening"),
    }
    let state = AppState::new(config, catalog, store.clone())?;
    announce_admin_setup(&state, addr).await?;
    let served = server::run(listener, state, leptos_options, shutdown_signal()).await;
    // Flushes and checkpoints the WAL so a clean stop leaves one tidy file.
    store.close().await;
    served.map_err(|e| format!("server error: {e}"))
}

/// Opens the store; while the database is unavailable (a PostgreSQL server that is down or
/// still starting), logs why and tries again every [`DATABASE_RETRY`], forever. `None` when
/// Ctrl-C or SIGTERM came first; any other failure stops start-up with its sentence.
async fn connect_store(options: &StoreOptions) -> Result<Option<Store>, String> {
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let attempt = tokio::select! {
            attempt = Store::connect(options) => attempt,
            () = &mut shutdown => return Ok(None),
        };
        match attempt {
            Ok(store) => return Ok(Some(store)),
            Err(StoreError::Unavailable(reason)) => tracing::warn!(
                "the database {} is unavailable: {reason}; retrying in {} s",
                options.describe(),
                DATABASE_RETRY.as_secs()
            ),
            Err(error) => {
                return Err(format!(
                    "cannot open the database {}: {error}",
                    options.describe()
                ))
            }
        }
        tokio::select! {
            () = tokio::time::sleep(DATABASE_RETRY) => {}
            () = &mut shutdown => return Ok(None),
        }
    }
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
