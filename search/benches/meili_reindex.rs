//! Rebuild throughput into Meilisearch: our engine against Meilisearch's own indexing time.
//!
//! Builds `BENCH_DOCS` synthetic subject documents (default 100,000), then against `MEILI_URL`
//! (`MEILI_API_KEY` optional) times
//! 1. our engine's full rebuild: `Engine::rebuild`, `Rebuild::add` in chunks of `BENCH_CHUNK`
//!    documents (default 1000, the chunk `xinyong reindex` reads from the database), `finish`;
//! 2. Meilisearch alone on the same documents: the same JSON and settings, sent straight to a
//!    scratch index in batches of `BENCH_RAW_BATCH` documents (default 25,000: Meilisearch
//!    refuses payloads over 100 MB), all enqueued, then waited for. Reported as wall-clock and
//!    as Meilisearch's processing time (first task started to last task finished).
//!
//! Run: `./scripts/with-meilisearch cargo bench -p search --bench meili_reindex`
//! (add `BENCH_DOCS=10000` for a quick run). Without `MEILI_URL` it prints why and exits.

use std::time::{Duration, Instant};

use meilisearch_sdk::client::Client;
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use search::meili::{meili_settings, to_meili_json};
use search::{Document, Engine, EntryDoc, NoticeDoc, SubjectDoc};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift64*), so that every run indexes the same names.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const REGIONS: &[(&str, &str)] = &[
    ("610702", "汉中市"),
    ("610703", "汉中市南郑区"),
    ("610722", "城固县"),
    ("610723", "洋县"),
    ("610724", "西乡县"),
    ("610725", "勉县"),
    ("610726", "宁强县"),
    ("610728", "镇巴县"),
];
const TRADE: &[&str] = &[
    "天", "汉", "宏", "达", "秦", "岭", "江", "源", "定", "军", "朱", "鹮", "龙", "岗", "褒", "河",
    "石", "门", "南", "湖", "金", "鑫", "华", "瑞", "德", "盛", "兴", "隆", "恒", "泰", "嘉", "丰",
    "永", "安", "博", "远", "新", "锦", "润", "韵",
];
const BUSINESS: &[&str] = &[
    "建设工程",
    "商贸",
    "茶业",
    "水务",
    "果业",
    "物流",
    "餐饮",
    "医药",
    "文化传媒",
    "农业科技",
    "建材",
    "汽车服务",
    "电子科技",
    "劳务",
    "房地产开发",
];
const FORMS: &[&str] = &[
    "有限公司",
    "有限责任公司",
    "股份有限公司",
    "专业合作社",
    "经营部",
];
const LISTS: &[(&str, &str, &str)] = &[
    ("black", "失信被执行人", "汉中市中级人民法院"),
    ("black", "重大税收违法失信主体", "国家税务总局汉中市税务局"),
    ("red", "A级纳税人", "国家税务总局汉中市税务局"),
    ("red", "守信激励对象", "汉中市发展和改革委员会"),
    (
        "key_attention",
        "安全生产失信联合惩戒对象",
        "汉中市应急管理局",
    ),
];
const USCC_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn documents(n: usize) -> Vec<SubjectDoc> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|i| {
            let (region_code, region) = REGIONS[(rng.next() % REGIONS.len() as u64) as usize];
            let name = format!(
                "{region}{}{}{}{}",
                rng.pick(TRADE),
                rng.pick(TRADE),
                rng.pick(BUSINESS),
                rng.pick(FORMS)
            );
            let uscc: String = (0..18)
                .map(|_| USCC_CHARS[(rng.next() % USCC_CHARS.len() as u64) as usize] as char)
                .collect();
            let mut doc = SubjectDoc {
                id: format!("00000000-0000-4000-8000-{i:012}"),
                kind: "legal_person".into(),
                display_name: name.clone(),
                name: Some(name),
                uscc: Some(uscc),
                id_number_masked: None,
                person_key: None,
                region_code: region_code.into(),
                region_name: Some(region.into()),
                lists: Vec::new(),
                list_names: Vec::new(),
                authorities: Vec::new(),
                years: Vec::new(),
                red_count: 0,
                black_count: 0,
                key_attention_count: 0,
                notice_count: (rng.next() % 3) as u32,
                under_objection: rng.next().is_multiple_of(50),
                updated_at: 1_700_000_000 + (rng.next() % 40_000_000) as i64,
            };
            for _ in 0..rng.next() % 3 {
                let (list, list_name, authority) =
                    LISTS[(rng.next() % LISTS.len() as u64) as usize];
                if !doc.lists.iter().any(|l| l == list) {
                    doc.lists.push(list.into());
                }
                doc.list_names.push(list_name.into());
                doc.authorities.push(authority.into());
                let year = 2019 + (rng.next() % 7) as i64;
                if !doc.years.contains(&year) {
                    doc.years.push(year);
                }
                match list {
                    "red" => doc.red_count += 1,
                    "black" => doc.black_count += 1,
                    _ => doc.key_attention_count += 1,
                }
            }
            doc
        })
        .collect()
}

