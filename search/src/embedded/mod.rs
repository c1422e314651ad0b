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
//! An index that cannot be opened never becomes an empty one: when `CURRENT` names a generation
//! that is missing, unreadable or built for other settings, that generation is renamed aside
//! (`gen-000003.broken`, kept for inspection) and the index answers [`Error::Unavailable`] until
//! a rebuild finishes ([`IndexState::Broken`]). Only a directory without `CURRENT` starts empty
//! ([`IndexState::Created`]).
//!
//! Only one process may write an index directory at a time (tantivy holds a lock file): run
//! `reindex` inside the serving process or while it is stopped.

mod facets;
mod query;
mod schema;
mod tokenizer;
mod union;

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
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
use crate::{Document, Error, Hit, IndexSettings, IndexState, Query, Results};

const CURRENT_FILE: &str = "CURRENT";
const GENERATION_PREFIX: &str = "gen-";
/// Suffix of a generation that could not be opened and was kept aside.
const BROKEN_SUFFIX: &str = ".broken";
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
    /// Searches running at once: one per core. A search is CPU work from start to end; more at
    /// once only share the cores, make each one slower, and starve the indexer's commits (the
    /// time a write takes to become searchable).
    searches: Arc<tokio::sync::Semaphore>,
}

/// One index: its settings and its live generation.
struct Slot {
    root: PathBuf,
    settings: IndexSettings,
    /// The live generation. Writers hold the read lock for the whole write so that a swap
    /// (write lock) never loses a write to the generation being replaced.
    live: RwLock<Live>,
    /// Whether the live generation was created empty when the index was opened (there was
    /// none) and no rebuild has replaced it since.
    created: AtomicBool,
    /// Number of the next generation to create.
    next_generation: Mutex<u64>,
}

