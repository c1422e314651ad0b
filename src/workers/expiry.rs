//! The expiry worker: ends publicity at the maximum period — no application
//! needed. An expired entry leaves every public surface (its outbox rows remove it from the
//! index) and stays in the database for the office and the audit trail.
//!
//! Every instance runs it; on PostgreSQL each batch first takes the expiry turn
//! ([`crate::db::Turn::Expiry`]) and only then reads what is due, so two instances running it at
//! the same moment take turns and the second finds the first's entries expired already: each
//! entry is expired, audited and queued for the index once. Waiting for the turn (rather than
//! skipping) means that when [`run_once`] returns, everything due has been expired, by this
//! instance or another.

use super::{Shutdown, sleep_or_stop};
use crate::services::entries::save;
use crate::state::AppState;
use entity::{EntryStatus, list_entry};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::time::Duration;

/// Entries expired per transaction.
const BATCH: u64 = 200;

/// Expires every published entry whose publicity or validity is over today; returns how many.
pub async fn run_once(state: &AppState) -> Result<u64, DbErr> {
    let mut total = 0;
    loop {
        let ctx = state.write_ctx("system".into());
        let today = ctx.today;
        let txn = crate::db::begin_write(&state.db).await?;
        crate::db::take_turn(&txn, crate::db::Turn::Expiry).await?;
        let due = list_entry::Entity::find()
            .filter(list_entry::Column::Status.eq(EntryStatus::Published))
            .filter(
                Condition::any()
                    .add(list_entry::Column::PublicityUntil.lte(today))
                    .add(list_entry::Column::ValidUntil.lt(today)),
            )
            .order_by_asc(list_entry::Column::Id)
            .limit(BATCH)
            .all(&txn)
            .await?;
        if due.is_empty() {
            txn.commit().await?;
            return Ok(total);
        }
        for before in due {
            let mut active: list_entry::ActiveModel = before.clone().into();
            active.status = Set(EntryStatus::Expired);
            active.removal_date = Set(Some(today));
            active.removal_reason = Set(Some("公示期满".into()));
            save(&txn, &ctx, "entry.expire", before, active)
                .await
                .map_err(|e| DbErr::Custom(e.cause.unwrap_or(e.message)))?;
            total += 1;
        }
        txn.commit().await?;
    }
}

/// Runs hourly until shutdown (publicity ends at the start of a day, so an hour's delay at most).
pub async fn run(state: AppState, mut shutdown: Shutdown) {
    loop {
        match run_once(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(entries = n, "publicity ended for expired entries"),
            Err(e) => tracing::warn!(error = %e, "expiry failed; will retry"),
        }
        if sleep_or_stop(&mut shutdown, Duration::from_secs(3600)).await {
            return;
        }
    }
}
