//! What the benchmarks share: where the standard library is, and how timings are summarised.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The standard library of the machine's `python3` (the files the benchmarks run on).
pub fn stdlib() -> PathBuf {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sysconfig;print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 is needed to find the stdlib");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// `d` in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `p` quantile (0.5: the median) of `samples`, in milliseconds; sorts them.
pub fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    ms(samples[i])
}
