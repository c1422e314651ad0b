//! The Meilisearch engine (production): one Meilisearch index per document type, named
//! `{prefix}{INDEX}`.
//!
//! Chinese is segmented and folded by [`crate::text`], as on the embedded engine, and reaches
//! Meilisearch only as generated ASCII tokens (see [`encode`]): a `<field>_words` attribute
//! beside every searchable and code field, a `<field>_bigrams` attribute for every bigram
//! source, both searchable after the fields they come from and stripped again from hits; the
//! query is rewritten the same way. Highlights are marked by [`crate::text::highlight`], as on
//! the embedded engine.
//!
//! Every HTTP call is bounded by [`REQUEST_TIMEOUT`] and every task awaited with a bound;
//! transport failures and timeouts are [`Error::Unavailable`].

pub mod encode;

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::errors::{Error as MeiliError, ErrorCode};
use meilisearch_sdk::search::{MatchingStrategies, Selectors};
use meilisearch_sdk::settings::{
    FacetingSettings, LocalizedAttributes, PaginationSetting, Settings, TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde_json::{Map, Value};

use crate::document::ID_FIELD;
use crate::query::{MAX_LIMIT, MAX_OFFSET};
use crate::text::{self, AnalyzedQuery};
use crate::{
    Document, EntryDoc, Error, Filter, FilterValue, Hit, IndexSettings, NoticeDoc, Query, Results,
    SubjectDoc,
};

/// Bound on one HTTP request to Meilisearch.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Bound on waiting for an ordinary task (settings, upsert, delete, swap).
pub const TASK_TIMEOUT: Duration = Duration::from_secs(10);
/// Bound on waiting for a settings task: changed settings re-index the documents.
pub const SETTINGS_TASK_TIMEOUT: Duration = Duration::from_secs(60);
/// Bound on waiting for a bulk task of a rebuild.
pub const BULK_TASK_TIMEOUT: Duration = Duration::from_secs(300);
/// Interval between task status polls.
const TASK_POLL: Duration = Duration::from_millis(50);
/// Languages of the indexed text: forcing them keeps short Chinese queries from being taken
/// for Japanese (which Meilisearch segments differently).
const LOCALES: [&str; 2] = ["cmn", "eng"];
/// Facet values returned per facet.
const MAX_FACET_VALUES: usize = 1000;

/// The Meilisearch engine. Cheap to clone.
#[derive(Clone)]
pub struct MeiliEngine {
    inner: Arc<MeiliInner>,
}

impl std::fmt::Debug for MeiliEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client holds the API key: never print it.
        f.debug_struct("MeiliEngine")
            .field("index_prefix", &self.inner.prefix)
            .finish_non_exhaustive()
    }
}

struct MeiliInner {
    client: Client,
    prefix: String,
    /// Index uids whose settings this process has applied.
    configured: tokio::sync::Mutex<HashSet<String>>,
}

/// Runs one request with the request bound.
async fn bounded<T>(request: impl Future<Output = Result<T, MeiliError>>) -> Result<T, Error> {
    match tokio::time::timeout(REQUEST_TIMEOUT, request).await {
        Ok(result) => result.map_err(map_error),
        Err(_) => Err(Error::Unavailable(
            "Meilisearch did not answer in time".into(),
        )),
    }
}

