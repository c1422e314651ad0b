//! What the public sees: the credit lookup, subject profiles, list browsing and notices. Search
//! goes to the engine (which holds only public, masked documents); profiles and notice pages are
//! read from the database through the public scopes, so a withdrawn or expired record disappears
//! from them at once.

use crate::domain::{IdNumber, ListKind, Severity, SubjectKind as DomainKind};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::projection::{category_label, enum_str, notice_usccs};
use crate::state::AppState;
use chrono::NaiveDate;
use entity::{NoticeId, SubjectId, list_entry, notice, subject};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use search::{EntryDoc, Filter, FilterValue, NoticeDoc, Query, Sort, SubjectDoc};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Largest page size of public listings.
pub const MAX_PER_PAGE: u64 = 50;
/// Deepest result reachable by paging (anti-scraping).
pub const MAX_DEPTH: u64 = 1000;

/// A page request, checked against the public caps.
#[derive(Clone, Copy, Debug)]
pub struct PublicPage {
    /// 1-based page.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
}

impl PublicPage {
    fn apply(self, query: &mut Query) {
        query.offset = ((self.page - 1) * self.per_page) as usize;
        query.limit = self.per_page as usize;
    }
}

/// Counts of values of a facet field.
pub type Facets = BTreeMap<String, BTreeMap<String, u64>>;

/// Lookup criteria. Its `Debug` never shows the ID number.
#[derive(Clone, Default)]
pub struct LookupCriteria {
    /// Name fragment or code.
    pub q: String,
    /// Natural person lookup: exact name …
    pub person_name: Option<String>,
    /// … and exact ID number.
    pub id_number: Option<String>,
    /// `red` / `black` / `key_attention`.
    pub list: Option<String>,
    /// List name.
    pub list_name: Option<String>,
    /// Division code.
    pub region: Option<String>,
    /// Deciding authority.
    pub authority: Option<String>,
    /// Subject kind.
    pub kind: Option<String>,
    /// Decision year.
    pub year: Option<i64>,
}

impl std::fmt::Debug for LookupCriteria {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LookupCriteria")
            .field("q", &self.q)
            .field("person_name", &self.person_name)
            .field("id_number", &self.id_number.as_ref().map(|_| "<redacted>"))
            .field("list", &self.list)
            .field("list_name", &self.list_name)
            .field("region", &self.region)
            .field("authority", &self.authority)
            .field("kind", &self.kind)
            .field("year", &self.year)
            .finish()
    }
}

/// One subject in the lookup results.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SubjectHit {
    /// Opaque id (profile at `/api/v1/subjects/{id}`).
    pub id: String,
    /// Kind.
    pub kind: String,
    /// Kind in Chinese.
    pub kind_label: &'static str,
    /// Name (masked for natural persons).
    pub display_name: String,
    /// Name with the matched parts in `<mark>`; HTML-escaped.
    pub name_html: String,
    /// Unified social credit code.
    pub uscc: Option<String>,
    /// Masked ID number (natural persons).
    pub id_number_masked: Option<String>,
    /// Division code.
    pub region_code: String,
    /// Division name.
    pub region_name: Option<String>,
    /// Public red-list entries.
    pub red_count: u32,
    /// Public black-list entries.
    pub black_count: u32,
    /// Public key-attention entries.
    pub key_attention_count: u32,
    /// Published notices naming it.
    pub notice_count: u32,
    /// Names of its lists.
    pub list_names: Vec<String>,
    /// An objection is being handled (异议处理中).
    pub under_objection: bool,
}

/// Lookup results.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LookupResults {
    /// Hits on this page.
    pub hits: Vec<SubjectHit>,
    /// All hits.
    pub total: u64,
    /// Page number.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
    /// Counts by `lists`, `list_names`, `region_code`, `authorities`, `kind`, `years`.
    #[schema(value_type = Object)]
    pub facets: Facets,
    /// Engine time, milliseconds.
    pub took_ms: u64,
}

