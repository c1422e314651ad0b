//! The embedded engine: tantivy indexes on local disk, segmented with jieba. The zero-set-up
//! default, for one process on one machine.
//!
//! Layout under the engine's directory, per index:
//!
//! ```text
//! <dir>/<index>/CURRENT        names the live generation, e.g. "gen-000003"
//! <dir>/<index>/gen-000003/    the live tantivy index
//! <dir>/<index>/gen-000004/    a rebuild in progress (removed if abandoned)
//! ```
//!
//! A rebuild writes a new generation beside the live one; finishing it rewrites `CURRENT`
//! (write-then-rename) and switches the in-memory handle under a lock, then removes the old
//! generation. Opening an index removes every generation that `CURRENT` does not name.
//!
//! Only one process may write an index directory at a time (tantivy holds a lock file): run
//! `reindex` inside the serving process or while it is stopped.

mod facets;
mod query;
mod schema;
mod tokenizer;

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue, SortByString};
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value as _;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument};

use self::facets::{FacetCollector, FacetCounts};
use self::schema::Fields;
use crate::document::ID_FIELD;
use crate::text::{self, AnalyzedQuery};
use crate::{Document, Error, Hit, IndexSettings, Query, Results};

const CURRENT_FILE: &str = "CURRENT";
const GENERATION_PREFIX: &str = "gen-";
/// Indexing memory of a live index writer (tantivy's minimum is 15 MB).
const LIVE_WRITER_MEMORY: usize = 20_000_000;
/// Indexing memory of a rebuild writer, which takes documents in bulk.
const REBUILD_WRITER_MEMORY: usize = 64_000_000;

fn poisoned() -> Error {
    Error::Internal("embedded index lock poisoned by an earlier panic".into())
}

/// The embedded engine. Cheap to clone; clones share the open indexes.
#[derive(Clone)]
pub struct EmbeddedEngine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for EmbeddedEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedEngine")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

struct Inner {
    dir: PathBuf,
    /// Open indexes by name, opened on first use.
    slots: Mutex<HashMap<&'static str, Arc<Slot>>>,
}

/// One index: its settings and its live generation.
struct Slot {
    root: PathBuf,
    settings: IndexSettings,
    /// The live generation. Writers hold the read lock for the whole write so that a swap
    /// (write lock) never loses a write to the generation being replaced.
    live: RwLock<Arc<Generation>>,
    /// Number of the next generation to create.
    next_generation: Mutex<u64>,
}

/// One tantivy index directory with its reader and writer.
struct Generation {
    name: String,
    path: PathBuf,
    fields: Fields,
    reader: IndexReader,
    /// `None` once retired by a swap or a finished rebuild.
    writer: Mutex<Option<IndexWriter>>,
}

impl EmbeddedEngine {
    /// Opens (creating it if needed) an engine storing its indexes under `dir`. Indexes are
    /// opened on first use; the segmentation dictionary is loaded now.
    pub fn open(dir: &Path) -> Result<EmbeddedEngine, Error> {
        std::fs::create_dir_all(dir)?;
        text::warm_up();
        Ok(EmbeddedEngine {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                slots: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The directory the indexes live in.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Checks that the index directory is still there.
    pub async fn health(&self) -> Result<(), Error> {
        let dir = self.inner.dir.clone();
        tokio::task::spawn_blocking(move || match std::fs::metadata(&dir) {
            Ok(meta) if meta.is_dir() => Ok(()),
            Ok(_) => Err(Error::Unavailable("index path is not a directory".into())),
            Err(err) => Err(Error::Unavailable(format!(
                "index directory: {}",
                err.kind()
            ))),
        })
        .await?
    }

    /// Runs blocking work on the index of `D` off the async runtime.
    async fn with_slot<D: Document, T: Send + 'static>(
        &self,
        work: impl FnOnce(&Slot) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let slot = inner.slot(D::INDEX, D::settings())?;
            work(&slot)
        })
        .await?
    }

