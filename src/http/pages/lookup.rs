//! `/` 信用查询: the search box, the natural-person form, and the results with their badges,
//! facets and pagination. The search box is a `GET` form; the natural-person form posts its
//! name and ID number to `POST /`, so that neither is ever in an address (a `GET` carrying them
//! is refused with `id_number_in_url`).

use super::error::{PageError, PageForm, PageQuery, number};
use super::view::{
    ActiveFilter, Badge, FacetField, FacetGroup, FacetKind, Layout, Pager, QueryString, Section,
    badges, facets, region_label, render,
};
use crate::error::{ApiError, ErrorCode};
use crate::input::lookup::LookupParams;
use crate::input::paging::public_page;
use crate::input::validation_error;
use crate::services::public::{self, LookupResults, PublicPage};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;
use validator::Validate;

/// The lookup form's parameters, all optional and taken as text so that a bad value becomes a
/// friendly error page rather than a bare rejection. `name` and `id_number` are read only to
/// refuse them: a person is looked up through [`PersonForm`].
#[derive(Default, Deserialize)]
pub(super) struct LookupForm {
    q: Option<String>,
    name: Option<String>,
    id_number: Option<String>,
    list: Option<String>,
    list_name: Option<String>,
    region: Option<String>,
    authority: Option<String>,
    kind: Option<String>,
    year: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

impl LookupForm {
    /// The API's parameters (and so its checks) for this form.
    fn params(&self) -> Result<(LookupParams, PublicPage), ApiError> {
        let year = number("year", self.year.as_deref())?;
        let page = number("page", self.page.as_deref())?;
        let per_page = number("per_page", self.per_page.as_deref())?;
        let params = LookupParams {
            q: self.q.clone(),
            // A form's "any" choice sends a blank value: no filter.
            list: crate::input::trimmed(self.list.clone()),
            list_name: self.list_name.clone(),
            region: self.region.clone(),
            authority: self.authority.clone(),
            kind: crate::input::trimmed(self.kind.clone()),
            year,
        };
        params
            .validate()
            .map_err(|e| validation_error(ErrorCode::InvalidQueryParameter, &e))?;
        Ok((params, public_page(page, per_page)?))
    }

    /// Every non-blank parameter, in form order.
    fn query(&self) -> QueryString {
        let mut q = QueryString::default();
        for (key, value) in [
            ("q", &self.q),
            ("list", &self.list),
            ("list_name", &self.list_name),
            ("region", &self.region),
            ("authority", &self.authority),
            ("kind", &self.kind),
            ("year", &self.year),
            ("per_page", &self.per_page),
            ("page", &self.page),
        ] {
            q.push(key, value.as_deref());
        }
        q
    }

    /// Nothing typed and no filter: the page introduces itself instead of searching.
    fn is_blank(&self) -> bool {
        let q = self.query();
        [
            "q",
            "list",
            "list_name",
            "region",
            "authority",
            "kind",
            "year",
        ]
        .iter()
        .all(|k| q.get(k).is_none())
    }

    /// Refuses an address that carries a natural person's name or ID number.
    fn refuse_person(&self) -> Result<(), ApiError> {
        match (&self.name, &self.id_number) {
            (None, None) => Ok(()),
            (name, _) => crate::input::lookup::refuse_person_in_query(Some(if name.is_some() {
                "name="
            } else {
                "id_number="
            })),
        }
    }
}

impl std::fmt::Debug for LookupForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LookupForm")
            .field("q", &self.q)
            .field("name", &self.name)
            .field("id_number", &self.id_number.as_ref().map(|_| "<redacted>"))
            .field("list", &self.list)
            .field("list_name", &self.list_name)
            .field("region", &self.region)
            .field("authority", &self.authority)
            .field("kind", &self.kind)
            .field("year", &self.year)
            .field("page", &self.page)
            .field("per_page", &self.per_page)
            .finish()
    }
}

/// The natural-person form, posted as `application/x-www-form-urlencoded`. Its `Debug` never
/// shows the ID number.
#[derive(Default, Deserialize)]
pub(super) struct PersonForm {
    name: Option<String>,
    id_number: Option<String>,
}

