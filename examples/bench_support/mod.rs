//! Helpers shared by the `make bench` examples (`loadgen`, `storebench`, `flushbench`,
//! `searchbench`, `markdownbench`, `clusterbench`, `attachbench`): percentiles, a short description of the
//! machine, and writing one tool's section of `BENCHMARKS.md` without touching the other tools' sections.
//! Beside it, `server.rs` (the app served in-process), `backend.rs` (SQLite or a fresh
//! PostgreSQL database), `openai_script.rs` (the fake's token script) and `process.rs` (a
//! server process's RSS and CPU time from /proc) are included with
//! `#[path]` by the examples that use them.

/// Title of a fresh `BENCHMARKS.md`.
const TITLE: &str = "# Benchmarks\n\n";

/// Percentile (nearest rank, rounded) of sorted data; NaN when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// A short description of this machine.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines().next().and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
            })
        })
        .map(|kib| format!("{:.0} GiB", kib as f64 / 1048576.0))
        .unwrap_or_default();
    format!("{cores} cores ({cpu}), {mem} RAM, {}", std::env::consts::OS)
}

/// Replaces the section `name` of the Markdown file at `path` (the text between
/// `<!-- begin NAME -->` and `<!-- end NAME -->`, a blank line before the end so a table
/// closes) with `body`, appending the section when the
/// file has none and creating the file (with its title) when it does not exist.
pub fn write_section(path: &str, name: &str, body: &str) -> Result<(), String> {
    let begin = format!("<!-- begin {name} -->\n");
    let end = format!("<!-- end {name} -->\n");
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => TITLE.to_string(),
        Err(e) => return Err(format!("cannot read {path}: {e}")),
    };
    let section = format!("{begin}{}\n\n{end}", body.trim_end());
    let new = match (old.find(&begin), old.find(&end)) {
        (Some(start), Some(stop)) if start < stop => {
            format!("{}{section}{}", &old[..start], &old[stop + end.len()..])
        }
        _ => {
            let mut text = old.trim_end().to_string();
            text.push_str("\n\n");
            text.push_str(&section);
            text
        }
    };
    std::fs::write(path, new).map_err(|e| format!("cannot write {path}: {e}"))
}

/// The command line as `--name value` pairs, in order; an option without a value is an error.
pub fn option_pairs() -> Result<Vec<(String, String)>, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    args.chunks(2)
        .map(|pair| match pair {
            [name, value] => Ok((name.clone(), value.clone())),
            [name] => Err(format!("{name} needs a value")),
            _ => Err("empty option".to_string()),
        })
        .collect()
}

/// Parses a comma-separated list of numbers, naming `what` in the error.
pub fn number_list<T: std::str::FromStr>(value: &str, what: &str) -> Result<Vec<T>, String> {
    value
        .split(',')
        .map(|v| v.trim().parse().map_err(|_| format!("bad {what} {v}")))
        .collect()
}
