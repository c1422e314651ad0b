//! The partner API under `/api/v1/partner/`: agency API keys with scopes, rate-limited per key.

use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::Json;
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use entity::{agency, api_key};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// An authenticated agency key.
#[derive(Debug, Clone)]
pub struct Partner {
    /// The key.
    pub key: api_key::Model,
    /// Its agency.
    pub agency: agency::Model,
}

impl Partner {
    /// Refuses with 403 unless the key has `scope`.
    pub fn require(&self, scope: &str) -> ApiResult<()> {
        if self.key.scopes.split(',').any(|s| s == scope) {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::MissingScope,
                format!("This key lacks the scope `{scope}`."),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Partner {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let presented = crate::http::extract::bearer_token(parts).ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthenticated,
                "Send an agency API key as `Authorization: Bearer <key>`.",
            )
        })?;
        let (key, agency) =
            crate::services::agencies::authenticate(&state.db, presented, state.clock.now())
                .await?
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::Unauthenticated,
                        "The key is not valid or has been revoked.",
                    )
                })?;
        let per_minute = u32::try_from(key.rate_limit_per_minute).unwrap_or(0);
        if let Err(wait) =
            state
                .key_limiter
                .check_rate(key.id, per_minute, per_minute.div_ceil(4).max(1))
        {
            let mut err = ApiError::new(
                ErrorCode::RateLimited,
                format!("Too many requests; retry after {wait} seconds."),
            );
            err.retry_after = Some(wait);
            return Err(err);
        }
        Ok(Partner { key, agency })
    }
}

/// Who a key acts for.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"agency_id": "3f1d6a2e-8c4b-4e9a-b7d2-6a1c9e0f5b38", "agency_name": "国家税务总局汉中市税务局",
    "agency_uscc": "11610700MB2961796E", "trusted": false, "key_id": "9a7e2c41-5b3d-4f8e-a6c2-1d0b9e8f7a63",
    "scopes": ["entries:submit", "changes:read"], "usage_count": 12}))]
pub struct WhoAmI {
    /// The agency.
    pub agency_id: Uuid,
    /// Its name.
    pub agency_name: String,
    /// Its code (the data source of what it submits).
    pub agency_uscc: String,
    /// Whether its submissions publish directly.
    pub trusted: bool,
    /// The key.
    pub key_id: Uuid,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// Requests made with it, this one included.
    pub usage_count: i64,
}

/// Who this key acts for, its scopes and usage.
#[utoipa::path(get, path = "/api/v1/partner/whoami", tag = "partner",
    responses((status = 200, body = WhoAmI), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
async fn whoami(State(_state): State<AppState>, p: Partner) -> ApiResult<Json<WhoAmI>> {
    Ok(Json(WhoAmI {
        agency_id: p.agency.id.0,
        agency_name: p.agency.name,
        agency_uscc: p.agency.uscc,
        trusted: p.agency.trusted,
        key_id: p.key.id.0,
        scopes: p
            .key
            .scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        usage_count: p.key.usage_count + 1,
    }))
}

/// Feed parameters.
#[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesParams {
    /// The last sequence number already read (0 to start).
    #[validate(range(min = 0))]
    pub since: Option<i64>,
    /// Changes per page, at most 1000 (default 500).
    #[validate(range(min = 1, max = 1000))]
    pub limit: Option<u64>,
}

/// One public change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeOut {
    /// Sequence number, strictly increasing.
    pub seq: i64,
    /// The entry.
    pub entry_id: Uuid,
    /// `added`, `changed` or `removed`.
    pub change: String,
    /// `published`, `corrected`, `objection`, `withdrawn`, `expired`, `repaired`.
    pub reason: String,
    /// When it was committed.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The public entry after the change (masked; absent for removals).
    #[schema(value_type = Option<Object>)]
    pub entry: Option<serde_json::Value>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"changes": [
    {"seq": 41, "entry_id": "0b6f7c8e-3f0e-4a51-9d2a-1c4b8e2f6a10", "change": "added", "reason": "published",
     "at": "2026-05-08T02:15:00Z", "entry": {"list": "black", "list_name": "重大税收违法失信主体", "subject_name": "汉中市天汉建设工程有限公司"}},
    {"seq": 42, "entry_id": "0b6f7c8e-3f0e-4a51-9d2a-1c4b8e2f6a10", "change": "removed", "reason": "withdrawn",
     "at": "2026-06-01T08:00:00Z", "entry": null}],
    "next_since": 42, "has_more": false}))]
