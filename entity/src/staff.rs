//! Staff of the credit office: a login name, an argon2id password hash, an optional TOTP second
//! factor, and a disabled state. Bearer tokens are in [`crate::staff_token`], console sessions in
//! [`crate::staff_session`].

use crate::{StaffId, StaffRole};
use sea_orm::entity::prelude::*;

/// A staff member.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_members")]
pub struct Model {
    /// Id, recorded as the actor of audit events.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: StaffId,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: StaffRole,
    /// Login name for the console; members without one use bearer tokens only.
    #[sea_orm(unique)]
    pub login: Option<String>,
    /// argon2id PHC string of the password.
    pub password_hash: Option<String>,
    /// The TOTP secret, sealed with the data encryption key; `None` until one is set.
    pub totp_secret: Option<String>,
    /// Whether an administrator requires the second factor for this member.
    pub totp_required: bool,
    /// The last TOTP time step accepted, so a code works only once.
    pub totp_last_step: Option<i64>,
    /// Failed logins in a row; reset by a successful one.
    pub failed_logins: i32,
    /// Logins are refused until then after too many failures.
    pub locked_until: Option<DateTimeUtc>,
    /// Created at.
    pub created_at: DateTimeUtc,
    /// Disabled members authenticate nobody; disabling ended their sessions and tokens.
    pub disabled_at: Option<DateTimeUtc>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("staff::Model")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("login", &self.login)
            .field("totp", &self.totp_secret.is_some())
            .field("disabled_at", &self.disabled_at)
            .finish_non_exhaustive()
    }
}

/// Staff have no relations the ORM needs to follow.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
