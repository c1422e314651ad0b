//! The partner change feed (DOMAIN.md §5, joint rewards and punishments): each write that touches
//! an entry records, in the same transaction, whether what the public sees of it was added,
//! changed or removed. Every such transaction has already taken the audit chain's lock (the
//! audit event is written first), so sequence numbers follow commit order and a consumer that
//! stores the last one it read never misses or repeats a change.

use super::WriteCtx;
use crate::projection::{Masking, Projector};
use entity::{EntryId, EntryStatus, list_entry, public_change, subject};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, NotSet, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// How the feed documents are projected: the default masking, whatever the site's settings.
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
    let doc = projector
        .entry_doc(&e, &s)
        .and_then(|d| serde_json::to_value(d).ok());
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
