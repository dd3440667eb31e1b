//! The crate's NFC (`normalize::nfc`) against Unicode's own conformance test,
//! `NormalizationTest.txt` for the Unicode version of our tables (committed,
//! without its comments, as `tests/data/NormalizationTest.txt` by
//! `node scripts/gen-normalization-test.mjs`). Beside tests/nfc.rs, which
//! compares with the `unicode-normalization` crate the tables are built from,
//! this oracle is Unicode's published expectations, not another implementation.

use std::collections::BTreeSet;

use appsflyer_s2s::normalize;

/// Guards against a truncated file: Unicode 18.0.0 has 20,171 test lines,
/// 17,154 of them in Part 1.
const MIN_LINES: usize = 20_000;
const MIN_PART1: usize = 17_000;
/// How many failures to print.
const SHOW_FAILURES: usize = 20;

fn hex(s: &str) -> String {
    s.chars()
        .map(|c| format!("{:04X}", u32::from(c)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A column of code points in hex, `0044 0307`, as a string.
fn column(text: &str, line: usize) -> String {
    text.split(' ')
        .map(|h| {
            u32::from_str_radix(h, 16)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or_else(|| panic!("line {line}: {h:?} is not a code point"))
        })
        .collect()
}

#[test]
fn nfc_passes_unicodes_normalization_test() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/NormalizationTest.txt"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read {path}: {e} (write it with `node scripts/gen-normalization-test.mjs`)")
    });
    let (major, minor, update) = normalize::UNICODE_VERSION;
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("# NormalizationTest-{major}.{minor}.{update}.txt"),
        "the test file is not for the Unicode version of the NFC tables"
    );

    let mut failures = Vec::new();
    let mut part = "";
    let mut lines = 0;
    let mut part1 = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('@') {
            part = name;
            continue;
        }
        let c: Vec<String> = line
            .split(';')
            .take(5)
            .map(|col| column(col, number))
            .collect();
        assert_eq!(
            c.len(),
            5,
            "line {number}: {line:?} has fewer than 5 columns"
        );
        lines += 1;
        if part == "Part1" {
            let mut chars = c[0].chars();
            match (chars.next(), chars.next()) {
                (Some(only), None) => part1.insert(only),
                _ => panic!("line {number}: Part 1 lines hold one code point"),
            };
        }
        // c2 == NFC(c1) == NFC(c2) == NFC(c3); c4 == NFC(c4) == NFC(c5).
        for (from, want) in [(0, 1), (1, 1), (2, 1), (3, 3), (4, 3)] {
            let got = normalize::nfc(&c[from]);
            if got != c[want] {
                failures.push(format!(
                    "line {number} ({part}): NFC(c{}) = [{}], want c{} = [{}]",
                    from + 1,
                    hex(&got),
                    want + 1,
                    hex(&c[want])
                ));
            }
        }
    }

    // Every code point not listed in Part 1 is its own NFC.
    let mut unlisted = 0;
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        if part1.contains(&c) {
            continue;
        }
        unlisted += 1;
        let s = c.to_string();
        let got = normalize::nfc(&s);
        if got != s {
            failures.push(format!(
                "U+{:04X} is not in Part 1, so NFC must leave it, got [{}]",
                u32::from(c),
                hex(&got)
            ));
        }
    }

    println!(
        "NormalizationTest {major}.{minor}.{update}: {lines} lines ({} in Part 1), \
         {unlisted} other code points, {} failures",
        part1.len(),
        failures.len()
    );
    assert!(
        lines >= MIN_LINES && part1.len() >= MIN_PART1,
        "{path} holds {lines} test lines ({} in Part 1): truncated?",
        part1.len()
    );
    assert!(
        failures.is_empty(),
        "normalize::nfc fails {} checks of NormalizationTest.txt, first:\n{}",
        failures.len(),
        failures[..failures.len().min(SHOW_FAILURES)].join("\n")
    );
}
