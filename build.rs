//! Build script: rebuilds the crate when `migrations/` changes (a new file included), since
//! `sqlx::migrate!` embeds that directory at compile time.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
