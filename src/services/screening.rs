//! Batch screening (信用核查): a partner sends up to 1,000 subjects and learns, per
//! subject, which public list entries it is on, how sure the match is and why.
//!
//! Matching runs against an in-memory [`Index`] of every subject with a public entry, built from
//! the database and then kept in step with the change feed: every write that changes what the
//! public sees records a feed row, so the rows after the index's sequence name the entries, and
//! so the subjects, to re-read ([`Cache`]). Each answer names the sequence it reflects (its
//! snapshot).
//!
//! Order of evidence: an exact code decides alone; a natural person is matched only by ID number
//! (keyed hash) and name together, never by name alone and never by ID number alone (a number
//! whose listed holder has another name matches nothing, so an answer never tells that a number
//! is listed); every natural person checked is logged ([`PersonCheck`]); organisation names are compared [`names::fold`]ed,
//! then by [`names::core`], then by the pinyin of the core, then by bigram similarity of cores.

use crate::crypto::Keys;
use crate::domain::masking::{IdMaskStyle, NameMask, mask_person_name};
use crate::domain::{IdNumber, Uscc, names};
use crate::error::{ApiError, ApiResult, ErrorCode};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{ListKind, Severity, SubjectKind, list_entry, public_change, subject};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::borrow::Borrow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Mutex;
use utoipa::ToSchema;
use uuid::Uuid;

/// Most subjects in one screening call.
pub const MAX_SUBJECTS: usize = 1000;
/// The threshold when the caller names none.
pub const DEFAULT_THRESHOLD: f64 = 0.85;

// Scores of each kind of evidence.
const SCORE_EXACT: f64 = 1.0;
const SCORE_CORE: f64 = 0.95;
const SCORE_PINYIN: f64 = 0.85;
// Bigram similarity is scaled below the exact kinds of evidence.
const SIMILARITY_WEIGHT: f64 = 0.9;
// A bigram shared by more than this share of listed names says little: it is not used to find
// candidates (a rarer bigram of the same name still is).
const COMMON_BIGRAM_SHARE: usize = 20;

/// One listed subject, as screening sees it. The texts that are also keys of the index's maps
/// are the same allocation as the key (an `Arc`), and a text equal to the one before it (the
/// folded name to the name, the core to the folded name) shares it too.
#[derive(Debug)]
struct Listed {
    id: Uuid,
    kind: SubjectKind,
    /// The display name (a natural person's is masked).
    name: Arc<str>,
    uscc: Option<Arc<str>>,
    id_number_hash: Option<Arc<str>>,
    id_number_masked: Option<Box<str>>,
    /// For a natural person, the folded full name (compared, never shown).
    folded: Arc<str>,
    core: Arc<str>,
    /// The reading of `core` (organisations only).
    reading: Option<Arc<str>>,
    /// The distinct bigrams of `core`, sorted (organisations only).
    bigrams: Box<[[char; 2]]>,
    hits: Box<[Hit]>,
}

/// Texts that many entries repeat (list names, reasons, authorities), kept once while an index
/// is read: each distinct text is one allocation however many hits show it.
#[derive(Default)]
struct Interner(HashSet<Arc<str>>);

impl Interner {
    fn get(&mut self, text: String) -> Arc<str> {
        if let Some(kept) = self.0.get(text.as_str()) {
            return kept.clone();
        }
        let kept: Arc<str> = Arc::from(text);
        self.0.insert(kept.clone());
        kept
    }
}

/// `text` as an `Arc`, sharing `like` when the two are equal.
fn share(text: String, like: &Arc<str>) -> Arc<str> {
    if *text == **like {
        like.clone()
    } else {
        Arc::from(text)
    }
}

/// A public entry a subject is on.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Hit {
    /// The entry.
    pub entry_id: Uuid,
    /// `red`, `black` or `key_attention`.
    #[schema(value_type = String, example = "black")]
    pub list: ListKind,
    /// 名单名称.
    #[schema(value_type = String)]
    pub list_name: Arc<str>,
    /// 失信等级 of black entries.
    #[schema(value_type = Option<String>, example = "serious")]
    pub severity: Option<Severity>,
    /// 列入事由.
    #[schema(value_type = String)]
    pub reason: Arc<str>,
    /// 认定部门.
    #[schema(value_type = String)]
    pub authority_name: Arc<str>,
    /// 决定文书号.
    pub document_number: String,
    /// 认定日期.
    pub decision_date: NaiveDate,
    /// End of publicity, if the entry has one.
    pub publicity_until: Option<NaiveDate>,
    /// An objection is being handled (异议处理中).
    pub under_objection: bool,
}

impl Hit {
    fn of(e: list_entry::Model, texts: &mut Interner) -> Hit {
        Hit {
            entry_id: e.id.0,
            list: e.list,
            list_name: texts.get(e.list_name),
            severity: e.severity,
            reason: texts.get(e.reason),
            authority_name: texts.get(e.authority_name),
            document_number: e.document_number,
            decision_date: e.decision_date,
            publicity_until: e.publicity_until,
            under_objection: e.under_objection,
        }
    }
}

/// How many shards each map of the index is split into: a change copies only the shards it
/// touches (about a thousandth of a map each), not the map.
const SHARDS: usize = 1024;
/// Subjects per chunk of [`Slots`].
const CHUNK: usize = 1024;
/// Subjects re-read per query when the index follows the feed.
const SUBJECTS_PER_QUERY: usize = 500;
/// Subjects read per page when the index is built: a page's rows are all that is held at once.
const SUBJECTS_PER_PAGE: u64 = 2000;
/// Beyond this many feed rows since the index's sequence, one rebuild is cheaper than
/// following them subject by subject.
const MAX_FOLLOWED: i64 = 20_000;

