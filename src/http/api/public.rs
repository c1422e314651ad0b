//! The public API under `/api/v1/`: the credit lookup, subject profiles, list browsing and
//! notices. Rate-limited per client; page size and depth are capped.

use crate::domain::ListKind;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::{Json, Path, Query};
use crate::services::public::{
    self, BrowseCriteria, ListPage, LookupCriteria, LookupResults, NoticePage, NoticeView, Profile,
    PublicPage,
};
use crate::state::AppState;
use axum::extract::State;
use entity::{NoticeId, SubjectId};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

/// Lookup parameters.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    /// Name (or fragment, e.g. the trade name) or unified social credit code.
    #[validate(length(max = 100))]
    pub q: Option<String>,
    /// A natural person's exact name (with `id_number`).
    #[validate(length(max = 50))]
    pub name: Option<String>,
    /// A natural person's exact ID number (with `name`). Matched on a keyed hash; never stored or logged.
    pub id_number: Option<String>,
    /// Only subjects on this list: `red`, `black`, `key_attention`.
    pub list: Option<String>,
    /// Only subjects on this named list, e.g. `失信被执行人`.
    pub list_name: Option<String>,
    /// Only this division code.
    pub region: Option<String>,
    /// Only subjects listed by this authority.
    pub authority: Option<String>,
    /// Only this kind of subject.
    pub kind: Option<String>,
    /// Only subjects with a decision in this year.
    #[validate(range(min = 1990, max = 2100))]
    pub year: Option<i64>,
    /// Page number (page × per_page ≤ 1000).
    pub page: Option<u64>,
    /// Page size, at most 50.
    pub per_page: Option<u64>,
}

impl LookupParams {
    /// The criteria and page these parameters ask for.
    pub fn criteria(&self) -> ApiResult<(LookupCriteria, PublicPage)> {
        let c = LookupCriteria {
            q: self.q.clone().unwrap_or_default(),
            person_name: self.name.clone(),
            id_number: self.id_number.clone(),
            list: self.list.clone(),
            list_name: self.list_name.clone(),
            region: self.region.clone(),
            authority: self.authority.clone(),
            kind: self.kind.clone(),
            year: self.year,
        };
        Ok((c, PublicPage::new(self.page, self.per_page)?))
    }
}

/// Credit lookup (信用查询): subjects by name fragment or code, with their red/black badges.
#[utoipa::path(get, path = "/api/v1/lookup", tag = "public", params(LookupParams),
    responses((status = 200, body = LookupResults), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
async fn lookup(
    State(state): State<AppState>,
    Query(p): Query<LookupParams>,
) -> ApiResult<Json<LookupResults>> {
    let (criteria, page) = p.criteria()?;
    Ok(Json(public::lookup(&state, &criteria, page).await?))
}

/// A subject's public credit profile: its records grouped by list, and notices naming it.
#[utoipa::path(get, path = "/api/v1/subjects/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "Subject id")),
    responses((status = 200, body = Profile), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn subject(State(state): State<AppState>, Path(id): Path<Uuid>) -> ApiResult<Json<Profile>> {
    Ok(Json(public::profile(&state, SubjectId(id)).await?))
}

/// List browsing parameters.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BrowseParams {
    /// Name fragment, code or words of the reason.
    #[validate(length(max = 100))]
    pub q: Option<String>,
    /// Only this named list.
    pub list_name: Option<String>,
    /// Only this division code.
    pub region: Option<String>,
    /// Only this deciding authority.
    pub authority: Option<String>,
    /// Only decisions of this year.
    #[validate(range(min = 1990, max = 2100))]
    pub year: Option<i64>,
    /// Page number.
    pub page: Option<u64>,
    /// Page size, at most 50.
    pub per_page: Option<u64>,
}

impl BrowseParams {
    /// The criteria and page these parameters ask for.
    pub fn criteria(&self) -> ApiResult<(BrowseCriteria, PublicPage)> {
        let c = BrowseCriteria {
            q: self.q.clone().unwrap_or_default(),
            list_name: self.list_name.clone(),
            region: self.region.clone(),
            authority: self.authority.clone(),
            year: self.year,
        };
        Ok((c, PublicPage::new(self.page, self.per_page)?))
    }
}

/// Browse a public list: `red` (守信红名单), `black` (失信黑名单) or `key_attention` (重点关注).
#[utoipa::path(get, path = "/api/v1/lists/{list}", tag = "public",
    params(("list" = String, Path, description = "`red`, `black` or `key_attention`"), BrowseParams),
    responses((status = 200, body = ListPage), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    Path(list): Path<String>,
    Query(p): Query<BrowseParams>,
) -> ApiResult<Json<ListPage>> {
    let kind: ListKind = list
        .parse()
        .map_err(|e| ApiError::new(ErrorCode::InvalidPathParameter, format!("`list`: {e}")))?;
    let (criteria, page) = p.criteria()?;
    Ok(Json(public::browse(&state, kind, &criteria, page).await?))
}

/// Notice listing parameters.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoticeParams {
    /// Words of the title or body.
    #[validate(length(max = 100))]
    pub q: Option<String>,
    /// `dishonesty_case` or `integrity_model`.
    pub category: Option<String>,
    /// Page number.
    pub page: Option<u64>,
    /// Page size, at most 50.
    pub per_page: Option<u64>,
}

/// Exposure notices (曝光台), newest first.
#[utoipa::path(get, path = "/api/v1/notices", tag = "public", params(NoticeParams),
    responses((status = 200, body = NoticePage), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn notices(
    State(state): State<AppState>,
    Query(p): Query<NoticeParams>,
) -> ApiResult<Json<NoticePage>> {
    let page = PublicPage::new(p.page, p.per_page)?;
    Ok(Json(
        public::notices(
            &state,
            p.q.as_deref().unwrap_or_default(),
            p.category.as_deref(),
            page,
        )
        .await?,
    ))
}

/// One published notice.
#[utoipa::path(get, path = "/api/v1/notices/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "Notice id")),
    responses((status = 200, body = NoticeView), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn notice(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<NoticeView>> {
    Ok(Json(public::notice(&state, NoticeId(id)).await?))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(lookup))
        .routes(routes!(subject))
        .routes(routes!(list))
        .routes(routes!(notices))
        .routes(routes!(notice))
}
