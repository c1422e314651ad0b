//! Staff accounts (table `staff_members`, replacing `staff`): a login name, an argon2id password hash, an optional TOTP second factor and a
//! disabled state. Bearer tokens move to a table of their own (a member may hold several, each
//! with a name, an expiry and a last-used time), and console sessions get one too. Existing
//! tokens are kept: each becomes its member's token named `initial`, or `bootstrap` for the
//! bootstrap admin.

use sea_orm_migration::{prelude::*, schema::*};

/// The twelfth schema step.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000012_add_staff_accounts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("staff_tokens")
                .col(uuid("id").primary_key())
                .col(uuid("staff_id"))
                .col(string_len("name", 100))
                .col(string_len("token_hash", 64).unique_key())
                .col(boolean("bootstrap").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_staff_tokens_staff")
                .table("staff_tokens")
                .col("staff_id")
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO staff_tokens (id, staff_id, name, token_hash, bootstrap, created_at, revoked_at) \
             SELECT id, id, CASE WHEN name = 'bootstrap admin' THEN 'bootstrap' ELSE 'initial' END, \
                    token_hash, name = 'bootstrap admin', created_at, revoked_at FROM staff",
        )
        .await?;

        // The members move to a new table rather than altering `staff`: SQLite cannot drop a
        // unique column.
        m.create_table(
            Table::create()
                .table("staff_members")
                .col(uuid("id").primary_key())
                .col(string("name"))
                .col(string_len("role", 16))
                .col(string_len_null("login", 64).unique_key())
                .col(string_null("password_hash"))
                .col(text_null("totp_secret"))
                .col(boolean("totp_required").default(false))
                .col(big_integer_null("totp_last_step"))
                .col(integer("failed_logins").default(0))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("disabled_at"))
                .col(integer("version").default(1))
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO staff_members (id, name, role, totp_required, failed_logins, created_at, disabled_at, version) \
             SELECT id, name, role, false, 0, created_at, revoked_at, 1 FROM staff",
        )
        .await?;
        m.drop_table(Table::drop().table("staff").to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table("staff_sessions")
                .col(uuid("id").primary_key())
                .col(uuid("staff_id"))
                .col(string_len("token_hash", 64).unique_key())
                .col(string_len("csrf_token", 64))
                .col(string_len("client", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_staff_sessions_staff")
                .table("staff_sessions")
                .col("staff_id")
                .to_owned(),
        )
        .await?;

        // Partner keys: an expiry, and a daily quota counted in the database.
        for column in [
            ColumnDef::new("expires_at")
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new("daily_quota").integer().null().to_owned(),
            ColumnDef::new("quota_day").date().null().to_owned(),
            ColumnDef::new("quota_used")
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
        ] {
            let mut column = column;
            m.alter_table(
                Table::alter()
                    .table("api_keys")
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "staff accounts cannot be migrated down: tokens and passwords would be lost".into(),
        ))
    }
}
