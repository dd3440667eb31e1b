//! Idempotency: a repeated request with the same key, from the same caller,
//! for the same app, within 24 hours gets the first answer and nothing is
//! sent again.
//!
//! The store is a Durable Object, one instance per (caller, app id, key):
//! its storage is strongly consistent and its requests are serialized, so
//! "is this key new? then it is mine" is atomic and two concurrent repeats
//! cannot both send. Workers KV cannot give that (it is eventually
//! consistent, with no compare-and-set), and a duplicate event is exactly
//! what this exists to prevent. The instance deletes itself with an alarm
//! 24 h after first use.
//!
//! Scoping keys by caller means one caller can neither squat another's key
//! (making the other's real event a `422` that is never sent) nor learn
//! whether another caller's event was sent.
//!
//! A claim returns a lease: a random id and an expiry longer than the
//! upstream timeout plus the calls around it ([`crate::config::Config::lease_ms`]).
//! Only the holder of the lease can store the answer or free the key, so a
//! request that outlived its lease cannot overwrite what a later one decided.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{
    durable_object, DurableObject, Env, Headers, Method, Request, RequestInit, Response, Result,
    State,
};

use crate::config::IDEMPOTENCY;

/// How long a first answer is kept.
pub const TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// Longest idempotency key accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 255;

/// An answer as stored and replayed: status and JSON body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: serde_json::Value,
}

/// What the store says about a key.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Claim {
    /// The key is new (or its last lease expired) and is now reserved for
    /// this request under `lease`: send, then [`Key::finish`] or [`Key::release`].
    Reserved {
        /// The lease id to present.
        lease: String,
    },
    /// A first request with this key is still in flight.
    InFlight,
    /// The key was first used for another event: a caller reusing keys by
    /// mistake gets an error, never another event's answer.
    Conflict,
    /// The first request finished with this answer.
    Done {
        /// The first answer.
        answer: Answer,
    },
}

/// The body of a `/claim`.
#[derive(Serialize, Deserialize)]
struct ClaimRequest {
    fingerprint: String,
    lease_ms: u64,
}

/// The body of a `/finish` or `/release`.
#[derive(Serialize, Deserialize)]
struct LeaseRequest {
    lease: String,
    answer: Option<Answer>,
}

/// What the object keeps while a lease is held.
#[derive(Serialize, Deserialize)]
struct Lease {
    id: String,
    until: f64,
}

/// The Durable Object holding one key's first answer.
#[durable_object(alarm)]
pub struct IdempotencyStore {
    state: State,
}

impl DurableObject for IdempotencyStore {
    fn new(state: State, _env: Env) -> Self {
        IdempotencyStore { state }
    }

    /// `POST /claim` ([`ClaimRequest`]), `POST /finish` and `POST /release`
    /// ([`LeaseRequest`]). A finish or release with a lease that is not the
    /// current one is `409` and changes nothing.
    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        let now = js_sys::Date::now();
        match req.path().as_str() {
            "/claim" => {
                let claim: ClaimRequest = req.json().await?;
                match storage.get::<String>("fingerprint").await? {
                    Some(first) if first != claim.fingerprint => {
                        return Response::from_json(&Claim::Conflict)
                    }
                    Some(_) => {}
                    None => storage.put("fingerprint", &claim.fingerprint).await?,
                }
                if let Some(answer) = storage.get::<Answer>("answer").await? {
                    return Response::from_json(&Claim::Done { answer });
                }
                if storage
                    .get::<Lease>("lease")
                    .await?
                    .is_some_and(|l| l.until > now)
                {
                    return Response::from_json(&Claim::InFlight);
                }
                let lease = Lease {
                    id: lease_id(),
                    until: now + claim.lease_ms as f64,
                };
                storage.put("lease", &lease).await?;
                if storage.get_alarm().await?.is_none() {
                    storage.set_alarm(TTL_MS).await?;
                }
                Response::from_json(&Claim::Reserved { lease: lease.id })
            }
            path @ ("/finish" | "/release") => {
                let request: LeaseRequest = req.json().await?;
                let held = storage.get::<Lease>("lease").await?;
                if held.is_none_or(|l| l.id != request.lease) {
                    return Response::error("lease lost", 409);
                }
                if path == "/finish" {
                    storage.put("answer", request.answer).await?;
                } else {
                    // Nothing was decided: the key is free for any event again.
                    storage.delete("fingerprint").await?;
                }
                storage.delete("lease").await?;
                Response::empty()
            }
            _ => Response::error("not found", 404),
        }
    }

    /// 24 h after first use: forget the key.
    async fn alarm(&self) -> Result<Response> {
        self.state.storage().delete_all().await?;
        Response::empty()
    }
}

/// A random lease id (128 bits, hex).
fn lease_id() -> String {
    let mut id = String::with_capacity(32);
    for _ in 0..4 {
        let word = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        id.push_str(&format!("{word:08x}"));
    }
    id
}

