//! The journal on resume: whose it is, lines cut short by a crash, damage,
//! and the changed-file check.

use appsflyer_s2s_cli::journal::{Header, JournalWriter, Resume, State};
use std::path::PathBuf;

fn journal(name: &str) -> (PathBuf, Header) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    (
        dir.join("events.journal"),
        Header::new("csv", 42, "com.example.app"),
    )
}

#[test]
fn states_resume_by_line_and_memory_is_ranges() {
    let (path, header) = journal("journal_states");
    let w = JournalWriter::open(&path, &header).unwrap();
    for line in 2..=100_001 {
        w.record(line, line * 7, State::Sending, &[], None).unwrap();
        w.record(line, line * 7, State::Delivered, &[], None)
            .unwrap();
    }
    w.record(100_002, 1, State::Sending, &[], None).unwrap();
    w.record(100_003, 2, State::Failed, &[], None).unwrap();
    let r = Resume::load(&path, &header).unwrap().unwrap();
    assert_eq!(r.rows(), 100_002);
    assert_eq!(r.count(State::Delivered), 100_000);
    assert_eq!(r.state(50_000), Some(State::Delivered));
    assert_eq!(r.state(100_002), Some(State::Sending));
    assert_eq!(r.state(100_003), Some(State::Failed));
    assert_eq!(r.state(100_004), None);
    // The file as it was: accepted; one row changed or missing: refused.
    let rows = |changed: u64| {
        (2..=100_003).map(move |l| {
            Ok((
                l,
                if l == changed {
                    0
                } else if l <= 100_001 {
                    l * 7
                } else {
                    l - 100_001
                },
            ))
        })
    };
    assert!(r.verify(rows(0)).is_ok());
    assert!(r.verify(rows(777)).unwrap_err().contains("has changed"));
    assert!(
        r.verify((2..=100_001).map(|l| Ok((l, l * 7)))).is_err(),
        "rows missing at the end"
    );
}

#[test]
fn a_last_line_cut_short_is_ignored_a_damaged_one_is_refused() {
    let (path, header) = journal("journal_damage");
    let w = JournalWriter::open(&path, &header).unwrap();
    w.record(2, 9, State::Delivered, &[], None).unwrap();
    drop(w);
    let whole = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{whole}{{\"line\":3,\"hash\":\"00")).unwrap();
    let r = Resume::load(&path, &header).unwrap().unwrap();
    assert_eq!((r.rows(), r.state(3)), (1, None));
    // The next run appends on a line of its own.
    JournalWriter::open(&path, &header)
        .unwrap()
        .record(3, 5, State::Delivered, &[], None)
        .unwrap();
    let r = Resume::load(&path, &header).unwrap().unwrap();
    assert_eq!((r.rows(), r.state(3)), (2, Some(State::Delivered)));
    std::fs::write(
        &path,
        format!("{whole}garbage\n{{\"line\":4,\"hash\":\"01\",\"state\":\"delivered\"}}\n"),
    )
    .unwrap();
    assert!(Resume::load(&path, &header)
        .unwrap_err()
        .contains("damaged"));
}

#[test]
fn a_journal_of_another_file_or_app_is_refused() {
    let (path, header) = journal("journal_other");
    JournalWriter::open(&path, &header)
        .unwrap()
        .record(2, 1, State::Delivered, &[], None)
        .unwrap();
    let other_app = Header::new("csv", 42, "id123");
    assert!(Resume::load(&path, &other_app)
        .unwrap_err()
        .contains("--app-id"));
    let other_columns = Header::new("csv", 43, "com.example.app");
    assert!(Resume::load(&path, &other_columns)
        .unwrap_err()
        .contains("other columns"));
    std::fs::write(&path, "not a journal\n").unwrap();
    assert!(Resume::load(&path, &header)
        .unwrap_err()
        .contains("not a journal"));
}
