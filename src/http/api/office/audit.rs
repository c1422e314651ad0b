//! `/api/v1/office/audit`: the audit trail by entry, subject, actor and time (admins only).

use crate::error::ApiResult;
use crate::http::api::Paginated;
use crate::http::extract::{Admin, Json, Listing, Office};
use crate::input::paging::PageParams;
use crate::input::staff::AuditFilterParams;
use crate::services::{Page, audit};
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use entity::audit_event;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// One audit event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventOut {
    /// Sequence number.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Kind of row.
    pub target_type: String,
    /// Row id.
    pub target_id: String,
    /// The row before (ID numbers masked).
    pub before: Option<serde_json::Value>,
    /// The row after (ID numbers masked).
    pub after: Option<serde_json::Value>,
    /// Hash of the previous event.
    pub prev_hash: String,
    /// Hash of this event.
    pub hash: String,
}

impl From<audit_event::Model> for AuditEventOut {
    fn from(e: audit_event::Model) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor: e.actor,
            action: e.action,
            target_type: e.target_type,
            target_id: e.target_id,
            before: e.before,
            after: e.after,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// List audit events, oldest first.
#[utoipa::path(get, path = "/api/v1/office/audit", tag = "office", params(PageParams, AuditFilterParams),
    responses((status = 200, body = Paginated<AuditEventOut>)),
    security(("bearer" = [])))]
async fn list_audit_events(
    State(state): State<AppState>,
    _me: Office<Admin>,
    Listing(filter, page): Listing<AuditFilterParams, Page>,
) -> ApiResult<Json<Paginated<AuditEventOut>>> {
    let (items, total) = audit::list(&state.db, filter.filter(), page).await?;
    Ok(Json(Paginated::of(items, page, total)))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_events))
}
