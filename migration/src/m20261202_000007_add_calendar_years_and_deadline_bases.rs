//! Working-day calendar years loaded by the office (they take precedence over the calendar file),
//! and what case deadlines are counted from, so they can be counted again when a year is loaded:
//! the day an objection or repair application was accepted, and whether its due dates ran past
//! the calendar (provisional).

use sea_orm_migration::{prelude::*, schema::*};

/// The seventh schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000007_add_calendar_years_and_deadline_bases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("calendar_years")
                .col(integer("year").primary_key())
                .col(json("holidays"))
                .col(json("working_weekends"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(string("updated_by"))
                .to_owned(),
        )
        .await?;
        // One column per statement: SQLite cannot add several in one ALTER TABLE.
        for table in ["objections", "repairs"] {
            for column in [
                date_null("accepted_on"),
                boolean("deadlines_provisional").default(false).to_owned(),
            ] {
                m.alter_table(Table::alter().table(table).add_column(column).to_owned())
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["repairs", "objections"] {
            for column in ["deadlines_provisional", "accepted_on"] {
                m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                    .await?;
            }
        }
        m.drop_table(Table::drop().table("calendar_years").to_owned())
            .await
    }
}
