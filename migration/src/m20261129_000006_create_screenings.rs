//! The screening log (信用核查): who screened how many subjects, when, and for what purpose.

use sea_orm_migration::{prelude::*, schema::*};

/// The sixth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000006_create_screenings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("screenings")
                .col(uuid("id").primary_key())
                .col(uuid("agency_id"))
                .col(uuid("key_id"))
                .col(string_len("purpose", 500))
                .col(string_len_null("legal_basis", 500))
                .col(integer("subjects"))
                .col(integer("persons"))
                .col(integer("flagged"))
                .col(big_integer("snapshot_seq"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("screenings", "agency_id")
                        .to("agencies", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_screenings_agency_at")
                .table("screenings")
                .col("agency_id")
                .col("at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("screenings").to_owned())
            .await
    }
}
