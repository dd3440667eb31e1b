//! # appsflyer-s2s-worker
//!
//! A Cloudflare Worker in front of AppsFlyer's S2S Send Event API: callers
//! post events to it (AppsFlyer's own path and body work), it validates,
//! normalizes and hashes them with the `appsflyer-s2s` core, forwards them,
//! and on a transient failure keeps them in a Cloudflare Queue until they are
//! delivered or dead-lettered. Routes and answers are in `worker/README.md`.
//!
//! The Worker only translates HTTP, queues and storage to and from the core;
//! every rule about events lives in the core.

mod auth;
mod config;
mod event;
mod idempotency;
mod incoming;
mod log;
mod retry;
mod routes;
mod upstream;

pub use idempotency::IdempotencyStore;

use worker::{event, Context, Env, MessageBatch, Request, Response, Result};

/// HTTP entry point.
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    routes::handle(req, env).await
}

/// Queue entry point: retries from `RETRY_QUEUE`, replays from the dead-letter queue.
#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    retry::consume(batch, env).await
}
