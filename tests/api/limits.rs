//! What one client may take of the server, replayed as attacks over raw sockets: headers
//! trickled byte by byte, a body that pauses or never ends, a request that runs too long, more
//! requests at once than the server takes, an oversize batch streamed without a length, metrics
//! read without their token; forwarding headers from peers that are not trusted proxies, and
//! IPv6 clients rotating the low half of their address; anonymous filings in bulk, and repair
//! applications by strangers to the listed subject.

use crate::db_tests;
use crate::fixtures::{TIANHAN, TIANHAN_USCC, black_entry, error, id_of, with_changes};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use crate::integrity::Site;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use xinyong::crypto::Secret;

const METRICS_TOKEN: &str = "test-metrics-token-0123456789";

/// A raw connection to the app.
async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .expect("connects")
}

/// An answer read off a raw connection.
#[derive(Debug)]
struct Raw {
    status: u16,
    body: Value,
}

/// Reads one HTTP/1.1 answer (with a `Content-Length`) off `stream`, within `within`.
async fn read_answer(stream: &mut (impl AsyncRead + Unpin), within: Duration) -> Raw {
    tokio::time::timeout(within, async {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = stream.read(&mut chunk).await.expect("reads");
            assert!(n > 0, "connection closed before an answer: {buf:?}");
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .expect("content-length");
        while buf.len() < head_end + length {
            let n = stream.read(&mut chunk).await.expect("reads");
            assert!(n > 0, "connection closed inside the body");
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = serde_json::from_slice(&buf[head_end..head_end + length])
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&buf[head_end..]).into()));
        Raw { status, body }
    })
    .await
    .expect("an answer in time")
}

/// Starts a POST of a JSON body of `length` bytes to `path` and sends only `start` of it.
async fn start_post(app: &TestApp, path: &str, length: usize, start: &str) -> TcpStream {
    let mut stream = connect(app).await;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{start}"
    );
    stream.write_all(head.as_bytes()).await.expect("writes");
    stream
}

async fn a_client_that_trickles_its_headers_byte_by_byte_is_cut_off(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.header_timeout_secs = 1).await;
    let mut stream = connect(&app).await;
    let started = Instant::now();
    // A slow-loris client: a header block that never ends, one byte every 100 ms.
    let head = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Padding: ";
    let mut cut_off = false;
    for byte in head.iter().chain(std::iter::repeat(&b'a')).take(100) {
        if stream.write_all(&[*byte]).await.is_err() {
            cut_off = true;
            break;
        }
        let mut probe = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut probe)).await {
            // Closed (or reset): the server let go of the connection.
            Ok(Ok(0) | Err(_)) => {
                cut_off = true;
                break;
            }
            Ok(Ok(n)) => {
                let text = String::from_utf8_lossy(&probe[..n]).into_owned();
                assert!(
                    !text.contains("200 OK"),
                    "answered a trickled request: {text}"
                );
            }
            Err(_) => {}
        }
    }
    let took = started.elapsed();
    assert!(cut_off, "the connection was still open after {took:?}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "cut off after {took:?}"
    );
    // A client that sends its headers at once is served as before.
    assert_eq!(app.get("/healthz", None).await.0, StatusCode::OK);
}

async fn a_body_that_pauses_too_long_is_refused_with_request_timeout(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.body_timeout_secs = 1;
        c.request_timeout_secs = 30;
    })
    .await;
    let started = Instant::now();
    let mut stream = start_post(&app, "/api/v1/objections", 200, "{\"entry_id\":").await;
    let answer = read_answer(&mut stream, Duration::from_secs(10)).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(answer.status, 408, "{answer:?}");
    assert_eq!(
        answer.body,
        error(
            "request_timeout",
            "invalid_request",
            "The body was not received in time: it paused longer than the server waits for its next part."
        )
    );
    assert_eq!(app.count(entity::objection::Entity).await, 0);
}

async fn a_request_that_runs_past_the_request_timeout_is_stopped_with_the_error_body(
    backend: Backend,
) {
    let app = TestApp::spawn_with(backend, |c| {
        c.body_timeout_secs = 30;
        c.request_timeout_secs = 1;
    })
    .await;
    // Each piece comes within the body's pause limit, but the whole takes longer than a request
    // may: the request limit stops it.
    let stream = start_post(&app, "/api/v1/objections", 200, "{").await;
    let started = Instant::now();
    let (mut read, mut write) = stream.into_split();
    let dripping = tokio::spawn(async move {
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if write.write_all(b" ").await.is_err() {
                break;
            }
        }
    });
    let answer = read_answer(&mut read, Duration::from_secs(10)).await;
    dripping.abort();
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(
        answer.body,
        error(
            "server_timeout",
            "system",
            "The request took longer than the 1 seconds the server allows and was stopped; a change it was making was not kept."
        )
    );
    assert!(started.elapsed() >= Duration::from_secs(1));
}

