//! `/api/v1/office/tokens`: staff bearer tokens — each with a name, an expiry and a last-used
//! time, revocable at once. Members manage their own; administrators everyone's.

use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::{Json, Office, Path, Query};
use crate::input::staff::{TokenFilterParams, TokenIn};
use crate::services::staff;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use entity::{StaffId, StaffTokenId};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A staff bearer token; `token` is present only in the answer to its creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// Id.
    pub id: Uuid,
    /// The member it acts for.
    pub staff_id: Uuid,
    /// Its label.
    pub name: String,
    /// Whether it is the bootstrap admin token from configuration.
    pub bootstrap: bool,
    /// The token, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Expires at (`null`: the bootstrap token, which is replaced by changing the configuration).
    pub expires_at: Option<DateTime<Utc>>,
    /// Last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked at.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<entity::staff_token::Model> for TokenOut {
    fn from(m: entity::staff_token::Model) -> Self {
        Self {
            id: m.id.0,
            staff_id: m.staff_id.0,
            name: m.name,
            bootstrap: m.bootstrap,
            token: None,
            created_at: m.created_at,
            expires_at: m.expires_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
        }
    }
}

/// Issue a new bearer token to yourself; the token is shown once.
#[utoipa::path(post, path = "/api/v1/office/tokens", tag = "office", request_body = TokenIn,
    responses((status = 201, body = TokenOut)),
    security(("bearer" = [])))]
async fn create_token(
    State(state): State<AppState>,
    me: Office,
    Json(input): Json<TokenIn>,
) -> ApiResult<(StatusCode, Json<TokenOut>)> {
    let (name, expires_at) = input.parse(state.clock.now(), state.config.token_days)?;
    let id = me.id();
    let (model, token) = state
        .write(me.actor(), async |txn, ctx| {
            staff::issue_token(txn, ctx, id, &name, expires_at).await
        })
        .await?;
    let mut out = TokenOut::from(model);
    out.token = Some(token);
    Ok((StatusCode::CREATED, Json(out)))
}

/// List tokens, newest first: your own, or (administrators) everyone's or one member's.
#[utoipa::path(get, path = "/api/v1/office/tokens", tag = "office", params(TokenFilterParams),
    responses((status = 200, body = Vec<TokenOut>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_tokens(
    State(state): State<AppState>,
    me: Office,
    Query(filter): Query<TokenFilterParams>,
) -> ApiResult<Json<Vec<TokenOut>>> {
    let whose = if me.is_admin() {
        filter.staff_id.map(StaffId)
    } else {
        if filter.staff_id.is_some_and(|id| id != me.id().0) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "Only administrators see other members' tokens.",
            ));
        }
        Some(me.id())
    };
    let tokens = staff::tokens(&state.db, whose).await?;
    Ok(Json(tokens.into_iter().map(Into::into).collect()))
}

/// Revoke a token: refused from this moment on. Your own, or (administrators) anyone's.
#[utoipa::path(post, path = "/api/v1/office/tokens/{id}/revoke", tag = "office",
    params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 200, body = TokenOut), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn revoke_token(
    State(state): State<AppState>,
    me: Office,
    Path(id): Path<StaffTokenId>,
) -> ApiResult<Json<TokenOut>> {
    let owner = (!me.is_admin()).then(|| me.id());
    let model = state
        .write(me.actor(), async |txn, ctx| {
            staff::revoke_token(txn, ctx, id, owner).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_token, list_tokens))
        .routes(routes!(revoke_token))
}
