//! The row reader: every row comes out with the line it starts on, as an
//! event or as the reason it is unreadable; nothing is skipped but blank lines.

use appsflyer_s2s_cli::rows::{ColumnMap, Format, ReadError, Row, RowReader};
use serde_json::{json, Value};

fn read(format: Format, input: &[u8], maps: &[ColumnMap]) -> Vec<Row> {
    RowReader::new(input, format, maps, true)
        .expect("a readable header")
        .map(|r| r.expect("no I/O error"))
        .collect()
}

fn csv(input: &str) -> Vec<Row> {
    read(Format::Csv, input.as_bytes(), &[])
}

fn fields(row: &Row) -> Value {
    Value::Object(row.event.clone().expect("a readable row"))
}

fn codes(row: &Row) -> Vec<&'static str> {
    row.event
        .as_ref()
        .expect_err("an unreadable row")
        .iter()
        .map(|e| e.code)
        .collect()
}

#[test]
fn csv_line_numbers_are_where_each_record_starts() {
    let rows = csv("eventName,ua\n\
                    a,plain\n\
                    b,\"two\nlines\"\n\
                    c,\"x, y\"\n\
                    \n\
                    d,after a blank line\n");
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 5, 7]);
    assert_eq!(fields(&rows[1])["ua"], "two\nlines");
    assert_eq!(fields(&rows[2])["ua"], "x, y");
}

#[test]
fn csv_bom_and_crlf() {
    let rows =
        csv("\u{FEFF}appsflyer_id,eventName\r\n1415211453000-6513894,af_login\r\n2,\"b\r\nc\"\r\n");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        fields(&rows[0]),
        json!({"appsflyer_id": "1415211453000-6513894", "eventName": "af_login"})
    );
    assert_eq!(rows[1].line, 3);
    assert_eq!(fields(&rows[1])["eventName"], "b\r\nc");
}

#[test]
fn csv_cells_become_typed_fields_and_event_value_keys() {
    let rows = csv("eventName,eventValue.af_revenue,eventValue.sku,aie,att,sharing_filter,consent_data,email,app_id\n\
         af_purchase,19.99,,TRUE,3,\"[\"\"a\"\",\"\"b\"\"]\",\"{\"\"manual\"\":{\"\"gdpr_applies\"\":false}}\",,id123\n");
    let row = &rows[0];
    assert_eq!(row.app_id.as_deref(), Some("id123"));
    assert_eq!(
        fields(row),
        json!({
            "eventName": "af_purchase",
            "eventValue": {"af_revenue": "19.99"},
            "aie": true,
            "att": 3,
            "sharing_filter": ["a", "b"],
            "consent_data": {"manual": {"gdpr_applies": false}},
        }),
        "an empty cell is an absent field; eventValue.<key> cells are strings"
    );
}

#[test]
fn csv_map_renames_columns() {
    let maps = vec![
        "email=E-mail".parse::<ColumnMap>().unwrap(),
        "eventValue.af_revenue=Amount".parse().unwrap(),
    ];
    let rows = read(
        Format::Csv,
        b"E-mail,Amount,eventName\nx@example.com,5,af_purchase\n",
        &maps,
    );
    assert_eq!(
        fields(&rows[0]),
        json!({"email": "x@example.com", "eventValue": {"af_revenue": "5"}, "eventName": "af_purchase"})
    );
}

#[test]
fn csv_ragged_rows_are_invalid_with_their_line() {
    let rows = csv("eventName,ua\na,b,c\nd\ne,f\n");
    assert_eq!(rows.len(), 3);
    assert_eq!(
        (rows[0].line, codes(&rows[0])),
        (2, vec!["wrong_column_count"])
    );
    assert_eq!(
        (rows[1].line, codes(&rows[1])),
        (3, vec!["wrong_column_count"])
    );
    assert!(rows[2].event.is_ok());
}

