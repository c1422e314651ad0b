//! Partner agencies and their API keys (scoped, stored hashed, revocable, counted).

use sea_orm_migration::{prelude::*, schema::*};

/// The fourth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000004_create_agencies_and_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("agencies")
                .col(uuid("id").primary_key())
                .col(string("name"))
                .col(string_len("uscc", 18).unique_key())
                .col(boolean("trusted"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("api_keys")
                .col(uuid("id").primary_key())
                .col(uuid("agency_id"))
                .col(string("name"))
                .col(string_len("key_hash", 64).unique_key())
                .col(string("scopes"))
                .col(integer("rate_limit_per_minute"))
                .col(big_integer("usage_count"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_api_keys_agency")
                        .from("api_keys", "agency_id")
                        .to("agencies", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("api_keys").to_owned())
            .await?;
        m.drop_table(Table::drop().table("agencies").to_owned())
            .await?;
        Ok(())
    }
}
