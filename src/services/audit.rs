//! The audit trail: every write appends one event in the same transaction as the change. Events
//! form a hash chain (each carries the hash of the one before), so an edited or deleted row is
//! detectable by [`verify`]. The chain is anchored by keyed checkpoints of its head
//! ([`checkpoint`]): an HMAC under the audit key over (head event id, head hash, time), so that
//! [`verify_anchored`] also detects the newest events deleted, and the whole chain rewritten
//! consistently by someone who can write the database but does not hold the key.

use crate::crypto::{Keys, sha256_hex};
use chrono::{DateTime, Utc};
use entity::{audit_checkpoint, audit_event};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, NotSet, PaginatorTrait, QueryOrder,
    QuerySelect, Set, Statement,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One event to append.
#[derive(Debug)]
pub struct NewEvent<'a> {
    /// Who: `staff:<id>`, `cli`, `system`.
    pub actor: &'a str,
    /// What, e.g. `subject.create`.
    pub action: &'a str,
    /// `subject`, `entry`, `notice`, `staff`.
    pub target_type: &'a str,
    /// Id of the target.
    pub target_id: String,
    /// The row before (already redacted).
    pub before: Option<Value>,
    /// The row after (already redacted).
    pub after: Option<Value>,
    /// When.
    pub at: DateTime<Utc>,
}

// An arbitrary constant naming the audit chain's advisory lock on PostgreSQL.
const AUDIT_CHAIN_LOCK: i64 = 0x0058_5941_5544_4954;

/// Takes the audit chain's lock until the transaction ends (PostgreSQL; SQLite's write
/// transactions are serial already). [`record`] takes it; a writer that must read and write
/// without another writer in between takes it first.
pub async fn lock(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if crate::db::is_postgres(db) {
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT pg_advisory_xact_lock({AUDIT_CHAIN_LOCK})"),
        ))
        .await?;
    }
    Ok(())
}

/// Appends an event to the chain.
pub async fn record(db: &impl ConnectionTrait, event: NewEvent<'_>) -> Result<(), DbErr> {
    // Two transactions reading the same last hash would fork the chain: serialise appends.
    lock(db).await?;
    let prev_hash = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .limit(1)
        .one(db)
        .await?
        .map(|e| e.hash)
        .unwrap_or_default();
    let hash = event_hash(
        &prev_hash,
        &event.at,
        event.actor,
        event.action,
        event.target_type,
        &event.target_id,
        event.before.as_ref(),
        event.after.as_ref(),
    );
    audit_event::ActiveModel {
        id: NotSet,
        at: Set(event.at),
        actor: Set(event.actor.to_owned()),
        action: Set(event.action.to_owned()),
        target_type: Set(event.target_type.to_owned()),
        target_id: Set(event.target_id),
        before: Set(event.before),
        after: Set(event.after),
        prev_hash: Set(prev_hash),
        hash: Set(hash),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The hash of an event over all its fields and the previous hash.
#[expect(clippy::too_many_arguments, reason = "one argument per hashed column")]
pub fn event_hash(
    prev_hash: &str,
    at: &DateTime<Utc>,
    actor: &str,
    action: &str,
    target_type: &str,
    target_id: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> String {
    let json = |v: Option<&Value>| v.map(Value::to_string).unwrap_or_default();
    let text = [
        prev_hash,
        &at.timestamp_micros().to_string(),
        actor,
        action,
        target_type,
        target_id,
        &json(before),
        &json(after),
    ]
    .join("\u{1f}");
    sha256_hex(text.as_bytes())
}

/// What [`verify`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every event links to the one before and hashes to its stored hash.
    Intact {
        /// Events checked.
        events: u64,
    },
    /// The first event that does not fit.
    Broken {
        /// Its id.
        id: i64,
        /// Why.
        reason: String,
    },
}

/// What broke, as [`verify_anchored`] names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Break {
    /// An event's content no longer hashes to its stored hash (an edited row).
    EditedEvent,
    /// An event does not link to the one before it (a row removed or reordered in the middle).
    Unlinked,
    /// The chain ends before the event a checkpoint anchored (the newest events were deleted).
    Truncated,
    /// The event a checkpoint anchored no longer has the hash it had: the chain was rewritten
    /// consistently up to it (the checkpoint's HMAC does not match the recomputed head).
    Rewritten,
    /// A checkpoint's HMAC does not match its own contents: it was altered or forged.
    AlteredCheckpoint,
    /// A checkpoint was sealed with another audit key, so it cannot be checked with this one.
    OtherKey,
}

impl Break {
    /// A short name, for the command's verdict.
    pub fn as_str(self) -> &'static str {
        match self {
            Break::EditedEvent => "edited event",
            Break::Unlinked => "unlinked event",
            Break::Truncated => "truncated chain",
            Break::Rewritten => "rewritten chain",
            Break::AlteredCheckpoint => "altered checkpoint",
            Break::OtherKey => "checkpoint of another key",
        }
    }
}