/// A hash map split into shards, each behind an `Arc`: a clone copies the shard pointers, and a
/// change copies the one shard it touches while an older clone still shares it. This is what
/// lets a new version of the index share all it did not change with the version being read.
#[derive(Clone, Debug)]
struct Shards<K, V>(Vec<Arc<HashMap<K, V>>>);

impl<K: Hash + Eq + Clone, V: Clone> Shards<K, V> {
    fn new() -> Self {
        Shards((0..SHARDS).map(|_| Arc::new(HashMap::new())).collect())
    }

    fn shard_of<Q: Hash + ?Sized>(key: &Q) -> usize {
        // A fixed hasher: the shard of a key must not change between versions.
        let mut hasher = std::hash::DefaultHasher::new();
        key.hash(&mut hasher);
        (hasher.finish() % SHARDS as u64) as usize
    }

    fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0[Self::shard_of(key)].get(key)
    }

    fn shard_mut(&mut self, key: &K) -> &mut HashMap<K, V> {
        Arc::make_mut(&mut self.0[Self::shard_of(key)])
    }

    fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().flat_map(|shard| shard.iter())
    }

    /// Removes `key` if it maps to `value`.
    fn remove_if(&mut self, key: &K, value: &V)
    where
        V: PartialEq,
    {
        if self.get(key) == Some(value) {
            self.shard_mut(key).remove(key);
        }
    }
}

impl<K: Hash + Eq + Clone> Shards<K, Vec<u32>> {
    fn push(&mut self, key: K, at: u32) {
        self.shard_mut(&key).entry(key).or_default().push(at);
    }

    /// Takes `at` out of the list of `key`, and the key when its list is left empty.
    fn take_out(&mut self, key: &K, at: u32) {
        if !self.get(key).is_some_and(|list| list.contains(&at)) {
            return;
        }
        let shard = self.shard_mut(key);
        if let Some(list) = shard.get_mut(key) {
            list.retain(|&x| x != at);
            if list.is_empty() {
                shard.remove(key);
            }
        }
    }

    /// Gives back what the lists hold beyond their length (a list grown by pushes keeps up to
    /// twice its length).
    fn shrink(&mut self) {
        for shard in &mut self.0 {
            for list in Arc::make_mut(shard).values_mut() {
                list.shrink_to_fit();
            }
        }
    }
}

/// The listed subjects by position, in chunks behind `Arc`s (shared between versions like
/// [`Shards`]). A subject that is no longer listed leaves its slot empty until the next rebuild;
/// a subject that changes keeps its slot.
#[derive(Clone, Debug, Default)]
struct Slots(Vec<Arc<Vec<Option<Arc<Listed>>>>>);

impl Slots {
    fn get(&self, at: u32) -> Option<&Listed> {
        let at = at as usize;
        self.0.get(at / CHUNK)?.get(at % CHUNK)?.as_deref()
    }

    fn set(&mut self, at: u32, listed: Option<Listed>) {
        let at = at as usize;
        if let Some(chunk) = self.0.get_mut(at / CHUNK)
            && let Some(slot) = Arc::make_mut(chunk).get_mut(at % CHUNK)
        {
            *slot = listed.map(Arc::new);
        }
    }

    /// Adds a slot at the end; its position.
    fn push(&mut self, listed: Listed) -> ApiResult<u32> {
        let len = self.0.last().map_or(0, |c| c.len()) + self.0.len().saturating_sub(1) * CHUNK;
        let at = u32::try_from(len).map_err(|_| ApiError::internal("too many listed subjects"))?;
        match self.0.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => Arc::make_mut(chunk).push(Some(Arc::new(listed))),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(Some(Arc::new(listed)));
                self.0.push(Arc::new(chunk));
            }
        }
        Ok(at)
    }

    fn iter(&self) -> impl Iterator<Item = &Listed> {
        self.0.iter().flat_map(|c| c.iter()).flatten().map(|l| &**l)
    }
}

/// The public state screening answers from. A version is never changed once published: the
/// next one is a clone (cheap: it shares every shard) with the changes applied.
#[derive(Clone, Debug)]
pub struct Index {
    /// The change-feed sequence it reflects.
    pub seq: i64,
    /// The day publicity was judged on.
    pub today: NaiveDate,
    /// When it was last read from the database.
    pub built_at: DateTime<Utc>,
    /// The masking style its ID numbers are shown in.
    pub id_mask: IdMaskStyle,
    /// Subjects listed (the occupied slots).
    listed: usize,
    subjects: Slots,
    by_subject: Shards<Uuid, u32>,
    by_uscc: Shards<Arc<str>, u32>,
    by_id_hash: Shards<Arc<str>, u32>,
    by_folded: Shards<Arc<str>, Vec<u32>>,
    by_core: Shards<Arc<str>, Vec<u32>>,
    by_pinyin: Shards<Arc<str>, Vec<u32>>,
    by_bigram: Shards<[char; 2], Vec<u32>>,
}

/// How often a [`Cache`] brought its index up to date, and how.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Refreshes {
    /// Built whole from the database.
    pub rebuilt: u64,
    /// Brought forward along the change feed, subject by subject.
    pub followed: u64,
}

/// The index kept between calls. When the change feed has moved on, the subjects its new rows
/// touch are re-read and replaced in a new version of the index; it is built anew when there is
/// none yet, the day or the masking style changed, or the feed moved too far for that to pay.
///
/// Callers get an `Arc` of an immutable version: screening never waits for another screening
/// nor for a refresh in progress (only a caller that needs the newer state waits, for the one
/// refresh that reads it), a refresh never waits for screenings still reading the version
/// before, and the `seq` of the version an answer was read from is the state it reflects.
#[derive(Debug, Default)]
pub struct Cache {
    /// The latest version; held only to clone or replace the `Arc`.
    current: std::sync::Mutex<Option<Arc<Index>>>,
    /// Taken by the one caller that brings the index up to date.
    refresh: Mutex<()>,
    rebuilt: AtomicU64,
    followed: AtomicU64,
}

