//! Credit-repair applications (信用修复): after the minimum publicity period a listed subject may
//! apply to end publicity early.

use crate::{EntryId, RepairId, RepairStatus};
use sea_orm::entity::prelude::*;

/// One repair application.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "repairs")]
pub struct Model {
    /// Opaque id, given to the applicant to follow the case.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: RepairId,
    /// The entry to repair.
    pub entry_id: EntryId,
    /// The credit commitment letter (信用承诺书) was given.
    pub commitment_letter: bool,
    /// References to the materials (file names, document numbers, upload ids), JSON array.
    pub materials: Json,
    /// How to reach the applicant (never public).
    pub contact: String,
    /// State.
    pub status: RepairStatus,
    /// The decision's or return's reason.
    pub decision_note: Option<String>,
    /// Day of the application.
    pub applied_on: Date,
    /// Accept or return by this day (1 working day).
    pub accept_due: Date,
    /// Decide by this day (3 working days after acceptance).
    pub decide_due: Option<Date>,
    /// Tell the applicant by this day (10 working days after the application).
    pub notify_due: Date,
    /// Staff member who accepted it: another one decides it.
    pub accepted_by: Option<crate::StaffId>,
    /// Day it was accepted (what `decide_due` counts from).
    pub accepted_on: Option<Date>,
    /// A due date runs past the working-day calendar: counted without that year's holidays, and
    /// counted again when the year is loaded.
    pub deadlines_provisional: bool,
    /// Keyed hash of the filing client's network (its IPv4 address or IPv6 /64), for the limits
    /// on anonymous filings; never the address, never public. `None` for filings made before it
    /// was kept, and for the office's own.
    pub client_key: Option<String>,
    /// Case number (受理编号) of an application filed from the web form, e.g.
    /// `XF-20261203-000123`; `None` for one filed through the API (followed by its id).
    pub case_number: Option<String>,
    /// Keyed hash of the follow-up code (查询码) shown once to the web applicant; never the code.
    pub follow_up_hash: Option<String>,
    /// The uploaded material files, a JSON array of `{sha256, name, size, media_type}`; the
    /// files are kept under their hashes outside the web root and shown to the office only.
    /// `None` when none were uploaded (the API's text references are in `materials`).
    pub material_files: Option<Json>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Created at.
    pub created_at: DateTimeUtc,
    /// Last changed at.
    pub updated_at: DateTimeUtc,
}

/// Repairs belong to entries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The entry to repair.
    #[sea_orm(
        belongs_to = "super::list_entry::Entity",
        from = "Column::EntryId",
        to = "super::list_entry::Column::Id"
    )]
    Entry,
}

impl ActiveModelBehavior for ActiveModel {}
