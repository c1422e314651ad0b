//! The public API under `/api/v1/`: the credit lookup, profiles, lists and notices, and the
//! objection and repair filings. Every route is rate-limited per client, by one layer here.

pub mod lookup;
pub mod objections;
pub mod repairs;
pub mod reports;

use crate::state::AppState;
use axum::middleware;
use utoipa_axum::router::OpenApiRouter;

/// Every public API route, behind the per-client rate limit.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(lookup::router())
        .merge(objections::router())
        .merge(repairs::router())
        .merge(reports::router())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::ratelimit::limit,
        ))
}
