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

pub mod auth;
mod batch;
pub mod config;
mod event;
mod http;
mod idempotency;
pub mod incoming;
pub mod log;
pub mod retry;
mod routes;
pub mod upstream;

pub use idempotency::IdempotencyStore;

use worker::{event, web_sys, Context, Env, MessageBatch, Result};

/// HTTP entry point: the platform's own request and response (see [`http`]).
#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, ctx: Context) -> Result<web_sys::Response> {
    Ok(routes::handle(http::Incoming::new(req), env, &ctx)
        .await
        .into_response()?)
}

/// Queue entry point: retries from `RETRY_QUEUE`, replays from the dead-letter queue.
#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    retry::consume(batch, env).await
}
