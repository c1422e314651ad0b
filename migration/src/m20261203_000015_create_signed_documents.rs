//! Signed documents the site issued: credit reports (信用报告), proofs of a public search and
//! partners' screening receipts. Each row keeps the document exactly as it was signed, so that
//! `/verify` shows it as issued and can say whether the public record has changed since.

use sea_orm_migration::{prelude::*, schema::*};

/// The fifteenth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000015_create_signed_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("signed_documents")
                .col(uuid("id").primary_key())
                .col(string_len("kind", 32))
                .col(string_len("number", 40).unique_key())
                .col(string_len("verification_code", 32).unique_key())
                .col(uuid_null("subject_id"))
                .col(uuid_null("agency_id"))
                .col(timestamp_with_time_zone("issued_at"))
                .col(string_len_null("record_digest", 64))
                .col(text("document"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_signed_documents_agency")
                .table("signed_documents")
                .col("agency_id")
                .col("issued_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("signed_documents").to_owned())
            .await
    }
}