    /// Adds or replaces documents by id; they are searchable when this returns.
    pub async fn upsert<D: Document>(&self, docs: &[D]) -> Result<(), Error> {
        if docs.is_empty() {
            return Ok(());
        }
        let docs = docs.to_vec();
        self.with_slot::<D, _>(move |slot| {
            slot.write(|generation, writer| {
                for doc in &docs {
                    add_document(generation, writer, doc)?;
                }
                Ok(())
            })
        })
        .await
    }

    /// Removes documents by id; unknown ids are ignored.
    pub async fn delete<D: Document>(&self, ids: &[String]) -> Result<(), Error> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids = ids.to_vec();
        self.with_slot::<D, _>(move |slot| {
            slot.write(|generation, writer| {
                for id in &ids {
                    writer.delete_term(tantivy::Term::from_field_text(generation.fields.id, id));
                }
                Ok(())
            })
        })
        .await
    }

    /// Number of documents in the index.
    pub async fn count<D: Document>(&self) -> Result<u64, Error> {
        self.with_slot::<D, _>(|slot| Ok(slot.current()?.reader.searcher().num_docs()))
            .await
    }

    /// Runs a search.
    pub async fn search<D: Document>(&self, query: &Query) -> Result<Results<D>, Error> {
        let settings = D::settings();
        query.validate(&settings)?;
        let query = query.clone();
        self.with_slot::<D, _>(move |slot| {
            let generation = slot.current()?;
            search_generation(&generation, &settings, &query)
        })
        .await
    }

    /// Starts a rebuild: a new, empty generation beside the live one.
    pub async fn rebuild<D: Document>(&self) -> Result<EmbeddedRebuild<D>, Error> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let slot = inner.slot(D::INDEX, D::settings())?;
            let generation = slot.create_generation(REBUILD_WRITER_MEMORY)?;
            Ok(EmbeddedRebuild {
                state: Some(Box::new(RebuildState { slot, generation })),
                _doc: PhantomData,
            })
        })
        .await?
    }
}

impl Inner {
    /// The open index `name`, opening it on first use.
    fn slot(&self, name: &'static str, settings: IndexSettings) -> Result<Arc<Slot>, Error> {
        let mut slots = self.slots.lock().map_err(|_| poisoned())?;
        if let Some(slot) = slots.get(name) {
            if slot.settings != settings {
                return Err(Error::Internal(format!(
                    "index `{name}` is already open with different settings"
                )));
            }
            return Ok(slot.clone());
        }
        let slot = Arc::new(Slot::open(self.dir.join(name), settings)?);
        slots.insert(name, slot.clone());
        Ok(slot)
    }
}

fn generation_number(name: &str) -> Option<u64> {
    name.strip_prefix(GENERATION_PREFIX)?.parse().ok()
}

fn generation_name(number: u64) -> String {
    format!("{GENERATION_PREFIX}{number:06}")
}