fn kind_label(kind: &str) -> &'static str {
    kind.parse::<DomainKind>()
        .map(DomainKind::label_zh)
        .unwrap_or("")
}

fn opt(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The public credit lookup.
pub async fn lookup(
    state: &AppState,
    c: &LookupCriteria,
    page: PublicPage,
) -> ApiResult<LookupResults> {
    let mut filters = Vec::new();
    let mut q = c.q.trim().to_owned();
    match (opt(&c.person_name), opt(&c.id_number)) {
        (Some(name), Some(raw)) => {
            let number = IdNumber::parse(raw, state.clock.today()).map_err(|e| {
                ApiError::new(
                    ErrorCode::InvalidQueryParameter,
                    format!("`id_number`: not a valid resident ID number: {e}."),
                )
            })?;
            // Counted per name across all clients: the masked number on a list and guesses of
            // the hidden digits from many addresses cannot complete it.
            crate::services::filings::PersonLookups {
                per_name_day: state.config.person_lookups_per_name_day,
            }
            .count(
                &state.db,
                &state.keys,
                name,
                state.clock.today(),
                state.clock.now(),
            )
            .await?;
            filters.push(Filter::eq(
                "person_key",
                state.keys.person_key(name, number.as_str()),
            ));
            q.clear();
        }
        (None, None) => {
            // Natural persons are never browsed: only the exact name + ID number finds them.
            // (An exclusion: each hit costs one look-up, where a union of the other three
            // kinds was sought to for every hit.)
            filters.push(Filter::ne("kind", DomainKind::NaturalPerson.as_str()));
        }
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidQueryParameter,
                "`name` and `id_number`: a natural person is looked up with both, exactly.",
            ));
        }
    }
    if let Some(v) = opt(&c.list) {
        filters.push(Filter::eq("lists", v));
    }
    if let Some(v) = opt(&c.list_name) {
        filters.push(Filter::eq("list_names", v));
    }
    if let Some(v) = opt(&c.region) {
        filters.push(Filter::eq("region_code", v));
    }
    if let Some(v) = opt(&c.authority) {
        filters.push(Filter::eq("authorities", v));
    }
    if let Some(v) = opt(&c.kind) {
        filters.push(Filter::eq("kind", v));
    }
    if let Some(y) = c.year {
        filters.push(Filter::eq("years", FilterValue::Int(y)));
    }
    let mut query = Query {
        q,
        filters,
        facets: [
            "lists",
            "list_names",
            "region_code",
            "authorities",
            "kind",
            "years",
        ]
        .map(String::from)
        .to_vec(),
        highlight: true,
        ..Query::default()
    };
    page.apply(&mut query);
    state.readiness.check_search()?;
    let results = state.search.search::<SubjectDoc>(&query).await?;
    state.metrics.count_lookup();
    let hits = results
        .hits
        .into_iter()
        .map(|h| {
            let d = h.doc;
            let name_html = h
                .highlights
                .get("name")
                .cloned()
                .unwrap_or_else(|| escape(&d.display_name));
            SubjectHit {
                kind_label: kind_label(&d.kind),
                id: d.id,
                kind: d.kind,
                display_name: d.display_name,
                name_html,
                uscc: d.uscc,
                id_number_masked: d
                    .id_number_masked
                    .map(|widest| state.config.id_mask.remask(&widest)),
                region_code: d.region_code,
                region_name: d.region_name,
                red_count: d.red_count,
                black_count: d.black_count,
                key_attention_count: d.key_attention_count,
                notice_count: d.notice_count,
                list_names: d.list_names,
                under_objection: d.under_objection,
            }
        })
        .collect();
    Ok(LookupResults {
        hits,
        total: results.total,
        page: page.page,
        per_page: page.per_page,
        facets: results.facets,
        took_ms: results.took_ms,
    })
}

/// HTML-escapes text (the search crate's escaping, which its highlights use too).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    search::text::escape_html(text, &mut out);
    out
}

