//! A PostgreSQL server of one test's own, for tests that stop and restart the database (an
//! outage must not touch the server the other tests share): `initdb` into a temp dir and
//! `pg_ctl` on a free loopback port, as the `postgres` user when the tests run as root
//! (PostgreSQL refuses root). Stopped and removed on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian's PostgreSQL 15 keeps `initdb` and `pg_ctl`.
const BIN: &str = "/usr/lib/postgresql/15/bin";

/// A running (or stopped) private server.
pub struct PrivatePostgres {
    /// Data directory, socket directory and log, removed on drop.
    dir: PathBuf,
    /// Its loopback port.
    pub port: u16,
}

/// True when the tests run as root, so PostgreSQL commands run as `postgres`.
fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// PostgreSQL's `tool`, to run as `postgres` when root.
fn command(tool: &str) -> Command {
    let program = Path::new(BIN).join(tool);
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// Runs PostgreSQL's `tool` with `args`; panics with its output when it fails.
fn run(tool: &str, args: &[&str]) {
    let output = command(tool)
        .args(args)
        .output()
        .expect("run a PostgreSQL tool");
    assert!(
        output.status.success(),
        "{tool} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl PrivatePostgres {
    /// Initialises and starts a server; `None` (with a message) in the SQLite pass (the
    /// outage tests need no shared server, and run once: in the PostgreSQL pass) and when
    /// PostgreSQL is not installed, which fails instead under `CI=true` (`make test`
    /// installs it).
    pub fn start(label: &str) -> Option<PrivatePostgres> {
        if super::test_database::backend_under_test() != "postgres" {
            eprintln!("skip {label} in the SQLite pass: it runs in the PostgreSQL pass");
            return None;
        }
        if !Path::new(BIN).join("initdb").exists() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PostgreSQL 15 is not installed (run `make test-tools`)"
            );
            eprintln!("skip: PostgreSQL 15 is not installed (run `make test-tools`)");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("sluice-pg-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("postgres temp dir");
        if running_as_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(status.success(), "chown the postgres temp dir");
        }
        let server = PrivatePostgres {
            port: super::server_process::free_port(),
            dir,
        };
        let data = server.data_dir();
        run(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        );
        server.start_again();
        Some(server)
    }

    /// The data directory.
    fn data_dir(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// The URL of database `name` (`postgres` always exists).
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Starts the server (again), waiting until it accepts connections.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        run(
            "pg_ctl",
            &[
                "-D",
                &self.data_dir(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server now, as a crash or a failover would (`immediate`: clients are cut).
    pub fn stop(&self) {
        run(
            "pg_ctl",
            &["-D", &self.data_dir(), "-m", "immediate", "-w", "stop"],
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = command("pg_ctl")
            .args(["-D", &self.data_dir(), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
