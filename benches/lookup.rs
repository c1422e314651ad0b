//! Lookup at scale: seeds `BENCH_SUBJECTS` synthetic subjects (default 100,000) into a fresh
//! SQLite database (or `BENCH_DATABASE_URL`), then measures
//! - the seed and the reindex (`xinyong reindex`'s code path),
//! - lookup latency directly on the engine and through the HTTP API (p50/p99),
//! - commit-to-searchable lag: office write → indexer worker → found by the public lookup.
//!
//! With `MEILI_URL` (and `MEILI_API_KEY`) set, the engine is that Meilisearch server, and the
//! bench also times Meilisearch's own indexing of the same documents: it reads back every document
//! of each rebuilt index with the index's settings, sends them to a scratch index as one NDJSON
//! upload per 25,000 documents, and waits for the last task — the floor `reindex` is compared with.
//!
//! Run: `cargo bench --bench lookup` (add `BENCH_SUBJECTS=10000` for a quick run).

use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder, QuerySelect};
use search::{Filter, Query, SubjectDoc};
use std::time::{Duration, Instant};
use xinyong::clock::Clock;
use xinyong::config::Config;
use xinyong::crypto::Secret;
use xinyong::startup::Application;

const TOKEN: &str = "bench-admin-token-0123456789";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len().max(1) as u32;
    println!(
        "{name:<34} n={:<5} p50={:>8.2?} p99={:>8.2?} max={:>8.2?} mean={:>8.2?}",
        samples.len(),
        percentile(&samples, 0.50),
        percentile(&samples, 0.99),
        samples.last().copied().unwrap_or_default(),
        mean
    );
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::var("BENCH_SUBJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let mut config = Config::with_data_dir(dir.path());
    config.bind = "127.0.0.1:0".parse()?;
    config.admin_token = Some(Secret::new(TOKEN));
    config.hmac_key = Some(Secret::new("11".repeat(32)));
    config.signing_key = Some(Secret::new("33".repeat(32)));
    config.encryption_key = Some(Secret::new("22".repeat(32)));
    config.rate_limit_per_minute = 0;
    config.database_url = std::env::var("BENCH_DATABASE_URL").ok();
    config.meili_url = std::env::var("MEILI_URL").ok().filter(|u| !u.is_empty());
    config.meili_api_key = std::env::var("MEILI_API_KEY").ok().map(Secret::new);
    config.meili_index_prefix = format!("bench{}_", std::process::id());
    let app = Application::build(config, Clock::system()).await?;
    let state = app.state().clone();
    println!(
        "engine: {}, database: {}",
        state.search.kind(),
        if state.config.is_postgres() {
            "postgres"
        } else {
            "sqlite"
        }
    );

    let t = Instant::now();
    let seeded = xinyong::seed::synthetic(&state, n, &|_| {})
        .await
        .map_err(|e| e.to_string())?;
    let seed_time = t.elapsed();
    println!(
        "seed --synthetic {n}: {} subjects, {} entries in {seed_time:.2?}",
        seeded.subjects, seeded.entries
    );

    let t = Instant::now();
    let indexed = xinyong::workers::reindex::reindex(&state, &|_, _, _| {}).await?;
    let reindex_time = t.elapsed();
    println!(
        "reindex: {} subject, {} entry, {} notice documents in {reindex_time:.2?} ({:.0} subjects/s)",
        indexed.subjects,
        indexed.entries,
        indexed.notices,
        indexed.subjects as f64 / reindex_time.as_secs_f64()
    );

    let raw_time = match &state.config.meili_url {
        Some(url) => {
            let key = std::env::var("MEILI_API_KEY").ok();
            Some(meili_own_time(url, key.as_deref(), &state.config.meili_index_prefix).await?)
        }
        None => None,
    };
    if let Some(raw) = raw_time {
        println!(
            "Meilisearch's own indexing of the same documents: {raw:.2?} (reindex / own = {:.2})",
            reindex_time.as_secs_f64() / raw.as_secs_f64()
        );
    }

    // Queries a citizen would type: full names, trade-name fragments, codes.
    let total = entity::subject::Entity::find().count(&state.db).await?;
    let step = (total / 200).max(1);
    let mut queries = Vec::new();
    for i in 0..200u64 {
        let Some(s) = entity::subject::Entity::find()
            .order_by_asc(entity::subject::Column::Id)
            .offset(i * step)
            .limit(1)
            .one(&state.db)
            .await?
        else {
            break;
        };
        let chars: Vec<char> = s.name.chars().collect();
        match i % 3 {
            0 => queries.push(s.name.clone()),
            1 => queries.push(chars.iter().skip(3.min(chars.len())).take(2).collect()),
            _ => queries.push(s.uscc.clone().unwrap_or_else(|| s.name.clone())),
        }
    }
    let kinds = ["legal_person", "other_organisation", "individual_business"];
    let engine_query = |q: &str| Query {
        q: q.to_owned(),
        filters: vec![Filter::any("kind", kinds.iter().map(|k| (*k).to_owned()))],
        facets: [
            "lists",
            "list_names",
            "region_code",
            "authorities",
            "kind",
            "years",
        ]
        .map(String::from)
        .to_vec(),
        highlight: true,
        ..Query::default()
    };
    // Warm up both paths.
    for q in queries.iter().take(20) {
        state.search.search::<SubjectDoc>(&engine_query(q)).await?;
    }
    let mut engine = Vec::new();
    for _ in 0..5 {
        for q in &queries {
            let t = Instant::now();
            state.search.search::<SubjectDoc>(&engine_query(q)).await?;
            engine.push(t.elapsed());
        }
    }

    let addr = app.local_addr()?;
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let http = reqwest::Client::new();
    for q in queries.iter().take(20) {
        http.get(format!("http://{addr}/api/v1/lookup?q={}", enc(q)))
            .send()
            .await?
            .error_for_status()?;
    }
    let mut api = Vec::new();
    for _ in 0..5 {
        for q in &queries {
            let t = Instant::now();
            let resp = http
                .get(format!("http://{addr}/api/v1/lookup?q={}", enc(q)))
                .send()
                .await?
                .error_for_status()?;
            resp.bytes().await?;
            api.push(t.elapsed());
        }
    }

    // Commit-to-searchable: a new subject through the office API, polled by code until found.
    let mut lag = Vec::new();
    for i in 0..30u32 {
        let region = xinyong::domain::RegionCode::parse("610702")?;
        let body = format!("{:08}", 90_000_000 + i).replace('9', "Q");
        let code = xinyong::domain::Uscc::from_parts('9', '1', &region, &body)
            .map_err(|e| e.to_string())?;
        let t = Instant::now();
        http.post(format!("http://{addr}/api/v1/office/subjects"))
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({"kind": "legal_person", "name": format!("汉中市滞后测量第{i}有限公司"), "uscc": code.as_str()}))
            .send()
            .await?
            .error_for_status()?;
        loop {
            let found: serde_json::Value = http
                .get(format!("http://{addr}/api/v1/lookup?q={}", code.as_str()))
                .send()
                .await?
                .json()
                .await?;
            if found["total"] == 1 {
                break;
            }
            if t.elapsed() > Duration::from_secs(10) {
                return Err("not searchable after 10 s".into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        lag.push(t.elapsed());
    }

    println!();
    report("lookup, engine directly", engine);
    report("lookup, HTTP API", api);
    report("commit-to-searchable lag", lag);
    println!("seed {seed_time:.2?}, reindex {reindex_time:.2?}");
    if let Some(raw) = raw_time {
        println!("Meilisearch's own time for the same documents {raw:.2?}");
    }
    Ok(())
}

/// Meilisearch's own time to index the documents of every index under `prefix`: read back (not
/// timed) with their settings, then sent to scratch indexes in 25,000-document NDJSON uploads,
/// timed until the last task has succeeded. The scratch indexes are deleted afterwards.
async fn meili_own_time(
    url: &str,
    key: Option<&str>,
    prefix: &str,
) -> Result<Duration, Box<dyn std::error::Error>> {
    use serde_json::Value;
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str| {
        let req = http.request(method, format!("{url}{path}"));
        match key {
            Some(k) => req.bearer_auth(k),
            None => req,
        }
    };
    let wait = |uid: u64| {
        let call = &call;
        async move {
            loop {
                let task: Value = call(reqwest::Method::GET, &format!("/tasks/{uid}"))
                    .send()
                    .await?
                    .json()
                    .await?;
                match task["status"].as_str() {
                    Some("succeeded") => return Ok::<_, Box<dyn std::error::Error>>(()),
                    Some("failed") | Some("canceled") => {
                        return Err(format!("task {uid}: {task}").into());
                    }
                    _ => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }
    };
    let indexes: Value = call(reqwest::Method::GET, "/indexes?limit=1000")
        .send()
        .await?
        .json()
        .await?;
    let uids: Vec<String> = indexes["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["uid"].as_str())
        .filter(|u| u.starts_with(prefix) && !u.contains("_rebuild_"))
        .map(str::to_owned)
        .collect();
    let mut batches = Vec::new();
    for uid in &uids {
        let settings: Value = call(reqwest::Method::GET, &format!("/indexes/{uid}/settings"))
            .send()
            .await?
            .json()
            .await?;
        let scratch = format!("{uid}_raw");
        let created: Value = call(reqwest::Method::POST, "/indexes")
            .json(&serde_json::json!({"uid": scratch, "primaryKey": "id"}))
            .send()
            .await?
            .json()
            .await?;
        wait(created["taskUid"].as_u64().unwrap_or_default()).await?;
        let applied: Value = call(
            reqwest::Method::PATCH,
            &format!("/indexes/{scratch}/settings"),
        )
        .json(&settings)
        .send()
        .await?
        .json()
        .await?;
        wait(applied["taskUid"].as_u64().unwrap_or_default()).await?;
        let mut offset = 0;
        loop {
            let page: Value = call(
                reqwest::Method::POST,
                &format!("/indexes/{uid}/documents/fetch"),
            )
            .json(&serde_json::json!({"offset": offset, "limit": 25_000}))
            .send()
            .await?
            .json()
            .await?;
            let docs = page["results"].as_array().cloned().unwrap_or_default();
            if docs.is_empty() {
                break;
            }
            offset += docs.len();
            let mut ndjson = Vec::new();
            for d in &docs {
                serde_json::to_writer(&mut ndjson, d)?;
                ndjson.push(b'\n');
            }
            batches.push((scratch.clone(), ndjson));
        }
    }
    let t = Instant::now();
    let mut last = Vec::new();
    for (scratch, ndjson) in batches {
        let task: Value = call(
            reqwest::Method::POST,
            &format!("/indexes/{scratch}/documents?primaryKey=id"),
        )
        .header("content-type", "application/x-ndjson")
        .body(ndjson)
        .send()
        .await?
        .json()
        .await?;
        last.push(task["taskUid"].as_u64().unwrap_or_default());
    }
    for uid in last {
        wait(uid).await?;
    }
    let own = t.elapsed();
    for uid in &uids {
        call(reqwest::Method::DELETE, &format!("/indexes/{uid}_raw"))
            .send()
            .await?;
    }
    Ok(own)
}
