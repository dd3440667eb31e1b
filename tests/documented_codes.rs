//! The README's lists of error and warning codes are exactly the core's
//! (`ErrorCode::ALL`, `WarningCode::ALL`): a code added without documenting it,
//! or documented but gone, fails here. (The TypeScript unions are checked the
//! same way next to them, in bindings/wasm/src/typescript.rs.)

use std::collections::BTreeSet;

use appsflyer_s2s::{ErrorCode, WarningCode};

const README: &str = include_str!("../README.md");

/// The backticked words of the README paragraph that follows `lead`, up to the
/// next blank line.
fn listed_after(lead: &str) -> Vec<&'static str> {
    let errors = README
        .split_once("\n### Errors\n")
        .map(|(_, rest)| rest)
        .expect("README.md has an `### Errors` section");
    let paragraph = errors
        .split_once(lead)
        .map(|(_, rest)| rest.trim_start().split("\n\n").next().unwrap_or_default())
        .unwrap_or_else(|| panic!("README.md's `### Errors` section has no {lead:?}"));
    paragraph.split('`').skip(1).step_by(2).collect()
}

/// Compares a documented list with the core's codes, both ways.
fn same_codes(what: &str, documented: Vec<&str>, core: Vec<&str>) {
    let set: BTreeSet<&str> = documented.iter().copied().collect();
    assert_eq!(
        set.len(),
        documented.len(),
        "README.md lists a {what} twice: {documented:?}"
    );
    let core_set: BTreeSet<&str> = core.iter().copied().collect();
    let undocumented: Vec<_> = core_set.difference(&set).collect();
    let unknown: Vec<_> = set.difference(&core_set).collect();
    assert!(
        undocumented.is_empty(),
        "README.md does not list the {what}s {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "README.md lists {what}s the core does not have: {unknown:?}"
    );
}

#[test]
fn readme_lists_every_error_code_and_no_other() {
    same_codes(
        "error code",
        listed_after("a stable snake_case string:"),
        ErrorCode::ALL.iter().map(|c| c.as_str()).collect(),
    );
}

#[test]
fn readme_lists_every_warning_code_and_no_other() {
    same_codes(
        "warning code",
        listed_after("Warnings (the event is still sent):"),
        WarningCode::ALL.iter().map(|c| c.as_str()).collect(),
    );
}
