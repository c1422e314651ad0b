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

use std::collections::{BTreeMap, HashSet, VecDeque};
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
use meilisearch_sdk::tasks::{Task, TasksCancelQuery};
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
/// Bound on sending one batch of a rebuild (up to [`BULK_BATCH_BYTES`] of documents).
pub const BULK_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// A rebuild sends its documents in batches of this many bytes of NDJSON, at most ...
pub const BULK_BATCH_BYTES: usize = 16 * 1024 * 1024;
/// ... or of this many documents, whichever comes first.
pub const BULK_BATCH_DOCS: usize = 25_000;
/// Batches a rebuild has sent and not yet seen indexed; at this many it waits for the oldest
/// before sending another, so that the server's queue stays bounded. Meilisearch indexes
/// queued batches of one index together.
pub const BULK_MAX_IN_FLIGHT: usize = 4;
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
    bounded_by(REQUEST_TIMEOUT, request).await
}

/// Runs one request with the given bound.
async fn bounded_by<T>(
    limit: Duration,
    request: impl Future<Output = Result<T, MeiliError>>,
) -> Result<T, Error> {
    match tokio::time::timeout(limit, request).await {
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
            Filter::Ne(field, value) => format!("({field} != {})", render_value(value)),
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
            pending: Vec::new(),
            pending_docs: 0,
            batch_docs: BULK_BATCH_DOCS,
            in_flight: VecDeque::new(),
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

/// Cancels what is still queued for the index `uid` (best effort: a key without the
/// `tasks.cancel` action cannot), then deletes the index.
async fn discard_uid(engine: &MeiliEngine, uid: &str) -> Result<(), Error> {
    let client = &engine.inner.client;
    let mut cancel = TasksCancelQuery::new(client);
    cancel
        .with_index_uids([uid])
        .with_statuses(["enqueued", "processing"]);
    if let Err(err) = bounded(client.cancel_tasks_with(&cancel)).await {
        tracing::debug!(search.index = %uid, error = %err, "cannot cancel the tasks of a rebuild index");
    }
    engine.delete_uid(uid).await
}

/// A rebuild of one Meilisearch index: documents go to a fresh index that is swapped with the
/// live one on [`finish`](MeiliRebuild::finish). Dropped unfinished, the fresh index is
/// deleted in the background.
///
/// Documents are sent in large NDJSON batches ([`BULK_BATCH_BYTES`], [`BULK_BATCH_DOCS`])
/// without waiting for each to be indexed: Meilisearch indexes queued batches together, which
/// is many times faster than one small task after another. At most [`BULK_MAX_IN_FLIGHT`]
/// batches are queued at once; `finish` sends the rest and waits for all of them (each wait
/// bounded by [`BULK_TASK_TIMEOUT`]) before swapping. A batch the server rejects fails the
/// `add` that sends the next one, or `finish`.
pub struct MeiliRebuild<D> {
    engine: MeiliEngine,
    live: String,
    /// The fresh index; `None` once finished or aborted.
    fresh: Option<String>,
    /// Documents not sent yet, as NDJSON.
    pending: Vec<u8>,
    /// Number of documents in `pending`.
    pending_docs: usize,
    /// Documents per batch (at most; [`BULK_BATCH_DOCS`] but in tests).
    batch_docs: usize,
    /// Batches sent and not yet seen indexed, oldest first.
    in_flight: VecDeque<TaskInfo>,
    _doc: PhantomData<fn() -> D>,
}

impl<D> std::fmt::Debug for MeiliRebuild<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeiliRebuild")
            .field("live", &self.live)
            .field("fresh", &self.fresh)
            .field("pending_docs", &self.pending_docs)
            .field("in_flight", &self.in_flight.len())
            .finish()
    }
}

impl<D: Document> MeiliRebuild<D> {
    fn fresh(&self) -> Result<&str, Error> {
        self.fresh
            .as_deref()
            .ok_or_else(|| Error::Internal("the rebuild is over".into()))
    }

    /// Adds documents to the fresh index. They are buffered and sent in large batches; this
    /// waits only when enough batches are queued on the server.
    pub async fn add(&mut self, docs: &[D]) -> Result<(), Error> {
        self.fresh()?;
        let settings = D::settings();
        for doc in docs {
            let json = to_meili_json(doc, &settings)?;
            serde_json::to_writer(&mut self.pending, &json)?;
            self.pending.push(b'\n');
            self.pending_docs += 1;
            if self.pending.len() >= BULK_BATCH_BYTES || self.pending_docs >= self.batch_docs {
                self.send().await?;
            }
        }
        Ok(())
    }

    /// Sends the buffered documents as one batch, first waiting for the oldest queued batch
    /// if enough are queued.
    async fn send(&mut self) -> Result<(), Error> {
        if self.pending_docs == 0 {
            return Ok(());
        }
        while self.in_flight.len() >= BULK_MAX_IN_FLIGHT {
            self.wait_oldest().await?;
        }
        let fresh = self.fresh()?.to_owned();
        let payload = futures_util::io::Cursor::new(std::mem::take(&mut self.pending));
        self.pending_docs = 0;
        let index = self.engine.inner.client.index(&fresh);
        let task = bounded_by(
            BULK_REQUEST_TIMEOUT,
            index.add_or_replace_unchecked_payload(payload, "application/x-ndjson", Some(ID_FIELD)),
        )
        .await?;
        self.in_flight.push_back(task);
        Ok(())
    }

