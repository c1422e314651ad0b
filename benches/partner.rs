//! Partner throughput:
//! - file import: `BENCH_RECORDS` generated rows (default 100,000) written to a CSV file with the
//!   Chinese headings, then imported through `xinyong import`'s code path (read, check, intake)
//!   into a fresh SQLite database, and into PostgreSQL when `BENCH_DATABASE_URL` names an empty
//!   database. Reported in records/s, with a re-import of the same file (every row unchanged).
//! - batch screening: `BENCH_SUBJECTS` synthetic subjects (default 100,000) in a fresh SQLite
//!   database, screened in batches of 1,000 (a third listed codes, a third listed names written
//!   with another legal form, a third clean names); the index build, then subjects/s on the
//!   service and through the HTTP API.
//!
//! Run: `cargo bench --bench partner` (add `BENCH_RECORDS=10000 BENCH_SUBJECTS=10000` for a quick
//! run).

use entity::{EntryStatus, list_entry, subject};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use std::time::Instant;
use xinyong::clock::Clock;
use xinyong::config::Config;
use xinyong::crypto::Secret;
use xinyong::services::screening::{DEFAULT_THRESHOLD, Probe};
use xinyong::startup::Application;

mod support;
use support::AGENCY_USCC;

const TOKEN: &str = "bench-admin-token-0123456789";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn app(
    dir: &std::path::Path,
    database_url: Option<String>,
) -> Result<Application, Box<dyn std::error::Error>> {
    let mut config = Config::with_data_dir(dir);
    config.bind = "127.0.0.1:0".parse()?;
    config.admin_token = Some(Secret::new(TOKEN));
    config.hmac_key = Some(Secret::new("11".repeat(32)));
    config.signing_key = Some(Secret::new("33".repeat(32)));
    config.encryption_key = Some(Secret::new("22".repeat(32)));
    config.rate_limit_per_minute = 0;
    config.database_url = database_url;
    Ok(Application::build(config, Clock::system()).await?)
}

async fn import_bench(
    label: &str,
    database_url: Option<String>,
    csv: &std::path::Path,
    records: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let app = app(dir.path(), database_url).await?;
    let state = app.state().clone();
    support::create_tax_agency(&state).await?;
    // The share of reading and checking alone, without the database.
    let agency = entity::agency::Entity::find()
        .one(&state.db)
        .await?
        .ok_or("no agency")?;
    let t = Instant::now();
    let table = xinyong::import::read_table(csv)?;
    let columns = xinyong::import::Columns::new(&table.headings)?;
    let today = state.clock.today();
    let passed = table
        .rows
        .iter()
        .filter_map(|row| columns.record(row).ok())
        .filter(|value| {
            xinyong::services::intake::parse_record(value.clone(), &agency, today).is_ok()
        })
        .count();
    let seconds = t.elapsed().as_secs_f64();
    println!(
        "import {label:<10} {:<16} {passed} rows in {seconds:>6.2}s = {:>8.0} records/s (no database)",
        "read and check",
        records as f64 / seconds
    );
    let rejected = dir.path().join("rejected.csv");
    for pass in ["first import", "same file again"] {
        let t = Instant::now();
        let report = xinyong::import::run(&state, csv, AGENCY_USCC, &rejected, &|_, _| {}).await?;
        let seconds = t.elapsed().as_secs_f64();
        println!(
            "import {label:<10} {pass:<16} {records} rows in {seconds:>6.2}s = {:>8.0} records/s \
             (accepted {}, unchanged {}, rejected {})",
            records as f64 / seconds,
            report.accepted,
            report.unchanged,
            report.rejected
        );
    }
    Ok(())
}

