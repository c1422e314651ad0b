//! `/lists/red` 守信红名单 and `/lists/black` 失信黑名单: the public entries of one list, with a
//! search box, facet filters and pagination.

use super::error::{PageError, PageQuery, number};
use super::view::{
    ActiveFilter, FacetField, FacetGroup, FacetKind, Layout, Pager, QueryString, Section, facets,
    render,
};
use crate::domain::ListKind;
use crate::error::{ApiError, ErrorCode};
use crate::input::lookup::BrowseParams;
use crate::input::paging::public_page;
use crate::input::validation_error;
use crate::services::public::{self, ListPage, PublicEntry, PublicPage};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use validator::Validate;

/// The list page's parameters, as text (see [`super::lookup`]).
#[derive(Debug, Default, Deserialize)]
pub(super) struct BrowseForm {
    q: Option<String>,
    list_name: Option<String>,
    authority: Option<String>,
    year: Option<String>,
    region: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

impl BrowseForm {
    fn params(&self) -> Result<(BrowseParams, PublicPage), ApiError> {
        let year = number("year", self.year.as_deref())?;
        let page = number("page", self.page.as_deref())?;
        let per_page = number("per_page", self.per_page.as_deref())?;
        let params = BrowseParams {
            q: self.q.clone(),
            list_name: self.list_name.clone(),
            region: self.region.clone(),
            authority: self.authority.clone(),
            year,
        };
        params
            .validate()
            .map_err(|e| validation_error(ErrorCode::InvalidQueryParameter, &e))?;
        Ok((params, public_page(page, per_page)?))
    }

    fn query(&self) -> QueryString {
        let mut q = QueryString::default();
        for (key, value) in [
            ("q", &self.q),
            ("list_name", &self.list_name),
            ("authority", &self.authority),
            ("year", &self.year),
            ("region", &self.region),
            ("per_page", &self.per_page),
            ("page", &self.page),
        ] {
            q.push(key, value.as_deref());
        }
        q
    }
}

const FACETS: &[FacetField] = &[
    FacetField {
        facet: "list_name",
        param: "list_name",
        title: "名单名称",
        kind: FacetKind::Text,
    },
    FacetField {
        facet: "authority",
        param: "authority",
        title: "认定部门",
        kind: FacetKind::Text,
    },
    FacetField {
        facet: "year",
        param: "year",
        title: "认定年份",
        kind: FacetKind::Year,
    },
    FacetField {
        facet: "region_code",
        param: "region",
        title: "区域",
        kind: FacetKind::Region,
    },
];

#[derive(Template)]
#[template(path = "list.html")]
struct ListTemplate {
    layout: Layout,
    /// `red` or `black`: the page's address and badge class.
    list: &'static str,
    /// 守信红名单 / 失信黑名单.
    title: &'static str,
    /// 有效期至 / 公示截止.
    until_label: &'static str,
    path: &'static str,
    q: String,
    total: u64,
    entries: Vec<PublicEntry>,
    facets: Vec<FacetGroup>,
    active_filters: Vec<ActiveFilter>,
    pager: Pager,
}

impl ListTemplate {
    fn new(kind: ListKind, form: &BrowseForm, page: ListPage) -> Self {
        let (list, title, until_label, path, section) = match kind {
            ListKind::Red => ("red", "守信红名单", "有效期至", "/lists/red", Section::Red),
            _ => (
                "black",
                "失信黑名单",
                "公示截止",
                "/lists/black",
                Section::Black,
            ),
        };
        let query = form.query();
        let (facets, active_filters) = facets(path, &query, FACETS, &page.facets);
        Self {
            layout: Layout::new(section),
            list,
            title,
            until_label,
            path,
            q: query.get("q").unwrap_or_default().to_owned(),
            total: page.total,
            pager: Pager::new(path, &query, page.page, page.per_page, page.total),
            entries: page.entries,
            facets,
            active_filters,
        }
    }
}

async fn browse(state: AppState, kind: ListKind, form: BrowseForm) -> Result<Response, PageError> {
    let (params, paging) = form.params()?;
    let criteria = params.criteria();
    let page = public::browse(&state, kind, &criteria, paging).await?;
    render(&ListTemplate::new(kind, &form, page))
}

/// `GET /lists/red`: the red list.
pub(super) async fn red(
    State(state): State<AppState>,
    PageQuery(form): PageQuery<BrowseForm>,
) -> Result<Response, PageError> {
    browse(state, ListKind::Red, form).await
}

/// `GET /lists/black`: the black list.
pub(super) async fn black(
    State(state): State<AppState>,
    PageQuery(form): PageQuery<BrowseForm>,
) -> Result<Response, PageError> {
    browse(state, ListKind::Black, form).await
}
