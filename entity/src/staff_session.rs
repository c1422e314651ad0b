//! Console sessions. The cookie holds a random token of which only a SHA-256 hash is stored.

use crate::{SessionId, StaffId};
use sea_orm::entity::prelude::*;

/// One session.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_sessions")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: SessionId,
    /// The member logged in.
    pub staff_id: StaffId,
    /// SHA-256 of the cookie's token, hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The token every state-changing request of this session must carry.
    pub csrf_token: String,
    /// The client address it was opened from.
    pub client: String,
    /// Logged in at.
    pub created_at: DateTimeUtc,
    /// Last request (to the minute); the idle timeout counts from here.
    pub last_seen_at: DateTimeUtc,
    /// The absolute timeout.
    pub expires_at: DateTimeUtc,
    /// Logged out, or ended by disabling the member.
    pub ended_at: Option<DateTimeUtc>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("staff_session::Model")
            .field("id", &self.id)
            .field("staff_id", &self.staff_id)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A session belongs to a staff member.
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
