//! Which storage backend this run of the integration tests uses, and fresh PostgreSQL
//! databases for it. `SLUICE_TEST_BACKEND=postgres` (the second run of `make test-rust`) gives
//! every [`TestApp`](super::TestApp), [`ServerProcess`](super::server_process::ServerProcess)
//! and store test a database of its own, created on the server `SLUICE_TEST_DATABASE_URL`
//! names (`tools/with-postgres.sh` starts a throwaway one); otherwise (the default) they use
//! SQLite files in temporary directories. The tests are the same on both: only where the
//! database lives differs.
//!
//! A test's database is noted in its data directory ([`note_database`]); when the directory
//! is dropped at the end of the test, the database is queued ([`finished_with`]) and the
//! next [`fresh_postgres_url`] drops it, so a run keeps only the databases of running tests
//! (dropping needs the async runtime, which `Drop` does not have).

use sqlx::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// The environment variable that picks the backend under test (`sqlite` or `postgres`).
const BACKEND_VAR: &str = "SLUICE_TEST_BACKEND";

/// The environment variable naming the PostgreSQL server the tests create databases on.
const SERVER_VAR: &str = "SLUICE_TEST_DATABASE_URL";

/// `"postgres"` when `SLUICE_TEST_BACKEND=postgres`, else `"sqlite"` (the default); panics on
/// any other value, so that a typo never runs the SQLite suite twice unnoticed.
pub fn backend_under_test() -> &'static str {
    match std::env::var(BACKEND_VAR).as_deref() {
        Ok("postgres") => "postgres",
        Ok("sqlite") | Ok("") | Err(_) => "sqlite",
        Ok(other) => panic!("{BACKEND_VAR}={other:?}: use `sqlite` (the default) or `postgres`"),
    }
}

/// The file in a data directory that names its PostgreSQL database.
const NOTE: &str = "test-database-url";

/// Databases whose tests are over, dropped by the next [`fresh_postgres_url`].
static FINISHED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// On the PostgreSQL backend, the URL of a new, empty database (`sluice_t_<pid>_<n>`, unique
/// in this run) on the server `SLUICE_TEST_DATABASE_URL` names; `None` on SQLite. First drops
/// the databases of finished tests (see the module's doc).
pub async fn fresh_postgres_url() -> Option<String> {
    if backend_under_test() != "postgres" {
        return None;
    }
    let server = std::env::var(SERVER_VAR)
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| {
            panic!(
                "{BACKEND_VAR}=postgres needs {SERVER_VAR}, the URL of a PostgreSQL server the \
                 tests may create databases on: run them through tools/with-postgres.sh (it \
                 starts a throwaway server), or set {SERVER_VAR} to a server of your own"
            )
        });
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "sluice_t_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {SERVER_VAR} ({server}): {e}"));
    let finished = std::mem::take(&mut *FINISHED.lock().unwrap_or_else(|e| e.into_inner()));
    for old in finished {
        // FORCE: a finished app's pool may not have closed its connections yet.
        if let Err(e) = sqlx::query(&format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)"))
            .execute(&mut conn)
            .await
        {
            eprintln!("could not drop the finished test database {old}: {e}");
        }
    }
    // The name is ours (letters, digits, underscores): nothing to quote.
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("cannot create the test database {name} on {server}: {e}"));
    let _ = conn.close().await;
    let mut url = url::Url::parse(&server)
        .unwrap_or_else(|e| panic!("{SERVER_VAR} is not a URL ({server}): {e}"));
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

/// Notes in `dir` that `url` is the database of the servers and apps using that directory.
pub fn note_database(dir: &Path, url: &str) {
    std::fs::write(dir.join(NOTE), url).expect("note the test database's URL");
}

/// The database noted in `dir`, if any.
pub fn noted_database(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(NOTE)).ok()
}

/// Queues the database at `url` (one [`fresh_postgres_url`] made) to be dropped: its test is
/// over. Anything else is left alone.
pub fn finished_with(url: &str) {
    let Ok(parsed) = url::Url::parse(url) else {
        return;
    };
    let name = parsed.path().trim_start_matches('/');
    let ours = name.starts_with("sluice_t_")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ours {
        FINISHED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(name.to_string());
    }
}
