//! The process's own metrics in Prometheus's standard names, read from `/proc/self` at each
//! scrape: resident memory, CPU seconds (user + system) and open file descriptors. Rendered
//! as text here (a CPU time is a fractional counter, which the recorder cannot hold). On a
//! system without `/proc` the lines are left out.

use std::fmt::Write;

/// Clock ticks per second of `/proc/self/stat`'s CPU times (USER_HZ, 100 on every Linux
/// architecture Sluice is built for).
const TICKS_PER_SECOND: f64 = 100.0;

/// The page size `/proc/self/statm` counts in, when RSS is read from there.
const KIB: u64 = 1024;

/// The exposition lines of the process metrics.
pub fn render() -> String {
    let mut out = String::new();
    if let Some(rss) = resident_bytes() {
        line(
            &mut out,
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory size in bytes.",
            rss as f64,
        );
    }
    if let Some(cpu) = cpu_seconds() {
        line(
            &mut out,
            "process_cpu_seconds_total",
            "counter",
            "Total user and system CPU time spent in seconds.",
            cpu,
        );
    }
    if let Some(fds) = open_fds() {
        line(
            &mut out,
            "process_open_fds",
            "gauge",
            "Number of open file descriptors.",
            fds as f64,
        );
    }
    out
}

/// Appends one metric with its help and type.
fn line(out: &mut String, name: &str, kind: &str, help: &str, value: f64) {
    let _ = write!(
        out,
        "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
    );
}

/// `VmRSS` of `/proc/self/status`, in bytes.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse::<u64>()
        .ok()?;
    Some(kib * KIB)
}

/// utime + stime of `/proc/self/stat`, in seconds.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its `)` are fixed.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After `)`: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let utime = fields.get(11)?.parse::<u64>().ok()?;
    let stime = fields.get(12)?.parse::<u64>().ok()?;
    Some((utime + stime) as f64 / TICKS_PER_SECOND)
}

/// Entries of `/proc/self/fd` (the directory handle reading it counts too, as everywhere).
fn open_fds() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_process_metrics_are_read_from_proc() {
        let text = super::render();
        for name in [
            "process_resident_memory_bytes ",
            "process_cpu_seconds_total ",
            "process_open_fds ",
        ] {
            let value: f64 = text
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .unwrap_or_else(|| panic!("{name} missing in {text}"))
                .parse()
                .unwrap();
            assert!(value >= 0.0);
        }
        assert!(super::resident_bytes().unwrap() > 0);
        assert!(super::open_fds().unwrap() >= 3);
    }
}
