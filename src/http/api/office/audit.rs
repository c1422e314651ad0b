//! `/api/v1/office/audit`: the audit trail by entry, subject, actor and time (admins only).

use crate::error::ApiResult;
use crate::http::api::Paginated;
use crate::http::extract::{Json, PageParams, Query, Staff};
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use validator::Validate;

/// Filters of the audit listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Page number.
    #[validate(range(min = 1, max = 100000))]
    pub page: Option<u64>,
    /// Page size.
    #[validate(range(min = 1, max = 100))]
    pub per_page: Option<u64>,
    /// Only events about this row (entry, subject, notice or staff id).
    pub target_id: Option<String>,
    /// Only this kind of row: `subject`, `entry`, `notice`, `staff`.
    pub target_type: Option<String>,
    /// Only this actor, e.g. `staff:<id>`, `system`.
    pub actor: Option<String>,
    /// Only events at or after this time (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Only events before this time (RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

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

/// List audit events, oldest first.
#[utoipa::path(get, path = "/api/v1/office/audit", tag = "office", params(AuditParams),
    responses((status = 200, body = Paginated<AuditEventOut>), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
async fn list(
    State(state): State<AppState>,
    me: Staff,
    Query(p): Query<AuditParams>,
) -> ApiResult<Json<Paginated<AuditEventOut>>> {
    me.require(&[])?;
    let page = PageParams {
        page: p.page,
        per_page: p.per_page,
    }
    .page();
    let mut query = audit_event::Entity::find();
    if let Some(v) = p.target_id {
        query = query.filter(audit_event::Column::TargetId.eq(v));
    }
    if let Some(v) = p.target_type {
        query = query.filter(audit_event::Column::TargetType.eq(v));
    }
    if let Some(v) = p.actor {
        query = query.filter(audit_event::Column::Actor.eq(v));
    }
    if let Some(v) = p.from {
        query = query.filter(audit_event::Column::At.gte(v));
    }
    if let Some(v) = p.to {
        query = query.filter(audit_event::Column::At.lt(v));
    }
    let paginator = query
        .order_by_asc(audit_event::Column::Id)
        .paginate(&state.db, page.per_page);
    let total = paginator.num_items().await?;
    let items = paginator
        .fetch_page(page.page - 1)
        .await?
        .into_iter()
        .map(|e| AuditEventOut {
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
        })
        .collect();
    Ok(Json(Paginated::new(items, page, total)))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}