async fn wait(client: &Client, task: &TaskInfo) -> Result<Task, BoxError> {
    let task = client
        .wait_for_task(
            task,
            Some(Duration::from_millis(50)),
            Some(Duration::from_secs(3600)),
        )
        .await?;
    match task {
        Task::Succeeded { .. } => Ok(task),
        other => Err(format!("task did not succeed: {other:?}").into()),
    }
}

/// Meilisearch on its own: the documents as our engine sends them, into a scratch index with
/// the same settings. Returns (wall-clock from the first request, Meilisearch's processing time).
async fn raw(
    client: &Client,
    uid: &str,
    docs: &[SubjectDoc],
    batch: usize,
) -> Result<(Duration, Duration), BoxError> {
    let settings = SubjectDoc::settings();
    wait(client, &client.create_index(uid, Some("id")).await?).await?;
    let index = client.index(uid);
    wait(
        client,
        &index.set_settings(&meili_settings(&settings)).await?,
    )
    .await?;
    let json = docs
        .iter()
        .map(|doc| to_meili_json(doc, &settings))
        .collect::<Result<Vec<_>, _>>()?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for chunk in json.chunks(batch.max(1)) {
        tasks.push(index.add_or_replace(chunk, Some("id")).await?);
    }
    let mut first_started = None;
    let mut last_finished = None;
    for task in &tasks {
        if let Task::Succeeded { content } = wait(client, task).await? {
            first_started = first_started.or(Some(content.started_at));
            last_finished = Some(content.finished_at);
        }
    }
    let wall = started.elapsed();
    let processing = match (first_started, last_finished) {
        (Some(from), Some(to)) => (to - from).try_into().unwrap_or_default(),
        _ => Duration::ZERO,
    };
    let stats = index.get_stats().await?;
    if stats.number_of_documents != docs.len() {
        return Err(format!(
            "scratch index holds {} documents, expected {}",
            stats.number_of_documents,
            docs.len()
        )
        .into());
    }
    Ok((wall, processing))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let Some(url) = std::env::var("MEILI_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    else {
        eprintln!("meili_reindex: MEILI_URL is not set (run it under scripts/with-meilisearch)");
        return Ok(());
    };
    let key = std::env::var("MEILI_API_KEY")
        .ok()
        .filter(|k| !k.is_empty());
    let n = env_usize("BENCH_DOCS", 100_000);
    let chunk = env_usize("BENCH_CHUNK", 1000).max(1);
    let batch = env_usize("BENCH_RAW_BATCH", 25_000).max(1);

    let started = Instant::now();
    let docs = documents(n);
    let bytes: usize = docs
        .iter()
        .map(|d| to_meili_json(d, &SubjectDoc::settings()).map(|j| j.to_string().len() + 1))
        .sum::<Result<usize, _>>()?;
    println!(
        "{n} synthetic subjects, {:.1} MB as sent to Meilisearch, built in {:.2?}",
        bytes as f64 / 1e6,
        started.elapsed()
    );

    let prefix = format!("bench_{}_", std::process::id());
    let engine = Engine::connect_meili(&url, key.as_deref(), &prefix).await?;
    let Engine::Meili(meili) = &engine else {
        return Err("not a Meilisearch engine".into());
    };

    // 1. Our engine's rebuild, driven as `xinyong reindex` drives it.
    let started = Instant::now();
    let mut rebuild = engine.rebuild::<SubjectDoc>().await?;
    for part in docs.chunks(chunk) {
        rebuild.add(part).await?;
    }
    rebuild.finish().await?;
    let ours = started.elapsed();
    let count = engine.count::<SubjectDoc>().await?;
    if count != n as u64 {
        return Err(format!("the rebuilt index holds {count} documents, expected {n}").into());
    }
    println!(
        "engine rebuild:      {:>8.2?}  ({chunk} documents per Rebuild::add)",
        ours
    );

    // 2. Meilisearch on its own.
    let client = Client::new(url.trim_end_matches('/'), key.as_deref())?;
    let scratch = format!("{prefix}raw");
    let outcome = raw(&client, &scratch, &docs, batch).await;
    let _ = client.delete_index(&scratch).await;
    meili.delete_index::<SubjectDoc>().await?;
    meili.delete_index::<EntryDoc>().await?;
    meili.delete_index::<NoticeDoc>().await?;
    let (wall, processing) = outcome?;
    println!(
        "Meilisearch alone:   {wall:>8.2?}  wall-clock ({batch} documents per request, all enqueued)"
    );
    println!("  of which indexing: {processing:>8.2?}  (first task started to last task finished)");
    println!(
        "engine / Meilisearch alone: {:.2}x wall-clock, {:.2}x indexing",
        ours.as_secs_f64() / wall.as_secs_f64(),
        ours.as_secs_f64() / processing.as_secs_f64().max(1e-9)
    );
    Ok(())
}