#[test]
fn csv_bad_quoting_is_invalid_not_guessed() {
    let rows = csv("eventName,ua\n\
                    a,b\"c\n\
                    \"d\"e,f\n\
                    g,h\n\
                    i,\"never closed\n\
                    j,k\n");
    assert_eq!((rows[0].line, codes(&rows[0])), (2, vec!["invalid_csv"]));
    assert_eq!((rows[1].line, codes(&rows[1])), (3, vec!["invalid_csv"]));
    assert!(rows[2].event.is_ok(), "a good row between bad ones is read");
    // The unclosed quote swallows the rest of the file: one invalid record
    // that says which lines it took, never a silent loss.
    assert_eq!(rows.len(), 4);
    assert_eq!((rows[3].line, codes(&rows[3])), (5, vec!["invalid_csv"]));
    let message = &rows[3].event.as_ref().unwrap_err()[0].message;
    assert!(
        message.contains("never closed") && message.contains("line 5 to line 6"),
        "{message}"
    );
}

#[test]
fn invalid_utf8_is_an_invalid_row_naming_the_column() {
    let rows = read(
        Format::Csv,
        b"eventName,first_name\naf_login,Val\xE9ry\nok,fine\n",
        &[],
    );
    assert_eq!(codes(&rows[0]), ["invalid_utf8"]);
    let e = &rows[0].event.as_ref().unwrap_err()[0];
    assert_eq!(e.field, "first_name");
    assert!(
        !e.message.contains("Val"),
        "no raw value in messages: {}",
        e.message
    );
    assert!(rows[1].event.is_ok());

    let rows = read(Format::Ndjson, b"{\"eventName\":\"Val\xE9ry\"}\n{}\n", &[]);
    assert_eq!((rows[0].line, codes(&rows[0])), (1, vec!["invalid_utf8"]));
    assert_eq!(rows[1].line, 2);
}

#[test]
fn a_10_mb_line_is_one_invalid_row() {
    let big = "x".repeat(10 << 20);
    let input = format!("eventName,ua\na,{big}\nb,c\n");
    let rows = csv(&input);
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].line, codes(&rows[0])), (2, vec!["row_too_large"]));
    assert_eq!(rows[1].line, 3);

    let input = format!("{{\"ua\":\"{big}\"}}\n{{\"eventName\":\"b\"}}\n");
    let rows = read(Format::Ndjson, input.as_bytes(), &[]);
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].line, codes(&rows[0])), (1, vec!["row_too_large"]));
    assert_eq!(fields(&rows[1]), json!({"eventName": "b"}));
}

#[test]
fn ndjson_rows_blank_lines_and_values_that_are_not_objects() {
    let rows = read(
        Format::Ndjson,
        b"\xEF\xBB\xBF{\"eventName\":\"a\",\"app_id\":\"id1\"}\r\n\n   \n[1,2]\n42\n{\"eventName\":\nnull\n{\"app_id\":7}\n",
        &[],
    );
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 4, 5, 6, 7, 8]);
    assert_eq!(rows[0].app_id.as_deref(), Some("id1"));
    assert_eq!(fields(&rows[0]), json!({"eventName": "a"}));
    for row in &rows[1..5] {
        assert_eq!(codes(row), ["invalid_json"], "line {}", row.line);
    }
    assert_eq!(codes(&rows[5]), ["wrong_type"]);
}

#[test]
fn headers_that_cannot_be_used_are_one_clear_error() {
    let header_error =
        |input: &[u8], maps: &[ColumnMap]| match RowReader::new(input, Format::Csv, maps, false) {
            Err(ReadError::Header(m)) => m,
            Err(e) => panic!("expected a header error, got {e}"),
            Ok(_) => panic!("expected a header error"),
        };
    assert!(header_error(b"", &[]).contains("empty"));
    assert!(header_error(b"email,eventName,email\n", &[]).contains("both give email"));
    assert!(header_error(b"a,,b\n", &[]).contains("no name"));
    assert!(header_error(b"eventValue.\n", &[]).contains("eventValue.<key>"));
    let maps = ["email=Mail".parse().unwrap()];
    assert!(header_error(b"email\n", &maps).contains("no column named \"Mail\""));
}

#[test]
fn row_hashes_follow_the_raw_bytes() {
    let a = csv("eventName\nx\ny\n");
    let b = csv("eventName\r\nx\r\nz\r\n");
    assert_eq!(a[0].hash, b[0].hash, "line endings are not part of a row");
    assert_ne!(a[1].hash, b[1].hash);
}

#[test]
fn a_lone_carriage_return_ends_a_line_as_it_ends_a_record() {
    let rows = csv("eventName,ua\ra,b\rc,d\r\ne,f\n");
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 4]);
}
