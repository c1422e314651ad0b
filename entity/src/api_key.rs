//! API keys of partner agencies. Only a SHA-256 hash is stored; the key is shown once.

use crate::{AgencyId, ApiKeyId};
use sea_orm::entity::prelude::*;

/// One API key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    /// Opaque id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ApiKeyId,
    /// The agency it acts for.
    pub agency_id: AgencyId,
    /// A label, e.g. the consuming system.
    pub name: String,
    /// SHA-256 of the key, hex.
    #[sea_orm(unique)]
    pub key_hash: String,
    /// Granted scopes, comma-separated: `entries:submit`, `screen`, `changes:read`.
    pub scopes: String,
    /// Requests per minute allowed to this key.
    pub rate_limit_per_minute: i32,
    /// Requests made with it.
    pub usage_count: i64,
    /// Last use.
    pub last_used_at: Option<DateTimeUtc>,
    /// Created at.
    pub created_at: DateTimeUtc,
    /// Revoked keys authenticate nobody, from the moment of revocation.
    pub revoked_at: Option<DateTimeUtc>,
    /// The key authenticates nobody from then on.
    pub expires_at: Option<DateTimeUtc>,
    /// Requests allowed per day (Beijing time); `None` means no daily cap.
    pub daily_quota: Option<i32>,
    /// The day `quota_used` counts.
    pub quota_day: Option<Date>,
    /// Requests made on `quota_day`.
    pub quota_used: i32,
}

/// A key belongs to an agency.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Its agency.
    #[sea_orm(
        belongs_to = "super::agency::Entity",
        from = "Column::AgencyId",
        to = "super::agency::Column::Id"
    )]
    Agency,
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
