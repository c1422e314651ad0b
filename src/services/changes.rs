//! The partner change feed (joint rewards and punishments): each write that touches
//! an entry records, in the same transaction, whether what the public sees of it was added,
//! changed or removed. Every such transaction has already taken the audit chain's lock (the
//! audit event is written first), so sequence numbers follow commit order and a consumer that
//! stores the last one it read never misses or repeats a change.

use super::WriteCtx;
use crate::domain::IdMaskStyle;
use crate::services::projection::{Masking, Projector};
use entity::{EntryId, EntryStatus, list_entry, public_change, subject};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, NotSet, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// The field of a feed document that holds a natural person's ID number: stored in the widest
/// masked form, so that the stored document does not depend on the site's settings, and masked
/// with the configured style whenever it is sent ([`present`]).
pub const ID_NUMBER_FIELD: &str = "subject_id_number_masked";

/// How the feed documents are projected: the default name masking, whatever the site's
/// settings; the ID number is added in its widest masked form ([`ID_NUMBER_FIELD`]).
pub(crate) fn projector<'a>(ctx: &WriteCtx<'a>) -> Projector<'a> {
    Projector {
        keys: ctx.keys,
        masking: Masking {
            id_mask: Default::default(),
            name_mask: Default::default(),
            per_list: &[],
        },
        today: ctx.today,
    }
}

/// The feed document of entry `e` of subject `s`, if the public sees it: the projection, with a
/// natural person's ID number in its widest masked form ([`ID_NUMBER_FIELD`]).
pub(crate) fn document(
    projector: &Projector<'_>,
    e: &list_entry::Model,
    s: &subject::Model,
) -> Option<serde_json::Value> {
    let mut doc = serde_json::to_value(projector.entry_doc(e, s)?).ok()?;
    if let (Some(widest), Some(fields)) = (&s.id_number_masked_widest, doc.as_object_mut()) {
        fields.insert(ID_NUMBER_FIELD.to_owned(), widest.clone().into());
    }
    Some(doc)
}

/// The feed row of a new entry that the public sees at once (`added`, `published`), for
/// writers that insert many entries together; `None` if the public does not see it.
pub(crate) fn added(
    projector: &Projector<'_>,
    e: &list_entry::Model,
    s: &subject::Model,
    at: chrono::DateTime<chrono::Utc>,
) -> Option<public_change::ActiveModel> {
    Some(public_change::ActiveModel {
        seq: NotSet,
        entry_id: Set(e.id.0),
        change: Set("added".to_owned()),
        reason: Set("published".to_owned()),
        at: Set(at),
        document: Set(Some(document(projector, e, s)?)),
    })
}

/// Records the public effect of a write to `entry` (call after the entry row is written).
pub async fn record_entry(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    entry: EntryId,
) -> Result<(), DbErr> {
    let Some((e, Some(s))) = list_entry::Entity::find_by_id(entry)
        .find_also_related(subject::Entity)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let projector = projector(ctx);
    let last = public_change::Entity::find()
        .filter(public_change::Column::EntryId.eq(entry.0))
        .order_by_desc(public_change::Column::Seq)
        .limit(1)
        .one(db)
        .await?;
    let was_public = last.as_ref().is_some_and(|c| c.change != "removed");
    let doc = document(&projector, &e, &s);
    let (change, reason, document) = match (was_public, doc) {
        (false, Some(doc)) => ("added", "published", Some(doc)),
        (true, Some(doc)) => {
            if last.as_ref().and_then(|c| c.document.as_ref()) == Some(&doc) {
                return Ok(());
            }
            let reason = if e.under_objection {
                "objection"
            } else {
                "corrected"
            };
            ("changed", reason, Some(doc))
        }
        (true, None) => {
            let reason = match e.status {
                EntryStatus::Withdrawn => "withdrawn",
                EntryStatus::Expired => "expired",
                EntryStatus::Repaired => "repaired",
                _ => "unpublished",
            };
            ("removed", reason, None)
        }
        (false, None) => return Ok(()),
    };
    public_change::ActiveModel {
        seq: NotSet,
        entry_id: Set(entry.0),
        change: Set(change.to_owned()),
        reason: Set(reason.to_owned()),
        at: Set(ctx.now),
        document: Set(document),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A stored feed document as it is sent: its ID number masked with the configured `style`.
pub fn present(
    document: Option<serde_json::Value>,
    style: IdMaskStyle,
) -> Option<serde_json::Value> {
    let mut document = document?;
    if let Some(field) = document.get_mut(ID_NUMBER_FIELD)
        && let Some(widest) = field.as_str()
    {
        *field = style.remask(widest).into();
    }
    Some(document)
}

/// Public entries a snapshot reads per query.
pub const SNAPSHOT_PAGE: u64 = 1000;

/// One page of the snapshot as of `as_of`: the last change up to `as_of` of each entry then
/// public, for the entries whose last change comes after `after`, in sequence order, at most
/// `limit`. Read the pages of one snapshot in one transaction (see [`begin_snapshot`]).
pub async fn snapshot_page(
    db: &impl ConnectionTrait,
    as_of: i64,
    after: i64,
    limit: u64,
) -> Result<Vec<public_change::Model>, DbErr> {
    // Integers only (read from the database or bounded by the caller), never caller text.
    let sql = format!(
        "SELECT pc.seq, pc.entry_id, pc.change, pc.reason, pc.at, pc.document \
         FROM public_changes pc \
         WHERE pc.seq > {after} AND pc.seq <= {as_of} AND pc.change <> 'removed' \
           AND pc.seq = (SELECT MAX(l.seq) FROM public_changes l \
                         WHERE l.entry_id = pc.entry_id AND l.seq <= {as_of}) \
         ORDER BY pc.seq LIMIT {limit}"
    );
    public_change::Entity::find()
        .from_raw_sql(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .all(db)
        .await
}

/// A read-only transaction that sees one state of the database for as long as it is open:
/// PostgreSQL's repeatable read; on SQLite every transaction reads one snapshot.
pub async fn begin_snapshot(
    db: &sea_orm::DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{AccessMode, IsolationLevel, TransactionTrait};
    if crate::db::is_postgres(db) {
        db.begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await
    } else {
        db.begin().await
    }
}

/// The last sequence number (0 before the first change).
pub async fn last_seq(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(public_change::Entity::find()
        .select_only()
        .column(public_change::Column::Seq)
        .order_by_desc(public_change::Column::Seq)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0))
}

/// Up to `limit` changes after `since`, in order, and whether more are waiting.
pub async fn page(
    db: &impl ConnectionTrait,
    since: i64,
    limit: u64,
) -> Result<(Vec<public_change::Model>, bool), DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut rows = public_change::Entity::find()
        .filter(public_change::Column::Seq.gt(since))
        .order_by_asc(public_change::Column::Seq)
        .limit(limit.saturating_add(1))
        .all(db)
        .await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((rows, has_more))
}