pub struct ChangesPage {
    /// Changes after `since`, in order.
    pub changes: Vec<ChangeOut>,
    /// Send this as `since` next time.
    pub next_since: i64,
    /// Whether more changes are waiting.
    pub has_more: bool,
}

/// The change feed: public additions, changes and removals (expiry, repair and withdrawal
/// included) in a strictly increasing sequence. Store `next_since` and ask again.
#[utoipa::path(get, path = "/api/v1/partner/changes", tag = "partner", params(ChangesParams),
    responses((status = 200, body = ChangesPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
async fn changes(
    State(state): State<AppState>,
    p: Partner,
    crate::http::extract::Query(q): crate::http::extract::Query<ChangesParams>,
) -> ApiResult<Json<ChangesPage>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    p.require("changes:read")?;
    let since = q.since.unwrap_or(0);
    let limit = q.limit.unwrap_or(500);
    let mut rows = entity::public_change::Entity::find()
        .filter(entity::public_change::Column::Seq.gt(since))
        .order_by_asc(entity::public_change::Column::Seq)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_since = rows.last().map_or(since, |r| r.seq);
    Ok(Json(ChangesPage {
        changes: rows
            .into_iter()
            .map(|r| ChangeOut {
                seq: r.seq,
                entry_id: r.entry_id,
                change: r.change,
                reason: r.reason,
                at: r.at,
                entry: r.document,
            })
            .collect(),
        next_since,
        has_more,
    }))
}

/// A full snapshot of what the public sees, for a consumer starting the feed: JSON lines, one
/// `{"seq", "entry_id", "entry"}` per public entry (its last change), then one closing line
/// `{"snapshot": {"as_of", "entries", "sha256"}}` whose `sha256` covers every byte before it.
/// Continue with `GET /api/v1/partner/changes?since=<as_of>`. The same values are in the
/// `X-Snapshot-As-Of` and `X-Snapshot-Sha256` headers.
#[utoipa::path(get, path = "/api/v1/partner/snapshot", tag = "partner",
    responses((status = 200, content_type = "application/x-ndjson", body = String,
            example = json!("{\"seq\":41,\"entry_id\":\"…\",\"entry\":{…}}\n{\"snapshot\":{\"as_of\":57,\"entries\":1,\"sha256\":\"…\"}}\n")),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
async fn snapshot(
    State(state): State<AppState>,
    p: Partner,
) -> ApiResult<axum::response::Response> {
    use axum::http::header::{CONTENT_TYPE, HeaderValue};
    use axum::response::IntoResponse;
    p.require("changes:read")?;
    let (as_of, rows) = crate::services::changes::snapshot(&state.db).await?;
    #[derive(Serialize)]
    struct Line<'a> {
        seq: i64,
        entry_id: Uuid,
        entry: Option<&'a serde_json::Value>,
    }
    let mut body = Vec::with_capacity(rows.len() * 1024);
    for r in &rows {
        let line = Line {
            seq: r.seq,
            entry_id: r.entry_id,
            entry: r.document.as_ref(),
        };
        serde_json::to_writer(&mut body, &line).map_err(ApiError::internal)?;
        body.push(b'\n');
    }
    let sha256 = crate::crypto::sha256_hex(&body);
    serde_json::to_writer(
        &mut body,
        &serde_json::json!({"snapshot": {"as_of": as_of, "entries": rows.len(), "sha256": sha256}}),
    )
    .map_err(ApiError::internal)?;
    body.push(b'\n');
    let header = |v: String| HeaderValue::from_str(&v).map_err(ApiError::internal);
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-ndjson"),
            ),
            (
                axum::http::HeaderName::from_static("x-snapshot-as-of"),
                header(as_of.to_string())?,
            ),
            (
                axum::http::HeaderName::from_static("x-snapshot-sha256"),
                header(sha256)?,
            ),
        ],
        body,
    )
        .into_response())
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(whoami))
        .routes(routes!(changes))
        .routes(routes!(snapshot))
}
