//! What one request may take of the server: a place among the requests handled at once (503
//! `overloaded` with `Retry-After` when there is none, at once rather than queued), a pause
//! between two pieces of its body (408 `request_timeout`), and a time from its headers to its
//! answer (503 `server_timeout`). The header block's own time limit is the connection's
//! (hyper's header read timeout, in [`crate::startup`]); the body's size is counted while it is
//! read (the body limit, in the extractors).

use crate::config::Config;
use crate::error::{ApiError, ErrorCode};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Seconds an overloaded server asks a client to wait.
pub const OVERLOADED_RETRY_SECS: u64 = 1;

/// Paths outside the cap on requests at once: liveness and metrics must answer while the
/// server is saturated, or it is restarted (or flown blind) exactly when it is busiest.
const UNCOUNTED: &[&str] = &["/healthz", "/metrics"];

/// The limits of [`guard`], shared by every request of one router.
#[derive(Clone, Debug)]
pub struct Limits {
    permits: Arc<Semaphore>,
    body_idle: Duration,
    whole: Duration,
}

impl Limits {
    /// The limits configured.
    pub fn of(config: &Config) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(config.max_concurrent_requests)),
            body_idle: Duration::from_secs(config.body_timeout_secs),
            whole: Duration::from_secs(config.request_timeout_secs),
        }
    }
}

/// Middleware: the cap on requests at once, the body's pause limit and the request's time
/// limit. A request over its time is dropped where it stands, so an open transaction is rolled
/// back.
pub async fn guard(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let counted = !UNCOUNTED.contains(&req.uri().path());
    let has_body = has_body(req.headers());
    let permit = if counted {
        match limits.permits.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) => {
                let mut err = ApiError::new(
                    ErrorCode::Overloaded,
                    format!(
                        "The server is handling as many requests as it takes at once; retry after {OVERLOADED_RETRY_SECS} seconds."
                    ),
                );
                err.retry_after = Some(OVERLOADED_RETRY_SECS);
                let mut response = super::answer(req.uri(), req.headers(), err);
                // Refusals under load are counted by their status, not logged one by one.
                response
                    .extensions_mut()
                    .remove::<crate::error::LoggedError>();
                if has_body {
                    close(&mut response);
                }
                return response;
            }
        }
    } else {
        None
    };
    let (uri, headers) = (req.uri().clone(), req.headers().clone());
    let idle = limits.body_idle;
    let req = req.map(|body| Body::new(tower_http::timeout::TimeoutBody::new(idle, body)));
    let mut response = match tokio::time::timeout(limits.whole, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            let mut response = timed_out(&uri, &headers, limits.whole);
            if has_body {
                close(&mut response);
            }
            response
        }
    };
    // A body refused part-way (too large, too slow) is not read to its end: the connection
    // cannot carry another request, and saying so keeps the client from sending one on it.
    if matches!(
        response.status(),
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_TIMEOUT
    ) {
        close(&mut response);
    }
    drop(permit);
    response
}

fn timed_out(uri: &axum::http::Uri, headers: &axum::http::HeaderMap, whole: Duration) -> Response {
    super::answer(
        uri,
        headers,
        ApiError::new(
            ErrorCode::ServerTimeout,
            format!(
                "The request took longer than the {} seconds the server allows and was stopped; a change it was making was not kept.",
                whole.as_secs()
            ),
        ),
    )
}

/// Whether a request comes with a body.
fn has_body(headers: &axum::http::HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0")
}

fn close(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
}

/// Whether an error met while reading a body is the body's pause limit running out.
pub fn is_body_timeout(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        next = e.source();
    }
    false
}
