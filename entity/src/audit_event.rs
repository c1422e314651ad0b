//! The audit trail: append-only events recording who did what, when, with the row before and
//! after. Each event carries the hash of the one before it, so an edited or deleted row breaks
//! the chain.

use sea_orm::entity::prelude::*;

/// One audit event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    /// Sequence number.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When it happened.
    pub at: DateTimeUtc,
    /// Who: `staff:<id>`, `cli`, `system`, …
    pub actor: String,
    /// What, e.g. `subject.create`, `entry.publish`.
    pub action: String,
    /// `subject`, `entry`, `notice`, `staff`.
    pub target_type: String,
    /// Id of the target row.
    pub target_id: String,
    /// The row before (redacted: never a clear ID number).
    pub before: Option<Json>,
    /// The row after (redacted likewise).
    pub after: Option<Json>,
    /// Hash of the previous event (hex), empty for the first.
    pub prev_hash: String,
    /// Hash of this event over its fields and `prev_hash` (hex).
    pub hash: String,
}

/// Audit events reference their targets by type and id only.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