/// A public list entry.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicEntry {
    /// Opaque id.
    pub id: String,
    /// The subject's id.
    pub subject_id: String,
    /// The subject's shown name.
    pub subject_name: String,
    /// The subject's code.
    pub subject_uscc: Option<String>,
    /// `red` / `black` / `key_attention`.
    pub list: String,
    /// 红名单 / 黑名单 / 重点关注.
    pub list_label: &'static str,
    /// 名单名称
    pub list_name: String,
    /// 失信等级
    pub severity: Option<String>,
    /// 失信等级 in Chinese.
    pub severity_label: Option<&'static str>,
    /// 列入事由
    pub reason: String,
    /// 失信行为
    pub facts: Option<String>,
    /// 认定依据
    pub legal_basis: Option<String>,
    /// 认定部门
    pub authority: String,
    /// 决定文书号
    pub document_number: String,
    /// 认定日期
    pub decision_date: String,
    /// 列入日期
    pub listing_date: String,
    /// 公示截止 / 有效期至
    pub publicity_until: Option<String>,
    /// 异议处理中
    pub under_objection: bool,
}

fn list_label(list: &str) -> &'static str {
    list.parse::<ListKind>()
        .map(ListKind::label_zh)
        .unwrap_or("")
}

fn severity_label(s: Option<&str>) -> Option<&'static str> {
    s.and_then(|s| s.parse::<Severity>().ok())
        .map(Severity::label_zh)
}

impl From<EntryDoc> for PublicEntry {
    fn from(d: EntryDoc) -> Self {
        Self {
            list_label: list_label(&d.list),
            severity_label: severity_label(d.severity.as_deref()),
            id: d.id,
            subject_id: d.subject_id,
            subject_name: d.subject_display_name,
            subject_uscc: d.subject_uscc,
            list: d.list,
            list_name: d.list_name,
            severity: d.severity,
            reason: d.reason,
            facts: d.facts,
            legal_basis: d.legal_basis,
            authority: d.authority,
            document_number: d.document_number,
            decision_date: d.decision_date,
            listing_date: d.listing_date,
            publicity_until: d.publicity_until,
            under_objection: d.under_objection,
        }
    }
}

/// The public facts of a subject.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicSubjectOut {
    /// Opaque id.
    pub id: String,
    /// Kind.
    pub kind: String,
    /// Kind in Chinese.
    pub kind_label: &'static str,
    /// Shown name.
    pub display_name: String,
    /// Code.
    pub uscc: Option<String>,
    /// Masked ID number.
    pub id_number_masked: Option<String>,
    /// 法定代表人 (organisations only).
    pub legal_representative: Option<String>,
    /// Division code.
    pub region_code: String,
    /// Division name.
    pub region_name: Option<String>,
}

/// A notice in a listing.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NoticeSummary {
    /// Opaque id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Title with matches in `<mark>`.
    pub title_html: String,
    /// Category.
    pub category: String,
    /// Category in Chinese.
    pub category_label: String,
    /// 发布单位
    pub issuing_unit: String,
    /// 发布日期
    pub publication_date: String,
    /// First lines of the body.
    pub summary: String,
}

/// A subject's public credit profile.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Profile {
    /// The subject.
    pub subject: PublicSubjectOut,
    /// 守信红名单
    pub red: Vec<PublicEntry>,
    /// 失信黑名单
    pub black: Vec<PublicEntry>,
    /// 重点关注
    pub key_attention: Vec<PublicEntry>,
    /// 曝光台 notices naming the subject.
    pub notices: Vec<NoticeSummary>,
    /// The day the profile describes.
    pub as_of: NaiveDate,
}

fn not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::SubjectNotFound,
        format!("Subject `{id}` not found."),
    )
}

