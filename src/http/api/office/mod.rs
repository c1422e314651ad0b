//! The office API under `/api/v1/office/`: bearer tokens with roles (admin, editor, reviewer).

pub mod agencies;
pub mod audit;
pub mod entries;
pub mod notices;
pub mod repairs;
pub mod staff;
pub mod subjects;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Every office route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(subjects::router())
        .merge(entries::router())
        .merge(notices::router())
        .merge(staff::router())
        .merge(audit::router())
        .merge(agencies::router())
        .merge(repairs::router())
}
