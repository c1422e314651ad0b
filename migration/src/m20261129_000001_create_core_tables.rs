//! Subjects, list entries, notices, staff, the audit trail and the search outbox.

use sea_orm_migration::{prelude::*, schema::*};

/// The first schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000001_create_core_tables"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("subjects")
                .col(uuid("id").primary_key())
                .col(string_len("kind", 32))
                .col(string("name"))
                .col(string_null("uscc").unique_key())
                .col(string_null("uscc_warning"))
                .col(text_null("id_number_cipher"))
                .col(string_null("id_number_hash").unique_key())
                .col(string_null("id_number_masked"))
                .col(string_null("legal_representative"))
                .col(string_len("region_code", 6))
                .col(string_null("address"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_subjects_name")
                .table("subjects")
                .col("name")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("list_entries")
                .col(uuid("id").primary_key())
                .col(uuid("subject_id"))
                .col(string_len("list", 32))
                .col(string("list_name"))
                .col(string_len_null("severity", 16))
                .col(text("reason"))
                .col(text_null("facts"))
                .col(text_null("legal_basis"))
                .col(string("authority_name"))
                .col(string_null("authority_uscc"))
                .col(string("document_number"))
                .col(date("decision_date"))
                .col(date("listing_date"))
                .col(date("valid_from"))
                .col(date_null("valid_until"))
                .col(date_null("publicity_min_until"))
                .col(date_null("publicity_until"))
                .col(date_null("removal_date"))
                .col(text_null("removal_reason"))
                .col(string_null("removal_authority"))
                .col(string_null("repair_status"))
                .col(boolean("under_objection"))
                .col(string("source_name"))
                .col(string_null("source_uscc"))
                .col(string_len("status", 32))
                .col(uuid_null("created_by"))
                .col(timestamp_with_time_zone_null("published_at"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_list_entries_subject")
                        .from("list_entries", "subject_id")
                        .to("subjects", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // The natural key of a decision: one document number per deciding authority.
        m.create_index(
            Index::create()
                .name("uq_list_entries_authority_document")
                .table("list_entries")
                .col("authority_name")
                .col("document_number")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_list_entries_subject")
                .table("list_entries")
                .col("subject_id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_list_entries_status_until")
                .table("list_entries")
                .col("status")
                .col("publicity_until")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("notices")
                .col(uuid("id").primary_key())
                .col(string("title"))
                .col(string_len("category", 32))
                .col(string("issuing_unit"))
                .col(text("body_md"))
                .col(json("subject_usccs"))
                .col(date_null("publication_date"))
                .col(date_null("publicity_until"))
                .col(string_len("status", 32))
                .col(text_null("withdrawal_reason"))
                .col(uuid_null("created_by"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("staff")
                .col(uuid("id").primary_key())
                .col(string("name"))
                .col(string_len("role", 16))
                .col(string_len("token_hash", 64).unique_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("audit_events")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string("action"))
                .col(string_len("target_type", 32))
                .col(string("target_id"))
                .col(json_null("before"))
                .col(json_null("after"))
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_events_target")
                .table("audit_events")
                .col("target_type")
                .col("target_id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("search_outbox")
                .col(big_pk_auto("id"))
                .col(string_len("target", 16))
                .col(uuid("target_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("not_before"))
                .col(text_null("last_error"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "search_outbox",
            "audit_events",
            "staff",
            "notices",
            "list_entries",
            "subjects",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
