//! Bearer tokens of staff members. Only a SHA-256 hash is stored: the token is shown once.

use crate::{StaffId, StaffTokenId};
use sea_orm::entity::prelude::*;

/// One token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_tokens")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: StaffTokenId,
    /// The member it acts for.
    pub staff_id: StaffId,
    /// A label, e.g. the system that uses it.
    pub name: String,
    /// SHA-256 of the token, hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// Whether it is the bootstrap admin token from configuration.
    pub bootstrap: bool,
    /// Created at.
    pub created_at: DateTimeUtc,
    /// It authenticates nobody from then on; `None` only for the bootstrap token.
    pub expires_at: Option<DateTimeUtc>,
    /// Last use (to the minute).
    pub last_used_at: Option<DateTimeUtc>,
    /// Revoked tokens authenticate nobody, from the moment of revocation.
    pub revoked_at: Option<DateTimeUtc>,
}

/// A token belongs to a staff member.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Its member.
    #[sea_orm(
        belongs_to = "super::staff::Entity",
        from = "Column::StaffId",
        to = "super::staff::Column::Id"
    )]
    Staff,
}

impl Related<super::staff::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Staff.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
