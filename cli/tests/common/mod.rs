//! Helpers for the command line's tests: running the binary, and a small
//! AppsFlyer stand-in on 127.0.0.1 written with std only, whose answers a
//! test scripts per request.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The key every test sends with; it must never show up in any output.
pub const KEY: &str = "s2s-key-MUST-NOT-LEAK-4f1b9c";

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_appsflyer-s2s"));
    c.env_remove("APPSFLYER_S2S_KEY");
    c
}

/// A fresh directory under the target dir for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("the binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("an exit code, not a signal")
}

/// What the stand-in does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answer with this status, body and extra headers.
    Status(u16, &'static str, Vec<(&'static str, String)>),
    /// Wait, then answer 200 OK.
    SlowOk(Duration),
    /// Read the request, then close the connection without answering
    /// (a reset after the request was sent: ambiguous).
    Drop,
}

pub fn ok() -> Reply {
    Reply::Status(200, "OK", Vec::new())
}

/// One request the stand-in received.
#[derive(Clone, Debug)]
pub struct Received {
    pub at: std::time::Instant,
    pub path: String,
    pub key: Option<String>,
    pub body: String,
}

type Script = dyn Fn(usize, &str) -> Reply + Send + Sync;

/// The stand-in: `script(n, body)` decides the answer to the n-th request (0-based).
pub struct Fake {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Fake {
    pub fn start(script: impl Fn(usize, &str) -> Reply + Send + Sync + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let count = Arc::new(AtomicUsize::new(0));
        let rec = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (script, rec, count) =
                    (Arc::clone(&script), Arc::clone(&rec), Arc::clone(&count));
                std::thread::spawn(move || serve(stream, &*script, &rec, &count));
            }
        });
        Fake { url, received }
    }

    pub fn bodies(&self) -> Vec<String> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.body.clone())
            .collect()
    }
}

fn serve(stream: TcpStream, script: &Script, rec: &Mutex<Vec<Received>>, count: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        let mut key = None;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((name, value)) = h.split_once(':') {
                let value = value.trim();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse().unwrap_or(0),
                    "authentication" => key = Some(value.to_string()),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_string();
        let n = count.fetch_add(1, Ordering::SeqCst);
        let reply = script(n, &body);
        rec.lock().unwrap().push(Received {
            at: std::time::Instant::now(),
            path,
            key,
            body,
        });
        let (status, text, headers) = match reply {
            Reply::Drop => return,
            Reply::SlowOk(d) => {
                std::thread::sleep(d);
                (200, "OK", Vec::new())
            }
            Reply::Status(s, t, h) => (s, t, h),
        };
        let mut head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n",
            text.len()
        );
        for (n, v) in headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        if out.write_all(head.as_bytes()).is_err() || out.write_all(text.as_bytes()).is_err() {
            return;
        }
    }
}

/// A CSV file of `n` valid events, one per row; row k (from 0) is on line
/// k + 2 and carries `customer_user_id` = `row-k`.
pub fn valid_csv(dir: &Path, n: usize) -> PathBuf {
    let mut text =
        String::from("appsflyer_id,eventName,customer_user_id,eventValue.af_revenue,email\n");
    for k in 0..n {
        text.push_str(&format!(
            "1415211453000-{:07},af_purchase,row-{k},{}.99,user{k}@example.com\n",
            k + 1,
            k % 100
        ));
    }
    let path = dir.join("events.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// The `row-k` of a body the stand-in received.
pub fn row_of(body: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["customer_user_id"].as_str().unwrap()["row-".len()..]
        .parse()
        .unwrap()
}

/// Every journal line parses, and gives each line's last state.
pub fn journal_states(path: &Path) -> std::collections::BTreeMap<u64, String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut states = std::collections::BTreeMap::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("journal line {} is damaged ({e}): {line}", i + 1));
        states.insert(
            v["line"].as_u64().unwrap(),
            v["state"].as_str().unwrap().to_string(),
        );
    }
    states
}

/// The report's entries.
pub fn report(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Asserts the key is nowhere in the outputs or the files of `dir`.
pub fn assert_no_key(outputs: &[&Output], dir: &Path) {
    for o in outputs {
        assert!(
            !String::from_utf8_lossy(&o.stdout).contains(KEY),
            "key in stdout"
        );
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains(KEY),
            "key in stderr"
        );
    }
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "key") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(KEY),
            "key in {}",
            path.display()
        );
    }
}