/// Classifies an SDK error without leaking the URL or the key.
fn map_error(err: MeiliError) -> Error {
    match err {
        MeiliError::Meilisearch(err) => match err.error_code {
            ErrorCode::InvalidSearchFilter
            | ErrorCode::InvalidSearchSort
            | ErrorCode::InvalidSearchFacets
            | ErrorCode::InvalidSearchQ
            | ErrorCode::InvalidSearchOffset
            | ErrorCode::InvalidSearchLimit
            | ErrorCode::InvalidSearchPage
            | ErrorCode::InvalidSearchHitsPerPage => Error::InvalidQuery(err.error_message),
            ErrorCode::InvalidApiKey | ErrorCode::MissingAuthorizationHeader => {
                Error::Unavailable("Meilisearch rejected the API key".into())
            }
            _ => Error::Internal(format!("Meilisearch: {}", err.error_message)),
        },
        MeiliError::MeilisearchCommunication(err) if err.status_code >= 500 => {
            Error::Unavailable(format!("Meilisearch answered HTTP {}", err.status_code))
        }
        MeiliError::MeilisearchCommunication(err) => Error::Internal(format!(
            "Meilisearch answered HTTP {}{}",
            err.status_code,
            err.message.map(|m| format!(": {m}")).unwrap_or_default()
        )),
        MeiliError::HttpError(err) => {
            let what = if err.is_timeout() {
                "timed out"
            } else if err.is_connect() {
                "could not connect"
            } else {
                "failed"
            };
            Error::Unavailable(format!("HTTP request to Meilisearch {what}"))
        }
        MeiliError::Timeout => {
            Error::Unavailable("a Meilisearch task did not finish in time".into())
        }
        MeiliError::ParseError(err) => {
            Error::Internal(format!("unexpected answer from Meilisearch: {err}"))
        }
        MeiliError::InvalidRequest => {
            Error::Internal("cannot build a request to Meilisearch (bad API key format?)".into())
        }
        other => Error::Internal(format!("Meilisearch client: {other}")),
    }
}

/// Index uids are alphanumerics, `-` and `_`.
fn valid_uid_part(part: &str) -> bool {
    part.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The settings sent to Meilisearch for an index.
pub fn meili_settings(settings: &IndexSettings) -> Settings {
    let bigram_fields: Vec<String> = settings
        .bigrams
        .iter()
        .map(|f| IndexSettings::bigram_field(f))
        .collect();
    // Codes first (an exact code ranks first), then the searchable fields in rank order, each
    // followed by its generated words, then the bigrams (fragments rank below words).
    let searchable: Vec<String> = settings
        .codes
        .iter()
        .chain(settings.searchable)
        .flat_map(|f| [(*f).to_owned(), IndexSettings::words_field(f)])
        .chain(bigram_fields.iter().cloned())
        .collect();
    let mut filterable: Vec<&str> = settings.filterable.to_vec();
    if !filterable.contains(&ID_FIELD) {
        filterable.push(ID_FIELD);
    }
    // Codes and generated tokens are matched exactly (queries quote the tokens anyway).
    let no_typos: Vec<String> = settings
        .codes
        .iter()
        .map(|f| (*f).to_owned())
        .chain(
            settings
                .codes
                .iter()
                .chain(settings.searchable)
                .map(|f| IndexSettings::words_field(f)),
        )
        .chain(bigram_fields)
        .collect();
    Settings::new()
        .with_searchable_attributes(searchable)
        .with_filterable_attributes(filterable)
        .with_sortable_attributes(settings.sortable)
        .with_displayed_attributes(["*"])
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: Some(no_typos),
            disable_on_words: Some(Vec::new()),
            min_word_size_for_typos: None,
            disable_on_numbers: Some(true),
        })
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_OFFSET + MAX_LIMIT,
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: MAX_FACET_VALUES,
            sort_facet_values_by: None,
        })
        .with_localized_attributes([LocalizedAttributes {
            locales: LOCALES.iter().map(|l| (*l).to_owned()).collect(),
            attribute_patterns: vec!["*".to_owned()],
        }])
}

