//! The TypeScript shapes of what crosses the boundary: the event callers give
//! ([`EventInput`](appsflyer_s2s::EventInput)), the plain objects the
//! bindings return and the `{ field, code, message }` of errors. wasm-bindgen
//! copies these sections into the generated `.d.ts` of each build:
//! `pkg/index.d.ts` and `pkg/hash.d.ts` re-export them next to the glue's own
//! types (`S2SClient`, `S2SError`). Tests below keep `EventInput` and
//! `ErrorCode` in step with the core.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const ERRORS_SECTION: &str = ERRORS;

#[cfg(feature = "events")]
#[wasm_bindgen(typescript_custom_section)]
const EVENTS_SECTION: &str = EVENTS;

// The texts are separate constants so the tests below can read them; the
// macro reads them in a way the dead-code lint does not count.

/// Errors, in every build: what `S2SError.errors` holds.
#[allow(dead_code)]
const ERRORS: &str = r#"
/** One problem with one field of an event or request. Messages never contain raw PII or the S2S key. */
export interface FieldError {
  /** The field by its AppsFlyer name or path (`eventName`, `consent_data.tcf.gdpr_applies`, `sharing_filter[2]`), an argument or option name (`email`, `defaultRegion`, `appId`, `s2sKey`), or `""` for the whole event. */
  field: string;
  /** Stable snake_case code, e.g. `invalid_phone`. */
  code: ErrorCode;
  /** What is wrong, for people. */
  message: string;
}

/** Every code a `FieldError` can carry. */
export type ErrorCode =
  | "invalid_json" | "missing_field" | "wrong_type" | "invalid_appsflyer_id"
  | "invalid_app_id" | "invalid_ip" | "invalid_uuid" | "invalid_currency"
  | "invalid_att" | "invalid_sharing_filter" | "invalid_app_type"
  | "invalid_consent_data" | "invalid_app_set_id" | "invalid_phone"
  | "invalid_region" | "invalid_email" | "invalid_name" | "invalid_event_time"
  | "invalid_json_object" | "invalid_fb_login_id" | "invalid_event_name" | "invalid_revenue"
  | "conflicting_fields" | "body_too_large" | "missing_s2s_key"
  | "invalid_s2s_key" | "invalid_endpoint" | "unknown_field" | "raw_pii" | "internal";
"#;

/// Events, requests and outcomes: only in the full build.
#[cfg(feature = "events")]
#[allow(dead_code)]
const EVENTS: &str = r#"
/**
 * One AppsFlyer in-app event as your code has it, with the Send Event API's
 * field names. Raw PII (`email`, `phone_number`, `first_name`, `last_name`)
 * is normalized and SHA-256 hashed into the `*_hashed` fields and never
 * reaches the body. `null` means the same as leaving a field out. Fields not
 * listed here are sent unchanged, with an `unknown_field` warning.
 */