impl Cache {
    /// The index for the current public state, its ID numbers masked with `id_mask`.
    pub async fn current(
        &self,
        db: &impl ConnectionTrait,
        today: NaiveDate,
        now: DateTime<Utc>,
        id_mask: IdMaskStyle,
    ) -> ApiResult<Arc<Index>> {
        let seq = super::changes::last_seq(db).await?;
        if let Some(index) = self.matching(seq, today, id_mask) {
            return Ok(index);
        }
        let _turn = self.refresh.lock().await;
        // Another caller may have brought it up to date meanwhile, or further.
        let seq = super::changes::last_seq(db).await?;
        if let Some(index) = self.matching(seq, today, id_mask) {
            return Ok(index);
        }
        let started = std::time::Instant::now();
        let next = match self.latest() {
            Some(index)
                if index.today == today
                    && index.id_mask == id_mask
                    && index.seq < seq
                    && seq - index.seq <= MAX_FOLLOWED =>
            {
                let next = index.follow(db, seq, now).await?;
                self.followed.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(
                    from = index.seq,
                    to = seq,
                    listed = next.listed,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "screening index followed the change feed"
                );
                next
            }
            _ => {
                let next = Index::build(db, seq, today, now, id_mask).await?;
                self.rebuilt.fetch_add(1, Ordering::Relaxed);
                tracing::info!(
                    seq,
                    listed = next.listed,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "screening index built"
                );
                next
            }
        };
        let next = Arc::new(next);
        *self.slot() = Some(next.clone());
        Ok(next)
    }

