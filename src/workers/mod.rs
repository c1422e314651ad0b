//! Background workers. Each has a `run_once` that tests call to drain it synchronously, and a loop
//! that `serve` runs until shutdown.

pub mod calendar;
pub mod checkpoint;
pub mod expiry;
pub mod indexer;
pub mod rebuilds;
pub mod recovery;
pub mod reindex;

/// The shutdown signal shared by the workers: `true` once they should stop.
pub type Shutdown = tokio::sync::watch::Receiver<bool>;

/// Sleeps for `d`, or less if shutdown is signalled; returns whether to stop.
pub async fn sleep_or_stop(shutdown: &mut Shutdown, d: std::time::Duration) -> bool {
    if *shutdown.borrow() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(d) => *shutdown.borrow(),
        changed = shutdown.changed() => changed.is_err() || *shutdown.borrow(),
    }
}
