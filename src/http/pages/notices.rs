//! `/notices` 曝光台 and `/notices/{id}`: the published exposure notices, by category and words,
//! and one notice with its sanitised body and the subjects it names.

use super::error::{PageError, PagePath, PageQuery, number};
use super::view::{Layout, Pager, QueryString, Section, render};
use crate::error::{ApiError, ErrorCode};
use crate::input::lookup::NoticeParams;
use crate::input::paging::public_page;
use crate::input::validation_error;
use crate::services::public::{self, NoticePage, NoticeSummary, NoticeView, PublicPage};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use entity::NoticeId;
use serde::Deserialize;
use uuid::Uuid;
use validator::Validate;

/// The categories and their labels.
const CATEGORIES: &[(&str, &str)] = &[
    ("dishonesty_case", "失信典型案例"),
    ("integrity_model", "诚信典型"),
];

/// The notice list's parameters, as text.
#[derive(Debug, Default, Deserialize)]
pub(super) struct NoticeForm {
    q: Option<String>,
    category: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

impl NoticeForm {
    fn params(&self) -> Result<(NoticeParams, PublicPage), ApiError> {
        let page = number("page", self.page.as_deref())?;
        let per_page = number("per_page", self.per_page.as_deref())?;
        let params = NoticeParams {
            q: self.q.clone(),
            category: self.query().get("category").map(str::to_owned),
        };
        params
            .validate()
            .map_err(|e| validation_error(ErrorCode::InvalidQueryParameter, &e))?;
        params.category()?;
        Ok((params, public_page(page, per_page)?))
    }

    fn query(&self) -> QueryString {
        let mut q = QueryString::default();
        for (key, value) in [
            ("q", &self.q),
            ("category", &self.category),
            ("per_page", &self.per_page),
            ("page", &self.page),
        ] {
            q.push(key, value.as_deref());
        }
        q
    }
}

/// A category tab.
struct CategoryLink {
    label: &'static str,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesTemplate {
    layout: Layout,
    q: String,
    category: String,
    categories: Vec<CategoryLink>,
    total: u64,
    notices: Vec<NoticeSummary>,
    pager: Pager,
}

impl NoticesTemplate {
    fn new(form: &NoticeForm, page: NoticePage) -> Self {
        let query = form.query();
        let base = query.without("page");
        let current = query.get("category");
        let mut categories = vec![CategoryLink {
            label: "全部",
            href: base.without("category").href("/notices"),
            current: current.is_none(),
        }];
        categories.extend(CATEGORIES.iter().map(|(code, label)| CategoryLink {
            label,
            href: base.with("category", code).href("/notices"),
            current: current == Some(code),
        }));
        Self {
            layout: Layout::new(Section::Notices),
            q: query.get("q").unwrap_or_default().to_owned(),
            category: current.unwrap_or_default().to_owned(),
            categories,
            total: page.total,
            pager: Pager::new("/notices", &query, page.page, page.per_page, page.total),
            notices: page.notices,
        }
    }
}

/// `GET /notices`: the exposure notices.
pub(super) async fn list(
    State(state): State<AppState>,
    PageQuery(form): PageQuery<NoticeForm>,
) -> Result<Response, PageError> {
    let (params, paging) = form.params()?;
    let q = params.q.as_deref().unwrap_or_default();
    let page = public::notices(&state, q, params.category.as_deref(), paging).await?;
    render(&NoticesTemplate::new(&form, page))
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticeTemplate {
    layout: Layout,
    notice: NoticeView,
    date: String,
}

/// `GET /notices/{id}`: one notice.
pub(super) async fn page(
    State(state): State<AppState>,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let uuid = Uuid::parse_str(&id).map_err(|_| {
        ApiError::new(
            ErrorCode::NoticeNotFound,
            format!("Notice `{id}` not found."),
        )
    })?;
    let notice = public::notice(&state, NoticeId(uuid)).await?;
    let date = notice
        .publication_date
        .map(|d| d.to_string())
        .unwrap_or_default();
    render(&NoticeTemplate {
        layout: Layout::new(Section::Notices),
        notice,
        date,
    })
}
