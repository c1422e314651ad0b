//! Batch screening (信用核查): a partner sends up to 1,000 subjects and learns, per
//! subject, which public list entries it is on, how sure the match is and why.
//!
//! Matching runs against an in-memory [`Index`] of every subject with a public entry, built from
//! the database and kept while the change feed's last sequence (and the date) stay the same:
//! every write that changes what the public sees records a feed row, so a new sequence is the
//! signal to rebuild. Each answer names the sequence it reflects (its snapshot).
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
use entity::{EntryStatus, ListKind, Severity, SubjectKind, list_entry, subject};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
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

/// One listed subject, as screening sees it.
#[derive(Debug)]
struct Listed {
    id: Uuid,
    kind: SubjectKind,
    /// The display name (a natural person's is masked).
    name: String,
    uscc: Option<String>,
    id_number_masked: Option<String>,
    /// For a natural person, the folded full name (compared, never shown).
    folded: String,
    core: String,
    grams: usize,
    hits: Vec<Hit>,
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
    pub list_name: String,
    /// 失信等级 of black entries.
    #[schema(value_type = Option<String>, example = "serious")]
    pub severity: Option<Severity>,
    /// 列入事由.
    pub reason: String,
    /// 认定部门.
    pub authority_name: String,
    /// 决定文书号.
    pub document_number: String,
    /// 认定日期.
    pub decision_date: NaiveDate,
    /// End of publicity, if the entry has one.
    pub publicity_until: Option<NaiveDate>,
    /// An objection is being handled (异议处理中).
    pub under_objection: bool,
}

/// The public state screening answers from.
#[derive(Debug)]
pub struct Index {
    /// The change-feed sequence it reflects.
    pub seq: i64,
    /// The day publicity was judged on.
    pub today: NaiveDate,
    /// When it was read from the database.
    pub built_at: DateTime<Utc>,
    /// The masking style its ID numbers are shown in.
    pub id_mask: IdMaskStyle,
    subjects: Vec<Listed>,
    by_uscc: HashMap<String, u32>,
    by_id_hash: HashMap<String, u32>,
    by_folded: HashMap<String, Vec<u32>>,
    by_core: HashMap<String, Vec<u32>>,
    by_pinyin: HashMap<String, Vec<u32>>,
    by_bigram: HashMap<[char; 2], Vec<u32>>,
}

/// The index kept between calls; rebuilt when the feed moves on or the day changes.
#[derive(Debug, Default)]
pub struct Cache(Mutex<Option<Arc<Index>>>);

impl Cache {
    /// The index for the current public state, its ID numbers masked with `id_mask`.
    pub async fn current(
        &self,
        db: &impl ConnectionTrait,
        today: NaiveDate,
        now: DateTime<Utc>,
        id_mask: IdMaskStyle,
    ) -> ApiResult<Arc<Index>> {
        let mut slot = self.0.lock().await;
        let seq = super::changes::last_seq(db).await?;
        if let Some(index) = slot.as_ref()
            && index.seq == seq
            && index.today == today
            && index.id_mask == id_mask
        {
            return Ok(index.clone());
        }
        let index = Arc::new(Index::build(db, seq, today, now, id_mask).await?);
        *slot = Some(index.clone());
        Ok(index)
    }
}

impl Index {
    /// Reads every public entry and its subject; ID numbers are shown masked with `id_mask`.
    pub async fn build(
        db: &impl ConnectionTrait,
        seq: i64,
        today: NaiveDate,
        now: DateTime<Utc>,
        id_mask: IdMaskStyle,
    ) -> ApiResult<Index> {
        let rows = list_entry::Entity::find()
            .filter(list_entry::Column::Status.eq(EntryStatus::Published))
            .find_also_related(subject::Entity)
            .all(db)
            .await?;
        let mut index = Index {
            seq,
            today,
            built_at: now,
            id_mask,
            subjects: Vec::new(),
            by_uscc: HashMap::new(),
            by_id_hash: HashMap::new(),
            by_folded: HashMap::new(),
            by_core: HashMap::new(),
            by_pinyin: HashMap::new(),
            by_bigram: HashMap::new(),
        };
        let mut position: HashMap<Uuid, u32> = HashMap::new();
        for (e, s) in rows {
            let Some(s) = s else { continue };
            if !e.is_public_on(today) {
                continue;
            }
            let at = match position.get(&s.id.0) {
                Some(&at) => at,
                None => {
                    let at = u32::try_from(index.subjects.len())
                        .map_err(|_| ApiError::internal("too many listed subjects"))?;
                    index.add_subject(&s, at);
                    position.insert(s.id.0, at);
                    at
                }
            };
            index.subjects[at as usize].hits.push(Hit {
                entry_id: e.id.0,
                list: e.list,
                list_name: e.list_name,
                severity: e.severity,
                reason: e.reason,
                authority_name: e.authority_name,
                document_number: e.document_number,
                decision_date: e.decision_date,
                publicity_until: e.publicity_until,
                under_objection: e.under_objection,
            });
        }
        for s in &mut index.subjects {
            s.hits
                .sort_by_key(|h| std::cmp::Reverse((h.decision_date, h.entry_id)));
        }
        Ok(index)
    }

