//! The search outbox: one row per changed document, written in the writing transaction, so the
//! index learns of every committed change and of nothing that was rolled back.

use chrono::{DateTime, Utc};
use entity::{OutboxTarget, outbox};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, NotSet, Set};
use uuid::Uuid;

/// Queues a refresh of one document.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    target: OutboxTarget,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox::ActiveModel {
        id: NotSet,
        target: Set(target),
        target_id: Set(id),
        created_at: Set(now),
        attempts: Set(0),
        not_before: Set(now),
        last_error: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Changes committed but not yet applied to the search index.
pub async fn pending(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    outbox::Entity::find().count(db).await
}

/// When the oldest change not yet applied to the search index was committed (`None`: none is
/// waiting). Rows postponed after a failure count from their commit, not from their retry.
pub async fn oldest_pending(db: &impl ConnectionTrait) -> Result<Option<DateTime<Utc>>, DbErr> {
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    outbox::Entity::find()
        .select_only()
        .column(outbox::Column::CreatedAt)
        .order_by_asc(outbox::Column::CreatedAt)
        .limit(1)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await
}
