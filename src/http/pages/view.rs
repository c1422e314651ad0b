//! The pieces every page shares: the layout data, HTML responses with their security headers,
//! query strings that keep the visitor's parameters, facet links, pagination and badges.

use super::error::PageError;
use crate::domain::{ListKind, RegionCode, SubjectKind};
use crate::error::ApiError;
use crate::services::public::{Facets, MAX_DEPTH};
use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The stylesheet, served from the page router.
pub(super) const STYLESHEET: &str = include_str!("../../../static/site.css");

/// The stylesheet's address with a content fingerprint, so browsers may cache it for good.
pub(super) static STYLESHEET_HREF: LazyLock<String> = LazyLock::new(|| {
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(STYLESHEET.as_bytes()));
    format!("/static/site.css?v={}", &digest[..12])
});

/// The section of the site a page belongs to, for the navigation's `aria-current`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Section {
    /// 信用查询 and subject profiles.
    Lookup,
    /// 红名单.
    Red,
    /// 黑名单.
    Black,
    /// 曝光台.
    Notices,
    /// Error pages.
    None,
}

/// What the layout template needs from every page.
#[derive(Clone, Debug)]
pub(super) struct Layout {
    /// The stylesheet address.
    pub css_href: &'static str,
    /// The current section.
    pub section: Section,
}

impl Layout {
    /// The layout of a page in `section`.
    pub(super) fn new(section: Section) -> Self {
        Self {
            css_href: STYLESHEET_HREF.as_str(),
            section,
        }
    }

    /// `aria-current="page"` for the navigation link of the current section (`lookup`, `red`,
    /// `black`, `notices`), or nothing.
    pub(super) fn current(&self, link: &str) -> &'static str {
        let here = match self.section {
            Section::Lookup => "lookup",
            Section::Red => "red",
            Section::Black => "black",
            Section::Notices => "notices",
            Section::None => "",
        };
        if here == link { "page" } else { "false" }
    }
}

/// The headers every HTML answer carries (pages, error pages, and later the console): no
/// scripts at all, nothing from other origins, no sniffing, no framing, and no referrer (a lookup
/// URL may hold a name and an ID number). Attached once to the whole application; each header is
/// set only on `text/html` answers, so the JSON API is untouched.
pub fn security_headers<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
) -> axum::Router<S> {
    use tower_http::set_header::SetResponseHeaderLayer;
    fn on_html(value: &'static str) -> impl Fn(&Response) -> Option<HeaderValue> + Clone {
        move |response: &Response| {
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html"))
                .then(|| HeaderValue::from_static(value))
        }
    }
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            on_html(
                "default-src 'none'; style-src 'self'; img-src 'self' data: https:; form-action 'self'; \
                 base-uri 'none'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            on_html("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            on_html("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            on_html("DENY"),
        ))
}

/// Renders a page with status 200.
pub(super) fn render<T: Template>(page: &T) -> Result<Response, PageError> {
    let body = page
        .render()
        .map_err(|e| ApiError::internal(format!("page template: {e}")))?;
    Ok(Html(body).into_response())
}

