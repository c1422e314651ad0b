//! Partner agencies (tax, courts, market regulation, …) that submit and screen through the API.

use crate::AgencyId;
use sea_orm::entity::prelude::*;

/// A partner agency.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agencies")]
pub struct Model {
    /// Opaque id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: AgencyId,
    /// Name, e.g. 国家税务总局汉中市税务局.
    pub name: String,
    /// Its unified social credit code: the data source of what it submits.
    #[sea_orm(unique)]
    pub uscc: String,
    /// Whether its submissions publish directly instead of entering review.
    pub trusted: bool,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Created at.
    pub created_at: DateTimeUtc,
    /// Last changed at.
    pub updated_at: DateTimeUtc,
}

/// An agency has keys.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Its API keys.
    #[sea_orm(has_many = "super::api_key::Entity")]
    ApiKey,
}

impl Related<super::api_key::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiKey.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
