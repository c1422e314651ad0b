//! The state every handler and worker shares.

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::Keys;
use crate::services::WriteCtx;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared application state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Data keys.
    pub keys: Arc<Keys>,
    /// The clock.
    pub clock: Clock,
    /// The configuration.
    pub config: Arc<Config>,
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
}