/// What [`verify_anchored`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The chain is whole and every checkpoint matches it.
    Intact {
        /// Events checked.
        events: u64,
        /// Checkpoints checked (stored and given).
        checkpoints: u64,
        /// Events after the newest checkpoint (not anchored yet).
        unanchored: u64,
    },
    /// The first thing that does not fit.
    Broken {
        /// The event it is about (for a checkpoint: the event it anchored).
        id: i64,
        /// What broke.
        what: Break,
        /// Why, in words.
        reason: String,
    },
}

/// Walks the chain in order and names the first broken link.
pub async fn verify(db: &impl ConnectionTrait) -> Result<ChainCheck, DbErr> {
    Ok(match walk(db, &BTreeSet::new()).await? {
        Walk::Broken { id, reason, .. } => ChainCheck::Broken { id, reason },
        Walk::Whole { events, .. } => ChainCheck::Intact { events },
    })
}

enum Walk {
    Broken {
        id: i64,
        what: Break,
        reason: String,
    },
    Whole {
        events: u64,
        last_id: i64,
        /// The recomputed hash of each event asked for that exists.
        hashes: BTreeMap<i64, String>,
    },
}

async fn walk(db: &impl ConnectionTrait, wanted: &BTreeSet<i64>) -> Result<Walk, DbErr> {
    let mut pages = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .paginate(db, 1000);
    let mut prev = String::new();
    let mut events = 0;
    let mut last_id = 0;
    let mut hashes = BTreeMap::new();
    while let Some(page) = pages.fetch_and_next().await? {
        for e in page {
            if e.prev_hash != prev {
                return Ok(Walk::Broken {
                    id: e.id,
                    what: Break::Unlinked,
                    reason:
                        "does not link to the event before it (an event was removed or reordered)"
                            .into(),
                });
            }
            let expected = event_hash(
                &e.prev_hash,
                &e.at,
                &e.actor,
                &e.action,
                &e.target_type,
                &e.target_id,
                e.before.as_ref(),
                e.after.as_ref(),
            );
            if expected != e.hash {
                return Ok(Walk::Broken {
                    id: e.id,
                    what: Break::EditedEvent,
                    reason: "its content was changed after it was written".into(),
                });
            }
            if wanted.contains(&e.id) {
                hashes.insert(e.id, expected);
            }
            prev = e.hash;
            last_id = e.id;
            events += 1;
        }
    }
    Ok(Walk::Whole {
        events,
        last_id,
        hashes,
    })
}

/// A keyed checkpoint of the chain's head, as stored and as exported (one JSON object).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Id of the event that was the head (0: the chain was empty).
    pub seq: i64,
    /// Its hash (empty for an empty chain).
    pub head_hash: String,
    /// When the checkpoint was taken.
    pub at: DateTime<Utc>,
    /// Public id of the audit key that sealed it.
    pub key_id: String,
    /// HMAC-SHA256 over (seq, head hash, time) under the audit key, hex.
    pub mac: String,
}

