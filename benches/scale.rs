//! Scale: every measure of the scale goals on data sets of synthetic subjects in SQLite with the
//! embedded engine, printed as one table with the goal beside each figure.
//!
//! The data set is built in this process (seed, reindex, import through `xinyong import`'s
//! code path); then the real server binary (`xinyong serve`) is started on it as a child
//! process on a loopback port, and everything else goes to it over real sockets:
//! - the public lookup under 16 concurrent clients (rotating Chinese names, fragments and codes)
//!   for `BENCH_SECONDS` (default 10): requests/s, p50, p99; the server's resident memory;
//! - commit → searchable while that load runs and 50 office writes/s go through the API;
//! - partner screening of 1,000-subject batches through the API, and the first answer after
//!   the change feed moved (the match index follows it);
//! - the partner snapshot of every public entry, streamed, while the server's memory is sampled.
//!
//! `BENCH_SUBJECTS` is a comma-separated list of sizes (default `100000,1000000`), each run on a
//! fresh data set; the table has a column per size.
//!
//! Run: `cargo bench --bench scale` (`BENCH_SUBJECTS=10000 BENCH_SECONDS=2` for a smoke run).

use serde_json::json;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use xinyong::clock::Clock;
use xinyong::config::Config;
use xinyong::crypto::Secret;

mod support;
use support::AGENCY_USCC;

const TOKEN: &str = "bench-admin-token-0123456789";
const HMAC_KEY: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const ENCRYPTION_KEY: &str = "2222222222222222222222222222222222222222222222222222222222222222";
const SIGNING_KEY: &str = "3333333333333333333333333333333333333333333333333333333333333333";

