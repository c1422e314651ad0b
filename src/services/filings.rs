//! Limits on the public's anonymous filings (objections and repair applications), counted in
//! the database so that they hold across restarts and instances: a client may have only so many
//! open filings against one entry, and an entry takes only so many filings a day from everyone.
//! The client is known by a keyed hash of its network (its IPv4 address or IPv6 /64), stored
//! with the filing and never shown; the address itself is not kept.

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
            err.retry_after = Some(seconds_to_tomorrow(ctx));
            return Err(err);
        }
        Ok(())
    }
}

/// The keyed hash a client's network is known by in the database.
pub fn client_key(keys: &Keys, ip: IpAddr) -> String {
    keys.keyed_hash(&format!("filing-client\u{1f}{ip}"))
}

/// Seconds until midnight in China, when the daily count starts again.
fn seconds_to_tomorrow(ctx: &WriteCtx<'_>) -> u64 {
    let midnight = ctx
        .today
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(crate::clock::china_offset()).single());
    midnight
        .map(|m| (m.with_timezone(&chrono::Utc) - ctx.now).num_seconds())
        .and_then(|s| u64::try_from(s).ok())
        .unwrap_or(1)
        .max(1)
}