    /// How often the index was rebuilt or brought forward.
    pub fn refreshes(&self) -> Refreshes {
        Refreshes {
            rebuilt: self.rebuilt.load(Ordering::Relaxed),
            followed: self.followed.load(Ordering::Relaxed),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<Index>>> {
        // Nothing can be left half-done under this lock: it only clones or replaces an `Arc`.
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn latest(&self) -> Option<Arc<Index>> {
        self.slot().clone()
    }

    fn matching(&self, seq: i64, today: NaiveDate, id_mask: IdMaskStyle) -> Option<Arc<Index>> {
        self.latest()
            .filter(|i| i.seq == seq && i.today == today && i.id_mask == id_mask)
    }
}

impl Index {
    fn empty(seq: i64, today: NaiveDate, now: DateTime<Utc>, id_mask: IdMaskStyle) -> Index {
        Index {
            seq,
            today,
            built_at: now,
            id_mask,
            listed: 0,
            subjects: Slots::default(),
            by_subject: Shards::new(),
            by_uscc: Shards::new(),
            by_id_hash: Shards::new(),
            by_folded: Shards::new(),
            by_core: Shards::new(),
            by_pinyin: Shards::new(),
            by_bigram: Shards::new(),
        }
    }

    /// Reads every public entry and its subject; ID numbers are shown masked with `id_mask`.
    ///
    /// Read a page of subjects at a time (the next ids that have an entry, then the entries of
    /// that range of ids, by subject only: publicity is judged by
    /// [`list_entry::Model::is_public_on`], as when following the feed), so that no more than
    /// one page of rows is held at once.
    pub async fn build(
        db: &impl ConnectionTrait,
        seq: i64,
        today: NaiveDate,
        now: DateTime<Utc>,
        id_mask: IdMaskStyle,
    ) -> ApiResult<Index> {
        Index::build_in_pages(db, seq, today, now, id_mask, SUBJECTS_PER_PAGE).await
    }

    /// [`Index::build`], reading `per_page` subjects a page (tests read small pages, so that
    /// subjects and their entries fall across page boundaries).
    pub async fn build_in_pages(
        db: &impl ConnectionTrait,
        seq: i64,
        today: NaiveDate,
        now: DateTime<Utc>,
        id_mask: IdMaskStyle,
        per_page: u64,
    ) -> ApiResult<Index> {
        let per_page = per_page.max(1);
        let mut index = Index::empty(seq, today, now, id_mask);
        let mut texts = Interner::default();
        let mut after: Option<Uuid> = None;
        loop {
            let mut page = list_entry::Entity::find()
                .select_only()
                .column(list_entry::Column::SubjectId)
                .distinct()
                .order_by_asc(list_entry::Column::SubjectId)
                .limit(per_page);
            let mut rows = list_entry::Entity::find();
            if let Some(after) = after {
                page = page.filter(list_entry::Column::SubjectId.gt(after));
                rows = rows.filter(list_entry::Column::SubjectId.gt(after));
            }
            let ids: Vec<Uuid> = page.into_tuple().all(db).await?;
            let Some(&last) = ids.last() else { break };
            after = Some(last);
            let rows = rows
                .filter(list_entry::Column::SubjectId.lte(last))
                .find_also_related(subject::Entity)
                .all(db)
                .await?;
            for (s, hits) in public_by_subject(rows, today, &mut texts) {
                let listed = index.listed(&s, hits);
                index.insert(listed, None)?;
            }
            if (ids.len() as u64) < per_page {
                break;
            }
        }
        index.by_folded.shrink();
        index.by_core.shrink();
        index.by_pinyin.shrink();
        index.by_bigram.shrink();
        Ok(index)
    }

    /// The next version: this one with every subject touched by the feed rows after `self.seq`
    /// up to `seq` re-read (an entry's change may add, change or remove its subject).
    async fn follow(
        &self,
        db: &impl ConnectionTrait,
        seq: i64,
        now: DateTime<Utc>,
    ) -> ApiResult<Index> {
        let entries: BTreeSet<Uuid> = public_change::Entity::find()
            .select_only()
            .column(public_change::Column::EntryId)
            .filter(public_change::Column::Seq.gt(self.seq))
            .filter(public_change::Column::Seq.lte(seq))
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let mut subjects = BTreeSet::new();
        for chunk in entries
            .into_iter()
            .collect::<Vec<_>>()
            .chunks(SUBJECTS_PER_QUERY)
        {
            subjects.extend(
                list_entry::Entity::find()
                    .select_only()
                    .column(list_entry::Column::SubjectId)
                    .filter(list_entry::Column::Id.is_in(chunk.iter().copied()))
                    .into_tuple::<Uuid>()
                    .all(db)
                    .await?,
            );
        }
        let mut next = self.clone();
        next.seq = seq;
        next.built_at = now;
        for chunk in subjects
            .into_iter()
            .collect::<Vec<_>>()
            .chunks(SUBJECTS_PER_QUERY)
        {
            // By subject only; publicity is judged in `public_by_subject` (with a status
            // condition SQLite reads the status index: every published entry per chunk).
            let rows = list_entry::Entity::find()
                .filter(list_entry::Column::SubjectId.is_in(chunk.iter().copied()))
                .find_also_related(subject::Entity)
                .all(db)
                .await?;
            let mut now_listed: HashMap<Uuid, Listed> =
                public_by_subject(rows, self.today, &mut Interner::default())
                    .map(|(s, hits)| (s.id.0, next.listed(&s, hits)))
                    .collect();
            for id in chunk {
                next.replace(*id, now_listed.remove(id))?;
            }
        }
        Ok(next)
    }

    /// Puts `listed` in the place of subject `id` (`None`: it is no longer listed).
    fn replace(&mut self, id: Uuid, listed: Option<Listed>) -> ApiResult<()> {
        let at = self.by_subject.get(&id).copied();
        if let Some(at) = at {
            self.remove(at);
        }
        match listed {
            Some(listed) => self.insert(listed, at),
            None => Ok(()),
        }
    }

    /// A subject as screening sees it, with its public entries newest decision first.
    fn listed(&self, s: &subject::Model, mut hits: Vec<Hit>) -> Listed {
        hits.sort_by_key(|h| std::cmp::Reverse((h.decision_date, h.entry_id)));
        let person = s.kind == SubjectKind::NaturalPerson;
        let core = if person {
            String::new()
        } else {
            names::core(&s.name)
        };
        let mut bigrams = names::bigrams(&core);
        bigrams.sort_unstable();
        bigrams.dedup();
        let name: Arc<str> = if person {
            mask_person_name(&s.name, NameMask::default()).into()
        } else {
            s.name.as_str().into()
        };
        let folded = share(names::fold(&s.name), &name);
        Listed {
            id: s.id.0,
            kind: s.kind,
            uscc: s.uscc.as_deref().map(Arc::from),
            id_number_hash: s.id_number_hash.as_deref().map(Arc::from),
            id_number_masked: super::projection::masked_id_number(s, self.id_mask)
                .map(String::into_boxed_str),
            // Natural persons are never found by name alone.
            reading: (!person).then(|| names::pinyin(&core).into()),
            bigrams: if person {
                Box::default()
            } else {
                bigrams.into_boxed_slice()
            },
            core: share(core, &folded),
            folded,
            name,
            hits: hits.into_boxed_slice(),
        }
    }

    /// Adds a subject, in slot `at` (emptied before) or a new one.
    fn insert(&mut self, s: Listed, at: Option<u32>) -> ApiResult<()> {
        let person = s.kind == SubjectKind::NaturalPerson;
        let keys = (
            s.id,
            s.uscc.clone(),
            s.id_number_hash.clone(),
            (!person).then(|| (s.folded.clone(), s.core.clone())),
            s.reading.clone(),
            s.bigrams.clone(),
        );
        let at = match at {
            Some(at) => {
                self.subjects.set(at, Some(s));
                at
            }
            None => self.subjects.push(s)?,
        };
        let (id, uscc, id_hash, names, reading, bigrams) = keys;
        self.listed += 1;
        self.by_subject.shard_mut(&id).insert(id, at);
        if let Some(code) = uscc {
            self.by_uscc.shard_mut(&code).insert(code, at);
        }
        if let Some(hash) = id_hash {
            self.by_id_hash.shard_mut(&hash).insert(hash, at);
        }
        if let Some((folded, core)) = names {
            self.by_folded.push(folded, at);
            self.by_core.push(core, at);
        }
        if let Some(reading) = reading {
            self.by_pinyin.push(reading, at);
        }
        for &g in bigrams.iter() {
            self.by_bigram.push(g, at);
        }
        Ok(())
    }

    /// Empties slot `at` and takes it out of every map.
    fn remove(&mut self, at: u32) {
        let Some(s) = self.subjects.get(at) else {
            return;
        };
        let (id, uscc, id_hash) = (s.id, s.uscc.clone(), s.id_number_hash.clone());
        let names =
            (s.kind != SubjectKind::NaturalPerson).then(|| (s.folded.clone(), s.core.clone()));
        let (reading, bigrams) = (s.reading.clone(), s.bigrams.to_vec());
        self.by_subject.remove_if(&id, &at);
        if let Some(code) = &uscc {
            self.by_uscc.remove_if(code, &at);
        }
        if let Some(hash) = &id_hash {
            self.by_id_hash.remove_if(hash, &at);
        }
        if let Some((folded, core)) = &names {
            self.by_folded.take_out(folded, at);
            self.by_core.take_out(core, at);
        }
        if let Some(reading) = &reading {
            self.by_pinyin.take_out(reading, at);
        }
        for g in &bigrams {
            self.by_bigram.take_out(g, at);
        }
        self.subjects.set(at, None);
        self.listed -= 1;
    }

    /// Subjects with at least one public entry.
    pub fn listed_subjects(&self) -> usize {
        self.listed
    }

    /// What the index holds as canonical text (subjects by id, every map by key, each key's
    /// subjects by id, positions replaced by subject ids): equal for equal public states, however
    /// the index was brought to it. For tests and diagnosis; it holds no ID number, only hashes
    /// and masked forms.
    pub fn dump(&self) -> String {
        use std::fmt::Write;
        let id = |at: &u32| self.subjects.get(*at).map(|s| s.id);
        let mut out = format!(
            "seq {} today {} id_mask {} listed {}\n",
            self.seq,
            self.today,
            self.id_mask.as_str(),
            self.listed
        );
        let mut subjects: Vec<&Listed> = self.subjects.iter().collect();
        subjects.sort_by_key(|s| s.id);
        for s in subjects {
            let _ = writeln!(out, "{s:?}");
        }
        fn one<K: Ord + std::fmt::Debug>(
            out: &mut String,
            name: &str,
            map: impl Iterator<Item = (K, Option<Uuid>)>,
        ) {
            let sorted: std::collections::BTreeMap<K, Option<Uuid>> = map.collect();
            for (k, v) in sorted {
                let _ = writeln!(out, "{name} {k:?} {v:?}");
            }
        }
        fn many<K: Ord + std::fmt::Debug>(
            out: &mut String,
            name: &str,
            map: impl Iterator<Item = (K, Vec<Option<Uuid>>)>,
        ) {
            let sorted: std::collections::BTreeMap<K, Vec<Option<Uuid>>> = map
                .map(|(k, mut v)| {
                    v.sort();
                    (k, v)
                })
                .collect();
            for (k, v) in sorted {
                let _ = writeln!(out, "{name} {k:?} {v:?}");
            }
        }
        one(
            &mut out,
            "subject",
            self.by_subject.iter().map(|(k, at)| (*k, id(at))),
        );
        one(
            &mut out,
            "uscc",
            self.by_uscc.iter().map(|(k, at)| (k.clone(), id(at))),
        );
        one(
            &mut out,
            "id_hash",
            self.by_id_hash.iter().map(|(k, at)| (k.clone(), id(at))),
        );
        let ids = |v: &Vec<u32>| v.iter().map(id).collect::<Vec<_>>();
        many(
            &mut out,
            "folded",
            self.by_folded.iter().map(|(k, v)| (k.clone(), ids(v))),
        );
        many(
            &mut out,
            "core",
            self.by_core.iter().map(|(k, v)| (k.clone(), ids(v))),
        );
        many(
            &mut out,
            "pinyin",
            self.by_pinyin.iter().map(|(k, v)| (k.clone(), ids(v))),
        );
        many(
            &mut out,
            "bigram",
            self.by_bigram.iter().map(|(k, v)| (*k, ids(v))),
        );
        out
    }
}

/// Each subject of `rows` (published entries with their subjects) that has an entry public on
/// `today`, with those entries, in the order first met.
fn public_by_subject(
    rows: Vec<(list_entry::Model, Option<subject::Model>)>,
    today: NaiveDate,
    texts: &mut Interner,
) -> impl Iterator<Item = (subject::Model, Vec<Hit>)> {
    let mut position: HashMap<Uuid, usize> = HashMap::new();
    let mut grouped: Vec<(subject::Model, Vec<Hit>)> = Vec::new();
    for (e, s) in rows {
        let Some(s) = s else { continue };
        if !e.is_public_on(today) {
            continue;
        }
        let at = *position.entry(s.id.0).or_insert_with(|| {
            grouped.push((s, Vec::new()));
            grouped.len() - 1
        });
        grouped[at].1.push(Hit::of(e, texts));
    }
    grouped.into_iter()
}

/// One subject to screen, as the caller sent it. Its `Debug` never shows the ID number.
#[derive(Default)]
pub struct Probe {
    /// Unified social credit code.
    pub uscc: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// A natural person's ID number (needs a legal basis).
    pub id_number: Option<String>,
}

impl std::fmt::Debug for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Probe")
            .field("uscc", &self.uscc)
            .field("name", &self.name)
            .field("id_number", &self.id_number.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A natural person checked by name and ID number, as the screening log keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonCheck {
    /// Keyed hash of the ID number checked (as `subjects.id_number_hash`).
    pub id_number_hash: String,
    /// The listed subject matched, if any.
    pub subject_id: Option<Uuid>,
}

/// What screening one subject found.
#[derive(Debug)]
pub struct Screened {
    /// The listed subjects matched, best first.
    pub matches: Vec<Match>,
    /// The natural person checked, if the subject was one.
    pub person: Option<PersonCheck>,
}

/// How a match was found.
#[derive(Clone, Copy, Debug, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The unified social credit code.
    Uscc,
    /// ID number and name (natural persons).
    IdNumber,
    /// The name, after width, case, punctuation and script folding.
    Name,
    /// The name without region and legal form.
    NameCore,
    /// The reading (pinyin) of the name without region and legal form.
    Pinyin,
    /// Similar names (shared character pairs).
    Similarity,
}

/// A listed subject that matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct Match {
    /// The subject.
    pub subject_id: Uuid,
    /// `legal_person`, `other_organisation`, `individual_business` or `natural_person`.
    #[schema(value_type = String)]
    pub kind: SubjectKind,
    /// Its name (a natural person's masked).
    pub name: String,
    /// Its code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
    /// A natural person's ID number, masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_number_masked: Option<String>,
    /// How sure, from 0 to 1.
    pub score: f64,
    /// Which evidence.
    pub matched_by: MatchedBy,
    /// Why it matched, in Chinese, for the person reading the answer.
    pub explanation: String,
    /// Its public entries, newest decision first.
    pub hits: Vec<Hit>,
}

/// Checks a probe: what it may be matched on.
enum Checked {
    Code(String),
    Person { folded: String, id_hash: String },
    Name { raw: String },
}

/// Validates one probe. `legal_basis`: whether the request stated one.
fn check(probe: Probe, legal_basis: bool, keys: &Keys, today: NaiveDate) -> ApiResult<Checked> {
    let text = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let (uscc, name, id_number) = (text(probe.uscc), text(probe.name), text(probe.id_number));
    if let Some(code) = uscc {
        let (code, _) = Uscc::parse_trusted(&code).map_err(|e| {
            ApiError::field(
                ErrorCode::InvalidScreeningField,
                "uscc",
                &code,
                format!("is not a unified social credit code: {e}"),
            )
        })?;
        return Ok(Checked::Code(code.as_str().to_owned()));
    }
    if let Some(number) = id_number {
        let Some(name) = name else {
            return Err(ApiError::new(
                ErrorCode::InvalidScreeningField,
                "`name`: a natural person is screened by name and ID number together.",
            ));
        };
        if !legal_basis {
            return Err(ApiError::new(
                ErrorCode::MissingScreeningLegalBasis,
                "`legal_basis`: screening a natural person by ID number needs the legal basis stated in the request.",
            ));
        }
        let number = IdNumber::parse(&number, today).map_err(|e| {
            // Never echo the number itself.
            ApiError::new(
                ErrorCode::InvalidScreeningField,
                format!("`id_number`: not a valid resident ID number: {e}"),
            )
        })?;
        return Ok(Checked::Person {
            folded: names::fold(&name),
            id_hash: keys.keyed_hash(number.as_str()),
        });
    }
    match name {
        Some(raw) if names::fold(&raw).chars().count() >= 2 => Ok(Checked::Name { raw }),
        Some(raw) => Err(ApiError::field(
            ErrorCode::InvalidScreeningField,
            "name",
            &raw,
            "is too short to screen: at least two characters",
        )),
        None => Err(ApiError::new(
            ErrorCode::InvalidScreeningField,
            "Send `uscc`, or `name`, or `name` and `id_number` for each subject.",
        )),
    }
}

impl Index {
    /// Screens one subject: the listed subjects it matches at `threshold` or above, best first,
    /// and the natural person checked, if it is one.
    pub fn screen(
        &self,
        probe: Probe,
        threshold: f64,
        legal_basis: bool,
        keys: &Keys,
    ) -> ApiResult<Screened> {
        let mut found: Vec<(u32, f64, MatchedBy, String)> = Vec::new();
        let mut person = None;
        match check(probe, legal_basis, keys, self.today)? {
            Checked::Code(code) => {
                if let Some(&at) = self.by_uscc.get(code.as_str()) {
                    found.push((
                        at,
                        SCORE_EXACT,
                        MatchedBy::Uscc,
                        format!("统一社会信用代码一致（{code}）"),
                    ));
                }
            }
            Checked::Person { folded, id_hash } => {
                // Both must agree: a listed number under another name is no match and no hint.
                let at = self
                    .by_id_hash
                    .get(id_hash.as_str())
                    .copied()
                    .filter(|&at| self.subjects.get(at).is_some_and(|s| *s.folded == *folded));
                if let Some(at) = at {
                    found.push((
                        at,
                        SCORE_EXACT,
                        MatchedBy::IdNumber,
                        "身份证号码与姓名一致".into(),
                    ));
                }
                person = Some(PersonCheck {
                    id_number_hash: id_hash,
                    subject_id: at.and_then(|at| self.subjects.get(at)).map(|s| s.id),
                });
            }
            Checked::Name { raw } => self.by_name(&raw, threshold, &mut found),
        }
        let mut matches: Vec<Match> = found
            .into_iter()
            .filter(|(_, score, _, _)| *score >= threshold)
            .filter_map(|(at, score, matched_by, explanation)| {
                let s = self.subjects.get(at)?;
                Some(Match {
                    subject_id: s.id,
                    kind: s.kind,
                    name: s.name.to_string(),
                    uscc: s.uscc.as_deref().map(str::to_owned),
                    id_number_masked: s.id_number_masked.as_deref().map(str::to_owned),
                    score: (score * 1000.0).round() / 1000.0,
                    matched_by,
                    explanation,
                    hits: s.hits.to_vec(),
                })
            })
            .collect();
        // Ties are ordered by subject too, so that the answer depends on the public state only,
        // not on the order the index was built or changed in.
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.name.cmp(&b.name))
                .then(a.subject_id.cmp(&b.subject_id))
        });
        Ok(Screened { matches, person })
    }

    /// The listed organisations whose cores share enough bigrams with `core` to score
    /// `threshold` or above, with their scores, in no order.
    ///
    /// The score is 0.9 × 2n/(g+h): g the distinct bigrams of `core`, h those of the listed
    /// core, n the shared ones among the *usable* bigrams of `core` (those on no more than a
    /// twentieth of the listed names). As h ≥ n, a subject with n shared can score no more than
    /// 0.9 × 2n/(g+n), which grows with n: the least n that reaches the threshold so is needed,
    /// and a subject that shares that many of the u usable bigrams shares at least one of any
    /// u − n + 1 of them. Candidates are taken from the postings of the u − n + 1 rarest only
    /// (a prefix filter) and each is then counted against its own bigrams: the same subjects
    /// and scores as counting over every usable posting list.
    fn similar(&self, core: &str, threshold: f64) -> Vec<(u32, &Listed, f64)> {
        let mut grams = names::bigrams(core);
        grams.sort_unstable();
        grams.dedup();
        let common = self.listed / COMMON_BIGRAM_SHARE + 1;
        let mut usable: Vec<([char; 2], &[u32])> = grams
            .iter()
            .filter_map(|g| {
                let postings = self.by_bigram.get(g)?;
                (postings.len() <= common).then_some((*g, postings.as_slice()))
            })
            .collect();
        // The score of n shared bigrams with a core of h; with h = n, its upper bound.
        let score_of = |n: usize, h: usize| {
            let dice = (2 * n) as f64 / (grams.len() + h) as f64;
            dice * SIMILARITY_WEIGHT
        };
        let Some(least) = (1..=usable.len()).find(|&n| score_of(n, n) >= threshold) else {
            return Vec::new();
        };
        let mine: Vec<[char; 2]> = usable.iter().map(|(g, _)| *g).collect();
        usable.sort_by_key(|(_, postings)| postings.len());
        let mut candidates: Vec<u32> = usable[..usable.len() - least + 1]
            .iter()
            .flat_map(|(_, postings)| postings.iter().copied())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|at| {
                let theirs = self.subjects.get(at)?;
                let n = shared_count(&mine, &theirs.bigrams);
                let score = score_of(n, theirs.bigrams.len());
                (score >= threshold).then_some((at, theirs, score))
            })
            .collect()
    }

    fn by_name(&self, raw: &str, threshold: f64, found: &mut Vec<(u32, f64, MatchedBy, String)>) {
        let folded = names::fold(raw);
        let core = names::core(raw);
        // Characters the simplified/traditional folding changed, said in the explanation.
        let script = if fast2s::convert(raw) == raw {
            ""
        } else {
            "（繁体字按简体比对）"
        };
        let mut seen: Vec<u32> = Vec::new();
        let mut push = |at: u32, score: f64, by: MatchedBy, why: String| {
            if !seen.contains(&at) {
                seen.push(at);
                found.push((at, score, by, why));
            }
        };
        for &at in self.by_folded.get(folded.as_str()).into_iter().flatten() {
            push(
                at,
                SCORE_EXACT,
                MatchedBy::Name,
                format!("名称一致{script}"),
            );
        }
        for &at in self.by_core.get(core.as_str()).into_iter().flatten() {
            push(
                at,
                SCORE_CORE,
                MatchedBy::NameCore,
                format!("去除地域名称和组织形式后一致（{core}）{script}"),
            );
        }
        let reading = names::pinyin(&core);
        if SCORE_PINYIN >= threshold {
            for &at in self.by_pinyin.get(reading.as_str()).into_iter().flatten() {
                let Some(theirs) = self.subjects.get(at).map(|s| &s.core) else {
                    continue;
                };
                push(
                    at,
                    SCORE_PINYIN,
                    MatchedBy::Pinyin,
                    format!("读音一致（{reading}）：{core} / {theirs}"),
                );
            }
        }
        // Similar names: only worth looking for when the scaled similarity can reach the
        // threshold.
        if SIMILARITY_WEIGHT < threshold {
            return;
        }
        let mut near = self.similar(&core, threshold);
        // The ten most similar; ties by name and subject, so that which ten is decided.
        near.sort_by(|a, b| {
            b.2.total_cmp(&a.2)
                .then(a.1.name.cmp(&b.1.name))
                .then(a.1.id.cmp(&b.1.id))
        });
        for (at, theirs, score) in near.into_iter().take(10) {
            let theirs = &theirs.core;
            push(
                at,
                score,
                MatchedBy::Similarity,
                format!(
                    "名称相近（{core} / {theirs}，相似度 {:.2}）{script}",
                    score / SIMILARITY_WEIGHT
                ),
            );
        }
    }
}

