//! `check`, `hash` and `build`: exit codes, reports, and no raw PII in any output.

mod common;

use common::*;
use std::io::Write;
use std::process::Stdio;

#[test]
fn check_exit_codes_and_report() {
    let dir = temp_dir("check_exit_codes");
    let good = valid_csv(&dir, 20);
    let o = run(bin().arg("check").arg(&good));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("20 rows"), "{}", stderr(&o));

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "appsflyer_id,eventName,email,phone_number\n\
         1415211453000-6513894,af_purchase,secret.person@example.com,12\n\
         1415211453000-6513894,af_login,,\n\
         1415211453000-6513894,,,\n",
    )
    .unwrap();
    let report_path = dir.join("report.ndjson");
    let o = run(bin()
        .arg("check")
        .arg(&bad)
        .arg("--report")
        .arg(&report_path));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("1 valid, 2 invalid"), "{err}");
    assert!(
        err.contains("invalid_phone") && err.contains("missing_field"),
        "{err}"
    );
    let entries = report(&report_path);
    let lines: Vec<u64> = entries
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 4]);
    assert_eq!(entries[0]["status"], "invalid");
    assert_eq!(entries[0]["errors"][0]["field"], "phone_number");
    let text = std::fs::read_to_string(&report_path).unwrap();
    assert!(
        !text.contains("secret.person") && !err.contains("secret.person"),
        "raw PII leaked"
    );
}

#[test]
fn check_unreadable_input_is_exit_2() {
    let dir = temp_dir("check_unreadable");
    for (args, says) in [
        (
            vec![
                "check".into(),
                dir.join("missing.csv").display().to_string(),
            ],
            "cannot open",
        ),
        (
            vec![
                "check".into(),
                dir.display().to_string(),
                "--format".into(),
                "csv".into(),
            ],
            "directory",
        ),
        (vec!["check".into(), "events.txt".into()], "--format"),
        (vec!["check".into(), "-".into()], "--format"),
        (
            vec![
                "check".into(),
                "x.csv".into(),
                "--region".into(),
                "ZZ".into(),
            ],
            "--region",
        ),
        (
            vec![
                "check".into(),
                "x.csv".into(),
                "--app-id".into(),
                "123456".into(),
            ],
            "id123456",
        ),
        (
            vec![
                "check".into(),
                "x.csv".into(),
                "--format".into(),
                "xml".into(),
            ],
            "xml",
        ),
    ] {
        let o = run(bin().args(&args));
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let o = run(bin().arg("check").arg(&empty));
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("empty"), "{}", stderr(&o));
}

#[test]
fn check_reads_standard_input_with_format() {
    let mut child = bin()
        .args(["check", "-", "--format", "ndjson"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"{\"appsflyer_id\":\"1415211453000-6513894\",\"eventName\":\"af_login\"}\n\n[1]\n",
        )
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("2 rows") && stderr(&o).contains("1 invalid"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn hash_gives_the_published_vectors() {
    for (args, digest) in [
        (
            vec!["email", "John_Smith@gmail.com"],
            "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f",
        ),
        (
            vec!["phone", "(650)555-1212", "--region", "US"],
            "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176",
        ),
        (
            vec!["phone-e164", "(+1)2133734253"],
            "9f7ec22d72092cd3c0b58726ed9c2d91b92e51a3f29837508fb2948bb22dd2fd",
        ),
        (
            vec!["name", "Mary"],
            "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec",
        ),
    ] {
        let o = run(bin().arg("hash").args(&args));
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            digest,
            "{args:?}"
        );
    }
    let o = run(bin().args(["hash", "phone", "650 555 1212"]));
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("--region") && !stderr(&o).contains("555"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn build_prints_the_exact_body() {
    let build = |event: &str| {
        let mut child = bin()
            .args(["build", "--region", "US"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(event.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let o = build(
        r#"{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase","email":"John_Smith@gmail.com","phone_number":"(650) 555-1212"}"#,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let body = String::from_utf8_lossy(&o.stdout);
    assert!(
        body.contains(
            r#""email_hashed":"62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f""#
        ),
        "{body}"
    );
    assert!(!body.contains("John"), "{body}");
    let o = build(r#"{"eventName":"af_purchase","email":"secret.person"}"#);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("appsflyer_id") && !err.contains("secret.person"),
        "{err}"
    );
}

#[test]
fn unknown_columns_are_refused_unless_forwarded_and_pii_never_is() {
    let dir = temp_dir("check_unknown_columns");
    let file = dir.join("extra.csv");
    std::fs::write(
        &file,
        "appsflyer_id,eventName,crm_segment\n1415211453000-6513894,af_login,gold\n",
    )
    .unwrap();
    let o = run(bin().arg("check").arg(&file));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown_field"), "{}", stderr(&o));
    let o = run(bin()
        .arg("check")
        .arg(&file)
        .arg("--forward-unknown-fields"));
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let pii = dir.join("pii.csv");
    std::fs::write(
        &pii,
        "appsflyer_id,eventName,Email\n1415211453000-6513894,af_login,secret.person@example.com\n",
    )
    .unwrap();
    let report_path = dir.join("report.ndjson");
    let o = run(bin()
        .arg("check")
        .arg(&pii)
        .arg("--forward-unknown-fields")
        .arg("--report")
        .arg(&report_path));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = std::fs::read_to_string(&report_path).unwrap();
    assert!(text.contains("raw_pii"), "{text}");
    assert!(!text.contains("secret.person") && !stderr(&o).contains("secret.person"));
}
