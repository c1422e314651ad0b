//! The audit trail: every write appends one event in the same transaction as the change. Events
//! form a hash chain (each carries the hash of the one before), so an edited or deleted row is
//! detectable by [`verify`].

use crate::crypto::sha256_hex;
use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, NotSet, PaginatorTrait, QueryOrder,
    QuerySelect, Set, Statement,
};
use serde_json::Value;

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

/// Walks the chain in order and names the first broken link.
pub async fn verify(db: &impl ConnectionTrait) -> Result<ChainCheck, DbErr> {
    let mut pages = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .paginate(db, 1000);
    let mut prev = String::new();
    let mut events = 0;
    while let Some(page) = pages.fetch_and_next().await? {
        for e in page {
            if e.prev_hash != prev {
                return Ok(ChainCheck::Broken {
                    id: e.id,
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
                return Ok(ChainCheck::Broken {
                    id: e.id,
                    reason: "its content was changed after it was written".into(),
                });
            }
            prev = e.hash;
            events += 1;
        }
    }
    Ok(ChainCheck::Intact { events })
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
    /// Only events at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only events before this time.
    pub to: Option<DateTime<Utc>>,
}

/// One page of audit events, oldest first, and the total.
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
    if let Some(v) = f.from {
        query = query.filter(audit_event::Column::At.gte(v));
    }
    if let Some(v) = f.to {
        query = query.filter(audit_event::Column::At.lt(v));
    }
    let pages = query
        .order_by_asc(audit_event::Column::Id)
        .paginate(db, page.per_page);
    let total = pages.num_items().await?;
    Ok((pages.fetch_page(page.page - 1).await?, total))
}