/// What makes two requests the same event for idempotency: the SHA-256 of
/// the body that would be sent, so the same event written differently (raw
/// or hashed PII, letter case, spacing, field order) is the same event. An
/// `ip` the Worker filled in from the connection (`FILL_IP`) is left out, so
/// a retry from another network is still the same event.
pub fn fingerprint(built: &appsflyer_s2s::BuiltEvent, ip_filled: bool) -> String {
    if !ip_filled {
        return appsflyer_s2s::hash::sha256_hex(&built.body);
    }
    // Only then is the body serialized again, without the filled-in ip.
    let mut event = built.event.clone();
    event.ip = None;
    let body = serde_json::to_string(&event).unwrap_or_default();
    appsflyer_s2s::hash::sha256_hex(&body)
}

/// A key as the Worker uses it: which object holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    name: String,
}

/// Where a key was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// For one event (`/inappevent`, or an `idempotency_key` field).
    Event,
    /// For the event at this index of a `/batch` sent with an `Idempotency-Key`.
    Batch(usize),
}

impl Key {
    /// The key a caller gave for an app. The object's name is a digest of
    /// every part, each part on a line of its own and the caller's key last:
    /// no two different (caller, app, scope, key) can share an object, and
    /// the key itself never appears in storage names.
    pub fn new(caller: &str, app_id: &str, scope: Scope, key: &str) -> Key {
        let scope = match scope {
            Scope::Event => String::from("event"),
            Scope::Batch(index) => format!("batch {index}"),
        };
        let digest = Sha256::digest(format!("v2\n{caller}\n{app_id}\n{scope}\n{key}").as_bytes());
        let mut name = String::with_capacity(64);
        for b in digest.as_slice() {
            name.push_str(&format!("{b:02x}"));
        }
        Key { name }
    }

    async fn call<T: Serialize>(&self, env: &Env, path: &str, body: &T) -> Result<Response> {
        let stub = env
            .durable_object(IDEMPOTENCY)?
            .id_from_name(&self.name)?
            .get_stub()?;
        let headers = Headers::new();
        headers.set("content-type", "application/json")?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(serde_json::to_string(body)?.into()));
        let req = Request::new_with_init(&format!("https://idempotency{path}"), &init)?;
        stub.fetch_with_request(req).await
    }

    /// Reserves the key for the event with this fingerprint (see
    /// [`fingerprint`]) for `lease_ms`, or tells why not.
    pub async fn claim(&self, env: &Env, fingerprint: &str, lease_ms: u64) -> Result<Claim> {
        let request = ClaimRequest {
            fingerprint: fingerprint.to_string(),
            lease_ms,
        };
        self.call(env, "/claim", &request).await?.json().await
    }

    /// Stores the first answer, under the lease from [`Key::claim`].
    pub async fn finish(&self, env: &Env, lease: &str, answer: &Answer) -> Result<()> {
        let request = LeaseRequest {
            lease: lease.to_string(),
            answer: Some(answer.clone()),
        };
        self.settle(env, "/finish", &request).await
    }

    /// Frees the key without an answer (nothing was decided: the caller may try again).
    pub async fn release(&self, env: &Env, lease: &str) -> Result<()> {
        let request = LeaseRequest {
            lease: lease.to_string(),
            answer: None,
        };
        self.settle(env, "/release", &request).await
    }

    async fn settle(&self, env: &Env, path: &str, request: &LeaseRequest) -> Result<()> {
        let response = self.call(env, path, request).await?;
        match response.status_code() {
            200..=299 => Ok(()),
            409 => Err(worker::Error::RustError(
                "the idempotency lease expired".into(),
            )),
            status => Err(worker::Error::RustError(format!(
                "the idempotency store answered {status}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_collide_across_callers_apps_scopes_or_suffixes() {
        let long = "k".repeat(MAX_KEY_BYTES);
        let keys = [
            Key::new("t-1", "com.example.app", Scope::Event, "k"),
            Key::new("t-2", "com.example.app", Scope::Event, "k"),
            Key::new("t-1", "id123456789", Scope::Event, "k"),
            Key::new("t-1", "com.example.app", Scope::Event, "k#0"),
            Key::new("t-1", "com.example.app", Scope::Batch(0), "k"),
            Key::new("t-1", "com.example.app", Scope::Batch(1), "k"),
            Key::new("t-1", "com.example.app", Scope::Batch(10), "k"),
            Key::new("t-1", "com.example.app", Scope::Batch(1), "0k"),
            Key::new("t-1", "com.example.app", Scope::Event, &long),
            Key::new("t-1", "com.example.app", Scope::Batch(0), &long),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(
            Key::new("t-1", "a", Scope::Event, "k"),
            Key::new("t-1", "a", Scope::Event, "k")
        );
        assert_eq!(keys[0].name.len(), 64);
    }
}
