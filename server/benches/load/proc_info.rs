//! What Linux's /proc says about a process (`self` or a pid) and the machine.

use std::time::Duration;

fn status(pid: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status")).ok()
}

/// Alive, and not a zombie waiting to be reaped.
pub fn is_running(pid: &str) -> bool {
    let state = status(pid).and_then(|s| s.lines().find_map(|l| l.strip_prefix("State:")).map(str::to_owned));
    state.is_some_and(|s| !s.trim().starts_with(['Z', 'X']))
}

/// Resident memory in MiB (`VmRSS`).
pub fn resident_mib(pid: &str) -> Option<f64> {
    let status = status(pid)?;
    let kib: f64 =
        status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

/// User plus system time, threads that have ended included (`stat` fields 14 and 15, in
/// clock ticks, 1/100 s on Linux).
pub fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some(after_name) = stat.rfind(')').and_then(|end| stat.get(end + 2..)) else {
        return Duration::ZERO;
    };
    let fields: Vec<u64> = after_name.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect();
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}

/// The three load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown (no /proc/loadavg)".into(),
        |text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}
