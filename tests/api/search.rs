//! End to end: office writes → outbox → indexer → engine → public lookup, lists and profiles.

use crate::db_tests;
use crate::fixtures::{black_entry, enc, id_of};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

/// The token `/metrics` asks for in these tests.
const METRICS_TOKEN: &str = "test-metrics-token-0123456789";

async fn lookup(app: &TestApp, query: &str) -> Value {
    let (status, body) = app.get(&format!("/api/v1/lookup?{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

async fn a_published_entry_is_found_and_a_withdrawn_one_is_gone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    // Noise that must not match.
    app.create_subject("legal_person", "汉江药业股份有限公司", "93610724MA6YRB7192")
        .await;
    let draft = app.draft_entry(black_entry(&subject_id)).await;
    app.drain().await;

    // A draft is never visible: the company is on record, with no black badge.
    let found = lookup(&app, &format!("q={}", enc("天汉建设"))).await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["black_count"], 0);
    let (_, black) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(black["total"], 0);
    let (_, profile) = app
        .get(&format!("/api/v1/subjects/{subject_id}"), None)
        .await;
    assert_eq!(profile["black"], json!([]));

    app.publish_entry_draft(&draft).await;
    assert_eq!(app.drain().await, 2);
    for q in [
        "汉中市天汉建设工程有限公司",
        "天汉建设",
        "天汉",
        "建设工程",
        "91610702MA6YL3K09Y",
        "91610702ma6yl3k09y",
    ] {
        let found = lookup(&app, &format!("q={}", enc(q))).await;
        assert_eq!(found["hits"][0]["id"], subject_id.as_str(), "{q}: {found}");
        assert_eq!(found["hits"][0]["black_count"], 1, "{q}");
        assert_eq!(
            found["hits"][0]["list_names"],
            json!(["失信被执行人"]),
            "{q}"
        );
        assert!(
            found["hits"]
                .as_array()
                .expect("hits")
                .iter()
                .all(|h| h["display_name"] != "汉江药业股份有限公司"),
            "{q}: {found}"
        );
    }
    let found = lookup(&app, &format!("q={}", enc("天汉"))).await;
    assert!(
        found["hits"][0]["name_html"]
            .as_str()
            .is_some_and(|h| h.contains("<mark>")),
        "{found}"
    );
    let by_filter = lookup(&app, "list=black").await;
    assert_eq!(by_filter["total"], 1);
    assert_eq!(by_filter["facets"]["lists"], json!({"black": 1}));
    let (_, black) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(black["total"], 1, "{black}");
    assert_eq!(black["entries"][0]["document_number"], "(2026)陕07执123号");
    assert_eq!(black["entries"][0]["severity_label"], "严重");
    let (_, profile) = app
        .get(&format!("/api/v1/subjects/{subject_id}"), None)
        .await;
    assert_eq!(profile["black"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        profile["subject"]["display_name"],
        "汉中市天汉建设工程有限公司"
    );

    let url = format!("/api/v1/office/entries/{}/withdraw", id_of(&draft));
    let (status, _) = app
        .post(
            &url,
            Some(ADMIN_TOKEN),
            json!({"version": 2, "reason": "原决定已撤销"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    app.drain().await;
    let found = lookup(&app, &format!("q={}", enc("天汉建设"))).await;
    assert_eq!(found["hits"][0]["black_count"], 0);
    assert_eq!(lookup(&app, "list=black").await["total"], 0);
    let (_, black) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(black["total"], 0);
    let (_, profile) = app
        .get(&format!("/api/v1/subjects/{subject_id}"), None)
        .await;
    assert_eq!(profile["black"], json!([]));
    assert_eq!(app.count(entity::outbox::Entity).await, 0);
}

async fn a_natural_person_is_found_only_by_exact_name_and_id_number(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let clear = "610702200001010018";
    let person_id = app.create_person("张三丰", clear).await;
    let mut entry = black_entry(&person_id);
    entry["document_number"] = json!("(2026)陕0702执88号");
    let draft = app.draft_entry(entry).await;
    app.drain().await;
    // Not public before publication, even with the exact key.
    assert_eq!(app.found_person("张三丰", clear).await["total"], 0);
    let (status, _) = app
        .get(&format!("/api/v1/subjects/{person_id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    app.publish_entry_draft(&draft).await;
    app.drain().await;
    let found = app.found_person("张三丰", clear).await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["display_name"], "张**");
    assert_eq!(found["hits"][0]["id_number_masked"], "610702********0018");
    for q in [
        format!("q={}", enc("张")),
        format!("q={}", enc("张三丰")),
        format!("q={}", enc("张**")),
        "q=610702".into(),
        format!("q={clear}"),
        String::new(),
    ] {
        let r = lookup(&app, &q).await;
        assert!(
            r["hits"]
                .as_array()
                .expect("hits")
                .iter()
                .all(|h| h["id"] != person_id.as_str()),
            "{q}: {r}"
        );
    }
    assert_eq!(
        app.found_person("张三丰", "610702200001010026").await["total"],
        0
    );
    assert_eq!(app.found_person("张三", clear).await["total"], 0);
    let (status, body) = app
        .get(&format!("/api/v1/lookup?name={}", enc("张三丰")), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "id_number_in_url");
    // The black list shows the entry with the masked name, and nothing anywhere shows the number.
    let (_, black) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(black["entries"][0]["subject_name"], "张**");
    let (_, profile) = app
        .get(&format!("/api/v1/subjects/{person_id}"), None)
        .await;
    for text in [
        found.to_string(),
        black.to_string(),
        profile.to_string(),
        crate::helpers::captured_logs(),
    ] {
        assert!(!text.contains(clear) && !text.contains("张三丰"), "{text}");
    }
}

async fn lookup_pages_are_capped_in_size_and_depth(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, body) = app.get("/api/v1/lookup?per_page=51", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"code": "invalid_query_parameter", "type": "invalid_request", "message": "`per_page`: `51` must be between 1 and 50", "link": "/api/errors#invalid_query_parameter"})
    );
    let (status, body) = app.get("/api/v1/lookup?page=21&per_page=50", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["message"],
        "`page`: `21` is too deep: at most 1000 results can be paged through; narrow the search"
    );
    let (status, body) = app.get("/api/v1/lists/grey", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_path_parameter");
    let (status, body) = app.get("/api/v1/lookup", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 0);
}

async fn public_endpoints_are_rate_limited_per_client(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 3;
        c.metrics_token = Some(xinyong::crypto::Secret::new(METRICS_TOKEN));
    })
    .await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/lookup?q=x", None).await.0, StatusCode::OK);
    }
    let resp = app
        .http
        .get(format!("{}/api/v1/lookup?q=x", app.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let body: Value = resp.json().await.expect("json");
    assert_eq!(
        body,
        json!({"code": "rate_limited", "type": "invalid_request", "message": "Too many requests; retry after 1 seconds.", "link": "/api/errors#rate_limited"})
    );
    // The office API is not limited.
    assert_eq!(
        app.get("/api/v1/office/subjects", Some(ADMIN_TOKEN))
            .await
            .0,
        StatusCode::OK
    );
    let metrics = app
        .http
        .get(format!("{}/metrics", app.base))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("xinyong_rate_limited_total 1"),
        "{metrics}"
    );
}

async fn reindex_rebuilds_every_index_to_match_the_database(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.metrics_token = Some(xinyong::crypto::Secret::new(METRICS_TOKEN));
    })
    .await;
    let subject_id = app.a_subject().await;
    app.publish_entry(black_entry(&subject_id)).await;
    // Skip the outbox entirely: the index knows nothing until the rebuild.
    app.sql("DELETE FROM search_outbox").await;
    assert_eq!(lookup(&app, "list=black").await["total"], 0);
    let report = xinyong::workers::reindex::reindex(&app.state, &|_, _, _| {})
        .await
        .expect("reindex");
    assert_eq!(
        report,
        xinyong::workers::reindex::ReindexReport {
            subjects: 1,
            entries: 1,
            notices: 0
        }
    );
    assert_eq!(lookup(&app, "list=black").await["total"], 1);
    let (_, black) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(black["total"], 1);
    let metrics = app
        .http
        .get(format!("{}/metrics", app.base))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(metrics.contains("xinyong_outbox_pending 0"), "{metrics}");
    let engine = if backend == Backend::Meili {
        "meilisearch"
    } else {
        "embedded"
    };
    assert!(
        metrics.contains(&format!(
            "xinyong_search_engine_info{{engine=\"{engine}\"}} 1"
        )),
        "{metrics}"
    );
}

