//! The search outbox: written in the same transaction as the change it announces, drained by the
//! indexer. A row carries only what to refresh; the indexer re-reads the current row.

use crate::OutboxTarget;
use sea_orm::entity::prelude::*;

/// One pending index refresh.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_outbox")]
pub struct Model {
    /// Sequence number; the indexer drains in this order.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Which index.
    pub target: OutboxTarget,
    /// Id of the row to refresh.
    pub target_id: Uuid,
    /// When the change was committed.
    pub created_at: DateTimeUtc,
    /// Failed attempts so far.
    pub attempts: i32,
    /// Do not retry before this time.
    pub not_before: DateTimeUtc,
    /// Last error, for operators.
    pub last_error: Option<String>,
}

/// Outbox rows reference their targets by id only.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
