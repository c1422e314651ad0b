//! The public lookup API: the credit lookup, subject profiles, list browsing and notices. Page
//! size and depth are capped.

use crate::domain::ListKind;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::{Json, Listing, Path};
use crate::input::lookup::{
    BrowseParams, LookupParams, NoticeParams, PersonLookupIn, refuse_person_in_query,
};
use crate::input::paging::PublicPageParams;
use crate::services::public::{
    self, ListPage, LookupResults, NoticePage, NoticeView, Profile, PublicPage,
};
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use entity::{NoticeId, SubjectId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Refuses, before anything else reads the query string, an address that carries a natural
/// person's name or ID number (400 `id_number_in_url`).
#[derive(Debug)]
struct NoPersonInQuery;

impl<S: Send + Sync> FromRequestParts<S> for NoPersonInQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        refuse_person_in_query(parts.uri.query()).map(|()| NoPersonInQuery)
    }
}

/// Credit lookup (信用查询): subjects by name fragment or code, with their red/black badges.
/// Natural persons are looked up by `POST /api/v1/lookup/person`: a `name` or `id_number` in
/// this address is refused with `id_number_in_url`.
#[utoipa::path(get, path = "/api/v1/lookup", tag = "public", params(LookupParams, PublicPageParams),
    responses((status = 200, body = LookupResults), (status = 400, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn lookup(
    State(state): State<AppState>,
    _no_person: NoPersonInQuery,
    Listing(p, page): Listing<LookupParams, PublicPage>,
) -> ApiResult<Json<LookupResults>> {
    Ok(Json(public::lookup(&state, &p.criteria()?, page).await?))
}

/// Natural-person lookup (自然人查询): the exact name and ID number, in the body so that neither
/// is in an address, a log or a cache; answered like the credit lookup. Limited per client, and
/// per name per day from all clients together (`person_lookup_throttled`), so that the hidden
/// digits of a masked ID number cannot be guessed.
#[utoipa::path(post, path = "/api/v1/lookup/person", tag = "public", request_body = PersonLookupIn,
    responses((status = 200, body = LookupResults), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn lookup_person(
    State(state): State<AppState>,
    _no_person: NoPersonInQuery,
    Json(input): Json<PersonLookupIn>,
) -> ApiResult<axum::response::Response> {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let criteria = input.criteria()?;
    let page = crate::input::paging::public_page(None, None)?;
    let mut response = Json(public::lookup(&state, &criteria, page).await?).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
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
        .routes(routes!(lookup_person))
        .routes(routes!(public_subject))
        .routes(routes!(browse_list))
        .routes(routes!(public_notices))
        .routes(routes!(public_notice))
}
