//! Revisions: a correction of a published entry from an agency that is not trusted. The
//! published version stays public until a reviewer approves the revision.

use crate::{AgencyId, EntryId, RevisionId, RevisionStatus, StaffId};
use sea_orm::entity::prelude::*;

/// One proposed correction.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "entry_revisions")]
pub struct Model {
    /// Opaque id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: RevisionId,
    /// The entry it would correct.
    pub entry_id: EntryId,
    /// The agency that sent it.
    pub agency_id: AgencyId,
    /// The entry's version when it was sent.
    pub base_version: i32,
    /// The entry's fields as the agency sent them (the fields of an entry draft, without
    /// `subject_id` and `version`).
    pub content: Json,
    /// State.
    pub status: RevisionStatus,
    /// When it was sent.
    pub submitted_at: DateTimeUtc,
    /// The reviewer who approved or rejected it.
    pub decided_by: Option<StaffId>,
    /// When.
    pub decided_at: Option<DateTimeUtc>,
    /// Why it was rejected, or the reviewer's note.
    pub decision_note: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Last changed at.
    pub updated_at: DateTimeUtc,
}

/// A revision belongs to an entry.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The entry.
    #[sea_orm(
        belongs_to = "super::list_entry::Entity",
        from = "Column::EntryId",
        to = "super::list_entry::Column::Id"
    )]
    Entry,
}

impl ActiveModelBehavior for ActiveModel {}