/// How many items two sorted, deduplicated lists share.
fn shared_count<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// What one screening call is logged with.
#[derive(Debug)]
pub struct LogEntry<'a> {
    /// The agency.
    pub agency_id: Uuid,
    /// Its key.
    pub key_id: Uuid,
    /// Why.
    pub purpose: &'a str,
    /// The legal basis stated.
    pub legal_basis: Option<&'a str>,
    /// Subjects screened.
    pub subjects: usize,
    /// Of which natural persons.
    pub persons: usize,
    /// Flagged subjects.
    pub flagged: usize,
    /// The change-feed sequence answered from.
    pub snapshot_seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Every natural person checked, one row each.
    pub persons_checked: &'a [PersonCheck],
}

/// Logs a screening (lookup logs are kept for partner queries) and, one row each, the natural
/// persons it checked; never an ID number, only its keyed hash. Call inside a transaction, so
/// that the screening and its person rows are kept together or not at all.
pub async fn log(
    db: &impl ConnectionTrait,
    entry: LogEntry<'_>,
) -> Result<entity::screening::Model, sea_orm::DbErr> {
    use sea_orm::{ActiveModelTrait, Set};
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let screening = entity::screening::ActiveModel {
        id: Set(Uuid::new_v4()),
        agency_id: Set(entry.agency_id),
        key_id: Set(entry.key_id),
        purpose: Set(entry.purpose.to_owned()),
        legal_basis: Set(entry.legal_basis.map(str::to_owned)),
        subjects: Set(count(entry.subjects)),
        persons: Set(count(entry.persons)),
        flagged: Set(count(entry.flagged)),
        snapshot_seq: Set(entry.snapshot_seq),
        at: Set(entry.at),
    }
    .insert(db)
    .await?;
    let rows: Vec<entity::person_check::ActiveModel> = entry
        .persons_checked
        .iter()
        .map(|p| entity::person_check::ActiveModel {
            id: Set(Uuid::new_v4()),
            id_number_hash: Set(p.id_number_hash.clone()),
            subject_id: Set(p.subject_id),
            screening_id: Set(screening.id),
            agency_id: Set(entry.agency_id),
            key_id: Set(entry.key_id),
            purpose: Set(entry.purpose.to_owned()),
            legal_basis: Set(entry.legal_basis.map(str::to_owned)),
            at: Set(entry.at),
        })
        .collect();
    for chunk in rows.chunks(100) {
        entity::person_check::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    Ok(screening)
}

/// One page of the checks of the natural person whose ID number has the keyed hash
/// `id_number_hash`, newest first, and the total.
pub async fn person_checks_page(
    db: &impl ConnectionTrait,
    id_number_hash: &str,
    page: super::Page,
) -> Result<(Vec<entity::person_check::Model>, u64), sea_orm::DbErr> {
    use entity::person_check::{Column, Entity};
    use sea_orm::{PaginatorTrait, QueryOrder};
    let pages = Entity::find()
        .filter(Column::IdNumberHash.eq(id_number_hash))
        .order_by_desc(Column::At)
        .order_by_desc(Column::Id)
        .paginate(db, page.per_page);
    let total = pages.num_items().await?;
    Ok((pages.fetch_page(page.page - 1).await?, total))
}

/// One page of the screening log, newest first, and the total.
pub async fn log_page(
    db: &impl ConnectionTrait,
    agency_id: Option<Uuid>,
    page: super::Page,
) -> Result<(Vec<entity::screening::Model>, u64), sea_orm::DbErr> {
    use sea_orm::{PaginatorTrait, QueryOrder};
    let mut query = entity::screening::Entity::find().order_by_desc(entity::screening::Column::At);
    if let Some(agency) = agency_id {
        query = query.filter(entity::screening::Column::AgencyId.eq(agency));
    }
    let pages = query.paginate(db, page.per_page);
    let total = pages.num_items().await?;
    Ok((pages.fetch_page(page.page - 1).await?, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A listed organisation named `name`.
    fn organisation(n: u128, name: &str) -> subject::Model {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        subject::Model {
            id: entity::SubjectId(Uuid::from_u128(n)),
            kind: SubjectKind::LegalPerson,
            name: name.to_owned(),
            uscc: None,
            uscc_warning: None,
            id_number_cipher: None,
            id_number_hash: None,
            id_number_masked: None,
            id_number_masked_widest: None,
            legal_representative: None,
            region_code: "110000".into(),
            address: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    /// Names from a small vocabulary (so that they share many bigrams), some with words common
    /// enough to be left out of the candidate search; deterministic.
    fn names(count: usize, mut seed: u64) -> Vec<String> {
        const CHARS: [char; 24] = [
            '华', '信', '达', '通', '远', '恒', '泰', '丰', '盛', '源', '鑫', '宏', '兴', '隆',
            '安', '和', '瑞', '祥', '嘉', '益', '德', '利', '永', '昌',
        ];
        const WORDS: [&str; 4] = ["科技", "贸易", "发展", ""];
        const FORMS: [&str; 3] = ["有限公司", "股份有限公司", "商行"];
        let mut next = move |below: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % below as u64) as usize
        };
        (0..count)
            .map(|_| {
                let mut name: String = (0..2 + next(5)).map(|_| CHARS[next(CHARS.len())]).collect();
                name.push_str(WORDS[next(WORDS.len())]);
                name.push_str(FORMS[next(FORMS.len())]);
                name
            })
            .collect()
    }

    /// Every listed subject scored against `core` the plain way: over all of them, counting the
    /// usable bigrams of `core` each one has.
    fn scored_by_brute_force(index: &Index, core: &str, threshold: f64) -> Vec<(u32, f64)> {
        let mut grams = names::bigrams(core);
        grams.sort_unstable();
        grams.dedup();
        let common = index.listed / COMMON_BIGRAM_SHARE + 1;
        let usable: Vec<[char; 2]> = grams
            .iter()
            .copied()
            .filter(|g| index.by_bigram.get(g).is_some_and(|p| p.len() <= common))
            .collect();
        (0..index.listed as u32)
            .filter_map(|at| {
                let theirs = index.subjects.get(at)?;
                let n = usable.iter().filter(|g| theirs.bigrams.contains(g)).count();
                let dice = (2 * n) as f64 / (grams.len() + theirs.bigrams.len()) as f64;
                let score = dice * SIMILARITY_WEIGHT;
                (n > 0 && score >= threshold).then_some((at, score))
            })
            .collect()
    }

    #[test]
    fn the_prefix_filter_finds_every_similar_name_brute_force_does() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        let mut index = Index::empty(0, today, DateTime::UNIX_EPOCH, IdMaskStyle::default());
        let listed = names(3000, 7);
        for (n, name) in listed.iter().enumerate() {
            let s = index.listed(&organisation(n as u128 + 1, name), Vec::new());
            index.insert(s, None).expect("inserted");
        }
        let common = index.listed / COMMON_BIGRAM_SHARE + 1;
        assert!(
            index.by_bigram.iter().any(|(_, p)| p.len() > common),
            "some bigrams are too common to search by"
        );
        // Listed names themselves, and other names from the same vocabulary.
        let probes: Vec<String> = listed
            .iter()
            .take(150)
            .cloned()
            .chain(names(150, 11))
            .collect();
        let mut found = 0;
        for threshold in [0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9] {
            for probe in &probes {
                let core = names::core(probe);
                let mut fast: Vec<(u32, f64)> = index
                    .similar(&core, threshold)
                    .into_iter()
                    .map(|(at, _, score)| (at, score))
                    .collect();
                fast.sort_by_key(|&(at, _)| at);
                let slow = scored_by_brute_force(&index, &core, threshold);
                assert_eq!(fast, slow, "{probe} at {threshold}");
                found += slow.len();
            }
        }
        assert!(
            found > 1_000,
            "only {found} similar names: the test says little"
        );
    }
}
