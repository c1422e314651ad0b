//! The public routes' rate-limit middleware: a token bucket per client address
//! ([`crate::ratelimit::RateLimiter`]), answered with 429 and `Retry-After` when empty.

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// Middleware for the public routes.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    match state.limiter.check(client) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            state.metrics.count_rate_limited();
            let mut err = ApiError::new(
                ErrorCode::RateLimited,
                format!("Too many requests; retry after {wait} seconds."),
            );
            err.retry_after = Some(wait);
            err.into_response()
        }
    }
}