export interface EventInput {
  /** Required. AppsFlyer's device id as the SDK reports it: 13 digits, a dash and digits (`1415211453000-6513894`). */
  appsflyer_id: string;
  /** Required. The event name, e.g. `af_purchase`. */
  eventName: string;
  /** The event's parameters: an object (sent as its compact JSON string) or that string; `""` or absent for none. `af_revenue` must be a plain number (`9.99`, `-5`). */
  eventValue?: Record<string, unknown> | string | null;
  /** ISO 4217 currency code (`USD`); lowercase is uppercased with a warning. */
  eventCurrency?: string | null;
  /** When the event happened: a `Date`, epoch milliseconds, AppsFlyer's UTC `yyyy-mm-dd hh:mm:ss.sss`, or RFC 3339 with `Z` or an offset. Always sent as UTC `yyyy-mm-dd hh:mm:ss.sss`. Absent: AppsFlyer uses the arrival time. */
  eventTime?: Date | number | string | null;
  /** The device's IPv4 address at event time (dotted quad; IPv6 is refused). */
  ip?: string | null;
  /** Android advertising id (GAID), a UUID. Needed for postbacks to self-reporting networks. */
  advertising_id?: string | null;
  /** Android Open Advertising Id. */
  oaid?: string | null;
  /** Amazon Fire advertising id. */
  amazon_aid?: string | null;
  /** Android IMEI. */
  imei?: string | null;
  /** iOS advertising id, a UUID (uppercased, as AppsFlyer requires). */
  idfa?: string | null;
  /** iOS vendor id, a UUID (uppercased, as AppsFlyer requires). */
  idfv?: string | null;
  /** Your own user id for this user. */
  customer_user_id?: string | null;
  /** SHA-256 hex of the normalized email; a raw email here is normalized and hashed, with a warning. Prefer `email`. */
  email_hashed?: string | null;
  /** SHA-256 hex of the phone number's digits with country code (`16505551212`); a raw number here is hashed, with a warning. Prefer `phone_number`. */
  phone_number_hashed?: string | null;
  /** SHA-256 hex of the phone number in E.164 (`+16505551212`); a raw number here is hashed, with a warning. Prefer `phone_number`. */
  phone_number_e164_hashed?: string | null;
  /** SHA-256 hex of the normalized first name; a raw name here is hashed, with a warning. Prefer `first_name`. */
  first_name_hashed?: string | null;
  /** SHA-256 hex of the normalized last name; a raw name here is hashed, with a warning. Prefer `last_name`. */
  last_name_hashed?: string | null;
  /** Facebook login id, a string of digits. */
  fb_login_id?: string | null;
  /** The app's version name. */
  app_version_name?: string | null;
  /** The Android store the app came from (`AF_STORE`). */
  app_store?: string | null;
  /** The app's bundle id; AppsFlyer calls sending it best practice. */
  bundleIdentifier?: string | null;
  /** Partners that must not receive the event (GDPR/CCPA opt-outs): `"all"`, or `media_source_name` ids such as `"Apple Search Ads"`. */
  sharing_filter?: "all" | string[] | null;
  /** Reserved by AppsFlyer. */
  custom_dimension?: string | null;
  /** `"app_clip"` for App Clip events only; otherwise leave it out (or `""`). */
  app_type?: "" | "app_clip" | null;
  /** Extra data for raw-data reports: an object (sent as its JSON string) or that string. */
  custom_data?: Record<string, unknown> | string | null;
  /** The device's OS version (`14.5.1`); iOS events without it are treated as iOS 14.5. */
  os?: string | null;
  /** The device's user agent. */
  ua?: string | null;
  /** Advertiser id enabled (Android, iOS < 14); `false` means Limited Ad Tracking. */
  aie?: boolean | null;
  /** iOS App Tracking Transparency status: 0 not determined, 1 restricted, 2 denied, 3 authorized. */
  att?: 0 | 1 | 2 | 3 | null;
  /** The user's consent: from an IAB TCF v2 CMP, or set by the app. */
  consent_data?: ConsentData | null;
  /** Android App Set id. */
  app_set_id?: AppSetId | null;
  /** A legacy flag older clients send; harmless. Sent as `"true"` when true. */
  af_events_api?: boolean | "true" | "false" | null;
  /** Raw email: trimmed, lowercased and hashed into `email_hashed`. Never sent. */
  email?: string | null;
  /** Raw phone number, parsed as libphonenumber-js parses it (national numbers need `defaultRegion`), hashed into `phone_number_hashed` and `phone_number_e164_hashed`. Never sent. */
  phone_number?: string | null;
  /** Raw first name: NFC, trimmed, lowercased and hashed into `first_name_hashed`. Never sent. */
  first_name?: string | null;
  /** Raw last name: NFC, trimmed, lowercased and hashed into `last_name_hashed`. Never sent. */
  last_name?: string | null;
}

/** `consent_data`: exactly one of the two forms. */
export type ConsentData =
  | {
      /** From an IAB TCF v2 consent management platform. */
      tcf: {
        /** TCF policy version. */
        policy_version: number;
        /** 1 GDPR applies, 0 it does not, -1 unknown. */
        gdpr_applies: -1 | 0 | 1;
        /** The CMP's SDK id. */
        cmp_sdk_id: number;
        /** The CMP's SDK version. */
        cmp_sdk_version: number;
        /** The TC string. */
        tcstring: string;
      };
    }
  | {
      /** Set by the app itself. */
      manual: {
        /** Whether GDPR applies to this user. */
        gdpr_applies: boolean;
        /** Consent to use the user's data for advertising; required when GDPR applies. */
        ad_user_data_enabled?: boolean;
        /** Consent to personalized ads; required when GDPR applies. */
        ad_personalization_enabled?: boolean;
      };
    };

/** `app_set_id` (Android). */
export interface AppSetId {
  /** 1 app scope, 2 developer scope. */
  scope: 1 | 2;
  /** The App Set id, a UUID. */
  id: string;
}
/** Something accepted but changed or worth a look; the event is still sent. */
export interface Warning {
  /** The field, as in `FieldError.field`. */
  field: string;
  /** Stable snake_case code. */
  code: "unknown_field" | "raw_value_hashed" | "hash_lowercased" | "uuid_uppercased" | "currency_uppercased" | "event_time_converted";
  /** What happened, for people. */
  message: string;
}

/** An event ready to send. */
export interface BuiltEvent {
  /** The exact JSON body to send, compact. */
  body: string;
  /** Its size in UTF-8 bytes, as AppsFlyer counts it (at most 1024). */
  bytes: number;
  /** What was accepted but changed. */
  warnings: Warning[];
}

