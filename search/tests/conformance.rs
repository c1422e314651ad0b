//! The engine conformance suite: every case is written once and run against each engine.
//!
//! `embedded::<case>` always runs, each in a fresh temporary directory. `meilisearch::<case>`
//! runs when `MEILI_URL` was set at build time (see `build.rs`; `MEILI_API_KEY` optional),
//! each with its own index prefix, and deletes its indexes afterwards; otherwise it is
//! reported as ignored.

use std::collections::{BTreeMap, BTreeSet};

use search::{
    Document, Engine, EntryDoc, Error, Filter, NoticeDoc, Query, Results, Sort, SubjectDoc,
};

// ---------------------------------------------------------------------------------------------
// Harness

/// What a case works with: the engine under test, and a way to reopen it.
struct Harness {
    engine: Option<Engine>,
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Embedded(std::sync::Arc<tempfile::TempDir>),
    Meili {
        url: String,
        key: Option<String>,
        prefix: String,
    },
}

impl Harness {
    fn embedded() -> Harness {
        let dir = tempfile::tempdir().expect("temporary directory");
        let engine = Engine::open_embedded(dir.path()).expect("open the embedded engine");
        Harness {
            engine: Some(engine),
            backend: Backend::Embedded(std::sync::Arc::new(dir)),
        }
    }

    async fn meili() -> Harness {
        let url = std::env::var("MEILI_URL").expect("MEILI_URL is set for Meilisearch tests");
        let key = std::env::var("MEILI_API_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        let prefix = format!("test_{}_", uuid::Uuid::new_v4().simple());
        let backend = Backend::Meili { url, key, prefix };
        Harness {
            engine: Some(open(&backend).await),
            backend,
        }
    }

    fn engine(&self) -> &Engine {
        self.engine.as_ref().expect("the engine is open")
    }

    /// Closes the engine and opens it again on the same storage.
    async fn reopen(&mut self) {
        // Drop every handle first: the embedded engine holds the index writer locks.
        self.engine = None;
        self.engine = Some(open(&self.backend).await);
    }
}

impl std::ops::Deref for Harness {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        self.engine()
    }
}

async fn open(backend: &Backend) -> Engine {
    match backend {
        Backend::Embedded(dir) => Engine::open_embedded(dir.path()).expect("open embedded"),
        Backend::Meili { url, key, prefix } => Engine::connect_meili(url, key.as_deref(), prefix)
            .await
            .expect("connect to Meilisearch"),
    }
}

/// Deletes what a Meilisearch case created (the temporary directory cleans itself).
async fn clean_up(backend: Backend) {
    if let Backend::Meili { .. } = backend
        && let Engine::Meili(engine) = open(&backend).await
    {
        for result in [
            engine.delete_index::<SubjectDoc>().await,
            engine.delete_index::<EntryDoc>().await,
            engine.delete_index::<NoticeDoc>().await,
        ] {
            if let Err(err) = result {
                eprintln!("cleaning up Meilisearch test indexes: {err}");
            }
        }
    }
}

type CaseFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

/// Runs a case on a harness, cleans up even when it panics, then reports the panic.
async fn run<F>(harness: Harness, case: F)
where
    F: for<'a> FnOnce(&'a mut Harness) -> CaseFuture<'a> + Send + 'static,
{
    let backend = harness.backend.clone();
    let outcome = tokio::spawn(async move {
        let mut harness = harness;
        case(&mut harness).await;
    })
    .await;
    clean_up(backend).await;
    if let Err(err) = outcome {
        match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(err) => panic!("case did not complete: {err}"),
        }
    }
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::run(super::Harness::embedded(), |h| Box::pin(super::cases::$case(h))).await;
                }
            )*
        }

        mod meilisearch {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(
                    not(meili_tests),
                    ignore = "MEILI_URL is not set: Meilisearch conformance skipped"
                )]
                async fn $case() {
                    super::run(super::Harness::meili().await, |h| Box::pin(super::cases::$case(h))).await;
                }
            )*
        }
    };
}