async fn screening_bench(subjects: u64) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let app = app(dir.path(), None).await?;
    let addr = app.local_addr()?;
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let t = Instant::now();
    let seeded = xinyong::seed::synthetic(&state, subjects, &|_| {}).await?;
    println!(
        "screening: seeded {} subjects, {} entries in {:.1}s",
        seeded.subjects,
        seeded.entries,
        t.elapsed().as_secs_f64()
    );

    // Probes: listed codes, listed names with another legal form, clean names.
    let listed: Vec<(String, Option<String>)> = list_entry::Entity::find()
        .filter(list_entry::Column::Status.eq(EntryStatus::Published))
        .find_also_related(subject::Entity)
        .limit(5000)
        .all(&state.db)
        .await?
        .into_iter()
        .filter_map(|(_, s)| s)
        .filter(|s| s.uscc.is_some() && s.name.ends_with("有限公司"))
        .map(|s| (s.name, s.uscc))
        .collect();
    let batch: Vec<(Option<String>, Option<String>)> = (0..1000)
        .map(|i| {
            let (name, code) = &listed[i % listed.len()];
            match i % 3 {
                0 => (code.clone(), None),
                1 => (None, Some(name.replace("有限公司", "有限责任公司"))),
                _ => (None, Some(format!("汉中市清白核查第{i}号商贸有限公司"))),
            }
        })
        .collect();

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
    println!(
        "screening: index of {} listed subjects built in {:.2}s",
        index.listed_subjects(),
        t.elapsed().as_secs_f64()
    );

    let rounds = 20;
    let t = Instant::now();
    let mut found = 0;
    for _ in 0..rounds {
        for (uscc, name) in &batch {
            let probe = Probe {
                uscc: uscc.clone(),
                name: name.clone(),
                id_number: None,
            };
            let matches = index
                .screen(probe, DEFAULT_THRESHOLD, false, &state.keys)
                .map_err(|e| e.message)?
                .matches;
            found += usize::from(!matches.is_empty());
        }
    }
    let seconds = t.elapsed().as_secs_f64();
    println!(
        "screening service: {} subjects in {seconds:.2}s = {:>8.0} subjects/s ({} of {} per batch matched)",
        rounds * batch.len(),
        (rounds * batch.len()) as f64 / seconds,
        found / rounds,
        batch.len()
    );

    // Through the API, with a real key over a real socket.
    let http = reqwest::Client::new();
    let base = format!("http://{addr}");
    let agency: serde_json::Value = http
        .post(format!("{base}/api/v1/office/agencies"))
        .bearer_auth(TOKEN)
        .json(&json!({"name": "汉中市财政局", "uscc": AGENCY_USCC}))
        .send()
        .await?
        .json()
        .await?;
    let key: serde_json::Value = http
        .post(format!(
            "{base}/api/v1/office/agencies/{}/keys",
            agency["id"].as_str().unwrap_or_default()
        ))
        .bearer_auth(TOKEN)
        .json(&json!({"name": "bench", "scopes": ["screen"], "rate_limit_per_minute": 100000}))
        .send()
        .await?
        .json()
        .await?;
    let key = key["key"].as_str().unwrap_or_default().to_owned();
    let body = json!({
        "purpose": "benchmark",
        "subjects": batch.iter().map(|(uscc, name)| json!({"uscc": uscc, "name": name})).collect::<Vec<_>>(),
    });
    let mut latencies = Vec::new();
    let t = Instant::now();
    for _ in 0..rounds {
        let one = Instant::now();
        let resp = http
            .post(format!("{base}/api/v1/partner/screenings"))
            .bearer_auth(&key)
            .json(&body)
            .send()
            .await?;
        if !resp.status().is_success() {
            return Err(format!("screening answered {}", resp.status()).into());
        }
        resp.bytes().await?;
        latencies.push(one.elapsed());
    }
    let seconds = t.elapsed().as_secs_f64();
    latencies.sort();
    println!(
        "screening API: {rounds} batches of {} in {seconds:.2}s = {:>8.0} subjects/s (batch p50 {:.0?}, max {:.0?})",
        batch.len(),
        (rounds * batch.len()) as f64 / seconds,
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1]
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let records = env_number("BENCH_RECORDS", 100_000);
    let subjects = env_number("BENCH_SUBJECTS", 100_000) as u64;
    let files = tempfile::tempdir()?;
    let csv = files.path().join("records.csv");
    support::write_import_csv(&csv, records as u64, "MC")?;
    import_bench("sqlite", None, &csv, records).await?;
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) => import_bench("postgres", Some(url), &csv, records).await?,
        Err(_) => {
            println!("import postgres: skipped (set BENCH_DATABASE_URL to an empty database)")
        }
    }
    screening_bench(subjects).await
}
