//! Where the machine's CPU went during a run of `clusterbench`: the whole machine's busy time
//! (`/proc/stat`) next to the replicas', Redis's and this process's (the load generator and
//! the fake upstream), so time taken by other work on a shared machine shows in the report
//! instead of hiding in the latency figures.

use crate::replicas::cpu_seconds;
use std::time::Instant;

/// Busy CPU time of the whole machine, seconds: every state of the first `/proc/stat` line
/// but idle and iowait (clock ticks of 1/100 s).
fn machine_busy_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let busy: f64 = fields
        .iter()
        .enumerate()
        // user nice system idle iowait irq softirq steal (guest time is inside user).
        .filter(|(i, _)| ![3, 4].contains(i) && *i < 8)
        .map(|(_, v)| v)
        .sum();
    busy / 100.0
}

/// A reading taken at the start of a run.
pub struct Start {
    /// When.
    at: Instant,
    /// The machine's busy time.
    machine: f64,
    /// This process's CPU time.
    bench: f64,
}

/// Cores kept busy during a run, on average.
#[derive(Clone, Copy, Default)]
pub struct Cores {
    /// By the whole machine.
    pub machine: f64,
    /// By this process: the load generator and the fake upstream.
    pub bench: f64,
}

/// Starts a reading.
pub fn start() -> Start {
    Start {
        at: Instant::now(),
        machine: machine_busy_seconds(),
        bench: cpu_seconds(std::process::id()),
    }
}

impl Start {
    /// The cores busy since the start, and the wall time in seconds.
    pub fn finish(&self) -> (Cores, f64) {
        let wall = self.at.elapsed().as_secs_f64();
        let cores = Cores {
            machine: (machine_busy_seconds() - self.machine) / wall,
            bench: (cpu_seconds(std::process::id()) - self.bench) / wall,
        };
        (cores, wall)
    }
}