    fn add_subject(&mut self, s: &subject::Model, at: u32) {
        let folded = names::fold(&s.name);
        let person = s.kind == SubjectKind::NaturalPerson;
        let core = if person {
            String::new()
        } else {
            names::core(&s.name)
        };
        if let Some(code) = &s.uscc {
            self.by_uscc.insert(code.clone(), at);
        }
        if let Some(hash) = &s.id_number_hash {
            self.by_id_hash.insert(hash.clone(), at);
        }
        let mut grams = names::bigrams(&core);
        grams.sort_unstable();
        grams.dedup();
        if !person {
            // Natural persons are never found by name alone.
            self.by_folded.entry(folded.clone()).or_default().push(at);
            self.by_core.entry(core.clone()).or_default().push(at);
            self.by_pinyin
                .entry(names::pinyin(&core))
                .or_default()
                .push(at);
            for g in &grams {
                self.by_bigram.entry(*g).or_default().push(at);
            }
        }
        self.subjects.push(Listed {
            id: s.id.0,
            kind: s.kind,
            name: if person {
                mask_person_name(&s.name, NameMask::default())
            } else {
                s.name.clone()
            },
            uscc: s.uscc.clone(),
            id_number_masked: super::projection::masked_id_number(s, self.id_mask),
            folded,
            core,
            grams: grams.len(),
            hits: Vec::new(),
        });
    }

    /// Subjects with at least one public entry.
    pub fn listed_subjects(&self) -> usize {
        self.subjects.len()
    }
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
                if let Some(&at) = self.by_uscc.get(&code) {
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
                    .get(&id_hash)
                    .copied()
                    .filter(|&at| self.subjects[at as usize].folded == folded);
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
                    subject_id: at.map(|at| self.subjects[at as usize].id),
                });
            }
            Checked::Name { raw } => self.by_name(&raw, threshold, &mut found),
        }
        let mut matches: Vec<Match> = found
            .into_iter()
            .filter(|(_, score, _, _)| *score >= threshold)
            .map(|(at, score, matched_by, explanation)| {
                let s = &self.subjects[at as usize];
                Match {
                    subject_id: s.id,
                    kind: s.kind,
                    name: s.name.clone(),
                    uscc: s.uscc.clone(),
                    id_number_masked: s.id_number_masked.clone(),
                    score: (score * 1000.0).round() / 1000.0,
                    matched_by,
                    explanation,
                    hits: s.hits.clone(),
                }
            })
            .collect();
        matches.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.name.cmp(&b.name)));
        Ok(Screened { matches, person })
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
        for &at in self.by_folded.get(&folded).into_iter().flatten() {
            push(
                at,
                SCORE_EXACT,
                MatchedBy::Name,
                format!("名称一致{script}"),
            );
        }
        for &at in self.by_core.get(&core).into_iter().flatten() {
            push(
                at,
                SCORE_CORE,
                MatchedBy::NameCore,
                format!("去除地域名称和组织形式后一致（{core}）{script}"),
            );
        }
        let reading = names::pinyin(&core);
        if SCORE_PINYIN >= threshold {
            for &at in self.by_pinyin.get(&reading).into_iter().flatten() {
                let theirs = &self.subjects[at as usize].core;
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
        let mut grams = names::bigrams(&core);
        grams.sort_unstable();
        grams.dedup();
        let common = self.subjects.len() / COMMON_BIGRAM_SHARE + 1;
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for g in &grams {
            if let Some(postings) = self.by_bigram.get(g)
                && postings.len() <= common
            {
                for &at in postings {
                    *shared.entry(at).or_default() += 1;
                }
            }
        }
        let mut near: Vec<(u32, f64)> = shared
            .into_iter()
            .filter_map(|(at, n)| {
                let theirs = self.subjects[at as usize].grams;
                let dice = (2 * n) as f64 / (grams.len() + theirs) as f64;
                let score = dice * SIMILARITY_WEIGHT;
                (score >= threshold).then_some((at, score))
            })
            .collect();
        near.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (at, score) in near.into_iter().take(10) {
            let theirs = &self.subjects[at as usize].core;
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
