//! Limits on the public's anonymous filings (objections and repair applications), counted in
//! the database so that they hold across restarts and instances: a client may have only so many
//! open filings against one entry, and an entry takes only so many filings a day from everyone.
//! The client is known by a keyed hash of its network (its IPv4 address or IPv6 /64), stored
//! with the filing and never shown; the address itself is not kept.
//!
//! Public natural-person lookups are counted the same way, per name and day ([`PersonLookups`]):
//! the name is known by a keyed hash of its folded form, never kept in clear.

use super::WriteCtx;
use crate::crypto::Keys;
use crate::error::{ApiError, ErrorCode};
use std::net::IpAddr;

/// The limits in force (`XINYONG_FILINGS_OPEN_PER_CLIENT`, `XINYONG_FILINGS_PER_ENTRY_DAY`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilingLimits {
    /// Open filings one client may have against one entry.
    pub open_per_client: u32,
    /// Filings one entry takes per day (China time), from all clients together.
    pub per_entry_day: u32,
}

/// Who files, as far as the limits need to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filer {
    /// Keyed hash of the client's network ([`client_key`]).
    pub client_key: String,
    /// The limits in force.
    pub limits: FilingLimits,
}

impl Filer {
    /// The filer at `ip` (already reduced to its rate-limit key: an IPv6 client's /64).
    pub fn new(keys: &Keys, ip: IpAddr, limits: FilingLimits) -> Self {
        Self {
            client_key: client_key(keys, ip),
            limits,
        }
    }

    /// Refuses a filing when `open` filings of this client against the entry are open already,
    /// or `today` filings were made against it today. `what` names the filings (plural).
    pub fn check(
        &self,
        ctx: &WriteCtx<'_>,
        what: &str,
        entry: entity::EntryId,
        open: u64,
        today: u64,
    ) -> Result<(), ApiError> {
        if open >= u64::from(self.limits.open_per_client) {
            return Err(ApiError::new(
                ErrorCode::TooManyFilings,
                format!(
                    "You already have {open} open {what} for entry `{entry}`; another can be filed once one of them is closed."
                ),
            ));
        }
        if today >= u64::from(self.limits.per_entry_day) {
            let mut err = ApiError::new(
                ErrorCode::TooManyFilings,
                format!(
                    "Entry `{entry}` has had as many {what} today as it takes in a day ({}); file again tomorrow.",
                    self.limits.per_entry_day
                ),
            );
            err.retry_after = Some(seconds_to_tomorrow(ctx.today, ctx.now));
            return Err(err);
        }
        Ok(())
    }
}

/// The keyed hash a client's network is known by in the database.
pub fn client_key(keys: &Keys, ip: IpAddr) -> String {
    keys.keyed_hash(&format!("filing-client\u{1f}{ip}"))
}

/// Seconds from `now` until the midnight in China that ends `today`, when daily counts start
/// again.
pub(crate) fn seconds_to_tomorrow(
    today: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> u64 {
    let midnight = today
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(crate::clock::china_offset()).single());
    midnight
        .map(|m| (m.with_timezone(&chrono::Utc) - now).num_seconds())
        .and_then(|s| u64::try_from(s).ok())
        .unwrap_or(1)
        .max(1)
}

/// The daily count of public natural-person lookups per name, kept in the database.
#[derive(Clone, Copy, Debug)]
pub struct PersonLookups {
    /// Lookups of one name accepted per day, from all clients together.
    pub per_name_day: u32,
}

/// The keyed hash a looked-up name is counted under: of its folded form, so that width, case,
/// spacing and script variants of one name count together.
pub fn name_key(keys: &Keys, name: &str) -> String {
    keys.keyed_hash(&format!(
        "person-lookup-name\u{1f}{}",
        crate::domain::names::fold(name)
    ))
}

impl PersonLookups {
    /// Counts one lookup of `name` today and refuses it (429 `person_lookup_throttled`, with
    /// `Retry-After` until midnight in China) once the name has had its lookups for the day.
    /// Counted in its own transaction, before the lookup is answered, so that concurrent
    /// lookups cannot pass the limit together; yesterday's counts are dropped on the way.
    pub async fn count(
        self,
        db: &sea_orm::DatabaseConnection,
        keys: &Keys,
        name: &str,
        today: chrono::NaiveDate,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), ApiError> {
        use entity::person_lookup::{ActiveModel, Column, Entity};
        use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
        let key = name_key(keys, name);
        let txn = crate::db::begin_write(db).await?;
        Entity::delete_many()
            .filter(Column::Day.lt(today))
            .exec(&txn)
            .await?;
        Entity::insert(ActiveModel {
            name_key: Set(key.clone()),
            day: Set(today),
            lookups: Set(1),
        })
        .on_conflict(
            OnConflict::columns([Column::NameKey, Column::Day])
                .value(Column::Lookups, Expr::col((Entity, Column::Lookups)).add(1))
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        let lookups = Entity::find_by_id((key, today))
            .one(&txn)
            .await?
            .map_or(1, |row| row.lookups);
        txn.commit().await?;
        if u32::try_from(lookups).unwrap_or(u32::MAX) > self.per_name_day {
            let mut err = ApiError::new(
                ErrorCode::PersonLookupThrottled,
                format!(
                    "This name has been looked up as often today as a name may be ({}); look it up again tomorrow.",
                    self.per_name_day
                ),
            );
            err.retry_after = Some(seconds_to_tomorrow(today, now));
            return Err(err);
        }
        Ok(())
    }
}
