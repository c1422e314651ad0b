//! `/office/staff` and `/office/audit`: staff accounts for administrators, and the audit trail
//! with its chain verification.

use crate::state::AppState;
use axum::Router;

/// The administration pages' routes.
pub(super) fn router() -> Router<AppState> {
    Router::new()
}
