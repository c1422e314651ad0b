//! The partner API's per-key request rate, kept in the database so that it holds across server
//! instances: one row per key with the moment its budget is next full again (see the server's
//! `services::key_rates`).

use sea_orm_migration::{prelude::*, schema::*};

/// The seventeenth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000017_add_key_rates"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("api_key_rates")
                .col(uuid("key_id").primary_key())
                .col(big_integer("full_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("api_key_rates", "key_id")
                        .to("api_keys", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("api_key_rates").to_owned())
            .await
    }
}
