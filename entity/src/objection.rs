//! Objections (异议申诉): anyone listed may object to an entry's content, period or a repair
//! result; while an accepted objection is handled the entry is marked publicly.

use crate::{EntryId, ObjectionId, ObjectionKind, ObjectionStatus};
use sea_orm::entity::prelude::*;

/// One objection.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "objections")]
pub struct Model {
    /// Opaque id, given to the objector to follow the case.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ObjectionId,
    /// The entry objected to.
    pub entry_id: EntryId,
    /// What is objected to.
    pub kind: ObjectionKind,
    /// The objector's reasons.
    pub reason: String,
    /// How to reach the objector (never public).
    pub contact: String,
    /// State.
    pub status: ObjectionStatus,
    /// The office's answer, with reasons.
    pub answer: Option<String>,
    /// Day it was filed.
    pub filed_on: Date,
    /// Accept or return by this day (working days).
    pub accept_due: Option<Date>,
    /// Answer by this day (working days).
    pub answer_due: Option<Date>,
    /// Day it was accepted (what `answer_due` counts from).
    pub accepted_on: Option<Date>,
    /// A due date runs past the working-day calendar: counted without that year's holidays, and
    /// counted again when the year is loaded.
    pub deadlines_provisional: bool,
    /// Keyed hash of the filing client's network (its IPv4 address or IPv6 /64), for the limits
    /// on anonymous filings; never the address, never public. `None` for filings made before it
    /// was kept, and for the office's own.
    pub client_key: Option<String>,
    /// Case number (受理编号) of an objection filed from the web form, e.g.
    /// `YY-20261203-000123`; `None` for one filed through the API (followed by its id).
    pub case_number: Option<String>,
    /// Keyed hash of the follow-up code (查询码) shown once to the web objector; never the code.
    pub follow_up_hash: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Created at.
    pub created_at: DateTimeUtc,
    /// Last changed at.
    pub updated_at: DateTimeUtc,
}

/// Objections belong to entries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The entry objected to.
    #[sea_orm(
        belongs_to = "super::list_entry::Entity",
        from = "Column::EntryId",
        to = "super::list_entry::Column::Id"
    )]
    Entry,
}

impl ActiveModelBehavior for ActiveModel {}