conformance!(
    a_city_name_finds_the_company,
    a_trade_name_with_a_business_word_finds_the_company,
    fragments_of_a_name_find_it_through_bigrams,
    an_exact_uscc_finds_that_subject_first_in_any_case,
    a_uscc_one_character_off_does_not_match,
    a_latin_name_with_a_typo_is_found,
    the_word_being_typed_matches_as_a_prefix,
    whole_words_rank_above_fragments,
    scattered_characters_do_not_make_a_fragment,
    traditional_and_simplified_characters_find_each_other,
    a_whole_name_ranks_above_names_matching_only_by_fragments,
    an_exact_uscc_ranks_above_everything,
    filters_narrow_the_results,
    a_not_equal_filter_excludes_only_that_value,
    an_empty_in_filter_matches_nothing,
    facet_counts_are_exact_over_the_filtered_set,
    highlights_mark_matches_and_escape_markup,
    pages_are_disjoint_stable_and_complete,
    sorting_orders_by_the_field_then_by_id,
    deleting_removes_a_document_from_search_and_count,
    upserting_is_idempotent_and_updates_fields,
    a_natural_person_is_found_only_by_exact_key,
    entries_are_found_by_name_list_and_document_number,
    notices_are_found_by_title_fragment_and_named_uscc,
    a_finished_rebuild_replaces_the_index_atomically,
    an_aborted_rebuild_leaves_the_live_index_alone,
    reopening_sees_committed_documents,
    invalid_queries_are_rejected,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

const TIANHAN: &str = "s-tianhan";
const HONGDA: &str = "s-hongda";
/// Shares 天 and 汉中 with 天汉 but not the fragment 天汉: the unrelated company most at risk
/// of being returned for 天汉 by an engine that matches characters rather than fragments.
const TIANCHENG: &str = "s-tiancheng";
const DINGJUNSHAN: &str = "s-dingjunshan";
const LATIN: &str = "s-latin";
const ZHUHUAN: &str = "s-zhuhuan";
const MIANPI: &str = "s-mianpi";
const PERSON: &str = "s-person";
const MARKUP: &str = "s-markup";

const TIANHAN_USCC: &str = "91610702MA6YL3K09Y";
const PERSON_KEY: &str = "pk-3f9a1c0e77d2b4a8";

fn company(id: &str, name: &str, uscc: &str) -> SubjectDoc {
    SubjectDoc {
        id: id.into(),
        kind: "legal_person".into(),
        display_name: name.into(),
        name: Some(name.into()),
        uscc: Some(uscc.into()),
        id_number_masked: None,
        person_key: None,
        region_code: "610702".into(),
        region_name: Some("汉台区".into()),
        lists: Vec::new(),
        list_names: Vec::new(),
        authorities: Vec::new(),
        years: Vec::new(),
        red_count: 0,
        black_count: 0,
        key_attention_count: 0,
        notice_count: 0,
        under_objection: false,
        updated_at: 1_700_000_000,
    }
}

fn listed(
    mut doc: SubjectDoc,
    list: &str,
    list_name: &str,
    authority: &str,
    year: i64,
) -> SubjectDoc {
    if !doc.lists.iter().any(|l| l == list) {
        doc.lists.push(list.into());
    }
    doc.list_names.push(list_name.into());
    doc.authorities.push(authority.into());
    if !doc.years.contains(&year) {
        doc.years.push(year);
    }
    match list {
        "red" => doc.red_count += 1,
        "black" => doc.black_count += 1,
        _ => doc.key_attention_count += 1,
    }
    doc
}

fn subjects() -> Vec<SubjectDoc> {
    let tianhan = listed(
        company(TIANHAN, "汉中市天汉建设工程有限公司", TIANHAN_USCC),
        "black",
        "失信被执行人",
        "汉中市中级人民法院",
        2023,
    );
    let hongda = listed(
        company(HONGDA, "汉中市宏达商贸有限公司", "91610702MA6YQ0B31K"),
        "red",
        "A级纳税人",
        "国家税务总局汉中市税务局",
        2024,
    );
    let mut dingjunshan = company(DINGJUNSHAN, "勉县定军山茶业有限公司", "91610725MA6YR8KQ3N");
    dingjunshan.region_code = "610725".into();
    dingjunshan.region_name = Some("勉县".into());
    let dingjunshan = listed(
        listed(
            dingjunshan,
            "black",
            "重大税收违法失信主体",
            "国家税务总局勉县税务局",
            2022,
        ),
        "red",
        "A级纳税人",
        "国家税务总局勉县税务局",
        2024,
    );
    let latin = company(
        LATIN,
        "Hanzhong Tianhan Construction Co., Ltd.",
        "91610702MA6YU6PX1C",
    );
    let mut zhuhuan = company(ZHUHUAN, "洋县朱鹮生态农业专业合作社", "93610723MA6YRB7192");
    zhuhuan.kind = "other_organisation".into();
    zhuhuan.region_code = "610723".into();
    zhuhuan.region_name = Some("洋县".into());
    let zhuhuan = listed(zhuhuan, "red", "守信激励对象", "洋县农业农村局", 2023);
    let mut mianpi = company(MIANPI, "汉台区老王面皮店", "92610702MA6YQ0A20M");
    mianpi.kind = "individual_business".into();
    mianpi.under_objection = true;
    let mianpi = listed(mianpi, "black", "失信被执行人", "汉台区人民法院", 2024);
    let mut person = company(PERSON, "张*", "");
    person.kind = "natural_person".into();
    person.name = None;
    person.uscc = None;
    person.id_number_masked = Some("610702********0018".into());
    person.person_key = Some(PERSON_KEY.into());
    let person = listed(person, "black", "失信被执行人", "汉中市中级人民法院", 2023);
    let tiancheng = company(TIANCHENG, "汉中市天成商贸有限公司", "91610702MA6YT7CH5E");
    vec![
        tianhan,
        hongda,
        dingjunshan,
        latin,
        zhuhuan,
        mianpi,
        person,
        tiancheng,
    ]
}

async fn seed(engine: &Engine) {
    engine.upsert(&subjects()).await.expect("seed subjects");
}

async fn find(engine: &Engine, query: Query) -> Results<SubjectDoc> {
    engine
        .search::<SubjectDoc>(&query)
        .await
        .unwrap_or_else(|err| panic!("search {query:?}: {err}"))
}

async fn ids_for(engine: &Engine, q: &str) -> Vec<String> {
    ids(&find(engine, Query::text(q)).await)
}

fn ids<D: Document>(results: &Results<D>) -> Vec<String> {
    results.hits.iter().map(|h| h.doc.id().to_owned()).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

fn id_set<D: Document>(results: &Results<D>) -> BTreeSet<String> {
    ids(results).into_iter().collect()
}

fn filtered(filters: Vec<Filter>) -> Query {
    Query {
        filters,
        limit: 50,
        ..Query::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Cases

mod cases {
    use super::*;

    pub async fn a_city_name_finds_the_company(h: &mut Harness) {
        seed(h).await;
        let found = ids_for(h, "汉中").await;
        assert!(found.contains(&TIANHAN.to_owned()), "{found:?}");
        assert!(found.contains(&HONGDA.to_owned()), "{found:?}");
        assert!(found.contains(&TIANCHENG.to_owned()), "{found:?}");
        assert!(!found.contains(&DINGJUNSHAN.to_owned()), "{found:?}");
        assert!(!found.contains(&PERSON.to_owned()), "{found:?}");
    }

    pub async fn a_trade_name_with_a_business_word_finds_the_company(h: &mut Harness) {
        seed(h).await;
        assert_eq!(ids_for(h, "天汉建设").await, vec![TIANHAN]);
        assert_eq!(
            ids_for(h, "汉中市天汉建设工程有限公司").await,
            vec![TIANHAN]
        );
    }

    pub async fn fragments_of_a_name_find_it_through_bigrams(h: &mut Harness) {
        seed(h).await;
        assert_eq!(ids_for(h, "天汉").await, vec![TIANHAN], "the trade name");
        assert_eq!(
            ids_for(h, "建设工程").await,
            vec![TIANHAN],
            "a middle fragment"
        );
        assert_eq!(
            ids_for(h, "军山").await,
            vec![DINGJUNSHAN],
            "the end of a word"
        );
        assert_eq!(ids_for(h, "朱鹮生态").await, vec![ZHUHUAN]);
    }

    pub async fn an_exact_uscc_finds_that_subject_first_in_any_case(h: &mut Harness) {
        seed(h).await;
        let upper = ids_for(h, TIANHAN_USCC).await;
        assert_eq!(
            upper.first().map(String::as_str),
            Some(TIANHAN),
            "{upper:?}"
        );
        let lower = ids_for(h, &TIANHAN_USCC.to_lowercase()).await;
        assert_eq!(
            lower.first().map(String::as_str),
            Some(TIANHAN),
            "{lower:?}"
        );
        let padded = ids_for(h, &format!("  {TIANHAN_USCC} ")).await;
        assert_eq!(
            padded.first().map(String::as_str),
            Some(TIANHAN),
            "{padded:?}"
        );
        let filtered = find(h, filtered(vec![Filter::eq("uscc", TIANHAN_USCC)])).await;
        assert_eq!(ids(&filtered), vec![TIANHAN]);
    }

    pub async fn a_uscc_one_character_off_does_not_match(h: &mut Harness) {
        seed(h).await;
        for near in [
            "91610702MA6YL3K09X",
            "91610702MA6YL3K08Y",
            "81610702MA6YL3K09Y",
        ] {
            let found = ids_for(h, near).await;
            assert!(!found.contains(&TIANHAN.to_owned()), "{near}: {found:?}");
        }
    }

    pub async fn a_latin_name_with_a_typo_is_found(h: &mut Harness) {
        seed(h).await;
        assert_eq!(
            ids_for(h, "Hanzhong Tianhan Constuction").await,
            vec![LATIN]
        );
        assert_eq!(
            ids_for(h, "hanzhong tianhan construction").await,
            vec![LATIN]
        );
        assert_eq!(
            ids_for(h, "Hanzhong Tianhan Constr").await,
            vec![LATIN],
            "prefix"
        );
        // Short words get no typo tolerance.
        assert!(ids_for(h, "Hanzhong Tianhan Cp").await.is_empty());
    }

    pub async fn the_word_being_typed_matches_as_a_prefix(h: &mut Harness) {
        seed(h).await;
        let found = ids_for(h, "汉中市天").await;
        assert!(found.contains(&TIANHAN.to_owned()), "{found:?}");
        assert!(!found.contains(&HONGDA.to_owned()), "{found:?}");
        assert_eq!(ids_for(h, "汉中市宏").await, vec![HONGDA]);
        assert_eq!(ids_for(h, "Hanzho").await, vec![LATIN]);
    }

    pub async fn whole_words_rank_above_fragments(h: &mut Harness) {
        seed(h).await;
        // 天汉 is a word of the first name but only a fragment (明天|汉堡) of the second.
        h.upsert(&[company(
            "s-hamburger",
            "汉中市明天汉堡餐饮店",
            "92610702MA6YH0B01G",
        )])
        .await
        .expect("upsert");
        assert_eq!(ids_for(h, "天汉").await, vec![TIANHAN, "s-hamburger"]);
        assert_eq!(ids_for(h, "汉堡").await, vec!["s-hamburger"]);
    }

    pub async fn scattered_characters_do_not_make_a_fragment(h: &mut Harness) {
        seed(h).await;
        // 汉韵 is not a dictionary word: a segmenter that cuts it into 汉 + 韵 would also
        // match the second name, which holds both characters apart (汉台区, 韵达).
        h.upsert(&[
            company(
                "s-hanyun",
                "汉中市汉韵文化传媒有限公司",
                "91610702MA6YH4Y21P",
            ),
            company("s-yunda", "汉台区韵达快递服务部", "92610702MA6YD8K30Q"),
        ])
        .await
        .expect("upsert");
        assert_eq!(ids_for(h, "汉韵").await, vec!["s-hanyun"]);
        assert_eq!(ids_for(h, "韵达").await, vec!["s-yunda"]);
    }

    pub async fn traditional_and_simplified_characters_find_each_other(h: &mut Harness) {
        seed(h).await;
        // Stored in traditional characters.
        const LONGGANG: &str = "s-longgang";
        let stored = "漢中市龍崗建設工程有限公司";
        h.upsert(&[company(LONGGANG, stored, "91610702MA6YLG0T1D")])
            .await
            .expect("upsert");
        // Simplified queries find the traditional name...
        assert_eq!(ids_for(h, "龙岗建设").await, vec![LONGGANG]);
        assert_eq!(ids_for(h, "龙岗").await, vec![LONGGANG]);
        let hanzhong = ids_for(h, "汉中").await;
        for id in [TIANHAN, HONGDA, TIANCHENG, LONGGANG] {
            assert!(hanzhong.contains(&id.to_owned()), "{id}: {hanzhong:?}");
        }
        // ... traditional queries find simplified names ...
        assert_eq!(ids_for(h, "漢中市天漢建設").await, vec![TIANHAN]);
        assert_eq!(ids_for(h, "天漢").await, vec![TIANHAN]);
        assert_eq!(ids_for(h, "宏達商貿").await, vec![HONGDA]);
        // ... and both scripts find both.
        for q in ["建设工程", "建設工程"] {
            let found: BTreeSet<String> = ids_for(h, q).await.into_iter().collect();
            assert_eq!(found, set(&[TIANHAN, LONGGANG]), "{q}");
        }
        // The name is shown as stored, marked where it matched.
        let hit = find(
            h,
            Query {
                q: "龙岗".into(),
                highlight: true,
                ..Query::default()
            },
        )
        .await;
        assert_eq!(hit.hits[0].doc.display_name, stored);
        assert_eq!(hit.hits[0].doc.name.as_deref(), Some(stored));
        assert_eq!(
            hit.hits[0].highlights.get("name").map(String::as_str),
            Some("漢中市<mark>龍崗</mark>建設工程有限公司")
        );
        // Folding does not make scattered characters a fragment.
        assert!(ids_for(h, "漢韻").await.is_empty());
    }

    pub async fn a_whole_name_ranks_above_names_matching_only_by_fragments(h: &mut Harness) {
        seed(h).await;
        // Holds every word of 天汉's full name, but 天汉 only as a fragment (明天|汉).
        const MINGTIAN: &str = "s-mingtian";
        h.upsert(&[company(
            MINGTIAN,
            "汉中市明天汉建设工程有限公司",
            "91610702MA6YM1T02W",
        )])
        .await
        .expect("upsert");
        assert_eq!(
            ids_for(h, "汉中市天汉建设工程有限公司").await,
            vec![TIANHAN, MINGTIAN]
        );
        assert_eq!(ids_for(h, "天汉建设工程").await, vec![TIANHAN, MINGTIAN]);
        assert_eq!(
            ids_for(h, "汉中市明天汉建设工程有限公司").await,
            vec![MINGTIAN],
            "its own full name finds it"
        );
    }

    pub async fn an_exact_uscc_ranks_above_everything(h: &mut Harness) {
        seed(h).await;
        // A name that quotes 天汉's code, and a code one character off it.
        h.upsert(&[
            company(
                "s-quoting",
                "Agency for 91610702MA6YL3K09Y Tianhan Co.",
                "91610702MA6YQ9Z99Z",
            ),
            company("s-near", "汉中市天汉劳务有限公司", "91610702MA6YL3K09X"),
        ])
        .await
        .expect("upsert");
        for q in [TIANHAN_USCC.to_owned(), TIANHAN_USCC.to_lowercase()] {
            let found = ids_for(h, &q).await;
            assert_eq!(
                found.first().map(String::as_str),
                Some(TIANHAN),
                "{q}: {found:?}"
            );
            assert!(found.contains(&"s-quoting".to_owned()), "{q}: {found:?}");
            assert!(!found.contains(&"s-near".to_owned()), "{q}: {found:?}");
        }
        // The same holds for a code listed on a notice over a title quoting it.
        let notice = |id: &str, title: &str, usccs: &[&str]| NoticeDoc {
            id: id.into(),
            title: title.into(),
            category: "信用修复".into(),
            issuing_unit: "汉中市发展和改革委员会".into(),
            publication_date: "2024-06-01".into(),
            year: 2024,
            summary: String::new(),
            body_text: "现予公示。".into(),
            subject_usccs: usccs.iter().map(|s| (*s).to_owned()).collect(),
            published_at: 1_717_200_000,
        };
        h.upsert(&[
            notice("n-quoting", "关于91610702MA6YL3K09Y等企业的公示", &[]),
            notice("n-listed", "信用修复结果公告", &[TIANHAN_USCC]),
        ])
        .await
        .expect("upsert notices");
        let notices = h
            .search::<NoticeDoc>(&Query::text(TIANHAN_USCC))
            .await
            .expect("search");
        assert_eq!(ids(&notices), vec!["n-listed", "n-quoting"]);
    }

    pub async fn a_not_equal_filter_excludes_only_that_value(h: &mut Harness) {
        seed(h).await;
        let all = id_set(&find(h, filtered(vec![])).await);
        let without = |gone: &[&str]| -> BTreeSet<String> {
            all.iter()
                .filter(|id| !gone.contains(&id.as_str()))
                .cloned()
                .collect()
        };

        let organisations = find(h, filtered(vec![Filter::ne("kind", "natural_person")])).await;
        assert_eq!(id_set(&organisations), without(&[PERSON]));
        assert_eq!(organisations.total, all.len() as u64 - 1);

        // Multi-valued: a document with the value among others is excluded too.
        let never_black = find(h, filtered(vec![Filter::ne("lists", "black")])).await;
        assert_eq!(
            id_set(&never_black),
            without(&[TIANHAN, DINGJUNSHAN, MIANPI, PERSON])
        );

        // Beside a text query and another filter.
        let hanzhong = |filters| Query {
            q: "汉中".into(),
            filters,
            limit: 50,
            ..Query::default()
        };
        let everywhere = id_set(&find(h, hanzhong(vec![])).await);
        assert!(everywhere.contains(HONGDA), "{everywhere:?}");
        let not_red = find(h, hanzhong(vec![Filter::ne("lists", "red")])).await;
        let expected: BTreeSet<String> = everywhere
            .iter()
            .filter(|id| id.as_str() != HONGDA)
            .cloned()
            .collect();
        assert_eq!(id_set(&not_red), expected);
    }

    pub async fn filters_narrow_the_results(h: &mut Harness) {
        seed(h).await;
        let black = find(h, filtered(vec![Filter::eq("lists", "black")])).await;
        assert_eq!(id_set(&black), set(&[TIANHAN, DINGJUNSHAN, MIANPI, PERSON]));
        assert_eq!(black.total, 4);

        let local_black = find(
            h,
            filtered(vec![
                Filter::eq("lists", "black"),
                Filter::eq("region_code", "610702"),
            ]),
        )
        .await;
        assert_eq!(id_set(&local_black), set(&[TIANHAN, MIANPI, PERSON]));

        let legal = find(h, filtered(vec![Filter::eq("kind", "legal_person")])).await;
        assert_eq!(
            id_set(&legal),
            set(&[TIANHAN, HONGDA, DINGJUNSHAN, LATIN, TIANCHENG])
        );

        let years = find(h, filtered(vec![Filter::any("years", [2022i64, 2023])])).await;
        assert_eq!(
            id_set(&years),
            set(&[TIANHAN, DINGJUNSHAN, ZHUHUAN, PERSON])
        );

        let objected = find(h, filtered(vec![Filter::eq("under_objection", true)])).await;
        assert_eq!(ids(&objected), vec![MIANPI]);

        let red_in_hanzhong = find(
            h,
            Query {
                q: "汉中".into(),
                filters: vec![Filter::eq("lists", "red")],
                ..Query::default()
            },
        )
        .await;
        assert_eq!(ids(&red_in_hanzhong), vec![HONGDA]);

        let by_list_name = find(h, filtered(vec![Filter::eq("list_names", "失信被执行人")])).await;
        assert_eq!(id_set(&by_list_name), set(&[TIANHAN, MIANPI, PERSON]));
    }

    pub async fn an_empty_in_filter_matches_nothing(h: &mut Harness) {
        seed(h).await;
        let none = find(
            h,
            Query {
                facets: vec!["lists".into()],
                ..filtered(vec![Filter::In("region_code".into(), Vec::new())])
            },
        )
        .await;
        assert!(none.hits.is_empty());
        assert_eq!(none.total, 0);
        assert_eq!(none.facets.get("lists"), Some(&BTreeMap::new()));
    }

    pub async fn facet_counts_are_exact_over_the_filtered_set(h: &mut Harness) {
        seed(h).await;
        let all = find(
            h,
            Query {
                facets: vec![
                    "lists".into(),
                    "region_code".into(),
                    "kind".into(),
                    "years".into(),
                ],
                limit: 0,
                ..Query::default()
            },
        )
        .await;
        assert_eq!(all.total, 8);
        let counts = |pairs: &[(&str, u64)]| -> BTreeMap<String, u64> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
        };
        assert_eq!(all.facets["lists"], counts(&[("black", 4), ("red", 3)]));
        assert_eq!(
            all.facets["region_code"],
            counts(&[("610702", 6), ("610723", 1), ("610725", 1)])
        );
        assert_eq!(
            all.facets["kind"],
            counts(&[
                ("individual_business", 1),
                ("legal_person", 5),
                ("natural_person", 1),
                ("other_organisation", 1),
            ])
        );
        assert_eq!(
            all.facets["years"],
            counts(&[("2022", 1), ("2023", 3), ("2024", 3)])
        );

        let local = find(
            h,
            Query {
                q: "汉中".into(),
                filters: vec![Filter::eq("region_code", "610702")],
                facets: vec!["lists".into(), "authorities".into()],
                ..Query::default()
            },
        )
        .await;
        assert_eq!(local.total, 3, "{:?}", ids(&local));
        assert_eq!(local.facets["lists"], counts(&[("black", 1), ("red", 1)]));
        assert_eq!(
            local.facets["authorities"],
            counts(&[("国家税务总局汉中市税务局", 1), ("汉中市中级人民法院", 1)])
        );
    }

    pub async fn highlights_mark_matches_and_escape_markup(h: &mut Harness) {
        seed(h).await;
        h.upsert(&[company(
            MARKUP,
            "汉中市A&B<测试>科技有限公司",
            "91610702MA6YX1Y2Z3",
        )])
        .await
        .expect("upsert");
        let query = |q: &str| Query {
            q: q.into(),
            highlight: true,
            ..Query::default()
        };
        let tianhan = find(h, query("天汉")).await;
        assert_eq!(
            tianhan.hits[0].highlights.get("name").map(String::as_str),
            Some("汉中市<mark>天汉</mark>建设工程有限公司")
        );
        let markup = find(h, query("科技")).await;
        assert_eq!(ids(&markup), vec![MARKUP]);
        assert_eq!(
            markup.hits[0].highlights.get("name").map(String::as_str),
            Some("汉中市A&amp;B&lt;测试&gt;<mark>科技</mark>有限公司")
        );
        let latin = find(h, query("Constuction")).await;
        assert_eq!(
            latin.hits[0].highlights.get("name").map(String::as_str),
            Some("Hanzhong Tianhan <mark>Construction</mark> Co., Ltd.")
        );
        let plain = find(h, Query::text("天汉")).await;
        assert!(
            plain.hits[0].highlights.is_empty(),
            "no highlights unless asked"
        );
    }

    pub async fn pages_are_disjoint_stable_and_complete(h: &mut Harness) {
        seed(h).await;
        let docs: Vec<SubjectDoc> = ["一", "二", "三", "四", "五"]
            .iter()
            .enumerate()
            .map(|(i, n)| {
                company(
                    &format!("s-page-{i}"),
                    &format!("汉中秦岭第{n}商贸有限公司"),
                    &format!("9161070{i}MA6YP0000{i}"),
                )
            })
            .collect();
        h.upsert(&docs).await.expect("upsert");
        let page = |offset: usize| Query {
            q: "秦岭".into(),
            offset,
            limit: 2,
            ..Query::default()
        };
        let mut seen = Vec::new();
        for offset in [0, 2, 4] {
            let first = find(h, page(offset)).await;
            let again = find(h, page(offset)).await;
            assert_eq!(first.total, 5);
            assert_eq!(ids(&first), ids(&again), "stable order at offset {offset}");
            assert_eq!(first.hits.len(), if offset == 4 { 1 } else { 2 });
            seen.extend(ids(&first));
        }
        let unique: BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), 5, "pages are disjoint: {seen:?}");
        assert_eq!(unique, docs.iter().map(|d| d.id.clone()).collect());
        let whole = find(
            h,
            Query {
                limit: 5,
                ..page(0)
            },
        )
        .await;
        assert_eq!(ids(&whole), seen, "pages follow the order of one big page");
    }

    pub async fn sorting_orders_by_the_field_then_by_id(h: &mut Harness) {
        let mut docs = subjects();
        for (i, doc) in docs.iter_mut().enumerate() {
            doc.updated_at = 1_700_000_000 + (i as i64 % 3) * 100;
        }
        h.upsert(&docs).await.expect("upsert");
        let mut expected: Vec<(i64, String)> =
            docs.iter().map(|d| (-d.updated_at, d.id.clone())).collect();
        expected.sort();
        let newest = find(
            h,
            Query {
                sort: Some(Sort::desc("updated_at")),
                limit: 50,
                ..Query::default()
            },
        )
        .await;
        let times: Vec<i64> = newest.hits.iter().map(|h| h.doc.updated_at).collect();
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(times, sorted);
        if h.kind() == "embedded" {
            let order: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
            assert_eq!(ids(&newest), order, "ties break by id");
        }
        let oldest = find(
            h,
            Query {
                sort: Some(Sort::asc("updated_at")),
                limit: 1,
                ..Query::default()
            },
        )
        .await;
        assert_eq!(oldest.hits[0].doc.updated_at, 1_700_000_000);
    }

    pub async fn deleting_removes_a_document_from_search_and_count(h: &mut Harness) {
        seed(h).await;
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 8);
        h.delete::<SubjectDoc>(&[HONGDA.into(), "s-never-indexed".into()])
            .await
            .expect("delete");
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 7);
        assert!(ids_for(h, "宏达").await.is_empty());
        h.delete::<SubjectDoc>(&[HONGDA.into()])
            .await
            .expect("deleting again is fine");
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 7);
    }

    pub async fn upserting_is_idempotent_and_updates_fields(h: &mut Harness) {
        seed(h).await;
        seed(h).await;
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 8);
        let mut renamed = subjects().remove(0);
        renamed.name = Some("汉中市天汉路桥工程有限公司".into());
        renamed.display_name = "汉中市天汉路桥工程有限公司".into();
        renamed.black_count = 2;
        h.upsert(&[renamed.clone(), renamed.clone()])
            .await
            .expect("upsert twice in one batch");
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 8);
        let found = find(h, Query::text("路桥")).await;
        assert_eq!(found.hits.len(), 1);
        assert_eq!(found.hits[0].doc, renamed);
        assert!(
            ids_for(h, "建设工程").await.is_empty(),
            "the old name is gone"
        );
    }

    pub async fn a_natural_person_is_found_only_by_exact_key(h: &mut Harness) {
        seed(h).await;
        for q in ["张", "张*", "610702********0018", PERSON_KEY] {
            let found = ids_for(h, q).await;
            assert!(!found.contains(&PERSON.to_owned()), "{q}: {found:?}");
        }
        let exact = find(h, filtered(vec![Filter::eq("person_key", PERSON_KEY)])).await;
        assert_eq!(ids(&exact), vec![PERSON]);
        assert_eq!(exact.hits[0].doc.display_name, "张*");
        let other = find(h, filtered(vec![Filter::eq("person_key", "pk-other")])).await;
        assert!(other.hits.is_empty());
    }

    fn entry(id: &str, subject: &SubjectDoc, list: &str, list_name: &str, year: i64) -> EntryDoc {
        EntryDoc {
            id: id.into(),
            subject_id: subject.id.clone(),
            subject_kind: subject.kind.clone(),
            subject_display_name: subject.display_name.clone(),
            subject_name: subject.name.clone(),
            subject_uscc: subject.uscc.clone(),
            person_key: subject.person_key.clone(),
            list: list.into(),
            list_name: list_name.into(),
            severity: None,
            reason: "有履行能力而拒不履行生效法律文书确定的义务".into(),
            facts: Some("经查，该主体拖欠工程款".into()),
            legal_basis: Some("《最高人民法院关于公布失信被执行人名单信息的若干规定》".into()),
            authority: "汉中市中级人民法院".into(),
            authority_uscc: Some("11610700016041393X".into()),
            document_number: format!("(2023)陕07执{year}号"),
            decision_date: format!("{year}-03-15"),
            year,
            listing_date: format!("{year}-03-20"),
            publicity_until: Some(format!("{}-03-20", year + 3)),
            region_code: subject.region_code.clone(),
            under_objection: false,
            decided_at: 1_678_838_400 + year,
        }
    }

    pub async fn entries_are_found_by_name_list_and_document_number(h: &mut Harness) {
        let all = subjects();
        let entries = vec![
            entry("e-1", &all[0], "black", "失信被执行人", 2023),
            entry("e-2", &all[1], "red", "A级纳税人", 2024),
            entry("e-3", &all[6], "black", "失信被执行人", 2022),
        ];
        h.upsert(&entries).await.expect("upsert entries");
        let by_name = h
            .search::<EntryDoc>(&Query::text("天汉"))
            .await
            .expect("search");
        assert_eq!(ids(&by_name), vec!["e-1"]);
        let by_list = h
            .search::<EntryDoc>(&Query {
                q: "失信被执行人".into(),
                facets: vec!["year".into(), "list".into()],
                ..Query::default()
            })
            .await
            .expect("search");
        assert_eq!(id_set(&by_list), set(&["e-1", "e-3"]));
        assert_eq!(by_list.facets["year"].get("2022"), Some(&1));
        assert_eq!(by_list.facets["list"].get("black"), Some(&2));
        let by_number = h
            .search::<EntryDoc>(&Query::text("(2023)陕07执2024号"))
            .await
            .expect("search");
        assert_eq!(ids(&by_number).first().map(String::as_str), Some("e-2"));
        let person = h
            .search::<EntryDoc>(&filtered(vec![Filter::eq("person_key", PERSON_KEY)]))
            .await
            .expect("search");
        assert_eq!(ids(&person), vec!["e-3"]);
        assert_eq!(h.count::<EntryDoc>().await.expect("count"), 3);
        assert_eq!(
            h.count::<SubjectDoc>().await.expect("count"),
            0,
            "indexes are separate"
        );
    }

    pub async fn notices_are_found_by_title_fragment_and_named_uscc(h: &mut Harness) {
        let notice = |id: &str, title: &str, usccs: &[&str], year: i64| NoticeDoc {
            id: id.into(),
            title: title.into(),
            category: "失信曝光".into(),
            issuing_unit: "汉中市发展和改革委员会".into(),
            publication_date: format!("{year}-06-01"),
            year,
            summary: "曝光一批失信主体".into(),
            body_text: "根据《汉中市社会信用体系建设工作方案》，现将有关情况通报如下。".into(),
            subject_usccs: usccs.iter().map(|s| (*s).to_owned()).collect(),
            published_at: 1_685_577_600 + year,
        };
        h.upsert(&[
            notice(
                "n-1",
                "关于汉中市天汉建设工程有限公司拖欠农民工工资的曝光",
                &[TIANHAN_USCC],
                2023,
            ),
            notice(
                "n-2",
                "2024年第二批严重失信主体名单公示",
                &["91610725MA6YR8KQ3N"],
                2024,
            ),
        ])
        .await
        .expect("upsert notices");
        let fragment = h
            .search::<NoticeDoc>(&Query::text("农民工"))
            .await
            .expect("search");
        assert_eq!(ids(&fragment), vec!["n-1"]);
        let by_code = h
            .search::<NoticeDoc>(&Query::text(TIANHAN_USCC))
            .await
            .expect("search");
        assert_eq!(ids(&by_code), vec!["n-1"]);
        let newest = h
            .search::<NoticeDoc>(&Query {
                sort: Some(Sort::desc("published_at")),
                ..Query::default()
            })
            .await
            .expect("search");
        assert_eq!(ids(&newest), vec!["n-2", "n-1"]);
        let by_filter = h
            .search::<NoticeDoc>(&filtered(vec![Filter::eq(
                "subject_usccs",
                "91610725MA6YR8KQ3N",
            )]))
            .await
            .expect("search");
        assert_eq!(ids(&by_filter), vec!["n-2"]);
    }

    fn generations(engine: &Engine) -> Vec<String> {
        let Engine::Embedded(embedded) = engine else {
            return Vec::new();
        };
        let mut names: Vec<String> = std::fs::read_dir(embedded.dir().join(SubjectDoc::INDEX))
            .expect("index directory")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("gen-"))
            .collect();
        names.sort();
        names
    }

    pub async fn a_finished_rebuild_replaces_the_index_atomically(h: &mut Harness) {
        seed(h).await;
        let before = generations(h);
        let mut rebuild = h.rebuild::<SubjectDoc>().await.expect("start a rebuild");
        let fresh = [
            company("s-new-1", "汉中市汉江源水务有限公司", "91610702MA6YN0001A"),
            company("s-new-2", "城固县橘园果业有限公司", "91610722MA6YN0002B"),
        ];
        rebuild.add(&fresh[..1]).await.expect("add");
        rebuild.add(&fresh[1..]).await.expect("add");
        // Until finished, searches see the live index only.
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 8);
        assert!(ids_for(h, "橘园").await.is_empty());
        assert_eq!(ids_for(h, "天汉").await, vec![TIANHAN]);
        rebuild.finish().await.expect("finish");
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 2);
        assert_eq!(ids_for(h, "橘园").await, vec!["s-new-2"]);
        assert!(ids_for(h, "天汉").await.is_empty(), "the old set is gone");
        // Writes after the swap go to the new index.
        h.upsert(&subjects()[..1]).await.expect("upsert");
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 3);
        if let Engine::Embedded(_) = h.engine() {
            let after = generations(h);
            assert_eq!(after.len(), 1, "{after:?}");
            assert!(!before.contains(&after[0]), "{before:?} -> {after:?}");
        }
        h.reopen().await;
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 3);
    }

    pub async fn an_aborted_rebuild_leaves_the_live_index_alone(h: &mut Harness) {
        seed(h).await;
        let before = generations(h);
        let mut rebuild = h.rebuild::<SubjectDoc>().await.expect("start a rebuild");
        rebuild
            .add(&[company(
                "s-new-1",
                "汉中市汉江源水务有限公司",
                "91610702MA6YN0001A",
            )])
            .await
            .expect("add");
        rebuild.abort().await.expect("abort");
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 8);
        assert!(ids_for(h, "汉江源").await.is_empty());
        assert_eq!(generations(h), before);
        // A rebuild dropped without finishing is abandoned the same way.
        let rebuild = h.rebuild::<SubjectDoc>().await.expect("start a rebuild");
        drop(rebuild);
        assert_eq!(generations(h), before);
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 8);
    }

    pub async fn reopening_sees_committed_documents(h: &mut Harness) {
        seed(h).await;
        h.delete::<SubjectDoc>(&[HONGDA.into()])
            .await
            .expect("delete");
        h.reopen().await;
        assert_eq!(h.count::<SubjectDoc>().await.expect("count"), 7);
        assert_eq!(ids_for(h, "天汉建设").await, vec![TIANHAN]);
        assert!(ids_for(h, "宏达").await.is_empty());
        h.upsert(&subjects()[1..2])
            .await
            .expect("writes work after reopening");
        assert_eq!(ids_for(h, "宏达").await, vec![HONGDA]);
    }

    pub async fn invalid_queries_are_rejected(h: &mut Harness) {
        seed(h).await;
        let invalid = |result: Result<Results<SubjectDoc>, Error>| {
            assert!(matches!(result, Err(Error::InvalidQuery(_))), "{result:?}");
        };
        invalid(
            h.search(&filtered(vec![Filter::eq("display_name", "张*")]))
                .await,
        );
        invalid(
            h.search(&Query {
                facets: vec!["name".into()],
                ..Query::default()
            })
            .await,
        );
        invalid(
            h.search(&Query {
                sort: Some(Sort::asc("name")),
                ..Query::default()
            })
            .await,
        );
        invalid(
            h.search(&Query {
                limit: search::MAX_LIMIT + 1,
                ..Query::default()
            })
            .await,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Not conformance: a rough timing of the embedded engine, printed with `--nocapture`.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_engine_indexes_and_searches_a_thousand_subjects() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let started = std::time::Instant::now();
    let engine = Engine::open_embedded(dir.path()).expect("open");
    let opened = started.elapsed();
    let trade = [
        "天汉", "宏达", "秦岭", "汉江", "定军", "朱鹮", "龙岗", "褒河", "石门", "南湖",
    ];
    let business = [
        "建设工程",
        "商贸",
        "茶业",
        "水务",
        "果业",
        "物流",
        "餐饮",
        "医药",
    ];
    let docs: Vec<SubjectDoc> = (0..1000)
        .map(|i| {
            company(
                &format!("s-{i:04}"),
                &format!(
                    "汉中市{}{}{}有限公司",
                    trade[i % trade.len()],
                    i / 80,
                    business[i % business.len()]
                ),
                &format!("916107{i:04}MA6Y00000"),
            )
        })
        .collect();
    let started = std::time::Instant::now();
    for chunk in docs.chunks(100) {
        engine.upsert(chunk).await.expect("upsert");
    }
    let indexed = started.elapsed();
    let started = std::time::Instant::now();
    let mut total = 0;
    for q in ["汉中", "天汉", "建设工程", "汉江水", "秦岭5商贸", "916107"] {
        total += engine
            .search::<SubjectDoc>(&Query {
                q: q.into(),
                facets: vec!["region_code".into()],
                highlight: true,
                ..Query::default()
            })
            .await
            .expect("search")
            .total;
    }
    let searched = started.elapsed();
    eprintln!(
        "embedded engine: open (dictionary load) {opened:?}, 1000 subjects in 10 commits {indexed:?}, \
         6 searches {searched:?}, {total} hits in all"
    );
    assert_eq!(engine.count::<SubjectDoc>().await.expect("count"), 1000);
}
