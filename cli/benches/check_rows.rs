//! `appsflyer-s2s check` on a generated CSV, side by side with the core's
//! own native benchmark (`benches/build_event.rs`: the same typical event,
//! JSON in, body out) in the same run.
//!
//! `cargo bench -p appsflyer-s2s-cli --bench check_rows -- --rows 1000000 [--rounds 3]`
//! alternates the core's benchmark (3 s) and a `check` of the file, and
//! prints for each round the rows/s of `check`, the core's events/s around
//! it, their ratio, and the peak RSS of the `check` process (its `VmHWM`,
//! read from /proc while it runs); then the median ratio. No threshold:
//! figures go to BENCHMARKS.md.

use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use appsflyer_s2s::{build_event_json, BuildOptions};

/// The core benchmark's typical event (benches/build_event.rs).
const TYPICAL: &str = r#"{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase",
"eventValue":{"af_revenue":"19.99","af_content_id":"sku-1234","af_quantity":2},
"eventCurrency":"USD","eventTime":"2024-05-15T12:17:01.123Z","ip":"192.0.2.10",
"email":" John_Smith@Gmail.com ","phone_number":"(650) 555-1212",
"first_name":"Valéry","last_name":"Smith","os":"17.4.1","bundleIdentifier":"com.example.shop"}"#;

/// The same event as CSV columns; each row gets its own appsflyer_id.
const HEADER: &str = "appsflyer_id,eventName,eventValue.af_revenue,eventValue.af_content_id,eventValue.af_quantity,eventCurrency,eventTime,ip,email,phone_number,first_name,last_name,os,bundleIdentifier\n";

fn write_csv(path: &Path, rows: u64) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(HEADER.as_bytes()).unwrap();
    for k in 0..rows {
        writeln!(
            out,
            "1415211453000-{:07},af_purchase,19.99,sku-1234,2,USD,2024-05-15T12:17:01.123Z,192.0.2.10,\" John_Smith@Gmail.com \",(650) 555-1212,Valéry,Smith,17.4.1,com.example.shop",
            k + 1
        )
        .unwrap();
    }
    out.flush().unwrap();
}

/// Events/s of the core's build_event_json on the typical event, for `secs`.
fn core_rate(secs: u64) -> f64 {
    let options = BuildOptions::new().default_region("US");
    for _ in 0..1_000 {
        black_box(build_event_json(black_box(TYPICAL), &options).unwrap());
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(secs) {
        for _ in 0..256 {
            black_box(build_event_json(black_box(TYPICAL), &options).unwrap());
        }
        n += 256;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Runs `check` on the file: wall seconds, peak RSS in KiB.
fn check_run(file: &Path) -> (f64, u64) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_appsflyer-s2s"))
        .args(["check", "--region", "US", "--progress", "none"])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            if let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let secs = start.elapsed().as_secs_f64();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "check failed: {stderr}");
    eprint!("{stderr}");
    (secs, peak_kib)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --all-targets` runs this without `--bench`: it builds, nothing more.
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let rows: u64 = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join(format!("check-bench-{rows}.csv"));
    if !file.exists() {
        write_csv(&file, rows);
    }
    let size = std::fs::metadata(&file).unwrap().len();
    println!("check_rows: {rows} rows, {size} bytes ({file:?})");

    // Alternating rounds: core, check, core, …, core; each check is compared
    // with the mean of the core runs just before and after it.
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut core = vec![core_rate(3)];
    let mut ratios = Vec::new();
    let mut peak = 0u64;
    for round in 0..rounds {
        let (secs, peak_kib) = check_run(&file);
        core.push(core_rate(3));
        let cli = rows as f64 / secs;
        let around = (core[round] + core[round + 1]) / 2.0;
        peak = peak.max(peak_kib);
        ratios.push(cli / around);
        println!(
            "round {}: check {cli:.0} rows/s ({secs:.2} s), core {around:.0} events/s around it, ratio {:.2}, peak RSS {:.1} MB",
            round + 1,
            cli / around,
            peak_kib as f64 / 1024.0
        );
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "ratio check / core: median {:.2} (range {:.2}-{:.2}, {rounds} rounds); peak RSS {:.1} MB",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1],
        peak as f64 / 1024.0
    );
}
