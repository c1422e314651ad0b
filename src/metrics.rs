//! Process metrics, rendered in the Prometheus text format at `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters and gauges shared by the workers and the HTTP layer.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Outbox rows applied to the search engine.
    pub indexed_total: AtomicU64,
    /// Failed indexer batches.
    pub index_errors_total: AtomicU64,
    /// Commit-to-searchable lag of the last applied row, milliseconds.
    pub index_lag_last_ms: AtomicU64,
    /// Largest lag seen, milliseconds.
    pub index_lag_max_ms: AtomicU64,
    /// Sum of lags, milliseconds (with `indexed_total`, the mean).
    pub index_lag_sum_ms: AtomicU64,
    /// Requests refused by the rate limiter.
    pub rate_limited_total: AtomicU64,
    /// Public lookups served.
    pub lookups_total: AtomicU64,
}

impl Metrics {
    /// Records one applied outbox row and its lag.
    pub fn observe_indexed(&self, lag_ms: u64) {
        self.indexed_total.fetch_add(1, Ordering::Relaxed);
        self.index_lag_last_ms.store(lag_ms, Ordering::Relaxed);
        self.index_lag_max_ms.fetch_max(lag_ms, Ordering::Relaxed);
        self.index_lag_sum_ms.fetch_add(lag_ms, Ordering::Relaxed);
    }

    /// The Prometheus text exposition, with the current outbox backlog.
    pub fn render(&self, outbox_pending: u64, engine: &str) -> String {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut out = format!(
            "# HELP xinyong_search_engine_info The configured search engine.\n# TYPE xinyong_search_engine_info gauge\nxinyong_search_engine_info{{engine=\"{engine}\"}} 1\n"
        );
        let mut metric = |name: &str, kind: &str, help: &str, value: String| {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            ));
        };
        metric(
            "xinyong_outbox_pending",
            "gauge",
            "Changes committed but not yet applied to the search index.",
            outbox_pending.to_string(),
        );
        metric(
            "xinyong_indexed_total",
            "counter",
            "Outbox rows applied to the search index.",
            g(&self.indexed_total).to_string(),
        );
        metric(
            "xinyong_index_errors_total",
            "counter",
            "Indexer batches that failed and will be retried.",
            g(&self.index_errors_total).to_string(),
        );
        metric(
            "xinyong_index_lag_last_seconds",
            "gauge",
            "Commit-to-searchable lag of the last indexed change.",
            secs(g(&self.index_lag_last_ms)),
        );
        metric(
            "xinyong_index_lag_max_seconds",
            "gauge",
            "Largest commit-to-searchable lag seen.",
            secs(g(&self.index_lag_max_ms)),
        );
        metric(
            "xinyong_index_lag_seconds_sum",
            "counter",
            "Sum of commit-to-searchable lags.",
            secs(g(&self.index_lag_sum_ms)),
        );
        metric(
            "xinyong_rate_limited_total",
            "counter",
            "Public requests refused by the rate limiter.",
            g(&self.rate_limited_total).to_string(),
        );
        metric(
            "xinyong_lookups_total",
            "counter",
            "Public lookups served.",
            g(&self.lookups_total).to_string(),
        );
        out
    }
}

fn secs(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}
