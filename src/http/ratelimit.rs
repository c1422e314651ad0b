//! The public routes' rate-limit middleware: a token bucket per client
//! ([`crate::ratelimit::RateLimiter`]), answered with 429 and `Retry-After` when empty; and
//! [`ClientAddr`], who the client is (the socket's peer, or the address a trusted proxy names).

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The client's address as [`crate::ratelimit::client_address`] finds it, and the key it is
/// limited under (an IPv6 client by its /64).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr {
    /// The address.
    pub ip: IpAddr,
}

impl ClientAddr {
    /// The address of a request's client.
    pub fn of(
        extensions: &axum::http::Extensions,
        headers: &axum::http::HeaderMap,
        state: &AppState,
    ) -> Self {
        // Without the socket's address (a request made in-process) the client is local.
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Self {
            ip: crate::ratelimit::client_address(
                peer,
                headers,
                &state.config.trusted_proxies,
                state.config.forwarded_header,
            ),
        }
    }

    /// The key of the client's rate-limit bucket.
    pub fn key(self) -> IpAddr {
        crate::ratelimit::client_key(self.ip)
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::of(&parts.extensions, &parts.headers, state))
    }
}

/// Middleware for the public routes.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let client = ClientAddr::of(req.extensions(), req.headers(), &state);
    match state.limiter.check(client.key()) {
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
