//! Who filed an objection or a repair application, as far as the limits on anonymous filings
//! need to know: a keyed hash of the client's network (its IPv4 address, or its IPv6 /64), never
//! the address itself. Filings made before this step have none and count only towards the daily
//! limit of their entry.

use sea_orm_migration::{prelude::*, schema::*};

/// The eleventh schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000011_add_filing_limits"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["objections", "repairs"] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(string_len_null("client_key", 64))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["repairs", "objections"] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .drop_column("client_key")
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