/** Everything validation found. */
export interface ValidationReport {
  /** Whether the event can be sent (`errors` is empty). */
  ok: boolean;
  /** Every problem, in field order. */
  errors: FieldError[];
  /** Every warning, also for invalid events. */
  warnings: Warning[];
}

/** One Send Event request: `fetch(url, { method, headers, body })`. */
export interface S2sRequest {
  /** `{endpoint}/inappevent/{percent-encoded app id}`. */
  url: string;
  /** Always `"POST"`. */
  method: "POST";
  /** `authentication` (the S2S key: never log it) and `content-type`. */
  headers: { authentication: string; "content-type": "application/json" };
  /** The exact JSON body. */
  body: string;
}

/** What became of a request, from AppsFlyer's answer. */
export type Outcome =
  | {
      /** AppsFlyer accepted the event (2xx). */
      outcome: "delivered";
      /** Always `null`: nothing went wrong. */
      reason: null;
      /** The HTTP status. */
      status: number;
    }
  | {
      /** AppsFlyer refused the request for good (400, 401, 403, …): never retry. */
      outcome: "rejected";
      /** AppsFlyer's answer (tidied, at most 256 bytes) or the status phrase. */
      reason: string;
      /** The HTTP status. */
      status: number;
    }
  | {
      /** A transient failure (408, 425, 429, 5xx, network error, timeout): retry later. */
      outcome: "retry";
      /** The answer, status phrase or network error. */
      reason: string;
      /** The HTTP status; absent after a network error or timeout. */
      status?: number;
      /** The server's `Retry-After`, in milliseconds from now, when it sent one. */
      retryAfterMs?: number;
    };
"#;

#[cfg(all(test, feature = "events", not(target_arch = "wasm32")))]
mod tests {
    use super::{ERRORS, EVENTS};
    use appsflyer_s2s::input::KNOWN_FIELDS;

    /// The lines of `interface EventInput { … }`.
    fn event_input() -> Vec<&'static str> {
        EVENTS
            .lines()
            .skip_while(|l| !l.starts_with("export interface EventInput"))
            .skip(1)
            .take_while(|l| *l != "}")
            .collect()
    }

    #[test]
    fn event_input_declares_and_documents_every_field_the_core_reads() {
        let lines = event_input();
        for field in KNOWN_FIELDS {
            let at = lines
                .iter()
                .position(|l| {
                    let l = l.trim_start();
                    l.starts_with(&format!("{field}?:")) || l.starts_with(&format!("{field}:"))
                })
                .unwrap_or_else(|| panic!("EventInput does not declare {field}"));
            let doc = at.checked_sub(1).map(|i| lines[i].trim());
            assert!(
                doc.is_some_and(|d| d.starts_with("/**") && d.ends_with("*/") && d.len() > 8),
                "EventInput.{field} has no doc comment"
            );
        }
    }

    #[test]
    fn event_input_declares_no_field_the_core_does_not_read() {
        for line in event_input() {
            let line = line.trim_start();
            if line.starts_with("/**") || line.is_empty() {
                continue;
            }
            let name = line.split([':', '?']).next().unwrap_or_default().trim();
            assert!(
                KNOWN_FIELDS.contains(&name),
                "EventInput declares {name}, which the core does not read"
            );
        }
    }

    /// The string literals of a TypeScript union in `text`: what follows
    /// each of `leads` in turn, up to the `;` that closes the union.
    fn union_after(text: &'static str, leads: &[&str]) -> Vec<&'static str> {
        let union = leads
            .iter()
            .try_fold(text, |text, lead| {
                text.split_once(lead).map(|(_, rest)| rest)
            })
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_else(|| panic!("the typings have no {leads:?}"));
        union.split('"').skip(1).step_by(2).collect()
    }

    /// A union's literals are exactly the core's codes, both ways.
    fn same_codes(what: &str, declared: Vec<&str>, core: Vec<&str>) {
        let mut sorted = declared.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), declared.len(), "{what} names a code twice");
        for code in &core {
            assert!(declared.contains(code), "{what} lacks {code}");
        }
        for code in &declared {
            assert!(
                core.contains(code),
                "{what} declares {code}, which the core lacks"
            );
        }
    }

    #[test]
    fn error_codes_are_the_cores() {
        same_codes(
            "ErrorCode",
            union_after(ERRORS, &["export type ErrorCode ="]),
            appsflyer_s2s::ErrorCode::ALL
                .iter()
                .map(|c| c.as_str())
                .collect(),
        );
    }

    #[test]
    fn warning_codes_are_the_cores() {
        same_codes(
            "Warning.code",
            union_after(EVENTS, &["export interface Warning {", "code:"]),
            appsflyer_s2s::WarningCode::ALL
                .iter()
                .map(|c| c.as_str())
                .collect(),
        );
    }
}
