//! The partner API's per-key request rate, in the database so that it holds across server
//! instances: a key allowed `per_minute` requests with bursts of `burst` gets that much in all,
//! whichever instances its requests reach.
//!
//! It is the token bucket of [`crate::ratelimit::RateLimiter`] kept as one number per key (the
//! generic cell rate algorithm): `full_at`, the moment from which the key's budget is full again.
//! A request spends one interval (a minute over `per_minute`) and is allowed while `full_at`,
//! after spending, lies at most `burst` intervals ahead. Each request is one conditional
//! `UPDATE`, which the database applies atomically, so two instances never both spend the last
//! request of a burst. Time is the wall clock (as the in-memory limiter's is real time, not the
//! application clock), so the instances' clocks must agree (NTP) to within a fraction of an
//! interval.

use chrono::{DateTime, Utc};
use entity::{ApiKeyId, api_key_rate};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

/// Spends one request of `key`'s budget at `now`; `Err(seconds)` says how long to wait when the
/// budget is spent. A rate of 0 allows nothing (the caller refuses before asking).
pub async fn take(
    db: &impl ConnectionTrait,
    key: ApiKeyId,
    per_minute: u32,
    burst: u32,
    now: DateTime<Utc>,
) -> Result<Result<(), u64>, DbErr> {
    let interval = 60_000_000 / i64::from(Ord::max(per_minute, 1));
    let tolerance = interval * i64::from(Ord::max(burst, 1) - 1);
    let now = now.timestamp_micros();
    for _ in 0..2 {
        // `full_at` moves one interval on from itself, or from now if that is later.
        let spent = api_key_rate::Entity::update_many()
            .col_expr(
                api_key_rate::Column::FullAt,
                Expr::case(
                    api_key_rate::Column::FullAt.gt(now),
                    Expr::col(api_key_rate::Column::FullAt).add(interval),
                )
                .finally(now + interval)
                .into(),
            )
            .filter(api_key_rate::Column::KeyId.eq(key))
            .filter(api_key_rate::Column::FullAt.lte(now + tolerance))
            .exec(db)
            .await?;
        if spent.rows_affected == 1 {
            return Ok(Ok(()));
        }
        match api_key_rate::Entity::find_by_id(key).one(db).await? {
            Some(row) => {
                let wait = (row.full_at - now - tolerance + 999_999) / 1_000_000;
                return Ok(Err(Ord::max(u64::try_from(wait).unwrap_or(1), 1)));
            }
            // The key's first request: its budget starts full (another instance may have
            // written the row in between, hence no error on a conflict), then spend as above.
            None => {
                api_key_rate::Entity::insert(api_key_rate::ActiveModel {
                    key_id: Set(key),
                    full_at: Set(now),
                })
                .on_conflict_do_nothing()
                .exec_without_returning(db)
                .await?;
            }
        }
    }
    Err(DbErr::Custom("the key's rate row cannot be written".into()))
}
