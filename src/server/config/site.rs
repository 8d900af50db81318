//! Where the site is served from, as Leptos reads it from `LEPTOS_SITE_ADDR` and
//! `LEPTOS_SITE_ROOT`, checked at start-up so that a mistake stops the binary with a sentence
//! instead of a page whose every `/pkg/*` file is a 404. An address may name a host
//! (`localhost:3000`), resolved here; a site root without its `pkg/` folder (the binary was
//! started from another folder) is looked for next to the binary, where `cargo leptos build`
//! puts it (`target/release/sluice` → `target/site`) or where an install may copy it
//! (`<binary's folder>/site`).

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

/// `LEPTOS_SITE_ADDR` as a socket address: an IP address and port as Leptos reads it, or a host
/// name and port (`localhost:3000`) resolved to its first address (IPv4 preferred, as
/// `127.0.0.1:3000` is the default).
pub fn resolve_site_addr(raw: &str) -> Result<SocketAddr, String> {
    let raw = raw.trim();
    if let Ok(addr) = raw.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let refused = || {
        format!(
            "LEPTOS_SITE_ADDR must be an address and port to listen on, such as 127.0.0.1:3000 or \
             localhost:3000, got {raw:?}"
        )
    };
    let addrs: Vec<SocketAddr> = raw.to_socket_addrs().map_err(|_| refused())?.collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(refused)
}

/// The folder to serve the site from: `configured` (from `LEPTOS_SITE_ROOT`, default
/// `target/site`, relative to the working directory) when it holds `pkg_dir`, else the first
/// site folder next to the binary `exe` that does; `None` there too is a sentence naming
/// `LEPTOS_SITE_ROOT`.
pub fn find_site_root(
    configured: &Path,
    pkg_dir: &str,
    exe: Option<&Path>,
) -> Result<PathBuf, String> {
    if configured.join(pkg_dir).is_dir() {
        return Ok(configured.to_path_buf());
    }
    let beside = exe
        .and_then(Path::parent)
        .map(|dir| [dir.join("site"), dir.join("../site")]);
    if let Some(found) = beside
        .into_iter()
        .flatten()
        .find(|candidate| candidate.join(pkg_dir).is_dir())
    {
        return Ok(found.canonicalize().unwrap_or(found));
    }
    let cwd = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| "the working directory".to_string());
    Err(format!(
        "the site files are missing: there is no {pkg_dir}/ folder in {} (LEPTOS_SITE_ROOT, \
         relative to {cwd}) nor next to the binary. Build them with `cargo leptos build \
         --release` and set LEPTOS_SITE_ROOT to the folder holding {pkg_dir}/ (target/site \
         in the repository).",
        configured.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_name_and_port_are_resolved() {
        assert_eq!(
            resolve_site_addr("127.0.0.1:3000"),
            Ok(SocketAddr::from(([127, 0, 0, 1], 3000)))
        );
        let local = resolve_site_addr("localhost:3123").expect("localhost resolves");
        assert!(local.ip().is_loopback(), "{local}");
        assert_eq!(local.port(), 3123);
        for bad in ["localhost", "3000", "no such host:x"] {
            let error = resolve_site_addr(bad).expect_err(bad);
            assert!(error.starts_with("LEPTOS_SITE_ADDR must be"), "{error}");
        }
    }

    #[test]
    fn the_site_is_found_next_to_the_binary_or_named_as_missing() {
        let base = std::env::temp_dir().join(format!("sluice-site-{}", std::process::id()));
        let release = base.join("target/release");
        std::fs::create_dir_all(&release).expect("release dir");
        std::fs::create_dir_all(base.join("target/site/pkg")).expect("pkg dir");
        let exe = release.join("sluice");
        let elsewhere = base.join("elsewhere/target/site");
        let found = find_site_root(&elsewhere, "pkg", Some(&exe)).expect("beside the binary");
        assert!(found.join("pkg").is_dir(), "{}", found.display());
        assert_eq!(
            find_site_root(&base.join("target/site"), "pkg", Some(&exe)),
            Ok(base.join("target/site")),
            "the configured root wins when it holds pkg/"
        );
        let error =
            find_site_root(&elsewhere, "pkg", Some(&base.join("sluice"))).expect_err("none");
        assert!(error.contains("LEPTOS_SITE_ROOT"), "{error}");
        assert!(error.contains(&elsewhere.display().to_string()), "{error}");
        let _ = std::fs::remove_dir_all(&base);
    }
}
