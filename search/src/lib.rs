//! Xinyong's search: the public documents, one [`Engine`] chosen by configuration, and two
//! engines behind it that pass one conformance suite:
//!
//! - [`embedded`]: tantivy on local disk with jieba segmentation, the zero-set-up default;
//! - [`meili`]: Meilisearch, for production.
//!
//! Both find company names by segmented words, by fragments (character bigrams of the name),
//! by the start of the word being typed, with one typo in Latin words of five letters or more,
//! and by exact code (USCC), whether the name or the query is written in simplified or
//! traditional characters; both filter, count facets, highlight and paginate stably.
//!
//! ```no_run
//! # async fn demo() -> Result<(), search::Error> {
//! use search::{Engine, Filter, Query, SubjectDoc};
//! let engine = Engine::open_embedded(std::path::Path::new("data/index"))?;
//! let results = engine
//!     .search::<SubjectDoc>(&Query {
//!         q: "天汉建设".into(),
//!         filters: vec![Filter::eq("lists", "black")],
//!         facets: vec!["region_code".into()],
//!         highlight: true,
//!         ..Query::default()
//!     })
//!     .await?;
//! println!("{} found", results.total);
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod document;
pub mod documents;
pub mod embedded;
mod error;
pub mod meili;
mod query;
pub mod text;

use std::marker::PhantomData;
use std::path::Path;

pub use document::{BIGRAM_SUFFIX, Document, ID_FIELD, IndexSettings, WORDS_SUFFIX};
pub use documents::{EntryDoc, NoticeDoc, SubjectDoc};
pub use error::Error;
pub use query::{
    DEFAULT_LIMIT, Filter, FilterValue, Hit, MAX_LIMIT, MAX_OFFSET, Query, Results, Sort,
};

use embedded::{EmbeddedEngine, EmbeddedRebuild};
use meili::{MeiliEngine, MeiliRebuild};

/// Whether an index can serve, as found when it was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexState {
    /// It serves what it holds.
    Serving,
    /// There was none: it was created empty when it was opened, and no rebuild has replaced it
    /// since. It serves, but the source may hold documents it lacks.
    Created,
    /// It could not be opened (the reason says why, and where what was there was kept aside):
    /// every operation on it answers [`Error::Unavailable`] until a rebuild is finished.
    Broken(String),
}

/// The search engine the application uses, chosen by configuration at start-up. Cheap to
/// clone (the engines are reference-counted inside).
#[derive(Clone, Debug)]
pub enum Engine {
    /// tantivy indexes on local disk.
    Embedded(EmbeddedEngine),
    /// A Meilisearch server.
    Meili(MeiliEngine),
}

impl Engine {
    /// Opens the embedded engine, creating `dir` if needed; each index lives in a
    /// sub-directory named after it.
    pub fn open_embedded(dir: &Path) -> Result<Engine, Error> {
        EmbeddedEngine::open(dir).map(Engine::Embedded)
    }

    /// Connects to Meilisearch at `url` and applies the index settings (idempotent; each task
    /// awaited with a bound). Index uids are `{index_prefix}{INDEX}`.
    pub async fn connect_meili(
        url: &str,
        api_key: Option<&str>,
        index_prefix: &str,
    ) -> Result<Engine, Error> {
        MeiliEngine::connect(url, api_key, index_prefix)
            .await
            .map(Engine::Meili)
    }

    /// The Meilisearch engine without contacting the server: each index gets its settings on
    /// first use. Use it to start while Meilisearch may be down; lookups answer
    /// [`Error::Unavailable`] until it is back.
    pub fn meili(url: &str, api_key: Option<&str>, index_prefix: &str) -> Result<Engine, Error> {
        MeiliEngine::new(url, api_key, index_prefix).map(Engine::Meili)
    }

