//! Idempotency: a repeated request with the same key, for the same app,
//! within 24 hours gets the first answer and nothing is sent again.
//!
//! The store is a Durable Object, one instance per (app id, key): its storage
//! is strongly consistent and its requests are serialized, so "is this key
//! new? then it is mine" is atomic and two concurrent repeats cannot both
//! send. Workers KV cannot give that (it is eventually consistent, with no
//! compare-and-set), and a duplicate event is exactly what this exists to
//! prevent. The instance deletes itself with an alarm 24 h after first use.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{
    durable_object, DurableObject, Env, Headers, Method, Request, RequestInit, Response, Result,
    State,
};

use crate::config::IDEMPOTENCY;

/// How long a first answer is kept.
pub const TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// How long a key stays reserved while its first request is in flight. A
/// Worker that dies mid-request frees the key after this.
pub const LEASE_MS: f64 = 60_000.0;
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
    /// The key is new and now reserved for this request: send, then [`finish`].
    Reserved,
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

/// The Durable Object holding one key's first answer.
#[durable_object(alarm)]
pub struct IdempotencyStore {
    state: State,
}

impl DurableObject for IdempotencyStore {
    fn new(state: State, _env: Env) -> Self {
        IdempotencyStore { state }
    }

    /// `POST /claim` (body: the event's fingerprint), `POST /finish` (body:
    /// an [`Answer`]), `POST /release`.
    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        let now = js_sys::Date::now();
        match req.path().as_str() {
            "/claim" => {
                let fingerprint = req.text().await?;
                match storage.get::<String>("fingerprint").await? {
                    Some(first) if first != fingerprint => {
                        return Response::from_json(&Claim::Conflict)
                    }
                    Some(_) => {}
                    None => storage.put("fingerprint", &fingerprint).await?,
                }
                if let Some(answer) = storage.get::<Answer>("answer").await? {
                    return Response::from_json(&Claim::Done { answer });
                }
                if storage.get::<f64>("lease").await?.is_some_and(|t| t > now) {
                    return Response::from_json(&Claim::InFlight);
                }
                storage.put("lease", now + LEASE_MS).await?;
                if storage.get_alarm().await?.is_none() {
                    storage.set_alarm(TTL_MS).await?;
                }
                Response::from_json(&Claim::Reserved)
            }
            "/finish" => {
                let answer: Answer = req.json().await?;
                storage.put("answer", answer).await?;
                storage.delete("lease").await?;
                Response::empty()
            }
            "/release" => {
                // Nothing was decided: the key is free for any event again.
                storage.delete("lease").await?;
                storage.delete("fingerprint").await?;
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
pub struct Key {
    name: String,
}

impl Key {
    /// The key of `app_id` and the caller's key. The object's name is a
    /// digest, so the caller's key never appears in storage names.
    pub fn new(app_id: &str, key: &str) -> Key {
        let digest = Sha256::digest(format!("{app_id}\n{key}").as_bytes());
        let mut name = String::with_capacity(64);
        for b in digest.as_slice() {
            name.push_str(&format!("{b:02x}"));
        }
        Key { name }
    }

    async fn call(&self, env: &Env, path: &str, body: Option<String>) -> Result<Response> {
        let stub = env
            .durable_object(IDEMPOTENCY)?
            .id_from_name(&self.name)?
            .get_stub()?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post);
        if let Some(body) = body {
            let headers = Headers::new();
            headers.set("content-type", "text/plain")?;
            init.with_headers(headers).with_body(Some(body.into()));
        }
        let req = Request::new_with_init(&format!("https://idempotency{path}"), &init)?;
        stub.fetch_with_request(req).await
    }

    /// Reserves the key for the event with this fingerprint (see
    /// [`fingerprint`]), or tells why not.
    pub async fn claim(&self, env: &Env, fingerprint: &str) -> Result<Claim> {
        self.call(env, "/claim", Some(fingerprint.to_string()))
            .await?
            .json()
            .await
    }

    /// Stores the first answer.
    pub async fn finish(&self, env: &Env, answer: &Answer) -> Result<()> {
        let body = serde_json::to_string(answer)?;
        self.call(env, "/finish", Some(body)).await.map(drop)
    }

    /// Frees the key without an answer (nothing was decided: the caller may try again).
    pub async fn release(&self, env: &Env) -> Result<()> {
        self.call(env, "/release", None).await.map(drop)
    }
}
