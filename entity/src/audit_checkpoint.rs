//! Keyed checkpoints of the audit chain: the head event's id and hash at a moment, sealed with an
//! HMAC under the audit key. Written by the server periodically and by `xinyong audit
//! checkpoint`; checked by `xinyong audit verify`.

use sea_orm::entity::prelude::*;

/// One checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_checkpoints")]
pub struct Model {
    /// Sequence number of the checkpoint.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Id of the audit event that was the chain's head (0: the chain was empty).
    pub seq: i64,
    /// Hash of that event (hex; empty for an empty chain).
    pub head_hash: String,
    /// When the checkpoint was taken.
    pub at: DateTimeUtc,
    /// Public id of the audit key that sealed it.
    pub key_id: String,
    /// HMAC-SHA256 over (seq, head hash, time) under the audit key (hex).
    pub mac: String,
}

/// Checkpoints refer to events by id only.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