    /// `"embedded"` or `"meilisearch"` (for logs and metrics: `search.engine`).
    pub fn kind(&self) -> &'static str {
        match self {
            Engine::Embedded(_) => "embedded",
            Engine::Meili(_) => "meilisearch",
        }
    }

    /// Checks that the engine can serve: the index directory exists, or Meilisearch answers.
    pub async fn health(&self) -> Result<(), Error> {
        match self {
            Engine::Embedded(engine) => engine.health().await,
            Engine::Meili(engine) => engine.health().await,
        }
    }

    /// Opens every index now (the embedded engine otherwise opens each on first use) and says
    /// whether each serves, by index name. The Meilisearch engine is not contacted: its
    /// indexes are reported serving (an outage shows as [`Error::Unavailable`] on use).
    pub async fn open_all(&self) -> Result<Vec<(&'static str, IndexState)>, Error> {
        Ok(vec![
            (SubjectDoc::INDEX, self.state::<SubjectDoc>().await?),
            (EntryDoc::INDEX, self.state::<EntryDoc>().await?),
            (NoticeDoc::INDEX, self.state::<NoticeDoc>().await?),
        ])
    }

    /// Whether the index of `D` serves (opening it if needed); see [`Engine::open_all`].
    pub async fn state<D: Document>(&self) -> Result<IndexState, Error> {
        match self {
            Engine::Embedded(engine) => engine.state::<D>().await,
            Engine::Meili(_) => Ok(IndexState::Serving),
        }
    }

    /// Adds or replaces documents by id. When this returns, searches see them.
    pub async fn upsert<D: Document>(&self, docs: &[D]) -> Result<(), Error> {
        match self {
            Engine::Embedded(engine) => engine.upsert(docs).await,
            Engine::Meili(engine) => engine.upsert(docs).await,
        }
    }

    /// Removes documents by id. Removing an id that is not there is not an error.
    pub async fn delete<D: Document>(&self, ids: &[String]) -> Result<(), Error> {
        match self {
            Engine::Embedded(engine) => engine.delete::<D>(ids).await,
            Engine::Meili(engine) => engine.delete::<D>(ids).await,
        }
    }

    /// Searches the index of `D`.
    pub async fn search<D: Document>(&self, query: &Query) -> Result<Results<D>, Error> {
        match self {
            Engine::Embedded(engine) => engine.search(query).await,
            Engine::Meili(engine) => engine.search(query).await,
        }
    }

    /// Number of documents in the index of `D`.
    pub async fn count<D: Document>(&self) -> Result<u64, Error> {
        match self {
            Engine::Embedded(engine) => engine.count::<D>().await,
            Engine::Meili(engine) => engine.count::<D>().await,
        }
    }

    /// Starts rebuilding the index of `D` into a fresh index beside the live one, which keeps
    /// serving (and taking upserts) until [`Rebuild::finish`] swaps the fresh one in.
    ///
    /// Writes made to the live index while a rebuild runs are not copied into it: re-apply
    /// changes made since the rebuild's source snapshot after `finish`.
    pub async fn rebuild<D: Document>(&self) -> Result<Rebuild<D>, Error> {
        let inner = match self {
            Engine::Embedded(engine) => RebuildInner::Embedded(engine.rebuild::<D>().await?),
            Engine::Meili(engine) => RebuildInner::Meili(engine.rebuild::<D>().await?),
        };
        Ok(Rebuild {
            inner,
            _doc: PhantomData,
        })
    }
}

/// A rebuild in progress. Add documents, then [`finish`](Rebuild::finish) to swap the new
/// index in atomically, or [`abort`](Rebuild::abort). Dropped unfinished, it is aborted.
#[derive(Debug)]
pub struct Rebuild<D> {
    inner: RebuildInner<D>,
    _doc: PhantomData<fn() -> D>,
}

#[derive(Debug)]
enum RebuildInner<D> {
    Embedded(EmbeddedRebuild<D>),
    Meili(MeiliRebuild<D>),
}

impl<D: Document> Rebuild<D> {
    /// Adds documents to the new index (not searchable before `finish`). Meilisearch gets
    /// them in large batches that it indexes while more are added: a batch it rejects fails a
    /// later `add` or `finish`, which waits until everything added is indexed.
    pub async fn add(&mut self, docs: &[D]) -> Result<(), Error> {
        match &mut self.inner {
            RebuildInner::Embedded(rebuild) => rebuild.add(docs).await,
            RebuildInner::Meili(rebuild) => rebuild.add(docs).await,
        }
    }

    /// Makes the new index the live one and removes the old one.
    pub async fn finish(self) -> Result<(), Error> {
        match self.inner {
            RebuildInner::Embedded(rebuild) => rebuild.finish().await,
            RebuildInner::Meili(rebuild) => rebuild.finish().await,
        }
    }

    /// Drops the new index; the live one is untouched.
    pub async fn abort(self) -> Result<(), Error> {
        match self.inner {
            RebuildInner::Embedded(rebuild) => rebuild.abort().await,
            RebuildInner::Meili(rebuild) => rebuild.abort().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shareable<T: Send + Sync + Clone + 'static>() {}
    fn sendable<T: Send + 'static>() {}

    #[test]
    fn the_engine_can_be_shared_across_tasks() {
        shareable::<Engine>();
        sendable::<Rebuild<SubjectDoc>>();
        sendable::<Results<EntryDoc>>();
    }

    #[tokio::test]
    async fn the_embedded_engine_reports_its_kind_and_health() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = Engine::open_embedded(&dir.path().join("index")).expect("open");
        assert_eq!(engine.kind(), "embedded");
        engine.health().await.expect("healthy");
        drop(dir);
        assert!(
            engine.health().await.is_err(),
            "a vanished directory is unhealthy"
        );
    }

    #[tokio::test]
    async fn connecting_to_a_meilisearch_that_is_not_there_is_unavailable() {
        // Port 9 (discard) on the loopback interface: nothing listens there.
        let result = Engine::connect_meili("http://127.0.0.1:9", Some("secret-key"), "x_").await;
        match result {
            Err(err @ Error::Unavailable(_)) => {
                assert!(!err.to_string().contains("secret-key"), "{err}");
                assert!(!err.to_string().contains("127.0.0.1"), "{err}");
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
        let bad_prefix = Engine::connect_meili("http://127.0.0.1:9", None, "bad prefix").await;
        assert!(matches!(bad_prefix, Err(Error::Internal(_))));
    }

    #[tokio::test]
    async fn a_lazy_meilisearch_engine_starts_while_the_server_is_down() {
        let engine = Engine::meili("http://127.0.0.1:9/", Some("secret-key"), "x_").expect("built");
        assert_eq!(engine.kind(), "meilisearch");
        let search = engine.search::<SubjectDoc>(&Query::text("天汉")).await;
        assert!(matches!(search, Err(Error::Unavailable(_))), "{search:?}");
        let upsert = engine.upsert::<SubjectDoc>(&[]).await;
        assert!(upsert.is_ok(), "an empty batch needs no server");
        let debug = format!("{engine:?}");
        assert!(!debug.contains("secret-key"), "{debug}");
    }
}