type Error = Box<dyn std::error::Error>;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of a process, in MB: (all, anonymous, file-backed).
fn rss_mb(pid: u32) -> (f64, f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("RssAnon:"), field("RssFile:"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

struct Row {
    measure: &'static str,
    value: String,
    goal: &'static str,
}

/// The configuration the data set is built with; the server gets the same through its
/// environment ([`Server::start`]).
fn config(dir: &Path) -> Config {
    let mut config = Config::with_data_dir(dir);
    config.admin_token = Some(Secret::new(TOKEN));
    config.hmac_key = Some(Secret::new(HMAC_KEY));
    config.signing_key = Some(Secret::new(SIGNING_KEY));
    config.encryption_key = Some(Secret::new(ENCRYPTION_KEY));
    config.rate_limit_per_minute = 0;
    config
}

/// `xinyong serve` on the data set, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(dir: &Path) -> Result<Server, Error> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log = std::fs::File::create(dir.join("server.log"))?;
        let child = Command::new(env!("CARGO_BIN_EXE_xinyong"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("XINYONG_DATA_DIR", dir)
            .env("XINYONG_BIND", format!("127.0.0.1:{port}"))
            .env("XINYONG_ADMIN_TOKEN", TOKEN)
            .env("XINYONG_HMAC_KEY", HMAC_KEY)
            .env("XINYONG_ENCRYPTION_KEY", ENCRYPTION_KEY)
            .env("XINYONG_SIGNING_KEY", SIGNING_KEY)
            .env("XINYONG_RATE_LIMIT", "0")
            .env("XINYONG_MAX_CONCURRENT_REQUESTS", "1024")
            .env("XINYONG_LOG_FORMAT", "json")
            .stdout(log.try_clone()?)
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()?;
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            let ready = http.get(format!("{}/readyz", server.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return Ok(server);
            }
            if started.elapsed() > Duration::from_secs(120) {
                return Err(format!(
                    "the server did not become ready; see {}",
                    dir.join("server.log").display()
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn rss(&self) -> (f64, f64, f64) {
        rss_mb(self.child.id())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let sizes: Vec<u64> = std::env::var("BENCH_SUBJECTS")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .map(|n| n.trim().parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("BENCH_SUBJECTS: a comma-separated list of sizes: {e}"))?;
    let seconds = env_number("BENCH_SECONDS", 10);
    let records = env_number("BENCH_RECORDS", 20_000);
    let mut runs: Vec<Vec<Row>> = Vec::new();
    for &n in &sizes {
        println!("--- {n} subjects");
        runs.push(run(n, seconds, records).await?);
    }
    // One row per measure, one column per size.
    let heading: Vec<String> = sizes.iter().map(|n| format!("{n} subjects")).collect();
    println!(
        "\n| measure | {} | goal |\n|{}",
        heading.join(" | "),
        " --- |".repeat(sizes.len() + 2)
    );
    for (i, row) in runs[0].iter().enumerate() {
        let values: Vec<&str> = runs
            .iter()
            .map(|rows| rows.get(i).map_or("", |r| r.value.as_str()))
            .collect();
        println!(
            "| {} | {} | {} |",
            row.measure,
            values.join(" | "),
            row.goal
        );
    }
    Ok(())
}

/// Every measure on a fresh data set of `n` subjects.
async fn run(n: u64, seconds: u64, records: u64) -> Result<Vec<Row>, Error> {
    let dir = tempfile::tempdir()?;
    let mut rows = Vec::new();

    // The data set, built in this process.
    let state = xinyong::startup::build_state(config(dir.path()), Clock::system()).await?;
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
    println!("reindexed in {reindex:.1?}");
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

    // Queries a citizen would type, from the data: whole names, trade-name fragments, codes;
    // and the subjects a partner screens.
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    let sample = entity::subject::Entity::find()
        .order_by_asc(entity::subject::Column::Id)
        .limit(1000)
        .all(&state.db)
        .await?;
    let queries: Arc<Vec<String>> = Arc::new(
        sample
            .iter()
            .take(600)
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
    let probes: Vec<serde_json::Value> = sample
        .iter()
        .enumerate()
        .map(|(i, s)| match (&s.uscc, i % 2) {
            (Some(code), 0) => json!({"uscc": code}),
            _ => json!({"name": s.name}),
        })
        .collect();

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
    // The server must be the only one with the index open.
    let db_url = state.config.database_url();
    drop(state);

    let server = Server::start(dir.path()).await?;
    let base = server.base.clone();
    let db = sea_orm::Database::connect(db_url).await?;
    wait_for_outbox(&db).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    println!("server ready: {:.0} MB RSS", server.rss().0);

    let load = |duration: Duration| lookups(http.clone(), base.clone(), queries.clone(), duration);
    load(Duration::from_secs(2)).await;
    let samples = load(Duration::from_secs(seconds)).await;
    let (rss, anon, file) = server.rss();
    rows.push(Row {
        measure: "lookup, 16 clients",
        value: format!(
            "{:.0} req/s, p50 {:.1} ms, p99 {:.1} ms",
            samples.len() as f64 / seconds as f64,
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.99))
        ),
        goal: "≥ 2,000 req/s, p99 ≤ 50 ms",
    });
    rows.push(Row {
        measure: "server memory while serving",
        value: format!("{rss:.0} MB RSS ({anon:.0} MB anonymous, {file:.0} MB mapped index files)"),
        goal: "≤ 300 MB at 1M",
    });

    // Commit → searchable under the same load and 50 writes/s.
    let writing = Arc::new(AtomicBool::new(true));
    let writer = tokio::spawn(writes(http.clone(), base.clone(), writing.clone()));
    let under_load = load(Duration::from_secs(seconds)).await;
    writing.store(false, Ordering::Relaxed);
    let (lags, sent, failed) = writer.await?;
    rows.push(Row {
        measure: "commit → searchable, under load",
        value: format!(
            "p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms ({} writes, {:.0}/s, {failed} failed; lookups {:.0} req/s)",
            ms(percentile(&lags, 0.5)),
            ms(percentile(&lags, 0.99)),
            ms(lags.last().copied().unwrap_or_default()),
            lags.len(),
            sent as f64 / seconds as f64,
            under_load.len() as f64 / seconds as f64
        ),
        goal: "p99 ≤ 1 s with 50 writes/s",
    });

    // Screening through the API, 1,000 subjects a batch.
    let key = partner_key(&http, &base, &["screen", "changes:read"]).await?;
    let batch = json!({
        "purpose": "规模测量",
        "subjects": probes.iter().cycle().take(1000).collect::<Vec<_>>(),
    });
    let screen = || async {
        let resp = http
            .post(format!("{base}/api/v1/partner/screenings"))
            .bearer_auth(&key)
            .json(&batch)
            .send()
            .await?;
        if !resp.status().is_success() {
            return Err::<(), Error>(format!("screening answered {}", resp.status()).into());
        }
        resp.bytes().await?;
        Ok(())
    };
    let t = Instant::now();
    screen().await?;
    let first = t.elapsed();
    let t = Instant::now();
    let mut screened = 0usize;
    while t.elapsed() < Duration::from_secs(seconds.min(5)) {
        screen().await?;
        screened += 1000;
    }
    let rate = screened as f64 / t.elapsed().as_secs_f64();
    // One entry published (the feed moves), then the next answer.
    publish_one(&http, &base).await?;
    let t = Instant::now();
    screen().await?;
    let after_change = t.elapsed();
    rows.push(Row {
        measure: "screening, API",
        value: format!(
            "{rate:.0} subjects/s (first batch {:.1} s with the index build; first after a change {:.0} ms)",
            first.as_secs_f64(),
            ms(after_change)
        ),
        goal: "≥ 10,000 subjects/s, incremental index",
    });
    let (rss, _, _) = server.rss();
    rows.push(Row {
        measure: "server memory with the screening index",
        value: format!("{rss:.0} MB RSS"),
        goal: "",
    });

    // The snapshot, streamed to a partner: how much the server's memory grows while it is read.
    let before = server.rss().0;
    let peak = Arc::new(std::sync::Mutex::new(before));
    let sampling = Arc::new(AtomicBool::new(true));
    let pid = server.child.id();
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                let now = rss_mb(pid).0;
                if let Ok(mut p) = peak.lock() {
                    *p = p.max(now);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
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
            "{:.1} MB in {:.1} s, server RSS +{:.0} MB",
            bytes as f64 / 1e6,
            t.elapsed().as_secs_f64(),
            peak - before
        ),
        goal: "streamed in constant memory",
    });
    drop(server);
    Ok(rows)
}

/// Waits until the server's indexer has taken every queued change (the import's).
async fn wait_for_outbox(db: &sea_orm::DatabaseConnection) -> Result<(), Error> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let started = Instant::now();
    while entity::outbox::Entity::find().count(db).await? > 0 {
        if started.elapsed() > Duration::from_secs(600) {
            return Err("the outbox did not drain in 10 minutes".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// 16 clients, rotating queries, for `duration`: the latencies of the answered requests.
async fn lookups(
    http: reqwest::Client,
    base: String,
    queries: Arc<Vec<String>>,
    duration: Duration,
) -> Vec<Duration> {
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
                let ok = match http.get(format!("{base}/api/v1/lookup?q={q}")).send().await {
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

/// Office writes at 50 a second (each on its own task, so a slow one does not hold back the
/// next) until `writing` is cleared: the time from each write's start until the lookup finds
/// it, the writes sent, and the writes that failed.
async fn writes(
    http: reqwest::Client,
    base: String,
    writing: Arc<AtomicBool>,
) -> (Vec<Duration>, u64, u64) {
    let mut tasks = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut i = 0u64;
    while writing.load(Ordering::Relaxed) {
        tick.tick().await;
        let Ok(uscc) = support::uscc("WR", i) else {
            break;
        };
        i += 1;
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let body = json!({"kind": "legal_person", "name": format!("汉中市规模测量第{i}有限公司"), "uscc": uscc});
            let created = http
                .post(format!("{base}/api/v1/office/subjects"))
                .bearer_auth(TOKEN)
                .json(&body)
                .send()
                .await;
            if !created.is_ok_and(|r| r.status().is_success()) {
                return None;
            }
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
    }
    let mut lags = Vec::new();
    let mut failed = 0;
    for t in tasks {
        match t.await {
            Ok(Some(d)) => lags.push(d),
            _ => failed += 1,
        }
    }
    lags.sort();
    (lags, i, failed)
}

/// A partner key of the import's agency with `scopes`.
async fn partner_key(http: &reqwest::Client, base: &str, scopes: &[&str]) -> Result<String, Error> {
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
        .json(&json!({"name": "规模测量", "scopes": scopes, "rate_limit_per_minute": 100000}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(key["key"].as_str().ok_or("no key")?.to_owned())
}

/// Publishes one black-list entry through the partner batch API of the (trusted) tax agency,
/// so that the change feed moves.
async fn publish_one(http: &reqwest::Client, base: &str) -> Result<(), Error> {
    let key = partner_key(http, base, &["entries:submit"]).await?;
    let uscc = support::uscc("PB", 1)?;
    let body = json!({"records": [{
        "subject": {"kind": "legal_person", "name": "汉中市规模测量变更有限公司", "uscc": uscc},
        "entry": {
            "list": "black", "list_name": "重大税收违法失信主体", "severity": "serious",
            "reason": "虚开增值税专用发票",
            "legal_basis": "《重大税收违法失信主体信息公布管理办法》第六条",
            "authority_name": "国家税务总局汉中市税务局",
            "document_number": "汉税稽罚〔2026〕规模1号",
            "decision_date": "2026-05-01"
        }
    }]});
    let resp = http
        .post(format!("{base}/api/v1/partner/batches"))
        .bearer_auth(&key)
        .json(&body)
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(format!(
            "the batch answered {}: {}",
            resp.status(),
            resp.text().await?
        )
        .into());
    }
    Ok(())
}