impl Slot {
    /// Opens the live generation named by `CURRENT` (creating a first one if there is none)
    /// and removes every other generation.
    fn open(root: PathBuf, settings: IndexSettings) -> Result<Slot, Error> {
        std::fs::create_dir_all(&root)?;
        let fields = Fields::build(&settings)?;
        let mut existing = Vec::new();
        for entry in std::fs::read_dir(&root)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(number) = generation_number(&name) {
                existing.push((number, name));
            }
        }
        let mut next = existing.iter().map(|(n, _)| n + 1).max().unwrap_or(1);
        let current = match std::fs::read_to_string(root.join(CURRENT_FILE)) {
            Ok(name) => Some(name.trim().to_owned()).filter(|n| generation_number(n).is_some()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(err.into()),
        };
        let live = match current.filter(|name| existing.iter().any(|(_, n)| n == name)) {
            Some(name) => match Generation::open_index(&root.join(&name), &fields) {
                Ok(index) => Some(Generation::with_index(
                    index,
                    root.join(&name),
                    name,
                    &fields,
                    LIVE_WRITER_MEMORY,
                )?),
                Err(err) => {
                    // Unreadable or built for other settings. The index is a projection of
                    // the database: start an empty generation rather than refuse to start;
                    // a reindex fills it. (A writer lock held by another process is not
                    // this case: it fails above, leaving everything in place.)
                    tracing::warn!(
                        search.index = %root.display(),
                        error = %err,
                        "cannot use the live index generation; starting an empty one: run a reindex"
                    );
                    None
                }
            },
            None => None,
        };
        let live = match live {
            Some(generation) => generation,
            None => {
                let name = generation_name(next);
                next += 1;
                let generation =
                    Generation::create(root.join(&name), name, &fields, LIVE_WRITER_MEMORY)?;
                write_current(&root, &generation.name)?;
                generation
            }
        };
        for (_, name) in existing {
            if name != live.name {
                remove_dir_logged(&root.join(name));
            }
        }
        Ok(Slot {
            root,
            settings,
            live: RwLock::new(Arc::new(live)),
            next_generation: Mutex::new(next),
        })
    }

    fn current(&self) -> Result<Arc<Generation>, Error> {
        Ok(self.live.read().map_err(|_| poisoned())?.clone())
    }

    /// Applies `work` to the live writer, commits, and reloads the reader, so that the change
    /// is visible when this returns.
    fn write(
        &self,
        work: impl FnOnce(&Generation, &mut IndexWriter) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let live = self.live.read().map_err(|_| poisoned())?;
        let mut writer = live.writer.lock().map_err(|_| poisoned())?;
        let writer = writer
            .as_mut()
            .ok_or_else(|| Error::Internal("the live index has been retired".into()))?;
        if let Err(err) = work(&live, writer) {
            writer.rollback()?;
            return Err(err);
        }
        writer.commit()?;
        live.reader.reload()?;
        Ok(())
    }

    fn create_generation(&self, memory: usize) -> Result<Generation, Error> {
        let number = {
            let mut next = self.next_generation.lock().map_err(|_| poisoned())?;
            let number = *next;
            *next += 1;
            number
        };
        let name = generation_name(number);
        let fields = Fields::build(&self.settings)?;
        Generation::create(self.root.join(&name), name, &fields, memory)
    }

    /// Makes `generation` the live one and removes the previous live generation.
    fn swap_in(&self, generation: Generation) -> Result<(), Error> {
        let old = {
            let mut live = self.live.write().map_err(|_| poisoned())?;
            write_current(&self.root, &generation.name)?;
            std::mem::replace(&mut *live, Arc::new(generation))
        };
        old.retire();
        remove_dir_logged(&old.path);
        Ok(())
    }
}

impl Generation {
    fn create(path: PathBuf, name: String, fields: &Fields, memory: usize) -> Result<Self, Error> {
        std::fs::create_dir_all(&path)?;
        let index = Index::create_in_dir(&path, fields.schema.clone())?;
        Generation::with_index(index, path, name, fields, memory)
    }

    /// Opens an existing index and checks that it was built for these settings.
    fn open_index(path: &Path, fields: &Fields) -> Result<Index, Error> {
        let index = Index::open_in_dir(path)?;
        if index.schema() != fields.schema {
            return Err(Error::Internal(
                "the index schema differs from the settings".into(),
            ));
        }
        Ok(index)
    }

