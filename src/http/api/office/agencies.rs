//! `/api/v1/office/agencies`: the office registers partner agencies and issues their API keys.

use crate::error::{ApiResult, ErrorBody};
use crate::http::api::Paginated;
use crate::http::extract::{Admin, Json, Listing, NoFilters, Office, Path};
use crate::input::agencies::{AgencyIn, AuthoritiesIn, KeyIn, parse_authorities};
use crate::input::paging::PageParams;
use crate::services::{Page, agencies};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use entity::{AgencyId, ApiKeyId, agency, agency_authority, api_key};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

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
    /// The deciding authorities it may submit records of.
    pub authorities: Vec<AuthorityOut>,
    /// Current version.
    pub version: i32,
    /// Registered at.
    pub created_at: DateTime<Utc>,
}

/// A deciding authority an agency may submit under.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorityOut {
    /// Name, as records name it.
    pub name: String,
    /// Its code, if registered with one.
    pub uscc: Option<String>,
}

impl AgencyOut {
    fn new(a: agency::Model, authorities: Vec<agency_authority::Model>) -> Self {
        Self {
            id: a.id.0,
            name: a.name,
            uscc: a.uscc,
            trusted: a.trusted,
            authorities: authorities
                .into_iter()
                .map(|x| AuthorityOut {
                    name: x.name,
                    uscc: x.uscc,
                })
                .collect(),
            version: a.version,
            created_at: a.created_at,
        }
    }
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
    /// It authenticates nobody from then on.
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests allowed per day (Beijing time); `null`: no daily cap.
    pub daily_quota: Option<i32>,
    /// The day `quota_used` counts.
    pub quota_day: Option<chrono::NaiveDate>,
    /// Requests made on `quota_day`.
    pub quota_used: i32,
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
            expires_at: k.expires_at,
            daily_quota: k.daily_quota,
            quota_day: k.quota_day,
            quota_used: k.quota_used,
            key: None,
        }
    }
}

/// Register a partner agency (admins only).
#[utoipa::path(post, path = "/api/v1/office/agencies", tag = "office", request_body = AgencyIn,
    responses((status = 201, body = AgencyOut), (status = 409, description = "An agency with this code is registered", body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_agency(
    State(state): State<AppState>,
    me: Office<Admin>,
    Json(input): Json<AgencyIn>,
) -> ApiResult<(StatusCode, Json<AgencyOut>)> {
    let a = input.parse()?;
    let (model, authorities) = state
        .write(me.actor(), async |txn, ctx| {
            let model = agencies::create(txn, ctx, a).await?;
            let authorities = agencies::authorities(txn, model.id).await?;
            Ok((model, authorities))
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AgencyOut::new(model, authorities)),
    ))
}

/// Read an agency with its registered authorities (admins only).
#[utoipa::path(get, path = "/api/v1/office/agencies/{id}", tag = "office", params(("id" = Uuid, Path, description = "Agency id")),
    responses((status = 200, body = AgencyOut), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn read_agency(
    State(state): State<AppState>,
    _me: Office<Admin>,
    Path(id): Path<AgencyId>,
) -> ApiResult<Json<AgencyOut>> {
    let model = agencies::get(&state.db, id).await?;
    let authorities = agencies::authorities(&state.db, id).await?;
    Ok(Json(AgencyOut::new(model, authorities)))
}

/// Replace the deciding authorities an agency may submit records of (admins only; audited).
/// From then on a record naming another authority is refused with `authority_not_registered`;
/// records already submitted stay as they are.
#[utoipa::path(put, path = "/api/v1/office/agencies/{id}/authorities", tag = "office",
    params(("id" = Uuid, Path, description = "Agency id")), request_body = AuthoritiesIn,
    responses((status = 200, body = AgencyOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_authorities(
    State(state): State<AppState>,
    me: Office<Admin>,
    Path(id): Path<AgencyId>,
    Json(input): Json<AuthoritiesIn>,
) -> ApiResult<Json<AgencyOut>> {
    let list = parse_authorities(input.authorities)?;
    let (model, authorities) = state
        .write(me.actor(), async |txn, ctx| {
            let model = agencies::set_authorities(txn, ctx, id, input.version, list).await?;
            let authorities = agencies::authorities(txn, id).await?;
            Ok((model, authorities))
        })
        .await?;
    Ok(Json(AgencyOut::new(model, authorities)))
}

/// List agencies (admins only).
#[utoipa::path(get, path = "/api/v1/office/agencies", tag = "office", params(PageParams),
    responses((status = 200, body = Paginated<AgencyOut>)), security(("bearer" = [])))]
async fn list_agencies(
    State(state): State<AppState>,
    _me: Office<Admin>,
    Listing(NoFilters {}, page): Listing<NoFilters, Page>,
) -> ApiResult<Json<Paginated<AgencyOut>>> {
    let (items, total) = agencies::list(&state.db, page).await?;
    let ids: Vec<AgencyId> = items.iter().map(|a| a.id).collect();
    let mut authorities = agencies::authorities_of(&state.db, &ids).await?;
    let items = items
        .into_iter()
        .map(|a| {
            let list = authorities.remove(&a.id).unwrap_or_default();
            AgencyOut::new(a, list)
        })
        .collect();
    Ok(Json(Paginated::new(items, page, total)))
}

/// Issue an API key to an agency (admins only); the key is shown once.
#[utoipa::path(post, path = "/api/v1/office/agencies/{id}/keys", tag = "office", params(("id" = Uuid, Path, description = "Agency id")),
    request_body = KeyIn,
    responses((status = 201, body = KeyOut), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn issue_key(
    State(state): State<AppState>,
    me: Office<Admin>,
    Path(id): Path<AgencyId>,
    Json(input): Json<KeyIn>,
) -> ApiResult<(StatusCode, Json<KeyOut>)> {
    let k = input.parse()?;
    let (model, key) = state
        .write(me.actor(), async |txn, ctx| {
            agencies::issue_key(txn, ctx, id, k).await
        })
        .await?;
    let mut out = KeyOut::from(model);
    out.key = Some(key);
    Ok((StatusCode::CREATED, Json(out)))
}

/// List an agency's keys with their usage (admins only).
#[utoipa::path(get, path = "/api/v1/office/agencies/{id}/keys", tag = "office", params(("id" = Uuid, Path, description = "Agency id")),
    responses((status = 200, body = Vec<KeyOut>)), security(("bearer" = [])))]
async fn list_keys(
    State(state): State<AppState>,
    _me: Office<Admin>,
    Path(id): Path<AgencyId>,
) -> ApiResult<Json<Vec<KeyOut>>> {
    let keys = agencies::keys(&state.db, id).await?;
    Ok(Json(keys.into_iter().map(Into::into).collect()))
}

/// Revoke a key: refused from this moment on (admins only).
#[utoipa::path(post, path = "/api/v1/office/keys/{id}/revoke", tag = "office", params(("id" = Uuid, Path, description = "Key id")),
    responses((status = 200, body = KeyOut), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn revoke_key(
    State(state): State<AppState>,
    me: Office<Admin>,
    Path(id): Path<ApiKeyId>,
) -> ApiResult<Json<KeyOut>> {
    let model = state
        .write(me.actor(), async |txn, ctx| {
            agencies::revoke_key(txn, ctx, id).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_agency, list_agencies))
        .routes(routes!(read_agency))
        .routes(routes!(set_authorities))
        .routes(routes!(issue_key, list_keys))
        .routes(routes!(revoke_key))
}
