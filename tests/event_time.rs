//! `eventTime`: every accepted form becomes UTC `yyyy-mm-dd hh:mm:ss.sss`.

use appsflyer_s2s::time::{parse, TimeError, TimeForm, Timestamp};

#[test]
fn accepted_forms() {
    let cases = [
        (
            "2019-05-15 12:17:01.123",
            "2019-05-15 12:17:01.123",
            TimeForm::AppsFlyer,
        ),
        (
            "2019-05-15 12:17:01",
            "2019-05-15 12:17:01.000",
            TimeForm::AppsFlyerLoose,
        ),
        (
            "2019-05-15 12:17:01.1",
            "2019-05-15 12:17:01.100",
            TimeForm::AppsFlyerLoose,
        ),
        (
            "2019-05-15 12:17:01.123456",
            "2019-05-15 12:17:01.123",
            TimeForm::AppsFlyerLoose,
        ),
        (
            "2024-01-02T03:04:05Z",
            "2024-01-02 03:04:05.000",
            TimeForm::Rfc3339,
        ),
        (
            "2024-01-02t03:04:05.5z",
            "2024-01-02 03:04:05.500",
            TimeForm::Rfc3339,
        ),
        (
            "2024-01-02T03:04:05.678+01:00",
            "2024-01-02 02:04:05.678",
            TimeForm::Rfc3339,
        ),
        (
            "2024-01-02T03:04:05-0530",
            "2024-01-02 08:34:05.000",
            TimeForm::Rfc3339,
        ),
        (
            "2024-01-01T00:30:00+01:00",
            "2023-12-31 23:30:00.000",
            TimeForm::Rfc3339,
        ),
        (
            "2024-02-29 23:59:59.999Z",
            "2024-02-29 23:59:59.999",
            TimeForm::Rfc3339,
        ),
        (
            "2000-02-29T12:00:00Z",
            "2000-02-29 12:00:00.000",
            TimeForm::Rfc3339,
        ),
        (
            "1700000000000",
            "2023-11-14 22:13:20.000",
            TimeForm::EpochMillis,
        ),
    ];
    for (input, want, form) in cases {
        let (t, got_form) = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(t.to_appsflyer(), want, "{input}");
        assert_eq!(got_form, form, "{input}");
    }
}

#[test]
fn refused_forms_say_why() {
    let cases = [
        ("", TimeError::Empty),
        ("2024-01-02T03:04:05", TimeError::MissingOffset),
        ("2024-01-02T03:04:05.123", TimeError::MissingOffset),
        ("2024/01/02 03:04:05", TimeError::Format),
        ("2024-01-02 03:04", TimeError::Format),
        ("2024-01-02", TimeError::Format),
        ("2024-01-02 03:04:05.", TimeError::Format),
        ("2024-01-02 03:04:05.1234567890", TimeError::Format),
        ("2024-01-02 03:04:05 ", TimeError::Format),
        ("2024-01-02T03:04:05+1", TimeError::Format),
        ("2023-02-29 00:00:00.000", TimeError::InvalidField),
        ("1900-02-29 00:00:00.000", TimeError::InvalidField),
        ("2024-13-01 00:00:00.000", TimeError::InvalidField),
        ("2024-01-01 24:00:00.000", TimeError::InvalidField),
        ("2024-01-01 23:59:60.000", TimeError::InvalidField),
        ("2024-01-01T00:00:00+24:00", TimeError::InvalidField),
        ("1700000000", TimeError::LooksLikeSeconds),
        ("1970-01-01 00:00:00.000", TimeError::OutOfRange),
        ("99999999999999999999", TimeError::OutOfRange),
        ("２０２４-01-02 03:04:05.000", TimeError::Format),
    ];
    for (input, want) in cases {
        assert_eq!(parse(input).map(|_| ()), Err(want), "{input:?}");
    }
}

#[test]
fn epoch_bounds() {
    assert_eq!(
        Timestamp::from_epoch_millis(0),
        Err(TimeError::LooksLikeSeconds)
    );
    assert_eq!(Timestamp::from_epoch_millis(-1), Err(TimeError::OutOfRange));
    assert_eq!(
        Timestamp::from_epoch_millis(i64::MAX),
        Err(TimeError::OutOfRange)
    );
    let max = Timestamp::from_epoch_millis(253_402_300_799_999).unwrap();
    assert_eq!(max.to_appsflyer(), "9999-12-31 23:59:59.999");
    assert!(Timestamp::from_epoch_millis(253_402_300_800_000).is_err());
    let min = Timestamp::from_epoch_millis(100_000_000_000).unwrap();
    assert_eq!(min.to_appsflyer(), "1973-03-03 09:46:40.000");
}

#[test]
fn formatting_round_trips() {
    let mut ms = 100_000_000_000i64;
    while ms < 253_402_300_799_999 {
        let t = Timestamp::from_epoch_millis(ms).unwrap();
        let (back, form) = parse(&t.to_appsflyer()).unwrap();
        assert_eq!(back, t);
        assert_eq!(form, TimeForm::AppsFlyer);
        ms += 86_399_997 * 97;
    }
}
