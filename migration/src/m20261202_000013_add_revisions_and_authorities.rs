//! Who did what to an entry, so that nobody checks their own work: the last editor of an entry
//! and the member who accepted a repair application. Corrections from agencies that are not
//! trusted wait as revisions (`entry_revisions`) instead of changing a published entry. And the
//! deciding authorities each agency may submit under (`agency_authorities`): every agency starts
//! with itself and with the authorities it has already submitted under.

use sea_orm_migration::{prelude::*, schema::*};

/// The thirteenth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000013_add_revisions_and_authorities"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [("list_entries", "edited_by"), ("repairs", "accepted_by")] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(uuid_null(column))
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table("entry_revisions")
                .col(uuid("id").primary_key())
                .col(uuid("entry_id"))
                .col(uuid("agency_id"))
                .col(integer("base_version"))
                .col(json("content"))
                .col(string_len("status", 32))
                .col(timestamp_with_time_zone("submitted_at"))
                .col(uuid_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text_null("decision_note"))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_entry_revisions_entry")
                .table("entry_revisions")
                .col("entry_id")
                .col("status")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("agency_authorities")
                .col(uuid("agency_id"))
                .col(string_len("name", 200))
                .col(string_len_null("uscc", 18))
                .primary_key(Index::create().col("agency_id").col("name"))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO agency_authorities (agency_id, name, uscc) SELECT id, name, uscc FROM agencies",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO agency_authorities (agency_id, name, uscc) \
             SELECT a.id, e.authority_name, MAX(e.authority_uscc) \
             FROM list_entries e JOIN agencies a ON e.source_uscc = a.uscc \
             WHERE e.authority_name <> a.name GROUP BY a.id, e.authority_name",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("agency_authorities").to_owned())
            .await?;
        m.drop_table(Table::drop().table("entry_revisions").to_owned())
            .await?;
        for (table, column) in [("repairs", "accepted_by"), ("list_entries", "edited_by")] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