async fn saturation_answers_503_with_retry_after_and_the_whole_error_body(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.max_concurrent_requests = 1;
        c.body_timeout_secs = 30;
    })
    .await;
    // One request in flight holds the only place: its body is not finished.
    let mut held = start_post(&app, "/api/v1/objections", 200, "{").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let resp = app
        .http
        .get(format!("{}/api/v1/lookup?q=x", app.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let body: Value = resp.json().await.expect("json");
    assert_eq!(
        body,
        error(
            "overloaded",
            "system",
            "The server is handling as many requests as it takes at once; retry after 1 seconds."
        )
    );
    // The office is refused alike; liveness still answers.
    let (status, body) = app.get("/api/v1/office/subjects", Some(ADMIN_TOKEN)).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::SERVICE_UNAVAILABLE, json!("overloaded"))
    );
    assert_eq!(app.get("/healthz", None).await.0, StatusCode::OK);
    // Once the request in flight ends, its place is free again.
    held.write_all(&[b' '; 199]).await.expect("writes");
    let answer = read_answer(&mut held, Duration::from_secs(10)).await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(app.get("/api/v1/lookup?q=x", None).await.0, StatusCode::OK);
}

async fn a_streamed_batch_over_the_limit_is_refused_with_413_before_it_is_all_sent(
    backend: Backend,
) {
    let app = TestApp::spawn_with(backend, |c| c.max_batch_bytes = 64 * 1024).await;
    let key = app
        .agency_key(
            "国家税务总局汉中市税务局",
            "11610700MB2961796E",
            false,
            &["entries:submit"],
        )
        .await;
    let too_large = error(
        "payload_too_large",
        "invalid_request",
        "The body is larger than the server accepts.",
    );
    // Chunked, without a length: the bytes are counted as they arrive. The end of the body is
    // never sent, yet the answer comes once the limit is passed.
    let mut stream = connect(&app).await;
    let head = format!(
        "POST /api/v1/partner/batches HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("writes");
    let mut sent = 0;
    let opening = b"{\"records\": [";
    stream
        .write_all(format!("{:x}\r\n", opening.len()).as_bytes())
        .await
        .expect("writes");
    stream.write_all(opening).await.expect("writes");
    stream.write_all(b"\r\n").await.expect("writes");
    let record = format!("{{\"padding\": \"{}\"}},", "x".repeat(1000));
    let piece = record.repeat(8);
    while sent < 72 * 1024 {
        let frame = format!("{:x}\r\n{piece}\r\n", piece.len());
        stream.write_all(frame.as_bytes()).await.expect("writes");
        sent += piece.len();
    }
    let answer = read_answer(&mut stream, Duration::from_secs(10)).await;
    assert_eq!(answer.status, 413, "{answer:?}");
    assert_eq!(answer.body, too_large);

    // A body that declares a length over the limit is refused before any of it is sent.
    let mut stream = connect(&app).await;
    let head = format!(
        "POST /api/v1/partner/batches HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        32 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.expect("writes");
    let answer = read_answer(&mut stream, Duration::from_secs(10)).await;
    assert_eq!(answer.status, 413, "{answer:?}");
    assert_eq!(answer.body, too_large);
    assert_eq!(app.count(entity::list_entry::Entity).await, 0);

    // Records past 5,000 are counted, not kept: the batch is refused as too large.
    let (status, body) = app
        .post(
            "/api/v1/partner/batches",
            Some(&key),
            json!({"records": vec![json!(0); 5001]}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            error(
                "batch_too_large",
                "invalid_request",
                "`records`: 5001 records; at most 5000 per call."
            )
        )
    );
}

async fn metrics_are_refused_without_their_token_or_their_own_address(backend: Backend) {
    // Neither configured: served nowhere.
    let app = TestApp::spawn(backend).await;
    let refused = error(
        "metrics_disabled",
        "auth",
        "`/metrics` is not served on this address: set XINYONG_METRICS_TOKEN to read it here with that bearer token, or XINYONG_METRICS_ADDR to serve it on an address of its own.",
    );
    assert_eq!(
        app.get("/metrics", None).await,
        (StatusCode::FORBIDDEN, refused.clone())
    );
    // Not even to the administrator.
    assert_eq!(
        app.get("/metrics", Some(ADMIN_TOKEN)).await,
        (StatusCode::FORBIDDEN, refused.clone())
    );
    drop(app);

    // A token: only with it.
    let app = TestApp::spawn_with(backend, |c| {
        c.metrics_token = Some(Secret::new(METRICS_TOKEN));
    })
    .await;
    let unauthenticated = error(
        "unauthenticated",
        "auth",
        "Send the metrics token as `Authorization: Bearer <token>`.",
    );
    for token in [
        None,
        Some(ADMIN_TOKEN),
        Some("test-metrics-token-012345678"),
    ] {
        assert_eq!(
            app.get("/metrics", token).await,
            (StatusCode::UNAUTHORIZED, unauthenticated.clone()),
            "{token:?}"
        );
    }
    let (status, text) = app.get("/metrics", Some(METRICS_TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.as_str()
            .is_some_and(|t| t.contains("xinyong_outbox_pending 0")),
        "{text}"
    );
    drop(app);

    // An address of its own: served there, refused on the main one.
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let metrics_addr = free.local_addr().expect("addr");
    drop(free);
    let app = TestApp::spawn_with(backend, |c| c.metrics_addr = Some(metrics_addr)).await;
    assert_eq!(
        app.get("/metrics", None).await,
        (StatusCode::FORBIDDEN, refused)
    );
    let resp = app
        .http
        .get(format!("http://{metrics_addr}/metrics"))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.text()
            .await
            .expect("text")
            .contains("xinyong_outbox_pending")
    );
    // Nothing else is served there.
    let resp = app
        .http
        .get(format!("http://{metrics_addr}/api/v1/office/subjects"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

/// GETs the lookup with an `X-Forwarded-For` header; the status.
async fn lookup_forwarded_for(app: &TestApp, forwarded_for: &str) -> StatusCode {
    app.http
        .get(format!("{}/api/v1/lookup?q=x", app.base))
        .header("x-forwarded-for", forwarded_for)
        .send()
        .await
        .expect("sent")
        .status()
}

async fn rotating_x_forwarded_for_from_an_untrusted_peer_does_not_escape_the_limit(
    backend: Backend,
) {
    let app = TestApp::spawn_with(backend, |c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 3;
    })
    .await;
    for i in 0..3 {
        let status = lookup_forwarded_for(&app, &format!("198.51.100.{i}")).await;
        assert_eq!(status, StatusCode::OK);
    }
    // A new address claimed in the header is still the same peer.
    assert_eq!(
        lookup_forwarded_for(&app, "198.51.100.200").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let resp = app
        .http
        .get(format!("{}/api/v1/lookup?q=x", app.base))
        .header("forwarded", "for=203.0.113.9")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 2;
        c.trusted_proxies = "127.0.0.1, 10.0.0.0/8".parse().expect("proxies");
    })
    .await;
    // The proxy appended the address it received from; what the client wrote to its left is
    // ignored, so rotating it does not help.
    for spoofed in ["1.1.1.1", "2.2.2.2"] {
        let chain = format!("{spoofed}, 198.51.100.7, 10.0.0.3");
        assert_eq!(lookup_forwarded_for(&app, &chain).await, StatusCode::OK);
    }
    assert_eq!(
        lookup_forwarded_for(&app, "3.3.3.3, 198.51.100.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy has its own bucket.
    assert_eq!(
        lookup_forwarded_for(&app, "198.51.100.8").await,
        StatusCode::OK
    );
    // IPv6 clients count per /64: rotating the low 64 bits does not escape the limit.
    for low in ["1", "2"] {
        let ip = format!("2001:db8:aa:bb::{low}");
        assert_eq!(lookup_forwarded_for(&app, &ip).await, StatusCode::OK);
    }
    assert_eq!(
        lookup_forwarded_for(&app, "2001:db8:aa:bb:ffff:ffff:ffff:ffff").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        lookup_forwarded_for(&app, "2001:db8:aa:bc::1").await,
        StatusCode::OK
    );
}

async fn a_flood_of_distinct_forwarded_addresses_does_not_grow_the_limiter_past_its_cap(
    backend: Backend,
) {
    let app = TestApp::spawn_with(backend, |c| {
        c.rate_limit_per_minute = 1;
        c.rate_limit_burst = 5;
        c.rate_limit_max_clients = 50;
        c.trusted_proxies = "127.0.0.1".parse().expect("proxies");
    })
    .await;
    for i in 0..300u32 {
        let [_, _, a, b] = i.to_be_bytes();
        let status = lookup_forwarded_for(&app, &format!("198.18.{a}.{b}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            app.state.limiter.tracked() <= 50,
            "{} clients tracked",
            app.state.limiter.tracked()
        );
    }
}

async fn an_ipv6_client_on_loopback_is_limited(backend: Backend) {
    // Only where the machine has IPv6 loopback.
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        return;
    }
    let app = TestApp::spawn_with(backend, |c| {
        c.bind = "[::1]:0".parse().expect("addr");
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 2;
    })
    .await;
    assert!(app.base.starts_with("http://[::1]:"), "{}", app.base);
    for _ in 0..2 {
        assert_eq!(app.get("/api/v1/lookup?q=x", None).await.0, StatusCode::OK);
    }
    assert_eq!(
        lookup_forwarded_for(&app, "2001:db8::1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(app.state.limiter.tracked(), 1);
}

/// A published black entry that may be repaired on the test day (general, decided 2025-12-01)
/// for `subject_id`; its id.
async fn repairable_entry_of(app: &TestApp, subject_id: &str, document_number: &str) -> String {
    let mut entry = black_entry(subject_id);
    entry["severity"] = json!("general");
    entry["decision_date"] = json!("2025-12-01");
    entry["listing_date"] = json!("2025-12-02");
    entry["document_number"] = json!(document_number);
    app.publish_entry(entry).await
}

/// A repair application for `entry_id` naming the subject by `standing`.
fn application(entry_id: &str, standing: Value) -> Value {
    with_changes(
        json!({
            "entry_id": entry_id,
            "commitment_letter": true,
            "materials": ["罚款缴纳凭证 汉税罚缴〔2026〕15号"],
            "contact": "李四 13800138000",
        }),
        &standing,
    )
}

/// POSTs `body` to `path` as a client at `client` (behind the trusted proxy on loopback).
async fn post_as(
    app: &TestApp,
    client: &str,
    path: &str,
    body: &Value,
) -> (StatusCode, Value, Option<String>) {
    let resp = app
        .http
        .post(format!("{}{path}", app.base))
        .header("x-forwarded-for", client)
        .json(body)
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, resp.json().await.unwrap_or(Value::Null), retry)
}

fn no_standing(entry_id: &str) -> Value {
    error(
        "no_standing",
        "auth",
        format!(
            "The subject named does not match the subject of entry `{entry_id}`: only the listed subject may apply for its credit repair. Give its name exactly as registered, with its unified social credit code (or, for a person, the resident ID number)."
        ),
    )
}

async fn a_stranger_without_standing_is_refused_before_anything_is_stored_and_the_subject_still_applies(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let entry_id = repairable_entry_of(&app, &subject_id, "汉市监罚〔2025〕88号").await;
    // Someone else's company, or the right name with another code: refused, and what is stored
    // is not revealed.
    for standing in [
        json!({"subject_name": "汉中市某某商贸有限公司", "subject_uscc": TIANHAN_USCC}),
        json!({"subject_name": TIANHAN, "subject_uscc": "11610700MB2961796E"}),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/repairs",
                None,
                application(&entry_id, standing.clone()),
            )
            .await;
        assert_eq!(
            (status, body),
            (StatusCode::FORBIDDEN, no_standing(&entry_id)),
            "{standing}"
        );
    }
    // The subject must be named at all.
    let (status, body) = app
        .post(
            "/api/v1/repairs",
            None,
            application(&entry_id, json!({"subject_name": TIANHAN})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            error(
                "invalid_case_field",
                "invalid_request",
                "`subject_uscc`: required: the listed organisation's unified social credit code."
            )
        )
    );
    // Nothing was stored, so nothing stands in the way of the subject's own application —
    // named with full-width brackets and a lower-case code, as people type them.
    assert_eq!(app.count(entity::repair::Entity).await, 0);
    let (status, receipt) = app
        .post(
            "/api/v1/repairs",
            None,
            application(
                &entry_id,
                json!({"subject_name": format!(" {TIANHAN} "), "subject_uscc": TIANHAN_USCC.to_lowercase()}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(app.audit_actions(&id_of(&receipt)).await, ["repair.apply"]);
}

async fn a_person_shows_standing_by_name_and_id_number_and_guessing_the_hidden_digits_is_stopped(
    backend: Backend,
) {
    let app = TestApp::spawn_with(backend, |c| {
        c.standing_failures_per_hour = 3;
        c.trusted_proxies = "127.0.0.1".parse().expect("proxies");
    })
    .await;
    let clear = "610702200001010018";
    let person = app.create_person("张三丰", clear).await;
    let entry_id = repairable_entry_of(&app, &person, "(2026)陕0702执88号").await;
    let region = xinyong::domain::RegionCode::parse("610702").expect("region");
    let birth = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
    // A stranger who knows the name and the masked number tries the hidden digits.
    for sequence in 2..5u16 {
        let guess = xinyong::domain::IdNumber::from_parts(&region, birth, sequence);
        assert_ne!(guess.as_str(), clear);
        let body = application(
            &entry_id,
            json!({"subject_name": "张三丰", "subject_id_number": guess.as_str()}),
        );
        let (status, answer, _) = post_as(&app, "198.51.100.66", "/api/v1/repairs", &body).await;
        assert_eq!(
            (status, answer),
            (StatusCode::FORBIDDEN, no_standing(&entry_id))
        );
    }
    // Past the limit even the right number is not confirmed to that client.
    let right = application(
        &entry_id,
        json!({"subject_name": "张三丰", "subject_id_number": clear}),
    );
    let (status, answer, retry) = post_as(&app, "198.51.100.66", "/api/v1/repairs", &right).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    let wait = retry.expect("retry-after");
    assert_eq!(
        answer,
        error(
            "too_many_filings",
            "invalid_request",
            format!(
                "Too many applications from this client for entry `{entry_id}` named another subject; retry after {wait} seconds."
            )
        )
    );
    // The person, elsewhere, is not held up by the stranger: the application goes through.
    let (status, receipt, _) = post_as(&app, "203.0.113.20", "/api/v1/repairs", &right).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    // A wrong name with the right number is no better than the reverse.
    let other_entry = repairable_entry_of(&app, &person, "(2026)陕0702执89号").await;
    let body = application(
        &other_entry,
        json!({"subject_name": "张三", "subject_id_number": clear}),
    );
    let (status, answer, _) = post_as(&app, "203.0.113.20", "/api/v1/repairs", &body).await;
    assert_eq!(
        (status, answer),
        (StatusCode::FORBIDDEN, no_standing(&other_entry))
    );
    // The ID number sent is kept nowhere.
    for table in ["repairs", "audit_events"] {
        assert!(!app.table_text(table).await.contains(clear), "{table}");
    }
    assert!(!crate::helpers::captured_logs().contains(clear));
}

fn objection(entry_id: &str) -> Value {
    json!({"entry_id": entry_id, "kind": "content", "reason": "款项已于2026年3月1日付清", "contact": "0916-1234567"})
}

async fn objections_are_limited_per_client_and_per_entry_each_day_and_the_count_survives_a_restart(
    backend: Backend,
) {
    let mut site = Site::new(backend).await;
    site.config.filings_open_per_client = 2;
    site.config.filings_per_entry_day = 3;
    site.config.trusted_proxies = "127.0.0.1".parse().expect("proxies");
    let app = site.start(false).await;
    let (_, subject) = app
        .post(
            "/api/v1/office/subjects",
            json!({"kind": "legal_person", "name": TIANHAN, "uscc": TIANHAN_USCC}),
        )
        .await;
    let draft = app.publish_entry(black_entry(&id_of(&subject))).await;
    let entry_id = id_of(&draft);
    let file = async |client: &str| {
        let resp = app
            .http
            .post(format!("{}/api/v1/objections", app.base))
            .header("x-forwarded-for", client)
            .json(&objection(&entry_id))
            .send()
            .await
            .expect("sent");
        let status = resp.status();
        let retry = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (
            status,
            resp.json::<Value>().await.unwrap_or(Value::Null),
            retry,
        )
    };
    // One client: two open objections against the entry, not a third.
    for _ in 0..2 {
        assert_eq!(file("198.51.100.1").await.0, StatusCode::CREATED);
    }
    let (status, body, retry) = file("198.51.100.1").await;
    assert_eq!(
        (status, body, retry),
        (
            StatusCode::TOO_MANY_REQUESTS,
            error(
                "too_many_filings",
                "invalid_request",
                format!(
                    "You already have 2 open objections for entry `{entry_id}`; another can be filed once one of them is closed."
                )
            ),
            None
        )
    );
    // Another client files the entry's third of the day; a fourth client is told to come back
    // tomorrow (midnight in Beijing is 12 hours after the tests' noon).
    assert_eq!(file("198.51.100.2").await.0, StatusCode::CREATED);
    let full = error(
        "too_many_filings",
        "invalid_request",
        format!(
            "Entry `{entry_id}` has had as many objections today as it takes in a day (3); file again tomorrow."
        ),
    );
    let (status, body, retry) = file("203.0.113.3").await;
    assert_eq!(
        (status, body, retry.as_deref()),
        (StatusCode::TOO_MANY_REQUESTS, full.clone(), Some("43200"))
    );
    // Counted in the database: a restart forgets nothing.
    app.stop().await;
    let app = site.start(false).await;
    let resp = app
        .http
        .post(format!("{}/api/v1/objections", app.base))
        .header("x-forwarded-for", "203.0.113.3")
        .json(&objection(&entry_id))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.json::<Value>().await.expect("json"), full);
    assert_eq!(
        entity::objection::Entity::find()
            .all(&app.state.db)
            .await
            .expect("rows")
            .len(),
        3
    );
    // The next day the entry takes objections again.
    app.state.clock.advance(chrono::Duration::days(1));
    let resp = app
        .http
        .post(format!("{}/api/v1/objections", app.base))
        .header("x-forwarded-for", "203.0.113.3")
        .json(&objection(&entry_id))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::CREATED);
    // No address is kept with a filing, only a keyed hash of it.
    let rows = entity::objection::Entity::find()
        .all(&app.state.db)
        .await
        .expect("rows");
    assert!(
        rows.iter()
            .all(|o| o.client_key.as_ref().is_some_and(|k| k.len() == 64))
    );
    let text = format!("{rows:?}");
    assert!(
        !text.contains("198.51.100") && !text.contains("203.0.113"),
        "{text}"
    );
    app.stop().await;
}

async fn repair_applications_per_entry_per_day_are_capped_too(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.filings_per_entry_day = 1).await;
    let subject_id = app.a_subject().await;
    let entry_id = repairable_entry_of(&app, &subject_id, "汉市监罚〔2025〕88号").await;
    let standing = json!({"subject_name": TIANHAN, "subject_uscc": TIANHAN_USCC});
    let (status, first) = app
        .post(
            "/api/v1/repairs",
            None,
            application(&entry_id, standing.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, _) = app
        .post(
            &format!("/api/v1/office/repairs/{}/return", id_of(&first)),
            Some(ADMIN_TOKEN),
            json!({"version": 1, "reason": "缺少罚款缴纳凭证"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post("/api/v1/repairs", None, application(&entry_id, standing))
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::TOO_MANY_REQUESTS,
            error(
                "too_many_filings",
                "invalid_request",
                format!(
                    "Entry `{entry_id}` has had as many repair applications today as it takes in a day (1); file again tomorrow."
                )
            )
        )
    );
}

db_tests!(
    a_client_that_trickles_its_headers_byte_by_byte_is_cut_off,
    a_body_that_pauses_too_long_is_refused_with_request_timeout,
    a_request_that_runs_past_the_request_timeout_is_stopped_with_the_error_body,
    saturation_answers_503_with_retry_after_and_the_whole_error_body,
    a_streamed_batch_over_the_limit_is_refused_with_413_before_it_is_all_sent,
    metrics_are_refused_without_their_token_or_their_own_address,
    rotating_x_forwarded_for_from_an_untrusted_peer_does_not_escape_the_limit,
    behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client,
    a_flood_of_distinct_forwarded_addresses_does_not_grow_the_limiter_past_its_cap,
    an_ipv6_client_on_loopback_is_limited,
    a_stranger_without_standing_is_refused_before_anything_is_stored_and_the_subject_still_applies,
    a_person_shows_standing_by_name_and_id_number_and_guessing_the_hidden_digits_is_stopped,
    objections_are_limited_per_client_and_per_entry_each_day_and_the_count_survives_a_restart,
    repair_applications_per_entry_per_day_are_capped_too,
);
