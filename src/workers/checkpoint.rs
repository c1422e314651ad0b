//! The audit checkpointer: every `XINYONG_AUDIT_CHECKPOINT_SECS` (and once more at shutdown) it
//! writes a keyed checkpoint of the audit chain's head if the head has moved since the last one.
//! Events appended after the newest checkpoint are anchored by the next one, so the interval
//! bounds how many of the newest events could be deleted unnoticed.

use super::{Shutdown, sleep_or_stop};
use crate::error::ApiError;
use crate::services::audit::{self, Checkpoint};
use crate::state::AppState;
use std::time::Duration;

/// Writes a checkpoint if the head has moved; returns it.
pub async fn run_once(state: &AppState) -> Result<Option<Checkpoint>, ApiError> {
    state
        .write("system".into(), async |txn, ctx| {
            Ok(audit::checkpoint(txn, ctx.keys, ctx.now, true).await?)
        })
        .await
}

/// Runs until shutdown; does nothing when the interval is 0.
pub async fn run(state: AppState, mut shutdown: Shutdown) {
    let every = state.config.audit_checkpoint_secs;
    if every == 0 {
        return;
    }
    loop {
        let stop = sleep_or_stop(&mut shutdown, Duration::from_secs(every)).await;
        match run_once(&state).await {
            Ok(Some(c)) => tracing::debug!(audit.seq = c.seq, "audit chain checkpointed"),
            Ok(None) => {}
            Err(e) => tracing::warn!(
                error = %e.cause.as_deref().unwrap_or(&e.message),
                "cannot checkpoint the audit chain; will retry"
            ),
        }
        if stop {
            return;
        }
    }
}