/// What serves an index.
enum Live {
    /// A generation.
    Serving(Arc<Generation>),
    /// Nothing: the generation `CURRENT` names could not be opened (the reason says why and
    /// where it was kept); the index is unavailable until a rebuild is swapped in.
    Broken(String),
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
                searches: Arc::new(tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(2, |n| n.get()),
                )),
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

    /// Opens the index of `D` if it is not open yet, and says whether it serves.
    pub async fn state<D: Document>(&self) -> Result<IndexState, Error> {
        self.with_slot::<D, _>(|slot| slot.state()).await
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
        let permit = self
            .inner
            .searches
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Internal("the search queue is closed".into()))?;
        self.with_slot::<D, _>(move |slot| {
            let _running = permit;
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

/// The number of a generation kept aside (`gen-000003.broken`, `gen-000003.broken-2`), so that
/// new generations never reuse it.
fn broken_generation_number(name: &str) -> Option<u64> {
    let (generation, _) = name.split_once(BROKEN_SUFFIX)?;
    generation_number(generation)
}

fn generation_name(number: u64) -> String {
    format!("{GENERATION_PREFIX}{number:06}")
}

impl Slot {
    /// Opens the live generation named by `CURRENT`, or creates a first one where there is no
    /// `CURRENT`, and removes every other generation. A generation that `CURRENT` names but
    /// that cannot be used is kept aside and the slot opens [`Live::Broken`].
    fn open(root: PathBuf, settings: IndexSettings) -> Result<Slot, Error> {
        std::fs::create_dir_all(&root)?;
        let fields = Fields::build(&settings)?;
        let mut existing = Vec::new();
        let mut next = 1;
        for entry in std::fs::read_dir(&root)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(number) = generation_number(&name) {
                next = next.max(number + 1);
                existing.push(name);
            } else if let Some(number) = broken_generation_number(&name) {
                next = next.max(number + 1);
            }
        }
        let current = match std::fs::read_to_string(root.join(CURRENT_FILE)) {
            Ok(name) => Some(name.trim().to_owned()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(err.into()),
        };
        let index = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut created = false;
        let live = match current {
            None => {
                let name = generation_name(next);
                next += 1;
                let generation =
                    Generation::create(root.join(&name), name, &fields, LIVE_WRITER_MEMORY)?;
                write_current(&root, &generation.name)?;
                created = true;
                Live::Serving(Arc::new(generation))
            }
            Some(name) if generation_number(&name).is_none() => {
                tracing::error!(search.index = %root.display(), "CURRENT does not name a generation: the index must be rebuilt");
                Live::Broken(format!(
                    "the index `{index}` cannot be opened: its CURRENT file does not name a generation"
                ))
            }
            Some(name) if !existing.contains(&name) => {
                tracing::error!(search.index = %root.display(), generation = %name, "the live generation is missing: the index must be rebuilt");
                Live::Broken(format!(
                    "the index `{index}` cannot be opened: its live generation `{name}` is missing"
                ))
            }
            Some(name) => match Generation::open_index(&root.join(&name), &fields) {
                Ok(opened) => Live::Serving(Arc::new(Generation::with_index(
                    opened,
                    root.join(&name),
                    name,
                    &fields,
                    LIVE_WRITER_MEMORY,
                )?)),
                Err(err) => {
                    // Unreadable, or built for other settings. Never start an empty index in its
                    // place (every record would look absent): keep it aside for inspection and
                    // stay unavailable until a rebuild from the source is swapped in. A writer
                    // lock held by another process is not this case: it fails here, leaving
                    // everything in place.
                    let kept = keep_aside(&root, &name)?;
                    tracing::error!(
                        search.index = %root.display(),
                        error = %err,
                        kept_as = %kept,
                        "cannot open the live index generation; kept it aside: the index must be rebuilt"
                    );
                    Live::Broken(format!(
                        "the index `{index}` cannot be opened; its generation was kept aside as `{kept}`"
                    ))
                }
            },
        };
        let live_name = match &live {
            Live::Serving(generation) => Some(generation.name.clone()),
            Live::Broken(_) => None,
        };
        for name in existing {
            if Some(&name) != live_name.as_ref() {
                remove_dir_logged(&root.join(name));
            }
        }
        Ok(Slot {
            root,
            settings,
            live: RwLock::new(live),
            created: AtomicBool::new(created),
            next_generation: Mutex::new(next),
        })
    }

    fn state(&self) -> Result<IndexState, Error> {
        Ok(match &*self.live.read().map_err(|_| poisoned())? {
            Live::Broken(reason) => IndexState::Broken(reason.clone()),
            Live::Serving(_) if self.created.load(Ordering::Acquire) => IndexState::Created,
            Live::Serving(_) => IndexState::Serving,
        })
    }

    fn current(&self) -> Result<Arc<Generation>, Error> {
        self.live.read().map_err(|_| poisoned())?.generation()
    }

    /// Applies `work` to the live writer, commits, and reloads the reader, so that the change
    /// is visible when this returns.
    fn write(
        &self,
        work: impl FnOnce(&Generation, &mut IndexWriter) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let guard = self.live.read().map_err(|_| poisoned())?;
        let live = guard.generation()?;
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
            self.created.store(false, Ordering::Release);
            std::mem::replace(&mut *live, Live::Serving(Arc::new(generation)))
        };
        if let Live::Serving(old) = old {
            old.retire();
            remove_dir_logged(&old.path);
        }
        Ok(())
    }
}

impl Live {
    /// The serving generation, or why there is none.
    fn generation(&self) -> Result<Arc<Generation>, Error> {
        match self {
            Live::Serving(generation) => Ok(generation.clone()),
            Live::Broken(reason) => Err(Error::Unavailable(format!(
                "{reason}; it is unavailable until it is rebuilt"
            ))),
        }
    }
}

/// Renames the generation `name` aside (`<name>.broken`, or `<name>.broken-N` if that is
/// taken) and returns the new name, after checking that no other process has it open for
/// writing (that is a locked index, not a broken one, and nothing is touched).
fn keep_aside(root: &Path, name: &str) -> Result<String, Error> {
    use tantivy::directory::{Directory as _, INDEX_WRITER_LOCK, MmapDirectory};
    let path = root.join(name);
    let directory =
        MmapDirectory::open(&path).map_err(|e| Error::Internal(format!("embedded index: {e}")))?;
    let lock = directory.acquire_lock(&INDEX_WRITER_LOCK).map_err(|_| {
        Error::Unavailable("the embedded index is locked by another process".into())
    })?;
    let mut kept = format!("{name}{BROKEN_SUFFIX}");
    let mut n = 1;
    while root.join(&kept).exists() {
        n += 1;
        kept = format!("{name}{BROKEN_SUFFIX}-{n}");
    }
    std::fs::rename(&path, root.join(&kept))?;
    drop(lock);
    Ok(kept)
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
    let searcher = generation.reader.searcher();
    let tantivy_query = query::build(&analyzed, &query.filters, fields, &searcher)?;
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
    let facets = FacetCollector {
        fields: facet_fields,
    };
    let (total, facets, addresses) =
        collect_page(&searcher, tantivy_query.as_ref(), query, fields, facets)?;
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

fn addresses<K>(page: Vec<(K, DocAddress)>) -> Vec<DocAddress> {
    page.into_iter().map(|(_, address)| address).collect()
}

/// The number of matches, the facet counts and the requested page (by relevance or by a
/// sortable field, ties broken by id), in one pass over the matching documents.
fn collect_page(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    request: &Query,
    fields: &Fields,
    facets: FacetCollector,
) -> Result<(usize, FacetCounts, Vec<DocAddress>), Error> {
    if request.limit == 0 {
        let (total, facets) = searcher.search(query, &(Count, facets))?;
        return Ok((total, facets, Vec::new()));
    }
    let top = TopDocs::with_limit(request.limit).and_offset(request.offset);
    let by_id = (SortByString::for_field(ID_FIELD), Order::Asc);
    Ok(match &request.sort {
        None => {
            let top = top.order_by(((SortBySimilarityScore, Order::Desc), by_id));
            let (total, facets, page) = searcher.search(query, &(Count, facets, top))?;
            (total, facets, addresses(page))
        }
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
            let top = top.order_by(((by_field, order), by_id));
            let (total, facets, page) = searcher.search(query, &(Count, facets, top))?;
            (total, facets, addresses(page))
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
    async fn a_word_being_typed_stands_for_its_first_fifty_words() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = EmbeddedEngine::open(dir.path()).expect("open");
        let docs: Vec<SubjectDoc> = (0..60)
            .map(|i| subject(&format!("s{i:02}"), &format!("abcd{i:02}")))
            .collect();
        engine.upsert(&docs).await.expect("upsert");
        // `abcd` is being typed: it stands for the first 50 indexed words starting with it.
        let typed = engine
            .search::<SubjectDoc>(&Query {
                limit: 100,
                ..Query::text("abcd")
            })
            .await
            .expect("search");
        assert_eq!(typed.total, query::MAX_PREFIX_TERMS as u64);
        let mut found: Vec<String> = typed.hits.into_iter().map(|h| h.doc.id).collect();
        found.sort();
        let first: Vec<String> = (0..50).map(|i| format!("s{i:02}")).collect();
        assert_eq!(found, first);
        // A longer start narrows the words, and all of them count again.
        assert_eq!(ids(&engine, "abcd5").await.len(), 10, "abcd50 to abcd59");
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

    /// A first index with one document, then the engine dropped (the process stopped).
    async fn one_document_index(dir: &Path) -> PathBuf {
        let engine = EmbeddedEngine::open(dir).expect("open");
        engine
            .upsert(&[subject("a", "汉中市天汉建设工程有限公司")])
            .await
            .expect("upsert");
        dir.join("subjects")
    }

    #[tokio::test]
    async fn an_unreadable_live_generation_is_kept_aside_and_unavailable_until_rebuilt() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = one_document_index(dir.path()).await;
        std::fs::write(root.join("gen-000001").join("meta.json"), "not json").expect("write");
        std::fs::create_dir_all(root.join("gen-000002")).expect("an abandoned rebuild");

        let engine = EmbeddedEngine::open(dir.path()).expect("open");
        let state = engine.state::<SubjectDoc>().await.expect("state");
        assert_eq!(
            state,
            IndexState::Broken(
                "the index `subjects` cannot be opened; its generation was kept aside as `gen-000001.broken`".into()
            )
        );
        // Never an empty index in its place: every operation says it is unavailable.
        let search = engine.search::<SubjectDoc>(&Query::text("天汉")).await;
        assert!(
            matches!(&search, Err(Error::Unavailable(m)) if m.contains("kept aside")),
            "{search:?}"
        );
        assert!(matches!(
            engine.count::<SubjectDoc>().await,
            Err(Error::Unavailable(_))
        ));
        let upsert = engine
            .upsert(&[subject("b", "汉中市宏达商贸有限公司")])
            .await;
        assert!(matches!(upsert, Err(Error::Unavailable(_))), "{upsert:?}");
        assert!(root.join("gen-000001.broken").join("meta.json").exists());
        assert!(!root.join("gen-000002").exists());
        drop(engine);

        // Still broken after a restart: CURRENT names a generation that is no longer there.
        let engine = EmbeddedEngine::open(dir.path()).expect("reopen");
        assert!(matches!(
            engine.state::<SubjectDoc>().await.expect("state"),
            IndexState::Broken(m) if m.contains("`gen-000001` is missing")
        ));
        // A rebuild brings it back; its number follows the kept one's.
        let mut rebuild = engine.rebuild::<SubjectDoc>().await.expect("rebuild");
        rebuild
            .add(&[subject("a", "汉中市天汉建设工程有限公司")])
            .await
            .expect("add");
        rebuild.finish().await.expect("finish");
        assert_eq!(
            engine.state::<SubjectDoc>().await.expect("state"),
            IndexState::Serving
        );
        assert_eq!(ids(&engine, "天汉").await, vec!["a"]);
        let current = std::fs::read_to_string(root.join(CURRENT_FILE)).expect("CURRENT");
        assert_eq!(current, "gen-000002");
        assert!(
            root.join("gen-000001.broken").exists(),
            "kept for inspection"
        );
        drop(engine);

        // A second failure keeps both.
        std::fs::write(root.join("gen-000002").join("meta.json"), "{").expect("write");
        std::fs::create_dir_all(root.join("gen-000002.broken")).expect("a name already taken");
        let engine = EmbeddedEngine::open(dir.path()).expect("reopen");
        assert!(matches!(
            engine.state::<SubjectDoc>().await.expect("state"),
            IndexState::Broken(m) if m.ends_with("kept aside as `gen-000002.broken-2`")
        ));
        assert!(root.join("gen-000001.broken").exists());
    }

    #[tokio::test]
    async fn a_missing_current_file_starts_an_empty_index_and_says_so() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = EmbeddedEngine::open(dir.path()).expect("open");
        assert_eq!(
            engine.state::<SubjectDoc>().await.expect("state"),
            IndexState::Created
        );
        engine
            .upsert(&[subject("a", "汉中市天汉建设工程有限公司")])
            .await
            .expect("upsert");
        drop(engine);
        let engine = EmbeddedEngine::open(dir.path()).expect("reopen");
        assert_eq!(
            engine.state::<SubjectDoc>().await.expect("state"),
            IndexState::Serving
        );
    }

    #[tokio::test]
    async fn a_current_file_naming_no_generation_is_broken_not_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = one_document_index(dir.path()).await;
        std::fs::write(root.join(CURRENT_FILE), "garbage").expect("write");
        let engine = EmbeddedEngine::open(dir.path()).expect("open");
        assert!(matches!(
            engine.state::<SubjectDoc>().await.expect("state"),
            IndexState::Broken(m) if m.contains("does not name a generation")
        ));
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
