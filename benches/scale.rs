//! Scale: every measure of the scale goals, against the real server over real sockets, on one
//! data set of `BENCH_SUBJECTS` synthetic subjects (default 100,000; `1000000` for the
//! province-size run) in SQLite with the embedded engine, printed as one table with the goal
//! beside each figure:
//! - the reindex of every subject and entry, and the server's resident memory while serving;
//! - the public lookup under 16 concurrent clients (rotating Chinese names, fragments and codes)
//!   for `BENCH_SECONDS` (default 10): requests/s, p50, p99;
//! - commit → searchable while that load runs and 50 writes/s go through the office API: p99;
//! - the import of `BENCH_RECORDS` (default 20,000) rows through `xinyong import`'s code path;
//! - partner screening of 1,000-subject batches on the service: subjects/s;
//! - the partner snapshot of every public entry, streamed: the growth of resident memory.
//!
//! Run: `cargo bench --bench scale` (`BENCH_SUBJECTS=10000` for a smoke run).

use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use xinyong::clock::Clock;
use xinyong::config::Config;
use xinyong::crypto::Secret;
use xinyong::startup::Application;

mod support;
use support::AGENCY_USCC;

const TOKEN: &str = "bench-admin-token-0123456789";

type Error = Box<dyn std::error::Error>;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of this process (the server runs in it), in MB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

struct Row {
    measure: &'static str,
    value: String,
    goal: &'static str,
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let n = env_number("BENCH_SUBJECTS", 100_000);
    let seconds = env_number("BENCH_SECONDS", 10);
    let records = env_number("BENCH_RECORDS", 20_000);
    let dir = tempfile::tempdir()?;
    let mut config = Config::with_data_dir(dir.path());
    config.bind = "127.0.0.1:0".parse()?;
    config.admin_token = Some(Secret::new(TOKEN));
    config.hmac_key = Some(Secret::new("11".repeat(32)));
    config.signing_key = Some(Secret::new("33".repeat(32)));
    config.encryption_key = Some(Secret::new("22".repeat(32)));
    config.rate_limit_per_minute = 0;
    config.max_concurrent_requests = 1024;
    let app = Application::build(config, Clock::system()).await?;
    let state = app.state().clone();
    let mut rows = Vec::new();

