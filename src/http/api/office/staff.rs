//! `/api/v1/office/staff`: admins create staff members and their tokens.

use crate::error::ApiResult;
use crate::http::extract::{Admin, Json, Office};
use crate::input::staff::StaffIn;
use crate::services::staff;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use entity::StaffRole;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

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
    responses((status = 201, body = StaffOut)),
    security(("bearer" = [])))]
async fn create_staff(
    State(state): State<AppState>,
    me: Office<Admin>,
    Json(input): Json<StaffIn>,
) -> ApiResult<(StatusCode, Json<StaffOut>)> {
    let (name, role) = input.parse()?;
    let (model, token) = state
        .write(me.actor(), async |txn, ctx| {
            staff::create(txn, ctx, name, role).await
        })
        .await?;
    let mut out = StaffOut::from(model);
    out.token = Some(token);
    Ok((StatusCode::CREATED, Json(out)))
}

/// List staff members (admins only).
#[utoipa::path(get, path = "/api/v1/office/staff", tag = "office",
    responses((status = 200, body = Vec<StaffOut>)),
    security(("bearer" = [])))]
async fn list_staff(
    State(state): State<AppState>,
    _me: Office<Admin>,
) -> ApiResult<Json<Vec<StaffOut>>> {
    let members = staff::list(&state.db).await?;
    Ok(Json(members.into_iter().map(Into::into).collect()))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_staff, list_staff))
}
