//! Any bytes → the command line's row reader (CSV when the first byte is
//! even, NDJSON when odd; the rest is the file): never panics, never an I/O
//! error from memory, line numbers strictly increasing and inside the file,
//! NDJSON gives exactly one row per non-blank line (nothing skipped
//! silently), every readable row goes through the core, and reading the
//! same bytes twice gives the same rows.
#![no_main]

use appsflyer_s2s::BuildOptions;
use appsflyer_s2s_cli::event::build_row;
use appsflyer_s2s_cli::rows::{Format, LineCount, ReadError, Row, RowReader};
use libfuzzer_sys::fuzz_target;

fn read(format: Format, input: &[u8]) -> Option<Vec<Row>> {
    let reader = match RowReader::new(input, format, &[], true) {
        Ok(r) => r,
        Err(ReadError::Header(_)) => return None,
        Err(ReadError::Io(e)) => panic!("I/O error reading memory: {e}"),
    };
    Some(
        reader
            .map(|r| r.expect("no I/O error from memory"))
            .collect(),
    )
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let format = if selector % 2 == 0 {
        Format::Csv
    } else {
        Format::Ndjson
    };
    let Some(rows) = read(format, input) else {
        assert_eq!(format, Format::Csv, "only a CSV header can be refused");
        return;
    };
    // CSV records end at \r\n, \n or a lone \r; NDJSON lines at \n.
    let last_line = 1 + match format {
        Format::Csv => {
            let mut count = LineCount::default();
            count.feed(input);
            count.breaks
        }
        Format::Ndjson => input.iter().filter(|&&b| b == b'\n').count() as u64,
    };
    let mut previous = 0;
    for row in &rows {
        assert!(
            row.line > previous && row.line <= last_line,
            "line {} after {previous}",
            row.line
        );
        previous = row.line;
        if let Ok(fields) = &row.event {
            let _ = build_row(
                fields.clone(),
                row.app_id.as_deref(),
                &BuildOptions::new().default_region("US"),
            );
        }
    }
    if format == Format::Ndjson {
        let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
        if input.ends_with(b"\n") {
            lines.pop();
        }
        let non_blank = lines
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                let l = if *i == 0 {
                    l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l)
                } else {
                    l
                };
                !l.iter().all(u8::is_ascii_whitespace)
            })
            .count();
        assert_eq!(rows.len(), non_blank, "one row per non-blank line");
    }
    assert_eq!(
        read(format, input),
        Some(rows),
        "the same bytes give the same rows"
    );
});
