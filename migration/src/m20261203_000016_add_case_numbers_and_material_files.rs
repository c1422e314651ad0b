//! Cases filed from the public web forms: a human-readable case number (受理编号) and the hash of
//! the follow-up code the applicant was shown once, on objections and repair applications; the
//! uploaded materials of a repair application (content hashes with their names, sizes and
//! types; the files themselves are kept outside the database under their hashes); and the
//! per-day counters the case numbers are drawn from. Cases filed through the API keep no number
//! (both columns stay empty): they are followed by their id.

use sea_orm_migration::{prelude::*, schema::*};

/// The sixteenth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000016_add_case_numbers_and_material_files"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["objections", "repairs"] {
            // One column per statement: SQLite alters one column at a time.
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(string_len_null("case_number", 32))
                    .to_owned(),
            )
            .await?;
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(string_len_null("follow_up_hash", 64))
                    .to_owned(),
            )
            .await?;
            m.create_index(
                Index::create()
                    .name(format!("idx_{table}_case_number"))
                    .table(table)
                    .col("case_number")
                    .unique()
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("repairs")
                .add_column(json_null("material_files"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_counters")
                .col(string_len("series", 16).primary_key())
                .col(integer("last"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("case_counters").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("repairs")
                .drop_column("material_files")
                .to_owned(),
        )
        .await?;
        for table in ["repairs", "objections"] {
            m.drop_index(
                Index::drop()
                    .name(format!("idx_{table}_case_number"))
                    .table(table)
                    .to_owned(),
            )
            .await?;
            for column in ["follow_up_hash", "case_number"] {
                m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                    .await?;
            }
        }
        Ok(())
    }
}
