//! Staff of the credit office and their bearer tokens. Only a SHA-256 hash of a token is stored:
//! the token itself is shown once, when it is created.

use crate::{StaffId, StaffRole};
use sea_orm::entity::prelude::*;

/// A staff member with one bearer token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    /// Id, recorded as the actor of audit events.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: StaffId,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: StaffRole,
    /// SHA-256 of the bearer token, hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// When the token was created.
    pub created_at: DateTimeUtc,
    /// When the token was revoked; revoked tokens authenticate nobody.
    pub revoked_at: Option<DateTimeUtc>,
}

/// Staff have no relations the ORM needs to follow.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