/// The HMAC of a checkpoint: under the audit key, over a domain-separated message of the head
/// event's id, its hash and the time to the microsecond.
pub fn checkpoint_mac(keys: &Keys, seq: i64, head_hash: &str, at: &DateTime<Utc>) -> String {
    keys.audit_mac(&format!(
        "xinyong audit checkpoint v1\u{1f}{seq}\u{1f}{head_hash}\u{1f}{}",
        at.timestamp_micros()
    ))
}

impl From<audit_checkpoint::Model> for Checkpoint {
    fn from(c: audit_checkpoint::Model) -> Self {
        Self {
            seq: c.seq,
            head_hash: c.head_hash,
            at: c.at,
            key_id: c.key_id,
            mac: c.mac,
        }
    }
}

/// Writes a checkpoint of the chain's head at `at`, holding the chain's lock so that no append
/// slips in between. With `only_if_moved`, nothing is written (`None`) when the chain is empty or
/// its head is the one the newest checkpoint already anchors.
pub async fn checkpoint(
    db: &impl ConnectionTrait,
    keys: &Keys,
    at: DateTime<Utc>,
    only_if_moved: bool,
) -> Result<Option<Checkpoint>, DbErr> {
    lock(db).await?;
    let head = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .limit(1)
        .one(db)
        .await?;
    let (seq, head_hash) = head.map(|e| (e.id, e.hash)).unwrap_or_default();
    if only_if_moved {
        let newest = audit_checkpoint::Entity::find()
            .order_by_desc(audit_checkpoint::Column::Id)
            .limit(1)
            .one(db)
            .await?;
        if seq == 0 || newest.is_some_and(|c| c.seq == seq && c.head_hash == head_hash) {
            return Ok(None);
        }
    }
    let checkpoint = Checkpoint {
        mac: checkpoint_mac(keys, seq, &head_hash, &at),
        seq,
        head_hash,
        at,
        key_id: keys.audit_key_id(),
    };
    audit_checkpoint::ActiveModel {
        id: NotSet,
        seq: Set(checkpoint.seq),
        head_hash: Set(checkpoint.head_hash.clone()),
        at: Set(checkpoint.at),
        key_id: Set(checkpoint.key_id.clone()),
        mac: Set(checkpoint.mac.clone()),
    }
    .insert(db)
    .await?;
    Ok(Some(checkpoint))
}

/// Checks the chain as [`verify`] does, then every checkpoint — the stored ones and `given`
/// (kept outside the database) — against it: each must be sealed by this audit key, its HMAC must
/// match its contents, the chain must still reach the event it anchored, and that event must
/// still have the hash it anchored. Names the first thing that does not fit: an edited event
/// (a), a deleted tail (b: the head no longer reaches a checkpoint), a consistently rewritten
/// chain (c: a checkpoint's HMAC no longer matches the recomputed head).
pub async fn verify_anchored(
    db: &impl ConnectionTrait,
    keys: &Keys,
    given: &[Checkpoint],
) -> Result<Verdict, DbErr> {
    let stored = audit_checkpoint::Entity::find()
        .order_by_asc(audit_checkpoint::Column::Id)
        .all(db)
        .await?;
    let mut checkpoints: Vec<(String, Checkpoint)> = stored
        .into_iter()
        .map(|c| (format!("checkpoint {}", c.id), c.into()))
        .collect();
    checkpoints.extend(
        given
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("given checkpoint {}", i + 1), c.clone())),
    );
    checkpoints.sort_by_key(|(_, c)| (c.seq, c.at));
    let wanted: BTreeSet<i64> = checkpoints.iter().map(|(_, c)| c.seq).collect();
    let (events, last_id, hashes) = match walk(db, &wanted).await? {
        Walk::Broken { id, what, reason } => return Ok(Verdict::Broken { id, what, reason }),
        Walk::Whole {
            events,
            last_id,
            hashes,
        } => (events, last_id, hashes),
    };
    let own_key = keys.audit_key_id();
    for (name, c) in &checkpoints {
        let at = c.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let seq = c.seq;
        let broken = |what, reason: String| {
            Ok(Verdict::Broken {
                id: seq,
                what,
                reason,
            })
        };
        if c.key_id != own_key {
            return broken(
                Break::OtherKey,
                format!(
                    "{name} (of {at}) was sealed with another audit key (key id {}; this one is {own_key}): check it with the key it was made with",
                    c.key_id
                ),
            );
        }
        if checkpoint_mac(keys, c.seq, &c.head_hash, &c.at) != c.mac {
            return broken(
                Break::AlteredCheckpoint,
                format!(
                    "{name} (of {at}) does not match its HMAC: the checkpoint was altered or forged"
                ),
            );
        }
        if c.seq == 0 {
            continue;
        }
        if c.seq > last_id {
            return broken(
                Break::Truncated,
                format!(
                    "the chain ends at event {last_id}, but {name} (of {at}) anchored it up to event {}: the newest events were deleted",
                    c.seq
                ),
            );
        }
        let recomputed = hashes.get(&c.seq).map(String::as_str).unwrap_or_default();
        if checkpoint_mac(keys, c.seq, recomputed, &c.at) != c.mac {
            return broken(
                Break::Rewritten,
                format!(
                    "the HMAC of {name} (of {at}) no longer matches the recomputed head at event {}: the chain was rewritten up to it",
                    c.seq
                ),
            );
        }
    }
    let newest = checkpoints.iter().map(|(_, c)| c.seq).max().unwrap_or(0);
    Ok(Verdict::Intact {
        events,
        checkpoints: checkpoints.len() as u64,
        unanchored: u64::try_from(last_id - newest).unwrap_or(0).min(events),
    })
}