impl std::fmt::Debug for PersonForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonForm")
            .field("name", &self.name)
            .field("id_number", &self.id_number.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

const FACETS: &[FacetField] = &[
    FacetField {
        facet: "lists",
        param: "list",
        title: "名单类型",
        kind: FacetKind::List,
    },
    FacetField {
        facet: "list_names",
        param: "list_name",
        title: "名单名称",
        kind: FacetKind::Text,
    },
    FacetField {
        facet: "region_code",
        param: "region",
        title: "区域",
        kind: FacetKind::Region,
    },
    FacetField {
        facet: "authorities",
        param: "authority",
        title: "认定部门",
        kind: FacetKind::Text,
    },
    FacetField {
        facet: "years",
        param: "year",
        title: "认定年份",
        kind: FacetKind::Year,
    },
    FacetField {
        facet: "kind",
        param: "kind",
        title: "主体类型",
        kind: FacetKind::SubjectKind,
    },
];

/// One subject in the results.
struct HitView {
    href: String,
    name_html: String,
    kind_label: &'static str,
    uscc: Option<String>,
    id_number_masked: Option<String>,
    region: String,
    badges: Vec<Badge>,
    list_names: String,
}

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupPage {
    layout: Layout,
    /// The search box's text. The person form is never filled back in: a name and an ID number
    /// are not shown again on a page that may be left on a shared screen.
    q: String,
    /// Nothing was asked: show the introduction.
    intro: bool,
    person: bool,
    total: u64,
    hits: Vec<HitView>,
    facets: Vec<FacetGroup>,
    active_filters: Vec<ActiveFilter>,
    pager: Pager,
    /// The signed proof of this search (`/proof?…`); none for a person lookup or no text.
    proof_href: Option<String>,
}

impl LookupPage {
    fn new(form: &LookupForm, person: bool, results: Option<LookupResults>) -> Self {
        let query = form.query();
        let mut page = Self {
            layout: Layout::new(Section::Lookup),
            q: query.get("q").unwrap_or_default().to_owned(),
            intro: results.is_none(),
            person,
            total: 0,
            hits: Vec::new(),
            facets: Vec::new(),
            active_filters: Vec::new(),
            pager: Pager::default(),
            proof_href: None,
        };
        let Some(r) = results else { return page };
        if !person && !page.q.trim().is_empty() {
            page.proof_href = Some(query.without("page").without("per_page").href("/proof"));
        }
        if !page.person {
            // A person is found only by the exact pair: nothing to narrow or page through, and no
            // link on the page repeats the name and number.
            (page.facets, page.active_filters) = facets("/", &query, FACETS, &r.facets);
            page.pager = Pager::new("/", &query, r.page, r.per_page, r.total);
        }
        page.total = r.total;
        page.hits = r
            .hits
            .into_iter()
            .map(|h| HitView {
                href: format!("/subjects/{}", h.id),
                badges: badges(
                    h.red_count,
                    h.black_count,
                    h.key_attention_count,
                    h.notice_count,
                    h.under_objection,
                ),
                name_html: h.name_html,
                kind_label: h.kind_label,
                uscc: h.uscc,
                id_number_masked: h.id_number_masked,
                region: h
                    .region_name
                    .unwrap_or_else(|| region_label(&h.region_code)),
                list_names: h.list_names.join("、"),
            })
            .collect();
        page
    }
}

/// `GET /`: the credit lookup.
pub(super) async fn page(
    State(state): State<AppState>,
    PageQuery(form): PageQuery<LookupForm>,
) -> Result<Response, PageError> {
    form.refuse_person()?;
    let (params, paging) = form.params()?;
    let criteria = params.criteria()?;
    let results = if form.is_blank() {
        None
    } else {
        Some(public::lookup(&state, &criteria, paging).await?)
    };
    render(&LookupPage::new(&form, false, results))
}

/// `POST /`: the natural-person lookup of the person form, answered with the results page.
pub(super) async fn person(
    State(state): State<AppState>,
    PageForm(form): PageForm<PersonForm>,
) -> Result<Response, PageError> {
    let input = crate::input::lookup::PersonLookupIn {
        name: form.name.unwrap_or_default(),
        id_number: form.id_number.unwrap_or_default(),
    };
    let criteria = input.criteria().map_err(|mut e| {
        // The page's form is what was wrong, not a JSON body.
        e.code = ErrorCode::InvalidQueryParameter;
        e
    })?;
    let paging = public_page(None, None)?;
    let results = public::lookup(&state, &criteria, paging).await?;
    let mut response = render(&LookupPage::new(
        &LookupForm::default(),
        true,
        Some(results),
    ))?;
    // The answer is about one person: keep it out of every cache.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