    let t = Instant::now();
    let seeded = xinyong::seed::synthetic(&state, n, &|_| {})
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "seeded {} subjects, {} entries in {:.1?}",
        seeded.subjects,
        seeded.entries,
        t.elapsed()
    );
    let t = Instant::now();
    let indexed = xinyong::workers::reindex::reindex(&state, &|_, _, _| {}).await?;
    let reindex = t.elapsed();
    rows.push(Row {
        measure: "reindex, subjects + entries",
        value: format!(
            "{:.1} s ({} + {})",
            reindex.as_secs_f64(),
            indexed.subjects,
            indexed.entries
        ),
        goal: "≤ 120 s at 1M",
    });

    // Queries a citizen would type, from the data: whole names, trade-name fragments, codes.
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    let sample = entity::subject::Entity::find()
        .order_by_asc(entity::subject::Column::Id)
        .limit(600)
        .all(&state.db)
        .await?;
    let queries: Arc<Vec<String>> = Arc::new(
        sample
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let chars: Vec<char> = s.name.chars().collect();
                match i % 3 {
                    0 => s.name.clone(),
                    1 => chars.iter().skip(3.min(chars.len())).take(2).collect(),
                    _ => s.uscc.clone().unwrap_or_else(|| s.name.clone()),
                }
            })
            .map(|q| enc(&q))
            .collect(),
    );

    let addr = app.local_addr()?;
    let base = format!("http://{addr}");
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;

    // 16 clients, rotating queries; returns (requests, latencies).
    let load = |duration: Duration| {
        let (http, base, queries) = (http.clone(), base.clone(), queries.clone());
        async move {
            let deadline = Instant::now() + duration;
            let mut tasks = Vec::new();
            for c in 0..16usize {
                let (http, base, queries) = (http.clone(), base.clone(), queries.clone());
                tasks.push(tokio::spawn(async move {
                    let mut samples = Vec::new();
                    let mut i = c * 37;
                    while Instant::now() < deadline {
                        let q = &queries[i % queries.len()];
                        i += 1;
                        let t = Instant::now();
                        let ok = match http.get(format!("{base}/api/v1/lookup?q={q}")).send().await
                        {
                            Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                            Err(_) => false,
                        };
                        if ok {
                            samples.push(t.elapsed());
                        }
                    }
                    samples
                }));
            }
            let mut all = Vec::new();
            for t in tasks {
                all.extend(t.await.unwrap_or_default());
            }
            all.sort();
            all
        }
    };
    load(Duration::from_secs(2)).await;
    let samples = load(Duration::from_secs(seconds)).await;
    rows.push(Row {
        measure: "lookup, 16 clients",
        value: format!(
            "{:.0} req/s, p50 {:.1} ms, p99 {:.1} ms",
            samples.len() as f64 / seconds as f64,
            percentile(&samples, 0.5).as_secs_f64() * 1e3,
            percentile(&samples, 0.99).as_secs_f64() * 1e3
        ),
        goal: "≥ 2,000 req/s, p99 ≤ 50 ms",
    });
    rows.push(Row {
        measure: "server memory while serving",
        value: format!("{:.0} MB RSS", rss_mb()),
        goal: "≤ 300 MB at 1M",
    });

    // Commit → searchable under the same load and 50 writes/s.
    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let (http, base, writing) = (http.clone(), base.clone(), writing.clone());
        tokio::spawn(async move {
            let mut lags = Vec::new();
            let mut i = 0u64;
            while writing.load(Ordering::Relaxed) {
                let started = Instant::now();
                let Ok(uscc) = support::uscc("WR", i) else {
                    break;
                };
                i += 1;
                let body = json!({"kind": "legal_person", "name": format!("汉中市规模测量第{i}有限公司"), "uscc": uscc});
                let created = http
                    .post(format!("{base}/api/v1/office/subjects"))
                    .bearer_auth(TOKEN)
                    .json(&body)
                    .send()
                    .await;
                if !created.is_ok_and(|r| r.status().is_success()) {
                    continue;
                }
                let (http, base) = (http.clone(), base.clone());
                lags.push(tokio::spawn(async move {
                    loop {
                        let found = http
                            .get(format!("{base}/api/v1/lookup?q={uscc}"))
                            .send()
                            .await
                            .ok()?
                            .json::<serde_json::Value>()
                            .await
                            .ok()?;
                        if found["total"] == 1 {
                            return Some(started.elapsed());
                        }
                        if started.elapsed() > Duration::from_secs(30) {
                            return None;
                        }
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }));
                tokio::time::sleep(Duration::from_millis(20).saturating_sub(started.elapsed()))
                    .await;
            }
            let mut out = Vec::new();
            for l in lags {
                if let Ok(Some(d)) = l.await {
                    out.push(d);
                }
            }
            out.sort();
            out
        })
    };
    let under_load = load(Duration::from_secs(seconds)).await;
    writing.store(false, Ordering::Relaxed);
    let lags = writer.await?;
    rows.push(Row {
        measure: "commit → searchable, under load",
        value: format!(
            "p50 {:.0} ms, p99 {:.0} ms ({} writes; lookups {:.0} req/s)",
            percentile(&lags, 0.5).as_secs_f64() * 1e3,
            percentile(&lags, 0.99).as_secs_f64() * 1e3,
            lags.len(),
            under_load.len() as f64 / seconds as f64
        ),
        goal: "p99 ≤ 1 s with 50 writes/s",
    });

    // Import through `xinyong import`'s code path.
    support::create_tax_agency(&state).await?;
    let csv = dir.path().join("import.csv");
    support::write_import_csv(&csv, records, "MD")?;
    let t = Instant::now();
    let report = xinyong::import::run(
        &state,
        &csv,
        AGENCY_USCC,
        &dir.path().join("rejected.csv"),
        &|_, _| {},
    )
    .await?;
    let import_rate = records as f64 / t.elapsed().as_secs_f64();
    rows.push(Row {
        measure: "import, SQLite",
        value: format!("{import_rate:.0} records/s ({} accepted)", report.accepted),
        goal: "≥ 30,000 records/s",
    });

    // Screening on the service, 1,000 subjects a batch: a third listed codes, a third names.
    let t = Instant::now();
    let index = state
        .screening
        .current(
            &state.db,
            state.clock.today(),
            state.clock.now(),
            state.config.id_mask,
        )
        .await
        .map_err(|e| e.message)?;
    let build = t.elapsed();
    let probe = |i: usize| {
        let s = &sample[i % sample.len()];
        xinyong::services::screening::Probe {
            name: i.is_multiple_of(2).then(|| s.name.clone()),
            uscc: if i.is_multiple_of(2) {
                None
            } else {
                s.uscc.clone()
            },
            id_number: None,
        }
    };
    let t = Instant::now();
    let mut screened = 0usize;
    while t.elapsed() < Duration::from_secs(seconds.min(5)) {
        for i in 0..1000 {
            let _ = index.screen(
                probe(i),
                xinyong::services::screening::DEFAULT_THRESHOLD,
                false,
                &state.keys,
            );
            screened += 1;
        }
    }
    rows.push(Row {
        measure: "screening, on the service",
        value: format!(
            "{:.0} subjects/s (index built in {:.1} s)",
            screened as f64 / t.elapsed().as_secs_f64(),
            build.as_secs_f64()
        ),
        goal: "≥ 10,000 subjects/s, incremental index",
    });

    // The snapshot, streamed to a partner: how much memory grows while it is read.
    let (_, key) = partner_key(&http, &base).await?;
    let before = rss_mb();
    let peak = Arc::new(std::sync::Mutex::new(before));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                let now = rss_mb();
                if let Ok(mut p) = peak.lock() {
                    *p = p.max(now);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let t = Instant::now();
    let mut resp = http
        .get(format!("{base}/api/v1/partner/snapshot"))
        .bearer_auth(&key)
        .send()
        .await?
        .error_for_status()?;
    let mut bytes = 0usize;
    while let Some(chunk) = resp.chunk().await? {
        bytes += chunk.len();
    }
    sampling.store(false, Ordering::Relaxed);
    sampler.await?;
    let peak = peak.lock().map(|p| *p).unwrap_or(before);
    rows.push(Row {
        measure: "snapshot of public entries",
        value: format!(
            "{:.1} MB in {:.1} s, RSS +{:.0} MB",
            bytes as f64 / 1e6,
            t.elapsed().as_secs_f64(),
            peak - before
        ),
        goal: "streamed in constant memory",
    });

    println!("\n| measure ({n} subjects) | figure | goal |\n| --- | --- | --- |");
    for r in rows {
        println!("| {} | {} | {} |", r.measure, r.value, r.goal);
    }
    Ok(())
}

/// A partner agency with a key that reads the change feed; (agency id, key).
async fn partner_key(http: &reqwest::Client, base: &str) -> Result<(String, String), Error> {
    let agencies: serde_json::Value = http
        .get(format!("{base}/api/v1/office/agencies"))
        .bearer_auth(TOKEN)
        .send()
        .await?
        .json()
        .await?;
    let agency = agencies["items"][0]["id"]
        .as_str()
        .ok_or("no agency")?
        .to_owned();
    let key: serde_json::Value = http
        .post(format!("{base}/api/v1/office/agencies/{agency}/keys"))
        .bearer_auth(TOKEN)
        .json(&json!({"name": "规模测量", "scopes": ["changes:read"], "rate_limit_per_minute": 100000}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok((agency, key["key"].as_str().ok_or("no key")?.to_owned()))
}