async fn publicity_ends_at_the_maximum_and_not_a_day_early(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let draft = app.draft_entry(black_entry(&subject_id)).await;
    let published = app.publish_entry_draft(&draft).await;
    assert_eq!(published["publicity_until"], "2029-03-10");
    app.drain().await;
    // 2029-03-09 23:59 in Beijing: the last public day.
    let last_day = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2029, 3, 9, 15, 59, 0)
        .single()
        .expect("time");
    app.clock.set(last_day);
    assert_eq!(
        xinyong::workers::expiry::run_once(&app.state)
            .await
            .expect("expiry"),
        0
    );
    app.drain().await;
    assert_eq!(lookup(&app, "list=black").await["total"], 1);
    app.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(
        xinyong::workers::expiry::run_once(&app.state)
            .await
            .expect("expiry"),
        1
    );
    assert_eq!(
        xinyong::workers::expiry::run_once(&app.state)
            .await
            .expect("expiry"),
        0
    );
    app.drain().await;
    assert_eq!(lookup(&app, "list=black").await["total"], 0);
    let (_, black) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(black["total"], 0);
    let (_, profile) = app
        .get(&format!("/api/v1/subjects/{subject_id}"), None)
        .await;
    assert_eq!(profile["black"], json!([]));
    // Kept for the office, with the reason and an audit event by the system.
    let (_, entry) = app
        .get(
            &format!("/api/v1/office/entries/{}", id_of(&draft)),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(entry["status"], "expired");
    assert_eq!(entry["removal_date"], "2029-03-10");
    assert_eq!(entry["removal_reason"], "公示期满");
    assert!(
        app.table_text("audit_events")
            .await
            .contains("entry.expire")
    );
}

