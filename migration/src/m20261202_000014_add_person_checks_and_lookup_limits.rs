//! Natural persons' privacy: every screening of a natural person is logged per person checked
//! (by the keyed hash of the ID number, never the number), so the office can say who looked a
//! person up; public person lookups are counted per name and day (by a keyed hash of the folded
//! name, never the name); and a subject keeps its ID number masked in the widest form that any
//! masking style may show, from which the configured style is derived on output.

use sea_orm_migration::{prelude::*, schema::*};

/// The fourteenth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000014_add_person_checks_and_lookup_limits"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("person_checks")
                .col(uuid("id").primary_key())
                .col(string_len("id_number_hash", 64))
                .col(uuid_null("subject_id"))
                .col(uuid("screening_id"))
                .col(uuid("agency_id"))
                .col(uuid("key_id"))
                .col(string_len("purpose", 500))
                .col(string_len_null("legal_basis", 500))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("person_checks", "screening_id")
                        .to("screenings", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_person_checks_hash_at")
                .table("person_checks")
                .col("id_number_hash")
                .col("at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("person_lookups")
                .col(string_len("name_key", 64))
                .col(date("day"))
                .col(integer("lookups"))
                .primary_key(Index::create().col("name_key").col("day"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("subjects")
                .add_column(string_len_null("id_number_masked_widest", 18))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("subjects")
                .drop_column("id_number_masked_widest")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("person_lookups").to_owned())
            .await?;
        m.drop_table(Table::drop().table("person_checks").to_owned())
            .await
    }
}
