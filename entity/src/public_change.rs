//! The partner change feed: what the public sees of an entry was added, changed or removed.

use sea_orm::entity::prelude::*;

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "public_changes")]
pub struct Model {
    /// Strictly increasing in commit order; consumers store the last one they read.
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// The entry.
    pub entry_id: Uuid,
    /// `added`, `changed` or `removed`.
    pub change: String,
    /// Why: `published`, `corrected`, `objection`, `withdrawn`, `expired`, `repaired`.
    pub reason: String,
    /// When it was committed.
    pub at: DateTimeUtc,
    /// The public document after the change (absent for removals).
    pub document: Option<Json>,
}

/// Changes reference entries by id only (removed entries stay referenced).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
