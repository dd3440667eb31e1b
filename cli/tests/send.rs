//! `send` against a scripted stand-in on 127.0.0.1: delivery, resume,
//! rejections, retries, ambiguity, Ctrl-C, the rate, and the key.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn send(file: &Path, fake: &Fake) -> Command {
    send_showing(file, fake, "none")
}

fn send_showing(file: &Path, fake: &Fake, progress: &str) -> Command {
    let mut c = bin();
    c.arg("send")
        .arg(file)
        .args(["--app-id", "com.example.app", "--endpoint", &fake.url])
        .args([
            "--progress",
            progress,
            "--concurrency",
            "4",
            "--timeout",
            "2",
        ])
        .env("APPSFLYER_S2S_KEY", KEY);
    c
}

fn per_row(fake: &Fake) -> BTreeMap<usize, usize> {
    let mut counts = BTreeMap::new();
    for body in fake.bodies() {
        *counts.entry(row_of(&body)).or_insert(0) += 1;
    }
    counts
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_with_deadline(mut child: Child, deadline: Duration) -> std::process::Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < deadline,
            "the process did not exit within {deadline:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn delivers_every_row_once_and_resumes_without_resending() {
    let dir = temp_dir("send_delivers");
    let file = valid_csv(&dir, 30);
    let fake = Fake::start(|_, _| ok());
    let first = run(&mut send(&file, &fake));
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let counts = per_row(&fake);
    assert_eq!(counts.len(), 30);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    let got = fake.received.lock().unwrap().clone();
    assert!(got
        .iter()
        .all(|r| r.key.as_deref() == Some(KEY) && r.path == "/inappevent/com.example.app"));
    assert!(got
        .iter()
        .all(|r| r.body.contains("email_hashed") && !r.body.contains("@example.com")));
    assert!(
        stderr(&first).contains("delivered") && stderr(&first).contains("30"),
        "{}",
        stderr(&first)
    );
    assert_eq!(report(&dir.join("events.csv.report.ndjson")).len(), 0);

    let second = run(&mut send(&file, &fake));
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    assert_eq!(fake.bodies().len(), 30, "a resumed run sends nothing again");
    assert!(
        stderr(&second).contains("30 in earlier runs"),
        "{}",
        stderr(&second)
    );
    assert_no_key(&[&first, &second], &dir);
}

#[test]
fn rejected_and_invalid_rows_are_reported_and_not_sent_again() {
    let dir = temp_dir("send_rejected");
    let file = dir.join("events.ndjson");
    std::fs::write(
        &file,
        "{\"appsflyer_id\":\"1415211453000-1\",\"eventName\":\"a\",\"customer_user_id\":\"row-0\"}\n\
         {\"appsflyer_id\":\"1415211453000-2\",\"eventName\":\"a\",\"customer_user_id\":\"row-1\",\"email\":\"nope\"}\n\
         \n\
         {\"appsflyer_id\":\"1415211453000-3\",\"eventName\":\"a\",\"customer_user_id\":\"row-2\"}\n",
    )
    .unwrap();
    let fake = Fake::start(|_, body| {
        if body.contains("row-2") {
            Reply::Status(400, "appsflyer_id is a mandatory field", Vec::new())
        } else {
            ok()
        }
    });
    let o = run(&mut send(&file, &fake));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let report_path = dir.join("events.ndjson.report.ndjson");
    let mut entries = report(&report_path);
    entries.sort_by_key(|e| e["line"].as_u64());
    assert_eq!(entries.len(), 2);
    assert_eq!(
        (entries[0]["line"].as_u64(), entries[0]["status"].as_str()),
        (Some(2), Some("invalid"))
    );
    assert_eq!(entries[0]["errors"][0]["code"], "invalid_email");
    assert_eq!(
        (entries[1]["line"].as_u64(), entries[1]["status"].as_str()),
        (Some(4), Some("rejected"))
    );
    assert_eq!(entries[1]["upstream"]["status"], 400);
    assert_eq!(
        entries[1]["upstream"]["body"],
        "appsflyer_id is a mandatory field"
    );

    let again = run(&mut send(&file, &fake));
    assert_eq!(code(&again), 1);
    assert_eq!(fake.bodies().len(), 2, "rejected rows are never sent again");
    let mut resumed = report(&report_path);
    resumed.sort_by_key(|e| e["line"].as_u64());
    assert_eq!(
        resumed, entries,
        "the report of a resumed run covers the whole file"
    );
}