async fn an_engine_outage_loses_no_update(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // The same application, but its engine is a Meilisearch server that is down (nothing listens
    // on the port): a real connection failure, not a stand-in.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let mut down = app.state.clone();
    down.search =
        search::Engine::meili(&format!("http://127.0.0.1:{port}"), None, "down_").expect("engine");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let down_base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = xinyong::http::router(down.clone())
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, router).await });

    let subject_id = app.a_subject().await;
    app.publish_entry(black_entry(&subject_id)).await;
    let pending = app.count(entity::outbox::Entity).await;
    assert_eq!(pending, 5);
    // The indexer fails, keeps every row and backs off.
    for _ in 0..3 {
        assert!(xinyong::workers::indexer::run_once(&down).await.is_err());
        app.clock.advance(chrono::Duration::minutes(5));
    }
    assert_eq!(app.count(entity::outbox::Entity).await, pending);
    assert!(
        app.table_text("search_outbox")
            .await
            .contains("search engine")
    );
    // Lookups say so, with the contract body.
    let resp = app
        .http
        .get(format!("{down_base}/api/v1/lookup?q=x"))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("5")
    );
    let body: Value = resp.json().await.expect("json");
    assert_eq!(
        body,
        json!({"code": "search_unavailable", "type": "system", "message": "Search is unavailable right now; try again shortly.", "link": "/api/errors#search_unavailable"})
    );
    // Writes go on while the engine is down.
    let url = format!("/api/v1/office/subjects/{subject_id}");
    let (status, _) = app
        .patch(
            &url,
            Some(ADMIN_TOKEN),
            json!({"version": 1, "name": "汉中市天汉建设集团有限公司"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The engine is back: everything committed during the outage is applied (the rename also
    // refreshes the subject's entry, whose document carries the name).
    assert_eq!(app.drain().await, 7);
    assert_eq!(app.count(entity::outbox::Entity).await, 0);
    let found = lookup(&app, &format!("q={}", enc("天汉建设集团"))).await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["black_count"], 1);
    assert_eq!(
        lookup(&app, &format!("q={}", enc("天汉建设工程"))).await["total"],
        0
    );
    // And the index matches the database document for document.
    let projector = app.state.projector();
    let subjects: Vec<_> = entity::subject::Entity::find()
        .all(&app.state.db)
        .await
        .expect("subjects")
        .into_iter()
        .map(|s| s.id)
        .collect();
    let (expected, _) =
        xinyong::workers::indexer::subject_docs(&app.state.db, &projector, &subjects)
            .await
            .expect("docs");
    let indexed = app
        .state
        .search
        .search::<search::SubjectDoc>(&search::Query::default())
        .await
        .expect("search");
    assert_eq!(
        indexed.hits.into_iter().map(|h| h.doc).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(
        app.state
            .search
            .count::<search::EntryDoc>()
            .await
            .expect("count"),
        1
    );
}

async fn changing_the_masking_and_reindexing_changes_every_public_surface(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let clear = "610702200001010018";
    let person_id = app.create_person("张三丰", clear).await;
    let mut entry = black_entry(&person_id);
    entry["document_number"] = json!("(2026)陕0702执88号");
    app.publish_entry(entry).await;
    app.drain().await;
    let found = app.found_person("张三丰", clear).await;
    assert_eq!(
        (
            found["hits"][0]["display_name"].clone(),
            found["hits"][0]["id_number_masked"].clone()
        ),
        (json!("张**"), json!("610702********0018"))
    );

    // The same data served with other masking settings, after a reindex.
    let mut config = (*app.state.config).clone();
    config.id_mask = xinyong::domain::IdMaskStyle::BirthDate;
    // Courts publish judgment defaulters' names in full; other lists keep the default.
    config.name_mask_lists = "失信被执行人=none".parse().expect("masks");
    let mut restarted = app.state.clone();
    restarted.config = std::sync::Arc::new(config);
    xinyong::workers::reindex::reindex(&restarted, &|_, _, _| {})
        .await
        .expect("reindex");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = xinyong::http::router(restarted)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let get = |path: String| {
        let http = app.http.clone();
        async move {
            http.get(path)
                .send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let found = app
        .http
        .post(format!("{base}/api/v1/lookup/person"))
        .json(&json!({"name": "张三丰", "id_number": clear}))
        .send()
        .await
        .expect("sent")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(
        found["hits"][0]["id_number_masked"], "6107022000****0018",
        "{found}"
    );
    let profile = get(format!("{base}/api/v1/subjects/{person_id}")).await;
    assert_eq!(profile["subject"]["id_number_masked"], "6107022000****0018");
    let black = get(format!("{base}/api/v1/lists/black")).await;
    assert_eq!(black["entries"][0]["subject_name"], "张三丰");
    assert_eq!(found["hits"][0]["display_name"], "张**");
}

db_tests!(
    changing_the_masking_and_reindexing_changes_every_public_surface,
    an_engine_outage_loses_no_update,
    publicity_ends_at_the_maximum_and_not_a_day_early,
    a_published_entry_is_found_and_a_withdrawn_one_is_gone,
    a_natural_person_is_found_only_by_exact_name_and_id_number,
    lookup_pages_are_capped_in_size_and_depth,
    public_endpoints_are_rate_limited_per_client,
    reindex_rebuilds_every_index_to_match_the_database,
);

// The same, on a Meilisearch engine.
crate::meili_tests!(
    an_engine_outage_loses_no_update,
    a_published_entry_is_found_and_a_withdrawn_one_is_gone,
    a_natural_person_is_found_only_by_exact_name_and_id_number,
    lookup_pages_are_capped_in_size_and_depth,
    reindex_rebuilds_every_index_to_match_the_database,
    changing_the_masking_and_reindexing_changes_every_public_surface,
    publicity_ends_at_the_maximum_and_not_a_day_early,
);