/// The day (in China) of the newest `action` event about a row, if there is one.
pub async fn day_of_last(
    db: &impl ConnectionTrait,
    target_type: &str,
    target_id: &str,
    action: &str,
) -> Result<Option<chrono::NaiveDate>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(audit_event::Entity::find()
        .filter(audit_event::Column::TargetType.eq(target_type))
        .filter(audit_event::Column::TargetId.eq(target_id))
        .filter(audit_event::Column::Action.eq(action))
        .order_by_desc(audit_event::Column::Id)
        .one(db)
        .await?
        .map(|e| {
            e.at.with_timezone(&crate::clock::china_offset())
                .date_naive()
        }))
}

/// Filters of the audit listing.
#[derive(Debug, Default)]
pub struct AuditFilter {
    /// Only events about this row.
    pub target_id: Option<String>,
    /// Only this kind of row.
    pub target_type: Option<String>,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this action, e.g. `staff.create`.
    pub action: Option<String>,
    /// Only events at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only events before this time.
    pub to: Option<DateTime<Utc>>,
    /// The newest first (a reader looking for what just happened) rather than the oldest.
    pub newest_first: bool,
}

/// One page of audit events, oldest first (or newest first, as the filter says), and the total.
pub async fn list(
    db: &impl ConnectionTrait,
    f: AuditFilter,
    page: super::Page,
) -> Result<(Vec<audit_event::Model>, u64), DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut query = audit_event::Entity::find();
    if let Some(v) = f.target_id {
        query = query.filter(audit_event::Column::TargetId.eq(v));
    }
    if let Some(v) = f.target_type {
        query = query.filter(audit_event::Column::TargetType.eq(v));
    }
    if let Some(v) = f.actor {
        query = query.filter(audit_event::Column::Actor.eq(v));
    }
    if let Some(v) = f.action {
        query = query.filter(audit_event::Column::Action.eq(v));
    }
    if let Some(v) = f.from {
        query = query.filter(audit_event::Column::At.gte(v));
    }
    if let Some(v) = f.to {
        query = query.filter(audit_event::Column::At.lt(v));
    }
    let query = if f.newest_first {
        query.order_by_desc(audit_event::Column::Id)
    } else {
        query.order_by_asc(audit_event::Column::Id)
    };
    let pages = query.paginate(db, page.per_page);
    let total = pages.num_items().await?;
    Ok((pages.fetch_page(page.page - 1).await?, total))
}

/// One event by its sequence number.
pub async fn event(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<audit_event::Model>, DbErr> {
    audit_event::Entity::find_by_id(id).one(db).await
}