/// Percent-encodes a query-string component (UTF-8; the unreserved characters of RFC 3986 kept).
pub(super) fn encode(text: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// The parameters of a page's address, in a stable order, so that links can change one of them
/// and keep the rest.
#[derive(Clone, Debug, Default)]
pub(super) struct QueryString(Vec<(&'static str, String)>);

impl QueryString {
    /// Adds `key` unless the value is missing or blank.
    pub(super) fn push(&mut self, key: &'static str, value: Option<&str>) {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            self.0.push((key, v.to_owned()));
        }
    }

    /// The value of `key`.
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A copy without `key`.
    pub(super) fn without(&self, key: &str) -> Self {
        Self(self.0.iter().filter(|(k, _)| *k != key).cloned().collect())
    }

    /// A copy with `key` set to `value` (in place if present, else at the end).
    pub(super) fn with(&self, key: &'static str, value: &str) -> Self {
        let mut next = self.clone();
        match next.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value.to_owned(),
            None => next.0.push((key, value.to_owned())),
        }
        next
    }

    /// The link to `path` with these parameters.
    pub(super) fn href(&self, path: &str) -> String {
        if self.0.is_empty() {
            return path.to_owned();
        }
        let query: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        format!("{path}?{}", query.join("&"))
    }
}

/// One value of a facet, as a link that filters on it (or, when active, removes the filter).
#[derive(Clone, Debug)]
pub(super) struct FacetOption {
    /// Shown text.
    pub label: String,
    /// Matching results.
    pub count: u64,
    /// Where the link goes.
    pub href: String,
    /// The filter is on.
    pub active: bool,
}

/// A facet field with its values.
#[derive(Clone, Debug)]
pub(super) struct FacetGroup {
    /// Heading, e.g. 认定部门.
    pub title: &'static str,
    /// The values, most frequent first (years newest first).
    pub options: Vec<FacetOption>,
}

/// A filter that is on, with the link that removes it.
#[derive(Clone, Debug)]
pub(super) struct ActiveFilter {
    /// E.g. `名单类型：黑名单`.
    pub label: String,
    /// The same page without this filter.
    pub remove_href: String,
}

/// How a facet's values are shown and ordered.
#[derive(Clone, Copy, Debug)]
pub(super) enum FacetKind {
    /// Free text (list names, authorities).
    Text,
    /// `red` / `black` / `key_attention`.
    List,
    /// Division codes, shown by name where known.
    Region,
    /// Subject kinds.
    SubjectKind,
    /// Years, newest first.
    Year,
}

impl FacetKind {
    /// The Chinese label of a value.
    pub(super) fn label(self, value: &str) -> String {
        match self {
            FacetKind::Text => value.to_owned(),
            FacetKind::List => value
                .parse::<ListKind>()
                .map_or_else(|_| value.to_owned(), |k| k.label_zh().to_owned()),
            FacetKind::Region => region_label(value),
            FacetKind::SubjectKind => value
                .parse::<SubjectKind>()
                .map_or_else(|_| value.to_owned(), |k| k.label_zh().to_owned()),
            FacetKind::Year => format!("{value}年"),
        }
    }
}

/// The name of a division code where the site knows it, else the code.
pub(super) fn region_label(code: &str) -> String {
    RegionCode::parse(code)
        .ok()
        .and_then(|r| r.name())
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// The description of one facet field of a page.
#[derive(Clone, Copy, Debug)]
pub(super) struct FacetField {
    /// The key in the engine's facet counts.
    pub facet: &'static str,
    /// The page parameter that filters on it.
    pub param: &'static str,
    /// Heading.
    pub title: &'static str,
    /// Labels and order.
    pub kind: FacetKind,
}

/// Most values shown per facet.
const MAX_FACET_VALUES: usize = 12;

/// Builds the facet groups and active filters of a result page at `path`.
pub(super) fn facets(
    path: &str,
    query: &QueryString,
    fields: &[FacetField],
    counts: &Facets,
) -> (Vec<FacetGroup>, Vec<ActiveFilter>) {
    let base = query.without("page");
    let empty = BTreeMap::new();
    let mut groups = Vec::new();
    let mut active = Vec::new();
    for field in fields {
        let current = query.get(field.param);
        if let Some(value) = current {
            active.push(ActiveFilter {
                label: format!("{}：{}", field.title, field.kind.label(value)),
                remove_href: base.without(field.param).href(path),
            });
        }
        let values = counts.get(field.facet).unwrap_or(&empty);
        let mut options: Vec<FacetOption> = values
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(value, n)| {
                let on = current == Some(value.as_str());
                let target = if on {
                    base.without(field.param)
                } else {
                    base.with(field.param, value)
                };
                FacetOption {
                    label: field.kind.label(value),
                    count: *n,
                    href: target.href(path),
                    active: on,
                }
            })
            .collect();
        match field.kind {
            FacetKind::Year => options.sort_by(|a, b| b.label.cmp(&a.label)),
            _ => options.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label))),
        }
        // Keep the active value visible even past the cut.
        let cut: Vec<FacetOption> = options
            .iter()
            .enumerate()
            .filter(|(i, o)| *i < MAX_FACET_VALUES || o.active)
            .map(|(_, o)| o.clone())
            .collect();
        if !cut.is_empty() {
            groups.push(FacetGroup {
                title: field.title,
                options: cut,
            });
        }
    }
    (groups, active)
}

/// One link of the page-number row.
#[derive(Clone, Debug)]
pub(super) struct PagerItem {
    /// Page number (0 for a gap).
    pub number: u64,
    /// Where it goes.
    pub href: String,
    /// This page.
    pub current: bool,
    /// An ellipsis between distant numbers.
    pub gap: bool,
}

/// Pagination links that keep every other parameter.
#[derive(Clone, Debug, Default)]
pub(super) struct Pager {
    /// 上一页.
    pub prev: Option<String>,
    /// 下一页.
    pub next: Option<String>,
    /// Page numbers with gaps.
    pub items: Vec<PagerItem>,
    /// Results exist beyond the reachable depth.
    pub truncated: bool,
    /// Current page.
    pub page: u64,
    /// Reachable pages.
    pub pages: u64,
}

