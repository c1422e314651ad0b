//! The request rate of one partner API key, shared by every server instance: the moment (unix
//! microseconds) from which its budget is full again. A request spends one interval of it.

use crate::ApiKeyId;
use sea_orm::entity::prelude::*;

/// The rate state of one key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key_rates")]
pub struct Model {
    /// The key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_id: ApiKeyId,
    /// When the key's budget is full again, unix microseconds (in the past: it is full).
    pub full_at: i64,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
