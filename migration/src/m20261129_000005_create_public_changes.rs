//! The partner change feed: one row per change of what the public sees of an entry, numbered in
//! commit order.

use sea_orm_migration::{prelude::*, schema::*};

/// The fifth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000005_create_public_changes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("public_changes")
                .col(big_pk_auto("seq"))
                .col(uuid("entry_id"))
                .col(string_len("change", 16))
                .col(string_len("reason", 32))
                .col(timestamp_with_time_zone("at"))
                .col(json_null("document"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_public_changes_entry")
                .table("public_changes")
                .col("entry_id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("public_changes").to_owned())
            .await
    }
}