impl Pager {
    /// The pager of `total` results shown `per_page` at a time, on `page`.
    pub(super) fn new(
        path: &str,
        query: &QueryString,
        page: u64,
        per_page: u64,
        total: u64,
    ) -> Self {
        let per_page = per_page.max(1);
        let reachable = (MAX_DEPTH / per_page).max(1);
        let pages = total.div_ceil(per_page).min(reachable);
        let base = query.without("page");
        let link = |n: u64| {
            if n == 1 {
                base.href(path)
            } else {
                base.with("page", &n.to_string()).href(path)
            }
        };
        let mut items = Vec::new();
        if pages > 1 {
            let mut last_shown = 0;
            for n in 1..=pages {
                let near = n.abs_diff(page) <= 2;
                if n == 1 || n == pages || near {
                    if last_shown + 1 < n {
                        items.push(PagerItem {
                            number: 0,
                            href: String::new(),
                            current: false,
                            gap: true,
                        });
                    }
                    items.push(PagerItem {
                        number: n,
                        href: link(n),
                        current: n == page,
                        gap: false,
                    });
                    last_shown = n;
                }
            }
        }
        Self {
            prev: (page > 1 && page <= pages + 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
            items,
            truncated: total > reachable * per_page,
            page,
            pages,
        }
    }

    /// Whether there is anything to show.
    pub(super) fn is_shown(&self) -> bool {
        self.prev.is_some() || self.next.is_some() || self.items.len() > 1
    }
}

/// A badge: a label with text, coloured by `class` (the colour is never the only signal).
#[derive(Clone, Debug)]
pub(super) struct Badge {
    /// CSS class: `red`, `black`, `attention`, `objection`, `notice`, `none`.
    pub class: &'static str,
    /// Shown text, e.g. `黑名单 2`.
    pub text: String,
}

/// The badges of a subject's counts.
pub(super) fn badges(
    red: u32,
    black: u32,
    attention: u32,
    notices: u32,
    objection: bool,
) -> Vec<Badge> {
    let mut out = Vec::new();
    if black > 0 {
        out.push(Badge {
            class: "black",
            text: format!("黑名单 {black}"),
        });
    }
    if attention > 0 {
        out.push(Badge {
            class: "attention",
            text: format!("重点关注 {attention}"),
        });
    }
    if red > 0 {
        out.push(Badge {
            class: "red",
            text: format!("红名单 {red}"),
        });
    }
    if notices > 0 {
        out.push(Badge {
            class: "notice",
            text: format!("曝光 {notices}"),
        });
    }
    if objection {
        out.push(Badge {
            class: "objection",
            text: "异议处理中".into(),
        });
    }
    if red == 0 && black == 0 && attention == 0 {
        out.push(Badge {
            class: "none",
            text: "无红黑名单记录".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_every_other_parameter_and_encode_chinese() {
        let mut q = QueryString::default();
        q.push("q", Some("天汉 建设"));
        q.push("region", Some(""));
        q.push("year", Some("2026"));
        q.push("page", Some("2"));
        assert_eq!(
            q.without("page").href("/"),
            "/?q=%E5%A4%A9%E6%B1%89%20%E5%BB%BA%E8%AE%BE&year=2026"
        );
        assert_eq!(
            q.with("page", "3").href("/x"),
            "/x?q=%E5%A4%A9%E6%B1%89%20%E5%BB%BA%E8%AE%BE&year=2026&page=3"
        );
        assert_eq!(QueryString::default().href("/lists/red"), "/lists/red");
    }

    #[test]
    fn the_pager_shows_neighbours_ends_and_gaps_within_the_depth_cap() {
        let mut q = QueryString::default();
        q.push("q", Some("a"));
        let p = Pager::new("/", &q, 6, 10, 200);
        let numbers: Vec<u64> = p.items.iter().map(|i| i.number).collect();
        assert_eq!(numbers, vec![1, 0, 4, 5, 6, 7, 8, 0, 20]);
        assert_eq!(p.prev.as_deref(), Some("/?q=a&page=5"));
        assert_eq!(p.next.as_deref(), Some("/?q=a&page=7"));
        let first = Pager::new("/", &q, 2, 10, 200);
        assert_eq!(first.prev.as_deref(), Some("/?q=a"));
        let deep = Pager::new("/", &q, 1, 50, 5000);
        assert_eq!(deep.pages, 20);
        assert!(deep.truncated);
        assert!(!Pager::new("/", &q, 1, 20, 3).is_shown());
    }
}