/// A subject's public profile; natural persons only while one of their entries is public.
pub async fn profile(state: &AppState, id: SubjectId) -> ApiResult<Profile> {
    let today = state.clock.today();
    let s = subject::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| not_found(id))?;
    // By subject only, publicity judged here (see `projection::public_entries_of`).
    let entries: Vec<_> = list_entry::Entity::find()
        .filter(list_entry::Column::SubjectId.eq(id))
        .order_by_desc(list_entry::Column::DecisionDate)
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|e| e.is_public_on(today))
        .collect();
    if s.kind == entity::SubjectKind::NaturalPerson && entries.is_empty() {
        return Err(not_found(id));
    }
    let projector = state.projector();
    let public = projector.public_subject(&s);
    let mut profile = Profile {
        subject: PublicSubjectOut {
            id: s.id.to_string(),
            kind: enum_str(s.kind),
            kind_label: kind_label(&enum_str(s.kind)),
            display_name: public.display_name,
            uscc: s.uscc.clone(),
            id_number_masked: public.id_number_masked,
            legal_representative: if s.kind == entity::SubjectKind::NaturalPerson {
                None
            } else {
                s.legal_representative.clone()
            },
            region_code: s.region_code.clone(),
            region_name: public.region_name,
        },
        red: Vec::new(),
        black: Vec::new(),
        key_attention: Vec::new(),
        notices: Vec::new(),
        as_of: today,
    };
    for e in &entries {
        let Some(doc) = projector.entry_doc(e, &s) else {
            continue;
        };
        let entry = PublicEntry::from(doc);
        match e.list {
            entity::ListKind::Red => profile.red.push(entry),
            entity::ListKind::Black => profile.black.push(entry),
            entity::ListKind::KeyAttention => profile.key_attention.push(entry),
        }
    }
    if let Some(code) = &s.uscc {
        let notices = notice::Entity::find_public(today)
            .order_by_desc(notice::Column::PublicationDate)
            .all(&state.db)
            .await?;
        profile.notices = notices
            .iter()
            .filter(|n| notice_usccs(n).contains(code))
            .filter_map(|n| projector.notice_doc(n))
            .map(|d| notice_summary(d, None))
            .collect();
    }
    Ok(profile)
}

fn notice_summary(d: NoticeDoc, title_html: Option<String>) -> NoticeSummary {
    NoticeSummary {
        title_html: title_html.unwrap_or_else(|| escape(&d.title)),
        category_label: d
            .category
            .parse::<CategoryName>()
            .map(|c| c.0)
            .unwrap_or_default(),
        id: d.id,
        title: d.title,
        category: d.category,
        issuing_unit: d.issuing_unit,
        publication_date: d.publication_date,
        summary: d.summary,
    }
}

struct CategoryName(String);

impl std::str::FromStr for CategoryName {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let c: entity::NoticeCategory =
            serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| ())?;
        Ok(Self(category_label(c).to_owned()))
    }
}

/// Criteria of list browsing.
#[derive(Clone, Debug, Default)]
pub struct BrowseCriteria {
    /// Name fragment, code or reason words.
    pub q: String,
    /// List name.
    pub list_name: Option<String>,
    /// Division code.
    pub region: Option<String>,
    /// Deciding authority.
    pub authority: Option<String>,
    /// Decision year.
    pub year: Option<i64>,
}

/// A page of a public list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ListPage {
    /// Entries on this page.
    pub entries: Vec<PublicEntry>,
    /// All matching entries.
    pub total: u64,
    /// Page number.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
    /// Counts by `list_name`, `authority`, `year`, `region_code`.
    #[schema(value_type = Object)]
    pub facets: Facets,
}