/// The strings of a field: a string, or the strings of a list.
fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The JSON sent for a document: the document plus its generated attributes (`<field>_words`
/// and `<field>_bigrams`, see [`encode`]), each only when it holds something.
pub fn to_meili_json<D: Document>(doc: &D, settings: &IndexSettings) -> Result<Value, Error> {
    let mut json = serde_json::to_value(doc)?;
    let Value::Object(map) = &mut json else {
        return Err(Error::Internal(
            "a search document must serialise to a JSON object".into(),
        ));
    };
    let mut generated = Vec::new();
    for source in settings.codes.iter().chain(settings.searchable) {
        let words = encode::words_value(strings(map.get(*source)));
        if !words.is_empty() {
            generated.push((IndexSettings::words_field(source), words));
        }
    }
    for source in settings.bigrams {
        let bigrams = encode::bigrams_value(strings(map.get(*source)));
        if !bigrams.is_empty() {
            generated.push((IndexSettings::bigram_field(source), bigrams));
        }
    }
    for (field, value) in generated {
        map.insert(field, Value::String(value));
    }
    Ok(json)
}

/// Removes the generated attributes from a hit.
fn strip_generated(map: &mut Map<String, Value>, settings: &IndexSettings) {
    for source in settings.codes.iter().chain(settings.searchable) {
        map.remove(&IndexSettings::words_field(source));
    }
    for source in settings.bigrams {
        map.remove(&IndexSettings::bigram_field(source));
    }
}

/// A filter value in Meilisearch filter syntax.
fn render_value(value: &FilterValue) -> String {
    match value {
        FilterValue::Str(s) => {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('"');
            for c in s.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
            out
        }
        FilterValue::Int(i) => i.to_string(),
        FilterValue::Bool(b) => b.to_string(),
    }
}

/// The filters as one Meilisearch filter expression (`None` when there are none). Field names
/// have been checked against the settings, so they are plain identifiers.
pub fn render_filters(filters: &[Filter]) -> Option<String> {
    let parts: Vec<String> = filters
        .iter()
        .map(|filter| match filter {
            Filter::Eq(field, value) => format!("({field} = {})", render_value(value)),
            Filter::In(field, values) => format!(
                "({field} IN [{}])",
                values
                    .iter()
                    .map(render_value)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

impl MeiliEngine {
    /// A client for Meilisearch at `url`, without contacting it: each index gets its settings
    /// on first use. Lets the application start while Meilisearch is down (lookups then fail
    /// with [`Error::Unavailable`] until it is back).
    pub fn new(url: &str, api_key: Option<&str>, index_prefix: &str) -> Result<MeiliEngine, Error> {
        if !valid_uid_part(index_prefix) {
            return Err(Error::Internal(
                "the Meilisearch index prefix may only hold ASCII letters, digits, `-` and `_`"
                    .into(),
            ));
        }
        let client = Client::new(url.trim_end_matches('/'), api_key).map_err(map_error)?;
        Ok(MeiliEngine {
            inner: Arc::new(MeiliInner {
                client,
                prefix: index_prefix.to_owned(),
                configured: tokio::sync::Mutex::new(HashSet::new()),
            }),
        })
    }

    /// Connects to Meilisearch and applies the settings of the three public indexes.
    pub async fn connect(
        url: &str,
        api_key: Option<&str>,
        index_prefix: &str,
    ) -> Result<MeiliEngine, Error> {
        let engine = MeiliEngine::new(url, api_key, index_prefix)?;
        engine.health().await?;
        engine.ensure::<SubjectDoc>().await?;
        engine.ensure::<EntryDoc>().await?;
        engine.ensure::<NoticeDoc>().await?;
        Ok(engine)
    }

    /// The index uid of `D`.
    pub fn uid<D: Document>(&self) -> String {
        format!("{}{}", self.inner.prefix, D::INDEX)
    }

    /// Checks that Meilisearch answers and is healthy.
    pub async fn health(&self) -> Result<(), Error> {
        let health = bounded(self.inner.client.health()).await?;
        if health.status == "available" {
            Ok(())
        } else {
            Err(Error::Unavailable(format!(
                "Meilisearch status is `{}`",
                health.status
            )))
        }
    }

    /// Waits for a task, bounded, and fails unless it succeeded.
    async fn wait(&self, task: TaskInfo, limit: Duration) -> Result<(), Error> {
        let wait = task.wait_for_completion(&self.inner.client, Some(TASK_POLL), Some(limit));
        let task = match tokio::time::timeout(limit + REQUEST_TIMEOUT, wait).await {
            Ok(result) => result.map_err(map_error)?,
            Err(_) => {
                return Err(Error::Unavailable(
                    "a Meilisearch task did not finish in time".into(),
                ));
            }
        };
        match task {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content } => match content.error.error_code {
                ErrorCode::IndexAlreadyExists => Ok(()),
                _ => Err(Error::Internal(format!(
                    "Meilisearch task failed: {}",
                    content.error.error_message
                ))),
            },
            Task::Enqueued { .. } | Task::Processing { .. } => Err(Error::Unavailable(
                "a Meilisearch task did not finish in time".into(),
            )),
        }
    }

    /// Creates the index `uid` (primary key `id`) if needed and applies `D`'s settings.
    async fn configure<D: Document>(&self, uid: &str) -> Result<(), Error> {
        let settings = D::settings();
        settings.validate()?;
        let client = &self.inner.client;
        let created = bounded(client.create_index(uid, Some(ID_FIELD))).await?;
        self.wait(created, TASK_TIMEOUT).await?;
        let index = client.index(uid);
        let applied = bounded(index.set_settings(&meili_settings(&settings))).await?;
        self.wait(applied, SETTINGS_TASK_TIMEOUT).await
    }

    /// Applies `D`'s settings once per process.
    async fn ensure<D: Document>(&self) -> Result<String, Error> {
        let uid = self.uid::<D>();
        let mut configured = self.inner.configured.lock().await;
        if !configured.contains(&uid) {
            self.configure::<D>(&uid).await?;
            configured.insert(uid.clone());
        }
        Ok(uid)
    }

    async fn add_documents<D: Document>(
        &self,
        uid: &str,
        docs: &[D],
        limit: Duration,
    ) -> Result<(), Error> {
        let settings = D::settings();
        let json = docs
            .iter()
            .map(|doc| to_meili_json(doc, &settings))
            .collect::<Result<Vec<_>, _>>()?;
        let index = self.inner.client.index(uid);
        let task = bounded(index.add_or_replace(&json, Some(ID_FIELD))).await?;
        self.wait(task, limit).await
    }

    /// Adds or replaces documents by id; they are searchable when this returns.
    pub async fn upsert<D: Document>(&self, docs: &[D]) -> Result<(), Error> {
        if docs.is_empty() {
            return Ok(());
        }
        let uid = self.ensure::<D>().await?;
        self.add_documents(&uid, docs, TASK_TIMEOUT).await
    }

    /// Removes documents by id; unknown ids are ignored.
    pub async fn delete<D: Document>(&self, ids: &[String]) -> Result<(), Error> {
        if ids.is_empty() {
            return Ok(());
        }
        let uid = self.ensure::<D>().await?;
        let index = self.inner.client.index(&uid);
        let task = bounded(index.delete_documents(ids)).await?;
        self.wait(task, TASK_TIMEOUT).await
    }

    /// Number of documents in the index.
    pub async fn count<D: Document>(&self) -> Result<u64, Error> {
        let uid = self.ensure::<D>().await?;
        let stats = bounded(self.inner.client.index(&uid).get_stats()).await?;
        Ok(stats.number_of_documents as u64)
    }

    /// Runs a search.
    pub async fn search<D: Document>(&self, query: &Query) -> Result<Results<D>, Error> {
        let started = Instant::now();
        let settings = D::settings();
        query.validate(&settings)?;
        let empty_facets = || {
            query
                .facets
                .iter()
                .map(|f| (f.clone(), BTreeMap::new()))
                .collect::<BTreeMap<_, _>>()
        };
        if query
            .filters
            .iter()
            .any(|f| matches!(f, Filter::In(_, values) if values.is_empty()))
        {
            return Ok(Results {
                hits: Vec::new(),
                total: 0,
                facets: empty_facets(),
                took_ms: 0,
            });
        }
        let uid = self.ensure::<D>().await?;
        let index = self.inner.client.index(&uid);
        let filter = render_filters(&query.filters);
        let facet_names: Vec<&str> = query.facets.iter().map(String::as_str).collect();
        let sort = query
            .sort
            .as_ref()
            .map(|s| format!("{}:{}", s.field, if s.descending { "desc" } else { "asc" }));
        let sort_list: Vec<&str> = sort.iter().map(String::as_str).collect();
        let analyzed = AnalyzedQuery::parse(&query.q);
        let q = encode::query(&analyzed);
        let mut request = index.search();
        request
            .with_query(&q)
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_locales(&LOCALES);
        if let Some(filter) = &filter {
            request.with_filter(filter);
        }
        if !facet_names.is_empty() {
            request.with_facets(Selectors::Some(&facet_names));
        }
        if !sort_list.is_empty() {
            request.with_sort(&sort_list);
        }
        // Page mode gives an exact total; offsets that are not a page boundary fall back to
        // offset mode, whose total is an estimate.
        match query.offset.checked_div(query.limit) {
            Some(pages) if query.offset.is_multiple_of(query.limit) => {
                request.with_page(pages + 1).with_hits_per_page(query.limit);
            }
            Some(_) => {
                request.with_offset(query.offset).with_limit(query.limit);
            }
            // No hits asked for: page mode still counts them exactly.
            None => {
                request.with_page(1).with_hits_per_page(0);
            }
        }
        let response = bounded(request.execute::<Map<String, Value>>()).await?;
        let mut hits = Vec::with_capacity(response.hits.len());
        for hit in response.hits {
            let mut map = hit.result;
            strip_generated(&mut map, &settings);
            let json = Value::Object(map);
            let highlights = if query.highlight {
                text::highlight_fields(&json, &settings, &analyzed)
            } else {
                BTreeMap::new()
            };
            hits.push(Hit {
                doc: serde_json::from_value(json)?,
                highlights,
            });
        }
        let total = response
            .total_hits
            .or(response.estimated_total_hits)
            .unwrap_or(hits.len());
        let mut facets = empty_facets();
        for (field, counts) in response.facet_distribution.unwrap_or_default() {
            facets.insert(
                field,
                counts.into_iter().map(|(v, n)| (v, n as u64)).collect(),
            );
        }
        Ok(Results {
            hits,
            total: total as u64,
            facets,
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// Starts a rebuild into a fresh index `{uid}_rebuild_<n>`.
    pub async fn rebuild<D: Document>(&self) -> Result<MeiliRebuild<D>, Error> {
        let live = self.ensure::<D>().await?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let fresh = format!("{live}_rebuild_{stamp}");
        self.configure::<D>(&fresh).await?;
        Ok(MeiliRebuild {
            engine: self.clone(),
            live,
            fresh: Some(fresh),
            _doc: PhantomData,
        })
    }

    /// Deletes the index of `D` (tests and decommissioning).
    pub async fn delete_index<D: Document>(&self) -> Result<(), Error> {
        let uid = self.uid::<D>();
        self.inner.configured.lock().await.remove(&uid);
        self.delete_uid(&uid).await
    }

    async fn delete_uid(&self, uid: &str) -> Result<(), Error> {
        let task = bounded(self.inner.client.delete_index(uid)).await?;
        let wait =
            task.wait_for_completion(&self.inner.client, Some(TASK_POLL), Some(TASK_TIMEOUT));
        match tokio::time::timeout(TASK_TIMEOUT + REQUEST_TIMEOUT, wait).await {
            Ok(Ok(Task::Succeeded { .. })) => Ok(()),
            Ok(Ok(Task::Failed { content }))
                if content.error.error_code == ErrorCode::IndexNotFound =>
            {
                Ok(())
            }
            Ok(Ok(Task::Failed { content })) => Err(Error::Internal(format!(
                "Meilisearch task failed: {}",
                content.error.error_message
            ))),
            Ok(Ok(_)) | Err(_) => Err(Error::Unavailable(
                "a Meilisearch task did not finish in time".into(),
            )),
            Ok(Err(err)) => Err(map_error(err)),
        }
    }
}

/// A rebuild of one Meilisearch index: documents go to a fresh index that is swapped with the
/// live one on [`finish`](MeiliRebuild::finish). Dropped unfinished, the fresh index is
/// deleted in the background.
pub struct MeiliRebuild<D> {
    engine: MeiliEngine,
    live: String,
    /// The fresh index; `None` once finished or aborted.
    fresh: Option<String>,
    _doc: PhantomData<fn() -> D>,
}

impl<D> std::fmt::Debug for MeiliRebuild<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeiliRebuild")
            .field("live", &self.live)
            .field("fresh", &self.fresh)
            .finish()
    }
}

impl<D: Document> MeiliRebuild<D> {
    fn fresh(&self) -> Result<&str, Error> {
        self.fresh
            .as_deref()
            .ok_or_else(|| Error::Internal("the rebuild is over".into()))
    }

    /// Adds documents to the fresh index.
    pub async fn add(&mut self, docs: &[D]) -> Result<(), Error> {
        if docs.is_empty() {
            return Ok(());
        }
        let fresh = self.fresh()?.to_owned();
        self.engine
            .add_documents(&fresh, docs, BULK_TASK_TIMEOUT)
            .await
    }

    /// Swaps the fresh index in and deletes the old one.
    pub async fn finish(mut self) -> Result<(), Error> {
        let fresh = self.fresh()?.to_owned();
        let swap = SwapIndexes {
            indexes: (self.live.clone(), fresh.clone()),
            rename: None,
        };
        let client = &self.engine.inner.client;
        let task = bounded(client.swap_indexes([&swap])).await?;
        self.engine.wait(task, BULK_TASK_TIMEOUT).await?;
        // The swap is done: from here on the fresh uid holds the old documents.
        self.fresh = None;
        self.engine.delete_uid(&fresh).await
    }

    /// Deletes the fresh index; the live one is untouched.
    pub async fn abort(mut self) -> Result<(), Error> {
        match self.fresh.take() {
            Some(fresh) => self.engine.delete_uid(&fresh).await,
            None => Ok(()),
        }
    }
}

impl<D> Drop for MeiliRebuild<D> {
    fn drop(&mut self) {
        let Some(fresh) = self.fresh.take() else {
            return;
        };
        let engine = self.engine.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    if let Err(err) = engine.delete_uid(&fresh).await {
                        tracing::warn!(search.index = %fresh, error = %err, "cannot delete an abandoned rebuild index");
                    }
                });
            }
            Err(_) => {
                tracing::warn!(search.index = %fresh, "abandoned rebuild index left behind");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_render_as_a_quoted_conjunction() {
        let filters = vec![
            Filter::eq("lists", "black"),
            Filter::eq("name", r#"say "hi" \ bye"#),
            Filter::any("years", [2023i64, 2024]),
            Filter::eq("under_objection", false),
        ];
        assert_eq!(
            render_filters(&filters).as_deref(),
            Some(
                r#"(lists = "black") AND (name = "say \"hi\" \\ bye") AND (years IN [2023, 2024]) AND (under_objection = false)"#
            )
        );
        assert_eq!(render_filters(&[]), None);
    }

    #[test]
    fn documents_gain_generated_attributes_and_settings_rank_them_after_their_fields() {
        let doc = SubjectDoc {
            id: "s1".into(),
            kind: "legal_person".into(),
            display_name: "汉中市天汉建设工程有限公司".into(),
            name: Some("汉中市天汉建设工程有限公司".into()),
            uscc: Some("91610702MA6YL3K09Y".into()),
            id_number_masked: None,
            person_key: None,
            region_code: "610702".into(),
            region_name: None,
            lists: vec![],
            list_names: vec![],
            authorities: vec![],
            years: vec![],
            red_count: 0,
            black_count: 0,
            key_attention_count: 0,
            notice_count: 0,
            under_objection: false,
            updated_at: 0,
        };
        let settings = SubjectDoc::settings();
        let json = to_meili_json(&doc, &settings).expect("json");
        assert_eq!(
            json["name_bigrams"],
            encode::bigrams_value(["汉中市天汉建设工程有限公司"])
        );
        assert_eq!(
            json["name_words"],
            encode::words_value(["汉中市天汉建设工程有限公司"])
        );
        assert!(json.get("uscc_words").is_none(), "a code without Chinese");
        let mut map = json.as_object().cloned().expect("object");
        strip_generated(&mut map, &settings);
        let back: SubjectDoc = serde_json::from_value(Value::Object(map)).expect("round trip");
        assert_eq!(back, doc);
        let meili = meili_settings(&settings);
        assert_eq!(
            meili.searchable_attributes,
            Some(vec![
                "uscc".into(),
                "uscc_words".into(),
                "name".into(),
                "name_words".into(),
                "name_bigrams".into()
            ])
        );
        let typo = meili.typo_tolerance.expect("typo settings");
        assert_eq!(
            typo.disable_on_attributes,
            Some(vec![
                "uscc".into(),
                "uscc_words".into(),
                "name_words".into(),
                "name_bigrams".into()
            ])
        );
    }
}