    fn with_index(
        index: Index,
        path: PathBuf,
        name: String,
        fields: &Fields,
        memory: usize,
    ) -> Result<Self, Error> {
        tokenizer::register(&index);
        let writer = index.writer_with_num_threads(1, memory)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Generation {
            name,
            path,
            fields: fields.clone(),
            reader,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Stops writing: waits for merges and releases the writer lock.
    fn retire(&self) {
        let writer = match self.writer.lock() {
            Ok(mut writer) => writer.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(writer) = writer
            && let Err(err) = writer.wait_merging_threads()
        {
            tracing::warn!(error = %err, "merging threads of a retired index failed");
        }
    }
}

fn write_current(root: &Path, name: &str) -> Result<(), Error> {
    let tmp = root.join(format!("{CURRENT_FILE}.tmp"));
    {
        use std::io::Write as _;
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(name.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, root.join(CURRENT_FILE))?;
    // Make the rename durable where directories can be synced.
    if let Ok(dir) = std::fs::File::open(root) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn remove_dir_logged(path: &Path) {
    if let Err(err) = std::fs::remove_dir_all(path)
        && err.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), error = %err, "cannot remove an old index generation");
    }
}

fn add_document<D: Document>(
    generation: &Generation,
    writer: &mut IndexWriter,
    doc: &D,
) -> Result<(), Error> {
    let json = serde_json::to_value(doc)?;
    let id = doc.id();
    if id.is_empty() {
        return Err(Error::Internal(format!(
            "a `{}` document has an empty id",
            D::INDEX
        )));
    }
    let tantivy_doc = generation.fields.to_tantivy(id, &json)?;
    writer.delete_term(tantivy::Term::from_field_text(generation.fields.id, id));
    writer.add_document(tantivy_doc)?;
    Ok(())
}

fn search_generation<D: Document>(
    generation: &Generation,
    settings: &IndexSettings,
    query: &Query,
) -> Result<Results<D>, Error> {
    let started = Instant::now();
    let fields = &generation.fields;
    let analyzed = AnalyzedQuery::parse(&query.q);
    let tantivy_query = query::build(&analyzed, &query.filters, fields)?;
    let searcher = generation.reader.searcher();
    let facet_fields = query
        .facets
        .iter()
        .map(|name| {
            let field = fields
                .filters
                .get(name.as_str())
                .ok_or_else(|| Error::InvalidQuery(format!("field `{name}` is not a facet")))?;
            Ok((name.clone(), fields.column_name(*field).to_owned()))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let (total, facets): (usize, FacetCounts) = searcher.search(
        tantivy_query.as_ref(),
        &(
            Count,
            FacetCollector {
                fields: facet_fields,
            },
        ),
    )?;
    let addresses = if query.limit == 0 {
        Vec::new()
    } else {
        top_docs(&searcher, tantivy_query.as_ref(), query, fields)?
    };
    let mut hits = Vec::with_capacity(addresses.len());
    for address in addresses {
        let stored: TantivyDocument = searcher.doc(address)?;
        let source = stored
            .get_first(fields.source)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Internal("a stored document lacks its source".into()))?;
        let json: serde_json::Value = serde_json::from_str(source)?;
        let highlights = if query.highlight {
            text::highlight_fields(&json, settings, &analyzed)
        } else {
            BTreeMap::new()
        };
        hits.push(Hit {
            doc: serde_json::from_value(json)?,
            highlights,
        });
    }
    Ok(Results {
        hits,
        total: total as u64,
        facets,
        took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// The requested page, by relevance or by a sortable field, ties broken by id.
fn top_docs(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    request: &Query,
    fields: &Fields,
) -> Result<Vec<DocAddress>, Error> {
    let top = TopDocs::with_limit(request.limit).and_offset(request.offset);
    let by_id = (SortByString::for_field(ID_FIELD), Order::Asc);
    Ok(match &request.sort {
        None => searcher
            .search(
                query,
                &top.order_by(((SortBySimilarityScore, Order::Desc), by_id)),
            )?
            .into_iter()
            .map(|(_, address)| address)
            .collect(),
        Some(sort) => {
            let field = fields.sorts.get(sort.field.as_str()).ok_or_else(|| {
                Error::InvalidQuery(format!("field `{}` is not sortable", sort.field))
            })?;
            let order = if sort.descending {
                Order::Desc
            } else {
                Order::Asc
            };
            let by_field =
                SortByStaticFastValue::<i64>::for_field(fields.column_name(*field).to_owned());
            searcher
                .search(query, &top.order_by(((by_field, order), by_id)))?
                .into_iter()
                .map(|(_, address)| address)
                .collect()
        }
    })
}

struct RebuildState {
    slot: Arc<Slot>,
    generation: Generation,
}

/// A rebuild of one embedded index: documents go to a new generation that replaces the live
/// one on [`finish`](EmbeddedRebuild::finish). Dropped unfinished, it is aborted.
pub struct EmbeddedRebuild<D> {
    state: Option<Box<RebuildState>>,
    _doc: PhantomData<fn() -> D>,
}

impl<D> std::fmt::Debug for EmbeddedRebuild<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedRebuild")
            .field(
                "generation",
                &self.state.as_ref().map(|s| s.generation.name.clone()),
            )
            .finish()
    }
}

impl<D: Document> EmbeddedRebuild<D> {
    /// Adds documents to the new generation (not searchable until `finish`).
    pub async fn add(&mut self, docs: &[D]) -> Result<(), Error> {
        let Some(state) = self.state.take() else {
            return Err(Error::Internal("the rebuild is over".into()));
        };
        let docs = docs.to_vec();
        let (state, result) = tokio::task::spawn_blocking(move || {
            let result = (|| {
                let mut writer = state.generation.writer.lock().map_err(|_| poisoned())?;
                let writer = writer
                    .as_mut()
                    .ok_or_else(|| Error::Internal("the rebuild is over".into()))?;
                for doc in &docs {
                    add_document(&state.generation, writer, doc)?;
                }
                Ok(())
            })();
            (state, result)
        })
        .await?;
        self.state = Some(state);
        result
    }

    /// Commits the new generation and swaps it in; the old one is removed.
    pub async fn finish(mut self) -> Result<(), Error> {
        let Some(state) = self.state.take() else {
            return Err(Error::Internal("the rebuild is over".into()));
        };
        tokio::task::spawn_blocking(move || {
            let result = (|| {
                {
                    let mut writer = state.generation.writer.lock().map_err(|_| poisoned())?;
                    let writer = writer
                        .as_mut()
                        .ok_or_else(|| Error::Internal("the rebuild is over".into()))?;
                    writer.commit()?;
                }
                state.generation.reader.reload()?;
                Ok(())
            })();
            match result {
                Ok(()) => state.slot.swap_in(state.generation),
                Err(err) => {
                    discard(state.generation);
                    Err(err)
                }
            }
        })
        .await?
    }

    /// Abandons the rebuild and removes its generation; the live index is untouched.
    pub async fn abort(mut self) -> Result<(), Error> {
        if let Some(state) = self.state.take() {
            tokio::task::spawn_blocking(move || discard(state.generation)).await?;
        }
        Ok(())
    }
}

fn discard(generation: Generation) {
    generation.retire();
    remove_dir_logged(&generation.path);
}

impl<D> Drop for EmbeddedRebuild<D> {
    fn drop(&mut self) {
        if let Some(state) = self.state.take() {
            discard(state.generation);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SubjectDoc;

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
            lists: Vec::new(),
            list_names: Vec::new(),
            authorities: Vec::new(),
            years: Vec::new(),
            red_count: 0,
            black_count: 0,
            key_attention_count: 0,
            notice_count: 0,
            under_objection: false,
            updated_at: 0,
        }
    }

    async fn ids(engine: &EmbeddedEngine, q: &str) -> Vec<String> {
        engine
            .search::<SubjectDoc>(&Query::text(q))
            .await
            .expect("search")
            .hits
            .into_iter()
            .map(|h| h.doc.id)
            .collect()
    }

    #[tokio::test]
    async fn any_contiguous_fragment_of_a_name_finds_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = EmbeddedEngine::open(dir.path()).expect("open");
        engine
            .upsert(&[
                subject("a", "汉中市天汉建设工程有限公司"),
                subject("b", "汉中市宏达商贸有限公司"),
            ])
            .await
            .expect("upsert");
        for fragment in ["设工程", "市天汉建", "程有限", "中市天", "宏达商"] {
            let expected = if fragment == "宏达商" { "b" } else { "a" };
            assert_eq!(ids(&engine, fragment).await, vec![expected], "{fragment}");
        }
        // One character finds every name holding it, wherever it is.
        assert_eq!(ids(&engine, "贸").await, vec!["b"]);
        assert_eq!(ids(&engine, "司").await.len(), 2);
    }

    #[tokio::test]
    async fn opening_keeps_the_current_generation_and_removes_stale_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let engine = EmbeddedEngine::open(dir.path()).expect("open");
            engine
                .upsert(&[subject("a", "汉中市天汉建设工程有限公司")])
                .await
                .expect("upsert");
        }
        let root = dir.path().join("subjects");
        let current = std::fs::read_to_string(root.join(CURRENT_FILE)).expect("CURRENT");
        std::fs::create_dir_all(root.join("gen-000099")).expect("a stale rebuild");
        let engine = EmbeddedEngine::open(dir.path()).expect("reopen");
        assert_eq!(engine.count::<SubjectDoc>().await.expect("count"), 1);
        assert!(!root.join("gen-000099").exists());
        assert!(root.join(current.trim()).exists());
        // The next rebuild does not reuse the stale number.
        let rebuild = engine.rebuild::<SubjectDoc>().await.expect("rebuild");
        let name = rebuild.state.as_ref().map(|s| s.generation.name.clone());
        assert_eq!(name.as_deref(), Some("gen-000100"));
    }

    #[tokio::test]
    async fn an_unreadable_live_generation_is_replaced_by_an_empty_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("subjects");
        std::fs::create_dir_all(root.join("gen-000001")).expect("mkdir");
        std::fs::write(root.join("gen-000001").join("meta.json"), "not json").expect("write");
        std::fs::write(root.join(CURRENT_FILE), "gen-000001").expect("write");
        let engine = EmbeddedEngine::open(dir.path()).expect("open");
        assert_eq!(engine.count::<SubjectDoc>().await.expect("count"), 0);
        engine
            .upsert(&[subject("a", "汉中市天汉建设工程有限公司")])
            .await
            .expect("upsert");
        assert_eq!(ids(&engine, "天汉").await, vec!["a"]);
        let current = std::fs::read_to_string(root.join(CURRENT_FILE)).expect("CURRENT");
        assert_eq!(current, "gen-000002");
        assert!(!root.join("gen-000001").exists());
    }