/// Browses the red, black or key-attention list, newest decisions first when nothing is typed.
pub async fn browse(
    state: &AppState,
    list: ListKind,
    c: &BrowseCriteria,
    page: PublicPage,
) -> ApiResult<ListPage> {
    let mut filters = vec![Filter::eq("list", list.as_str())];
    if let Some(v) = opt(&c.list_name) {
        filters.push(Filter::eq("list_name", v));
    }
    if let Some(v) = opt(&c.region) {
        filters.push(Filter::eq("region_code", v));
    }
    if let Some(v) = opt(&c.authority) {
        filters.push(Filter::eq("authority", v));
    }
    if let Some(y) = c.year {
        filters.push(Filter::eq("year", FilterValue::Int(y)));
    }
    let q = c.q.trim().to_owned();
    let mut query = Query {
        sort: q.is_empty().then(|| Sort::desc("decided_at")),
        q,
        filters,
        facets: ["list_name", "authority", "year", "region_code"]
            .map(String::from)
            .to_vec(),
        ..Query::default()
    };
    page.apply(&mut query);
    state.readiness.check_search()?;
    let results = state.search.search::<EntryDoc>(&query).await?;
    Ok(ListPage {
        entries: results.hits.into_iter().map(|h| h.doc.into()).collect(),
        total: results.total,
        page: page.page,
        per_page: page.per_page,
        facets: results.facets,
    })
}

/// A page of notices.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NoticePage {
    /// Notices on this page.
    pub notices: Vec<NoticeSummary>,
    /// All matching notices.
    pub total: u64,
    /// Page number.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
}

/// Published notices, newest first when nothing is typed.
pub async fn notices(
    state: &AppState,
    q: &str,
    category: Option<&str>,
    page: PublicPage,
) -> ApiResult<NoticePage> {
    let mut filters = Vec::new();
    if let Some(c) = category.map(str::trim).filter(|c| !c.is_empty()) {
        filters.push(Filter::eq("category", c));
    }
    let q = q.trim().to_owned();
    let mut query = Query {
        sort: q.is_empty().then(|| Sort::desc("published_at")),
        q,
        filters,
        highlight: true,
        ..Query::default()
    };
    page.apply(&mut query);
    state.readiness.check_search()?;
    let results = state.search.search::<NoticeDoc>(&query).await?;
    Ok(NoticePage {
        notices: results
            .hits
            .into_iter()
            .map(|h| {
                let title = h.highlights.get("title").cloned();
                notice_summary(h.doc, title)
            })
            .collect(),
        total: results.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// A linked subject of a notice.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LinkedSubject {
    /// Code.
    pub uscc: String,
    /// The subject's id, if it is on record.
    pub id: Option<String>,
    /// Its name, if on record.
    pub name: Option<String>,
}

/// A published notice.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NoticeView {
    /// Opaque id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Category.
    pub category: String,
    /// Category in Chinese.
    pub category_label: &'static str,
    /// 发布单位
    pub issuing_unit: String,
    /// 发布日期
    pub publication_date: Option<NaiveDate>,
    /// Sanitised HTML of the body.
    pub body_html: String,
    /// Linked subjects.
    pub subjects: Vec<LinkedSubject>,
}

/// One published notice, read from the database.
pub async fn notice(state: &AppState, id: NoticeId) -> ApiResult<NoticeView> {
    let n = notice::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|n| n.is_public_on(state.clock.today()))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NoticeNotFound,
                format!("Notice `{id}` not found."),
            )
        })?;
    let codes = notice_usccs(&n);
    let known = subject::Entity::find()
        .filter(subject::Column::Uscc.is_in(codes.clone()))
        .all(&state.db)
        .await?;
    let projector = state.projector();
    let subjects = codes
        .into_iter()
        .map(|code| {
            let s = known
                .iter()
                .find(|s| s.uscc.as_deref() == Some(code.as_str()));
            LinkedSubject {
                id: s.map(|s| s.id.to_string()),
                name: s.map(|s| projector.public_subject(s).display_name),
                uscc: code,
            }
        })
        .collect();
    Ok(NoticeView {
        id: n.id.to_string(),
        title: n.title.clone(),
        category: enum_str(n.category),
        category_label: category_label(n.category),
        issuing_unit: n.issuing_unit.clone(),
        publication_date: n.publication_date,
        body_html: crate::markdown::render(&n.body_md),
        subjects,
    })
}
