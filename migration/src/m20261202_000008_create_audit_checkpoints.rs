//! Keyed checkpoints of the audit chain's head: which event was the head, its hash, when, and an
//! HMAC over the three under the audit key (with the key's public id), so that deleting the
//! newest events or rewriting the whole chain consistently is detected.

use sea_orm_migration::{prelude::*, schema::*};

/// The eighth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000008_create_audit_checkpoints"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("audit_checkpoints")
                .col(big_pk_auto("id"))
                .col(big_integer("seq"))
                .col(string_len("head_hash", 64))
                .col(timestamp_with_time_zone("at"))
                .col(string_len("key_id", 16))
                .col(string_len("mac", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_checkpoints_seq")
                .table("audit_checkpoints")
                .col("seq")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("audit_checkpoints").to_owned())
            .await
    }
}