    #[tokio::test]
    async fn a_second_engine_on_the_same_directory_is_refused_and_destroys_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = EmbeddedEngine::open(dir.path()).expect("open");
        first
            .upsert(&[subject("a", "汉中市天汉建设工程有限公司")])
            .await
            .expect("upsert");
        let second = EmbeddedEngine::open(dir.path()).expect("open lazily");
        let refused = second.count::<SubjectDoc>().await;
        assert!(matches!(refused, Err(Error::Unavailable(_))), "{refused:?}");
        assert_eq!(first.count::<SubjectDoc>().await.expect("count"), 1);
        assert_eq!(ids(&first, "天汉").await, vec!["a"]);
        drop(first);
        assert_eq!(second.count::<SubjectDoc>().await.expect("count"), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_and_searches_lose_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = EmbeddedEngine::open(dir.path()).expect("open");
        let mut tasks = Vec::new();
        for worker in 0..4 {
            let engine = engine.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..10 {
                    let doc = subject(&format!("w{worker}-{i}"), "汉中市天汉建设工程有限公司");
                    engine.upsert(&[doc]).await.expect("upsert");
                    engine
                        .search::<SubjectDoc>(&Query::text("天汉"))
                        .await
                        .expect("search");
                }
            }));
        }
        for task in tasks {
            task.await.expect("task");
        }
        assert_eq!(engine.count::<SubjectDoc>().await.expect("count"), 40);
    }
}
