//! Objections (异议申诉) and credit-repair applications (信用修复), each about one list entry.

use sea_orm_migration::{prelude::*, schema::*};

/// The third schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000003_create_objections_and_repairs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("objections")
                .col(uuid("id").primary_key())
                .col(uuid("entry_id"))
                .col(string_len("kind", 32))
                .col(text("reason"))
                .col(string("contact"))
                .col(string_len("status", 32))
                .col(text_null("answer"))
                .col(date("filed_on"))
                .col(date_null("accept_due"))
                .col(date_null("answer_due"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_objections_entry")
                        .from("objections", "entry_id")
                        .to("list_entries", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_objections_entry")
                .table("objections")
                .col("entry_id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("repairs")
                .col(uuid("id").primary_key())
                .col(uuid("entry_id"))
                .col(boolean("commitment_letter"))
                .col(json("materials"))
                .col(string("contact"))
                .col(string_len("status", 32))
                .col(text_null("decision_note"))
                .col(date("applied_on"))
                .col(date("accept_due"))
                .col(date_null("decide_due"))
                .col(date("notify_due"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_repairs_entry")
                        .from("repairs", "entry_id")
                        .to("list_entries", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_repairs_entry")
                .table("repairs")
                .col("entry_id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("repairs").to_owned())
            .await?;
        m.drop_table(Table::drop().table("objections").to_owned())
            .await?;
        Ok(())
    }
}
