//! Credit subjects (信用主体): enterprises, organisations, individual businesses, natural persons.
//!
//! A natural person's ID number is never stored in clear: `id_number_cipher` holds it encrypted
//! (for the office), `id_number_hash` a keyed hash for exact lookup, `id_number_masked` the form
//! that may be shown.

use crate::{SubjectId, SubjectKind};
use sea_orm::entity::prelude::*;

/// A credit subject.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subjects")]
pub struct Model {
    /// Opaque public id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: SubjectId,
    /// Kind of subject.
    pub kind: SubjectKind,
    /// Registered name (clear; natural persons' names are masked on output).
    pub name: String,
    /// Unified social credit code; absent for natural persons.
    #[sea_orm(unique)]
    pub uscc: Option<String>,
    /// A checksum warning stored with a code accepted from a trusted partner.
    pub uscc_warning: Option<String>,
    /// Encrypted ID number of a natural person (nonce + AES-GCM ciphertext, base64).
    pub id_number_cipher: Option<String>,
    /// Keyed hash (HMAC-SHA256, hex) of the ID number, for exact lookup.
    #[sea_orm(unique)]
    pub id_number_hash: Option<String>,
    /// Masked ID number in the default style, as the office sees it.
    pub id_number_masked: Option<String>,
    /// The ID number masked in the widest form any masking style shows (the first ten and the
    /// last four characters): public output masks it again with the configured style and never
    /// shows it as it is.
    pub id_number_masked_widest: Option<String>,
    /// Legal representative (法定代表人).
    pub legal_representative: Option<String>,
    /// GB/T 2260 division code.
    pub region_code: String,
    /// Address; organisations only.
    pub address: Option<String>,
    /// Optimistic-concurrency version, starting at 1.
    pub version: i32,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a subject.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// A subject has many list entries.
    #[sea_orm(has_many = "super::list_entry::Entity")]
    ListEntry,
}

impl Related<super::list_entry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ListEntry.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
