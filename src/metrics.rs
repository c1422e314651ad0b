//! Process metrics, exposed in the OpenMetrics text format at `/metrics` by the
//! `prometheus-client` crate (the Prometheus project's own Rust client).

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

/// Counters and gauges shared by the workers and the HTTP layer.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    outbox_pending: Gauge,
    indexed: Counter,
    index_errors: Counter,
    index_lag: Histogram,
    rate_limited: Counter,
    lookups: Counter,
    calendar_covered_days: Gauge,
}

impl Metrics {
    /// The metrics of a process whose search engine is `engine`.
    pub fn new(engine: &str) -> Self {
        let metrics = Self {
            registry: Registry::default(),
            outbox_pending: Gauge::default(),
            indexed: Counter::default(),
            index_errors: Counter::default(),
            // 10 ms to about 40 s.
            index_lag: Histogram::new(exponential_buckets(0.01, 2.0, 13)),
            rate_limited: Counter::default(),
            lookups: Counter::default(),
            calendar_covered_days: Gauge::default(),
        };
        let mut registry = Registry::default();
        registry.register(
            "xinyong_search_engine",
            "The configured search engine",
            Info::new(vec![("engine".to_owned(), engine.to_owned())]),
        );
        registry.register(
            "xinyong_outbox_pending",
            "Changes committed but not yet applied to the search index",
            metrics.outbox_pending.clone(),
        );
        registry.register(
            "xinyong_indexed",
            "Outbox rows applied to the search index",
            metrics.indexed.clone(),
        );
        registry.register(
            "xinyong_index_errors",
            "Indexer batches that failed and will be retried",
            metrics.index_errors.clone(),
        );
        registry.register(
            "xinyong_index_lag_seconds",
            "Commit-to-searchable lag of indexed changes",
            metrics.index_lag.clone(),
        );
        registry.register(
            "xinyong_rate_limited",
            "Public requests refused by the rate limiter",
            metrics.rate_limited.clone(),
        );
        registry.register(
            "xinyong_lookups",
            "Public lookups served",
            metrics.lookups.clone(),
        );
        registry.register(
            "xinyong_calendar_covered_days",
            "Days from today to the last day the working-day calendar covers (-1: not this year); below 60 it needs its next year",
            metrics.calendar_covered_days.clone(),
        );
        Self {
            registry,
            ..metrics
        }
    }

    /// Records one applied outbox row and its commit-to-searchable lag.
    pub fn observe_indexed(&self, lag_ms: u64) {
        self.indexed.inc();
        self.index_lag.observe(lag_ms as f64 / 1000.0);
    }

    /// Records a failed indexer batch.
    pub fn count_index_error(&self) {
        self.index_errors.inc();
    }

    /// Records a request refused by the rate limiter.
    pub fn count_rate_limited(&self) {
        self.rate_limited.inc();
    }

    /// Records a public lookup.
    pub fn count_lookup(&self) {
        self.lookups.inc();
    }

    /// Records how many days the working-day calendar still covers.
    pub fn set_calendar_covered_days(&self, days: i64) {
        self.calendar_covered_days.set(days);
    }

    /// The text exposition, with the current outbox backlog.
    pub fn render(&self, outbox_pending: u64) -> String {
        self.outbox_pending
            .set(i64::try_from(outbox_pending).unwrap_or(i64::MAX));
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// The media type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_the_engine_the_backlog_and_the_counters() {
        let m = Metrics::new("embedded");
        m.count_rate_limited();
        m.observe_indexed(250);
        let text = m.render(3);
        for line in [
            "xinyong_search_engine_info{engine=\"embedded\"} 1",
            "xinyong_outbox_pending 3",
            "xinyong_rate_limited_total 1",
            "xinyong_indexed_total 1",
            "xinyong_index_lag_seconds_count 1",
            "# EOF",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }
}
