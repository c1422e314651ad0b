//! The public lookup API: the credit lookup, subject profiles, list browsing and notices. Page
//! size and depth are capped.

use crate::domain::ListKind;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::{Json, Listing, Path};
use crate::input::lookup::{BrowseParams, LookupParams, NoticeParams};
use crate::input::paging::PublicPageParams;
use crate::services::public::{
    self, ListPage, LookupResults, NoticePage, NoticeView, Profile, PublicPage,
};
use crate::state::AppState;
use axum::extract::State;
use entity::{NoticeId, SubjectId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Credit lookup (信用查询): subjects by name fragment or code, with their red/black badges.
#[utoipa::path(get, path = "/api/v1/lookup", tag = "public", params(LookupParams, PublicPageParams),
    responses((status = 200, body = LookupResults), (status = 400, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn lookup(
    State(state): State<AppState>,
    Listing(p, page): Listing<LookupParams, PublicPage>,
) -> ApiResult<Json<LookupResults>> {
    Ok(Json(public::lookup(&state, &p.criteria()?, page).await?))
}

/// A subject's public credit profile: its records grouped by list, and notices naming it.
#[utoipa::path(get, path = "/api/v1/subjects/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "Subject id")),
    responses((status = 200, body = Profile), (status = 404, body = ErrorBody)))]
async fn public_subject(
    State(state): State<AppState>,
    Path(id): Path<SubjectId>,
) -> ApiResult<Json<Profile>> {
    Ok(Json(public::profile(&state, id).await?))
}

/// Browse a public list: `red` (守信红名单), `black` (失信黑名单) or `key_attention` (重点关注).
#[utoipa::path(get, path = "/api/v1/lists/{list}", tag = "public",
    params(("list" = entity::ListKind, Path, description = "`red`, `black` or `key_attention`"), BrowseParams, PublicPageParams),
    responses((status = 200, body = ListPage), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn browse_list(
    State(state): State<AppState>,
    Path(list): Path<String>,
    Listing(p, page): Listing<BrowseParams, PublicPage>,
) -> ApiResult<Json<ListPage>> {
    let kind: ListKind = list
        .parse()
        .map_err(|e| ApiError::new(ErrorCode::InvalidPathParameter, format!("`list`: {e}")))?;
    Ok(Json(
        public::browse(&state, kind, &p.criteria(), page).await?,
    ))
}

/// Exposure notices (曝光台), newest first.
#[utoipa::path(get, path = "/api/v1/notices", tag = "public", params(NoticeParams, PublicPageParams),
    responses((status = 200, body = NoticePage), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn public_notices(
    State(state): State<AppState>,
    Listing(p, page): Listing<NoticeParams, PublicPage>,
) -> ApiResult<Json<NoticePage>> {
    let category = p.category()?;
    let q = p.q.as_deref().unwrap_or_default();
    Ok(Json(public::notices(&state, q, category, page).await?))
}

/// One published notice.
#[utoipa::path(get, path = "/api/v1/notices/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "Notice id")),
    responses((status = 200, body = NoticeView), (status = 404, body = ErrorBody)))]
async fn public_notice(
    State(state): State<AppState>,
    Path(id): Path<NoticeId>,
) -> ApiResult<Json<NoticeView>> {
    Ok(Json(public::notice(&state, id).await?))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(lookup))
        .routes(routes!(public_subject))
        .routes(routes!(browse_list))
        .routes(routes!(public_notices))
        .routes(routes!(public_notice))
}
