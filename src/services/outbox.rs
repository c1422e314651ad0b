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
