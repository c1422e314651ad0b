//! The office API under `/api/v1/office/`: staff with roles (admin, editor, reviewer), by bearer
//! token or console session.
//! Each handler's role is in its signature ([`crate::http::extract::Office`]).

pub mod agencies;
pub mod audit;
pub mod calendar;
pub mod entries;
pub mod notices;
pub mod objections;
pub mod reindex;
pub mod repairs;
pub mod revisions;
pub mod screenings;
pub mod session;
pub mod staff;
pub mod subjects;
pub mod tokens;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Every office route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(subjects::router())
        .merge(entries::router())
        .merge(notices::router())
        .merge(objections::router())
        .merge(repairs::router())
        .merge(revisions::router())
        .merge(staff::router())
        .merge(session::router())
        .merge(tokens::router())
        .merge(audit::router())
        .merge(calendar::router())
        .merge(agencies::router())
        .merge(screenings::router())
        .merge(reindex::router())
}
