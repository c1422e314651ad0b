//! The state every handler and worker shares.

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::Keys;
use crate::error::ApiResult;
use crate::metrics::Metrics;
use crate::services::WriteCtx;
use crate::services::projection::{Masking, Projector};
use sea_orm::DatabaseConnection;
use sea_orm::DatabaseTransaction;
use std::sync::Arc;

/// Shared application state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Data keys.
    pub keys: Arc<Keys>,
    /// The key that signs reports, proofs and receipts, and every key they may be checked with.
    pub signer: Arc<crate::signing::Signer>,
    /// Signed documents issued per client address.
    pub report_limiter: Arc<crate::ratelimit::RateLimiter>,
    /// The clock.
    pub clock: Clock,
    /// The configuration.
    pub config: Arc<Config>,
    /// The search engine chosen by configuration.
    pub search: search::Engine,
    /// Process metrics.
    pub metrics: Arc<Metrics>,
    /// The working-day calendar in force (the file, with the years the office loaded over it).
    pub calendar: Arc<crate::services::calendar::SharedCalendar>,
    /// Per-client rate limiter of the public endpoints.
    pub limiter: Arc<crate::ratelimit::RateLimiter>,
    /// Login attempts per client address.
    pub login_limiter: Arc<crate::ratelimit::RateLimiter>,
    /// The screening index, kept while the public state is unchanged.
    pub screening: Arc<crate::services::screening::Cache>,
    /// Whether lookups may be answered from the search index (not while it is rebuilt).
    pub readiness: Arc<crate::readiness::Readiness>,
    /// Repair applications refused for lack of standing, per entry and client key.
    pub standing_limiter: Arc<crate::ratelimit::RateLimiter<(entity::EntryId, std::net::IpAddr)>>,
    /// Failed case-status lookups (wrong case number or follow-up code), per client key.
    pub case_lookup_limiter: Arc<crate::ratelimit::RateLimiter>,
    /// Rebuilds of the search index inside this process (one at a time).
    pub rebuilds: Arc<crate::workers::rebuilds::Rebuilds>,
}

impl AppState {
    /// The context of a write by `actor`, stamped now.
    pub fn write_ctx(&self, actor: String) -> WriteCtx<'_> {
        WriteCtx {
            actor,
            now: self.clock.now(),
            today: self.clock.today(),
            keys: &self.keys,
        }
    }

    /// The public projection as of today, with the configured masking.
    pub fn projector(&self) -> Projector<'_> {
        Projector {
            keys: &self.keys,
            masking: Masking {
                id_mask: self.config.id_mask,
                name_mask: self.config.name_mask,
                per_list: &self.config.name_mask_lists.0,
            },
            today: self.clock.today(),
        }
    }

    /// Runs one write: begins the transaction, stamps the context of `actor`, runs `write` on
    /// both, and commits only if it succeeded (an error rolls everything back).
    pub async fn write<T>(
        &self,
        actor: String,
        write: impl AsyncFnOnce(&DatabaseTransaction, &WriteCtx<'_>) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let txn = crate::db::begin_write(&self.db).await?;
        let ctx = self.write_ctx(actor);
        let out = write(&txn, &ctx).await?;
        txn.commit().await?;
        Ok(out)
    }
}