#[test]
fn transient_answers_are_retried_after_retry_after() {
    let dir = temp_dir("send_retry_after");
    let file = valid_csv(&dir, 3);
    let fake = Fake::start(|n, _| {
        if n == 0 {
            Reply::Status(503, "busy", vec![("retry-after", "3".into())])
        } else {
            ok()
        }
    });
    let o = run(&mut send(&file, &fake));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let got = fake.received.lock().unwrap().clone();
    assert_eq!(got.len(), 4);
    let first = row_of(&got[0].body);
    let retry = got
        .iter()
        .skip(1)
        .find(|r| row_of(&r.body) == first)
        .unwrap();
    let waited = retry.at - got[0].at;
    assert!(
        waited >= Duration::from_millis(2_900),
        "retried after {waited:?}, not after Retry-After: 3"
    );
}

#[test]
fn ambiguous_rows_are_held_then_sent_again_only_with_retry() {
    let dir = temp_dir("send_ambiguous");
    let file = valid_csv(&dir, 5);
    // The first request for row 2 is read and then the connection is closed
    // without an answer: AppsFlyer may have recorded it.
    let fake = Fake::start(|_, body| {
        static DROPPED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if row_of(body) == 2 && !DROPPED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            Reply::Drop
        } else {
            ok()
        }
    });
    let o = run(&mut send(&file, &fake));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        per_row(&fake).get(&2),
        Some(&1),
        "held: not sent again in the run"
    );
    let report_path = dir.join("events.csv.report.ndjson");
    let entries = report(&report_path);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["line"], 4);
    assert_eq!(entries[0]["status"], "ambiguous");
    assert!(stderr(&o).contains("ambiguous"), "{}", stderr(&o));

    let held = run(&mut send(&file, &fake));
    assert_eq!(code(&held), 1);
    assert_eq!(
        per_row(&fake).get(&2),
        Some(&1),
        "held: not sent again by the next run"
    );
    assert_eq!(report(&report_path), entries);

    let retried = run(send(&file, &fake).args(["--ambiguous", "retry"]));
    assert_eq!(code(&retried), 0, "{}", stderr(&retried));
    assert_eq!(per_row(&fake).get(&2), Some(&2));
    assert_eq!(fake.bodies().len(), 6);
}

#[test]
fn ctrl_c_finishes_the_requests_in_flight_and_exits_130() {
    let dir = temp_dir("send_ctrl_c");
    let file = valid_csv(&dir, 60);
    let fake = Fake::start(|n, _| {
        if n < 40 {
            Reply::SlowOk(Duration::from_millis(300))
        } else {
            ok()
        }
    });
    let child = send(&file, &fake)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1_000));
    signal(&child, "INT");
    let o = wait_with_deadline(child, Duration::from_secs(10));
    assert_eq!(code(&o), 130, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("interrupted") && err.contains("send:") && err.contains("not sent"),
        "{err}"
    );
    let states = journal_states(&dir.join("events.csv.journal"));
    assert!(
        states.values().all(|s| s == "delivered"),
        "every request in flight finished: {states:?}"
    );
    assert_eq!(states.len(), fake.bodies().len());
    assert!(states.len() < 60);

    let rest = run(&mut send(&file, &fake));
    assert_eq!(code(&rest), 0, "{}", stderr(&rest));
    let counts = per_row(&fake);
    assert_eq!(counts.len(), 60);
    assert!(
        counts.values().all(|&n| n == 1),
        "no row sent twice: {counts:?}"
    );
}

#[test]
fn a_second_ctrl_c_exits_at_once_leaving_rows_in_flight_ambiguous() {
    let dir = temp_dir("send_ctrl_c_twice");
    let file = valid_csv(&dir, 10);
    let fake = Fake::start(|n, _| {
        if n < 4 {
            Reply::SlowOk(Duration::from_secs(30))
        } else {
            ok()
        }
    });
    let child = send(&file, &fake)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    signal(&child, "INT");
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, "INT");
    let o = wait_with_deadline(child, Duration::from_secs(5));
    assert_eq!(code(&o), 130, "{}", stderr(&o));
    let states = journal_states(&dir.join("events.csv.journal"));
    assert_eq!(
        states.values().filter(|s| *s == "sending").count(),
        4,
        "{states:?}"
    );

    let next = run(&mut send(&file, &fake));
    assert_eq!(code(&next), 1, "{}", stderr(&next));
    let counts = per_row(&fake);
    assert!(
        counts.values().all(|&n| n == 1),
        "rows in flight are not sent again: {counts:?}"
    );
    let entries = report(&dir.join("events.csv.report.ndjson"));
    assert_eq!(entries.len(), 4);
    assert!(entries
        .iter()
        .all(|e| e["status"] == "ambiguous" && e["errors"][0]["code"] == "in_flight"));
}

