//! A fresh PostgreSQL database per test on the server `SLUICE_TEST_DATABASE_URL` names (an
//! admin connection, e.g. the one `tools/with-postgres.sh` starts), created with `CREATE
//! DATABASE` and dropped at the end.

use sqlx::{Connection, PgConnection};

/// A new, empty PostgreSQL database on the test server, dropped by [`TestDatabase::drop_now`].
pub struct TestDatabase {
    /// The admin connection URL it was created through.
    admin: String,
    /// Its name.
    pub name: String,
    /// Its URL (the admin's credentials, this database).
    pub url: String,
}

/// A fresh database on the server `SLUICE_TEST_DATABASE_URL` names; `None` (with a note on
/// stderr) in the SQLite pass (these tests run once, in the PostgreSQL pass:
/// `SLUICE_TEST_BACKEND=postgres`) and when the variable is unset, which fails the test
/// under `CI=true`.
pub async fn fresh_database(label: &str) -> Option<TestDatabase> {
    if crate::support::test_database::backend_under_test() != "postgres" {
        eprintln!("skipped {label} in the SQLite pass: it runs in the PostgreSQL pass");
        return None;
    }
    let Some(admin) = std::env::var("SLUICE_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "SLUICE_TEST_DATABASE_URL is unset under CI: the PostgreSQL tests cannot be skipped"
        );
        eprintln!("skipped {label}: SLUICE_TEST_DATABASE_URL is unset (no PostgreSQL server)");
        return None;
    };
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("sluice_{label}_{}_{n}", std::process::id());
    let mut conn = PgConnection::connect(&admin)
        .await
        .expect("connect to SLUICE_TEST_DATABASE_URL");
    sqlx::raw_sql(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    conn.close().await.expect("close");
    let mut url = url::Url::parse(&admin).expect("SLUICE_TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    Some(TestDatabase {
        admin,
        name,
        url: url.to_string(),
    })
}

impl TestDatabase {
    /// Drops the database (best effort; its connections are closed by force).
    pub async fn drop_now(self) {
        if let Ok(mut conn) = PgConnection::connect(&self.admin).await {
            let _ = sqlx::raw_sql(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
    }

    /// Its URL with `password` put in (the test server trusts local connections, so any
    /// password is accepted: it only has to stay out of every output).
    pub fn url_with_password(&self, password: &str) -> String {
        let mut url = url::Url::parse(&self.url).expect("URL");
        url.set_password(Some(password)).expect("a URL with a host");
        url.to_string()
    }
}
