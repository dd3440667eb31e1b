//! The Worker's size floor (see Cargo.toml): every part of workers-rs that
//! worker/ uses, and with the `core` feature the core as worker/ calls it.

use worker::*;

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> Result<Response> {
    if req.path() == "/claim" {
        let stub = env
            .durable_object("STORE")?
            .id_from_name("key")?
            .get_stub()?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_body(Some(req.text().await?.into()));
        let claim = Request::new_with_init("https://store/claim", &init)?;
        let answer: serde_json::Value = stub.fetch_with_request(claim).await?.json().await?;
        return Response::from_json(&answer);
    }
    let body = req.text().await?;
    let key = env.var("KEY").map(|v| v.to_string()).unwrap_or_default();
    handle(&env, &body, &key).await
}

#[cfg(not(feature = "core"))]
async fn handle(env: &Env, body: &str, key: &str) -> Result<Response> {
    let event: serde_json::Value = serde_json::from_str(body)?;
    env.queue("QUEUE")?.send(&event).await?;
    Response::from_json(&serde_json::json!({ "status": "queued", "key": key.len() }))
}

#[cfg(feature = "core")]
async fn handle(env: &Env, body: &str, key: &str) -> Result<Response> {
    use appsflyer_s2s::outcome::classify_with_retry_after;
    use appsflyer_s2s::{prepare, validate_event_json, BuildOptions, Outcome};

    let report = validate_event_json(body, &BuildOptions::new().default_region("US"));
    if !report.errors.is_empty() {
        let answer = serde_json::json!({ "errors": report.errors, "warnings": report.warnings });
        return Ok(Response::from_json(&answer)?.with_status(400));
    }
    if let Some(built) = report.event {
        let request = prepare("com.example.app", key, None, built.body)
            .map_err(|e| Error::RustError(e.to_string()))?;
        env.queue("QUEUE")?.send(&request.body).await?;
    }
    let status = body.len() as u16;
    let outcome = match classify_with_retry_after(
        status,
        body,
        Some(key),
        js_sys::Date::now() as u64,
    ) {
        Outcome::Delivered => serde_json::json!({ "status": "delivered" }),
        Outcome::Rejected { status, reason } => {
            serde_json::json!({ "status": status, "reason": reason })
        }
        Outcome::Retry {
            status,
            reason,
            retry_after_ms,
        } => {
            serde_json::json!({ "status": status, "reason": reason, "retry_after_ms": retry_after_ms })
        }
        _ => serde_json::json!({ "status": "unknown" }),
    };
    Response::from_json(&outcome)
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, _env: Env, _ctx: Context) -> Result<()> {
    for message in batch.messages()? {
        let _ = message.body();
        message.ack();
    }
    Ok(())
}

/// Storage and an alarm, as worker/'s idempotency store uses them.
#[durable_object(alarm)]
pub struct Store {
    state: State,
}

impl DurableObject for Store {
    fn new(state: State, _env: Env) -> Self {
        Store { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        if let Some(answer) = storage.get::<serde_json::Value>("answer").await? {
            return Response::from_json(&answer);
        }
        if storage.get::<f64>("lease").await?.is_some() {
            return Response::empty();
        }
        storage.put("lease", js_sys::Date::now()).await?;
        if storage.get_alarm().await?.is_none() {
            storage.set_alarm(60_000i64).await?;
        }
        let text = req.text().await?;
        storage
            .put("answer", serde_json::json!({ "fingerprint": text }))
            .await?;
        Response::empty()
    }

    async fn alarm(&self) -> Result<Response> {
        self.state.storage().delete_all().await?;
        Response::empty()
    }
}