#[test]
fn the_rate_holds_in_every_second() {
    let dir = temp_dir("send_rate");
    let file = valid_csv(&dir, 45);
    let fake = Fake::start(|_, _| ok());
    // 600 a minute: 10 a second, at most 11 in any one-second window.
    let o = run(send(&file, &fake).args(["--rate", "600"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let times: Vec<Instant> = fake.received.lock().unwrap().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 45);
    let worst = times
        .iter()
        .map(|&t| {
            times
                .iter()
                .filter(|&&u| u >= t && u < t + Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap();
    assert!(worst <= 11, "{worst} requests in one second at --rate 600");
}

#[test]
fn plain_progress_prints_a_line_every_few_seconds() {
    let dir = temp_dir("send_plain_progress");
    let file = valid_csv(&dir, 24);
    let fake = Fake::start(|_, _| Reply::SlowOk(Duration::from_millis(600)));
    let o = run(&mut send_showing(&file, &fake, "plain"));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.lines()
            .any(|l| l.starts_with("progress: ") && l.contains("delivered")),
        "{err}"
    );
}

#[test]
fn configuration_errors_send_nothing() {
    let dir = temp_dir("send_configuration");
    let file = valid_csv(&dir, 3);
    let fake = Fake::start(|_, _| ok());
    let cases: Vec<(Command, &str)> = vec![
        (
            {
                let mut c = send(&file, &fake);
                c.env_remove("APPSFLYER_S2S_KEY");
                c
            },
            "APPSFLYER_S2S_KEY",
        ),
        (
            {
                let mut c = send(&file, &fake);
                c.env("APPSFLYER_S2S_KEY", "has space");
                c
            },
            "S2S key",
        ),
        (
            {
                let mut c = bin();
                c.args([
                    "send",
                    file.to_str().unwrap(),
                    "--app-id",
                    "a.b",
                    "--endpoint",
                    "http://example.com",
                ])
                .env("APPSFLYER_S2S_KEY", KEY);
                c
            },
            "--endpoint",
        ),
        (
            {
                let mut c = send(&file, &fake);
                c.args(["--app-id", "123456789"]);
                c
            },
            "--app-id",
        ),
        (
            {
                let mut c = send(&file, &fake);
                c.args(["--region", "XX"]);
                c
            },
            "--region",
        ),
        (
            {
                let mut c = send(&file, &fake);
                c.args(["--rate", "0"]);
                c
            },
            "--rate",
        ),
    ];
    for (mut cmd, says) in cases {
        let o = run(&mut cmd);
        assert_eq!(code(&o), 2, "{says}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{says}: {}", stderr(&o));
        assert_no_key(&[&o], &dir);
    }
    assert!(fake.bodies().is_empty());
    assert!(!dir.join("events.csv.journal").exists());
}

#[test]
fn the_key_file_loses_one_newline_and_the_key_never_shows() {
    let dir = temp_dir("send_key_file");
    let file = valid_csv(&dir, 2);
    let key_file = dir.join("s2s.key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    let fake = Fake::start(|_, _| Reply::Status(401, "Unauthorized", Vec::new()));
    let o = run(send(&file, &fake)
        .env_remove("APPSFLYER_S2S_KEY")
        .arg("--key-file")
        .arg(&key_file));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(fake
        .received
        .lock()
        .unwrap()
        .iter()
        .all(|r| r.key.as_deref() == Some(KEY)));
    assert_no_key(&[&o], &dir);
}

#[test]
fn a_changed_file_is_not_resumed() {
    let dir = temp_dir("send_changed");
    let file = valid_csv(&dir, 5);
    let fake = Fake::start(|_, _| ok());
    assert_eq!(code(&run(&mut send(&file, &fake))), 0);
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("row-3", "row-33");
    std::fs::write(&file, text).unwrap();
    let o = run(&mut send(&file, &fake));
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("has changed"), "{}", stderr(&o));
    assert_eq!(fake.bodies().len(), 5);
}

#[test]
fn dry_run_and_standard_input() {
    let dir = temp_dir("send_dry_run");
    let file = valid_csv(&dir, 4);
    let fake = Fake::start(|_, _| ok());
    let o = run(send(&file, &fake)
        .arg("--dry-run")
        .env_remove("APPSFLYER_S2S_KEY"));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("4 would be sent"), "{}", stderr(&o));
    assert!(fake.bodies().is_empty() && !dir.join("events.csv.journal").exists());

    let o = run(bin()
        .args(["send", "-", "--format", "csv", "--app-id", "a.b"])
        .env("APPSFLYER_S2S_KEY", KEY));
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--journal"), "{}", stderr(&o));
}
