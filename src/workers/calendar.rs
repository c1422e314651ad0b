//! Keeps the working-day calendar in force in line with the years stored in the database: another
//! server instance may have loaded one (`PUT /api/v1/office/calendar` puts it in force at once
//! only in the instance that took it). That instance has counted the open cases' deadlines again.

use super::{Shutdown, sleep_or_stop};
use crate::state::AppState;
use std::time::Duration;

/// How often the stored years are read again.
const EVERY: Duration = Duration::from_secs(60);

/// Runs until shutdown.
pub async fn run(state: AppState, mut shutdown: Shutdown) {
    loop {
        if sleep_or_stop(&mut shutdown, EVERY).await {
            return;
        }
        match crate::services::calendar::refresh(&state).await {
            Ok(true) => {
                tracing::info!("working-day calendar years loaded by another instance are in force")
            }
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the stored calendar years; will retry")
            }
        }
    }
}
