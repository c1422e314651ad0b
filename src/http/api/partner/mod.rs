//! The partner API under `/api/v1/partner/`: agency API keys with scopes, rate-limited per key —
//! batch submission, batch screening, the change feed and its snapshot.

pub mod batches;
pub mod changes;
pub mod screening;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::extract::Json;
use crate::services::agencies::KeyRefusal;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use entity::{agency, api_key};
use serde::Serialize;
use std::marker::PhantomData;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// What a partner route needs of a key: one of its scopes.
pub trait Scope: Send + Sync + 'static {
    /// The scope, e.g. `screen`.
    const NAME: Option<&'static str>;
}

/// Any valid key.
#[derive(Debug, Clone, Copy)]
pub struct AnyKey;
/// The `entries:submit` scope.
#[derive(Debug, Clone, Copy)]
pub struct SubmitEntries;
/// The `screen` scope.
#[derive(Debug, Clone, Copy)]
pub struct Screen;
/// The `changes:read` scope.
#[derive(Debug, Clone, Copy)]
pub struct ReadChanges;

impl Scope for AnyKey {
    const NAME: Option<&'static str> = None;
}
impl Scope for SubmitEntries {
    const NAME: Option<&'static str> = Some("entries:submit");
}
impl Scope for Screen {
    const NAME: Option<&'static str> = Some("screen");
}
impl Scope for ReadChanges {
    const NAME: Option<&'static str> = Some("changes:read");
}

/// An authenticated agency key that has the scope `S`: the route's scope check is in its
/// signature.
#[derive(Debug, Clone)]
pub struct Partner<S: Scope = AnyKey> {
    /// The key.
    pub key: api_key::Model,
    /// Its agency.
    pub agency: agency::Model,
    scope: PhantomData<S>,
}

impl<S: Scope> FromRequestParts<AppState> for Partner<S> {
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
            match crate::services::agencies::authenticate(&state.db, presented, state.clock.now())
                .await?
            {
                Ok(found) => found,
                Err(KeyRefusal::Invalid) => {
                    return Err(ApiError::new(
                        ErrorCode::Unauthenticated,
                        "The key is not valid or has been revoked.",
                    ));
                }
                Err(KeyRefusal::Expired) => {
                    return Err(ApiError::new(
                        ErrorCode::CredentialExpired,
                        "The key has expired; ask the credit office for a new one.",
                    ));
                }
                Err(KeyRefusal::QuotaExceeded) => {
                    let mut err = ApiError::new(
                        ErrorCode::DailyQuotaExceeded,
                        "This key has used its daily quota; it resets at midnight, Beijing time.",
                    );
                    err.retry_after = Some(seconds_to_china_midnight(state.clock.now()));
                    return Err(err);
                }
            };
        // A rate of 0 (or less) allows nothing: it never means "unlimited".
        let per_minute = u32::try_from(key.rate_limit_per_minute).unwrap_or(0);
        let limited = if per_minute == 0 {
            Err(60)
        } else {
            // In the database, so that the rate holds across server instances.
            crate::services::key_rates::take(
                &state.db,
                key.id,
                per_minute,
                per_minute.div_ceil(4).max(1),
                chrono::Utc::now(),
            )
            .await?
        };
        if let Err(wait) = limited {
            let mut err = ApiError::new(
                ErrorCode::RateLimited,
                format!("Too many requests; retry after {wait} seconds."),
            );
            err.retry_after = Some(wait);
            return Err(err);
        }
        if let Some(scope) = S::NAME
            && !key.scopes.split(',').any(|s| s == scope)
        {
            return Err(ApiError::new(
                ErrorCode::MissingScope,
                format!("This key lacks the scope `{scope}`."),
            ));
        }
        Ok(Partner {
            key,
            agency,
            scope: PhantomData,
        })
    }
}

/// Seconds from `now` to the next midnight in Beijing, when daily quotas reset.
fn seconds_to_china_midnight(now: chrono::DateTime<chrono::Utc>) -> u64 {
    let local = now.with_timezone(&crate::clock::china_offset());
    let next = local
        .date_naive()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t - local.naive_local());
    next.map_or(1, |d| u64::try_from(d.num_seconds()).unwrap_or(1).max(1))
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
    responses((status = 200, body = WhoAmI)),
    security(("agency_key" = [])))]
async fn whoami(p: Partner) -> ApiResult<Json<WhoAmI>> {
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

/// Every partner route.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(whoami))
        .merge(batches::router(state.config.max_batch_bytes))
        .merge(changes::router())
        .merge(screening::router())
}
