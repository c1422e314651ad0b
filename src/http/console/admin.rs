//! `/office/staff` and `/office/audit`: staff accounts for administrators, and the audit trail
//! with its chain verification (administrators only, as in the office API).

mod audit;
mod staff;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};

/// The administration pages' routes.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/office/staff", get(staff::list).post(staff::create))
        .route("/office/staff/{id}", get(staff::page))
        .route("/office/staff/{id}/{action}", post(staff::act))
        .route(
            "/office/staff/{id}/tokens/{token}/revoke",
            post(staff::revoke_token),
        )
        .route("/office/audit", get(audit::list))
        .route("/office/audit/verify", post(audit::verify))
}

/// A time as the console shows it: to the minute, in Beijing time.
fn minute(at: DateTime<Utc>) -> String {
    at.with_timezone(&crate::clock::china_offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A time to the second, in Beijing time (audit events, which may come seconds apart).
fn second(at: DateTime<Utc>) -> String {
    at.with_timezone(&crate::clock::china_offset())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}