    /// Waits for the oldest queued batch to be indexed.
    async fn wait_oldest(&mut self) -> Result<(), Error> {
        match self.in_flight.pop_front() {
            Some(task) => self.engine.wait(task, BULK_TASK_TIMEOUT).await,
            None => Ok(()),
        }
    }

    async fn send_and_wait_all(&mut self) -> Result<(), Error> {
        self.send().await?;
        while !self.in_flight.is_empty() {
            self.wait_oldest().await?;
        }
        Ok(())
    }

    /// Sends what is buffered, waits until every batch is indexed, swaps the fresh index in
    /// and deletes the old one.
    pub async fn finish(mut self) -> Result<(), Error> {
        let fresh = self.fresh()?.to_owned();
        if let Err(err) = self.send_and_wait_all().await {
            // The fresh index is incomplete: it will never be swapped in.
            self.in_flight.clear();
            self.fresh = None;
            if let Err(cleanup) = discard_uid(&self.engine, &fresh).await {
                tracing::warn!(search.index = %fresh, error = %cleanup, "cannot delete a failed rebuild index");
            }
            return Err(err);
        }
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

    /// Cancels what is still queued and deletes the fresh index; the live one is untouched.
    pub async fn abort(mut self) -> Result<(), Error> {
        self.pending = Vec::new();
        self.in_flight.clear();
        match self.fresh.take() {
            Some(fresh) => discard_uid(&self.engine, &fresh).await,
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
                    if let Err(err) = discard_uid(&engine, &fresh).await {
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

    fn subject(id: &str, name: &str) -> SubjectDoc {
        SubjectDoc {
            id: id.into(),
            kind: "legal_person".into(),
            display_name: name.into(),
            name: Some(name.into()),
            uscc: None,
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
        }
    }

    /// An engine on the test server with a prefix of its own.
    async fn test_engine() -> MeiliEngine {
        let url = std::env::var("MEILI_URL").expect("MEILI_URL");
        let key = std::env::var("MEILI_API_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        let prefix = format!(
            "unit_{}_{}_",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        );
        MeiliEngine::new(&url, key.as_deref(), &prefix).expect("engine")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[cfg_attr(
        not(meili_tests),
        ignore = "MEILI_URL is not set: Meilisearch tests skipped"
    )]
    async fn a_rebuild_sends_many_batches_with_a_bounded_queue() {
        let engine = test_engine().await;
        engine
            .upsert(&[subject("old", "汉中市旧名商贸有限公司")])
            .await
            .expect("upsert");
        let mut rebuild = engine.rebuild::<SubjectDoc>().await.expect("rebuild");
        rebuild.batch_docs = 7;
        let docs: Vec<SubjectDoc> = (0..100)
            .map(|i| {
                subject(
                    &format!("s-{i:03}"),
                    &format!("汉中市天汉第{i}建设工程有限公司"),
                )
            })
            .collect();
        for chunk in docs.chunks(3) {
            rebuild.add(chunk).await.expect("add");
            assert!(rebuild.in_flight.len() <= BULK_MAX_IN_FLIGHT);
            assert!(rebuild.pending_docs < 7);
        }
        // Nothing is live before the swap.
        assert_eq!(engine.count::<SubjectDoc>().await.expect("count"), 1);
        rebuild.finish().await.expect("finish");
        assert_eq!(engine.count::<SubjectDoc>().await.expect("count"), 100);
        let found = engine
            .search::<SubjectDoc>(&Query::text("天汉"))
            .await
            .expect("search");
        assert_eq!(found.total, 100);
        engine.delete_index::<SubjectDoc>().await.expect("clean up");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[cfg_attr(
        not(meili_tests),
        ignore = "MEILI_URL is not set: Meilisearch tests skipped"
    )]
    async fn a_batch_the_server_rejects_fails_the_rebuild_and_spares_the_live_index() {
        let engine = test_engine().await;
        engine
            .upsert(&[subject("live", "汉中市天汉建设工程有限公司")])
            .await
            .expect("upsert");
        let mut rebuild = engine.rebuild::<SubjectDoc>().await.expect("rebuild");
        // Meilisearch refuses ids with spaces or `!`.
        rebuild
            .add(&[
                subject("ok", "汉中市宏达商贸有限公司"),
                subject("bad id!", "坏"),
            ])
            .await
            .expect("buffered, not sent yet");
        let fresh = rebuild.fresh.clone().expect("fresh index");
        let finished = rebuild.finish().await;
        assert!(matches!(finished, Err(Error::Internal(_))), "{finished:?}");
        let gone = bounded(engine.inner.client.get_index(&fresh)).await;
        assert!(
            gone.is_err(),
            "the failed rebuild's index is deleted: {gone:?}"
        );
        assert_eq!(engine.count::<SubjectDoc>().await.expect("count"), 1);
        let found = engine
            .search::<SubjectDoc>(&Query::text("天汉"))
            .await
            .expect("search");
        assert_eq!(found.hits.len(), 1);
        engine.delete_index::<SubjectDoc>().await.expect("clean up");
    }

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
        let mut doc = subject("s1", "汉中市天汉建设工程有限公司");
        doc.uscc = Some("91610702MA6YL3K09Y".into());
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
