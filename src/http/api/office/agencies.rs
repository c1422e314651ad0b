//! `/api/v1/office/agencies`: the office registers partner agencies and issues their API keys.

use super::subjects::optional_text;
use crate::db::begin_write;
use crate::domain::Uscc;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::api::Paginated;
use crate::http::extract::{Json, PageParams, Path, Query, Staff};
use crate::services::agencies::{self, SCOPES};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use entity::{AgencyId, ApiKeyId, agency, api_key};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A new agency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyIn {
    /// Name.
    #[schema(example = "国家税务总局汉中市税务局")]
    pub name: String,
    /// Its unified social credit code.
    pub uscc: String,
    /// Whether its submissions publish directly instead of entering review (default false).
    #[serde(default)]
    pub trusted: bool,
}

/// An agency.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyOut {
    /// Opaque id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Code.
    pub uscc: String,
    /// Publishes directly.
    pub trusted: bool,
    /// Registered at.
    pub created_at: DateTime<Utc>,
}

impl From<agency::Model> for AgencyOut {
    fn from(a: agency::Model) -> Self {
        Self {
            id: a.id.0,
            name: a.name,
            uscc: a.uscc,
            trusted: a.trusted,
            created_at: a.created_at,
        }
    }
}

/// A new key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyIn {
    /// A label, e.g. the consuming system.
    pub name: String,
    /// Any of `entries:submit`, `screen`, `changes:read`.
    pub scopes: Vec<String>,
    /// Requests per minute (default 600).
    pub rate_limit_per_minute: Option<u32>,
}

/// A key; `key` is present only in the answer to its creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyOut {
    /// Opaque id.
    pub id: Uuid,
    /// The agency.
    pub agency_id: Uuid,
    /// Label.
    pub name: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Requests per minute.
    pub rate_limit_per_minute: i32,
    /// Requests made with it.
    pub usage_count: i64,
    /// Last use.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Revoked at.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The key itself, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl From<api_key::Model> for KeyOut {
    fn from(k: api_key::Model) -> Self {
        Self {
            id: k.id.0,
            agency_id: k.agency_id.0,
            name: k.name,
            scopes: k
                .scopes
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            rate_limit_per_minute: k.rate_limit_per_minute,
            usage_count: k.usage_count,
            last_used_at: k.last_used_at,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
            key: None,
        }
    }
}

/// Register a partner agency (admins only).
#[utoipa::path(post, path = "/api/v1/office/agencies", tag = "office", request_body = AgencyIn,
    responses((status = 201, body = AgencyOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create(
    State(state): State<AppState>,
    me: Staff,
    Json(input): Json<AgencyIn>,
) -> ApiResult<(StatusCode, Json<AgencyOut>)> {
    me.require(&[])?;
    let name = optional_text(Some(input.name))
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidAgencyField, "`name`: required."))?;
    let uscc = Uscc::parse(&input.uscc).map_err(|e| {
        ApiError::field(
            ErrorCode::InvalidAgencyField,
            "uscc",
            &input.uscc,
            format!("is not a valid unified social credit code: {e}"),
        )
    })?;
    let txn = begin_write(&state.db).await?;
    let model = agencies::create(
        &txn,
        &state.write_ctx(me.actor()),
        name,
        uscc,
        input.trusted,
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(model.into())))
}

/// List agencies (admins only).
#[utoipa::path(get, path = "/api/v1/office/agencies", tag = "office", params(PageParams),
    responses((status = 200, body = Paginated<AgencyOut>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn list(
    State(state): State<AppState>,
    me: Staff,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Paginated<AgencyOut>>> {
    me.require(&[])?;
    let page = p.page();
    let (items, total) = agencies::list(&state.db, page).await?;
    Ok(Json(Paginated::new(
        items.into_iter().map(Into::into).collect(),
        page,
        total,
    )))
}

/// Issue an API key to an agency (admins only); the key is shown once.
#[utoipa::path(post, path = "/api/v1/office/agencies/{id}/keys", tag = "office", params(("id" = Uuid, Path, description = "Agency id")),
    request_body = KeyIn,
    responses((status = 201, body = KeyOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn issue(
    State(state): State<AppState>,
    me: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<KeyIn>,
) -> ApiResult<(StatusCode, Json<KeyOut>)> {
    me.require(&[])?;
    let name = optional_text(Some(input.name))
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidAgencyField, "`name`: required."))?;
    if input.scopes.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidAgencyField,
            "`scopes`: at least one of `entries:submit`, `screen`, `changes:read`.",
        ));
    }
    if let Some(bad) = input.scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return Err(ApiError::field(
            ErrorCode::InvalidAgencyField,
            "scopes",
            bad,
            "is not one of `entries:submit`, `screen`, `changes:read`",
        ));
    }
    let rate = i32::try_from(input.rate_limit_per_minute.unwrap_or(600)).unwrap_or(i32::MAX);
    let txn = begin_write(&state.db).await?;
    let (model, key) = agencies::issue_key(
        &txn,
        &state.write_ctx(me.actor()),
        AgencyId(id),
        name,
        input.scopes,
        rate,
    )
    .await?;
    txn.commit().await?;
    let mut out = KeyOut::from(model);
    out.key = Some(key);
    Ok((StatusCode::CREATED, Json(out)))
}

/// List an agency's keys with their usage (admins only).
#[utoipa::path(get, path = "/api/v1/office/agencies/{id}/keys", tag = "office", params(("id" = Uuid, Path, description = "Agency id")),
    responses((status = 200, body = Vec<KeyOut>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn keys(
    State(state): State<AppState>,
    me: Staff,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<KeyOut>>> {
    me.require(&[])?;
    Ok(Json(
        agencies::keys(&state.db, AgencyId(id))
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Revoke a key: refused from this moment on (admins only).
#[utoipa::path(post, path = "/api/v1/office/keys/{id}/revoke", tag = "office", params(("id" = Uuid, Path, description = "Key id")),
    responses((status = 200, body = KeyOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn revoke(
    State(state): State<AppState>,
    me: Staff,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<KeyOut>> {
    me.require(&[])?;
    let txn = begin_write(&state.db).await?;
    let model = agencies::revoke_key(&txn, &state.write_ctx(me.actor()), ApiKeyId(id)).await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(issue, keys))
        .routes(routes!(revoke))
}
