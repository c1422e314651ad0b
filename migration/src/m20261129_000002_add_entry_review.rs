//! Maker-checker review of list entries: who submitted, who reviewed, and a rejection's reason.

use sea_orm_migration::{prelude::*, schema::*};

/// The second schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000002_add_entry_review"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite cannot add several in one ALTER TABLE.
        for column in [
            uuid_null("submitted_by"),
            uuid_null("reviewed_by"),
            text_null("review_note"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("list_entries")
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["review_note", "reviewed_by", "submitted_by"] {
            m.alter_table(
                Table::alter()
                    .table("list_entries")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
