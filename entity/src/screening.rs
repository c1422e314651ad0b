//! The screening log (信用核查): every batch screening by a partner, for the office to review.

use sea_orm::entity::prelude::*;

/// One screening call.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "screenings")]
pub struct Model {
    /// Opaque id, returned to the caller.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who.
    pub agency_id: Uuid,
    /// With which key.
    pub key_id: Uuid,
    /// Why, as the caller stated it (e.g. a procurement award).
    pub purpose: String,
    /// The legal basis stated for natural-person checks.
    pub legal_basis: Option<String>,
    /// Subjects screened.
    pub subjects: i32,
    /// Of which natural persons (name + ID number).
    pub persons: i32,
    /// Subjects found on the black or key-attention list.
    pub flagged: i32,
    /// The change-feed sequence the answer reflects.
    pub snapshot_seq: i64,
    /// When.
    pub at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
