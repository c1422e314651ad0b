//! Who checked a natural person: one row per person in each partner screening that named one,
//! keyed by the keyed hash of the ID number checked (never the number), so that the office can
//! answer "who looked me up" for a listed person and for one who was not (or not yet) listed.

use sea_orm::entity::prelude::*;

/// One natural person checked in one screening.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_checks")]
pub struct Model {
    /// Opaque id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Keyed hash (HMAC-SHA256, hex) of the ID number checked, as in `subjects.id_number_hash`.
    pub id_number_hash: String,
    /// The listed subject it matched, if any.
    pub subject_id: Option<Uuid>,
    /// The screening it was part of.
    pub screening_id: Uuid,
    /// Who checked.
    pub agency_id: Uuid,
    /// With which key.
    pub key_id: Uuid,
    /// Why, as the screening stated it.
    pub purpose: String,
    /// The legal basis stated.
    pub legal_basis: Option<String>,
    /// When.
    pub at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
