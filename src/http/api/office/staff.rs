//! `/api/v1/office/staff`: admins create staff members and their tokens.

use super::subjects::optional_text;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::{Json, Staff};
use crate::services::staff;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use entity::StaffRole;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A new staff member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffIn {
    /// Display name.
    pub name: String,
    /// `admin`, `editor` or `reviewer`.
    pub role: StaffRole,
}

/// A staff member; `token` is present only in the answer to its creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffOut {
    /// Id (the audit actor is `staff:<id>`).
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: StaffRole,
    /// The bearer token, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Revoked at.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<entity::staff::Model> for StaffOut {
    fn from(m: entity::staff::Model) -> Self {
        Self {
            id: m.id.0,
            name: m.name,
            role: m.role,
            token: None,
            created_at: m.created_at,
            revoked_at: m.revoked_at,
        }
    }
}

/// Create a staff member with a bearer token (admins only).
#[utoipa::path(post, path = "/api/v1/office/staff", tag = "office", request_body = StaffIn,
    responses((status = 201, body = StaffOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create(
    state: State<AppState>,
    me: Staff,
    Json(input): Json<StaffIn>,
) -> ApiResult<(StatusCode, Json<StaffOut>)> {
    me.require(&[])?;
    let name = optional_text(Some(input.name))
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidStaffField, "`name`: required."))?;
    let txn = begin_write(&state.db).await?;
    let (model, token) =
        staff::create(&txn, &state.write_ctx(me.actor()), name, input.role).await?;
    txn.commit().await?;
    let mut out = StaffOut::from(model);
    out.token = Some(token);
    Ok((StatusCode::CREATED, Json(out)))
}

/// List staff members (admins only).
#[utoipa::path(get, path = "/api/v1/office/staff", tag = "office",
    responses((status = 200, body = Vec<StaffOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list(state: State<AppState>, me: Staff) -> ApiResult<Json<Vec<StaffOut>>> {
    me.require(&[])?;
    Ok(Json(
        staff::list(&state.db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create, list))
}
