//! What one client may take of the server, replayed as attacks over raw sockets: headers
//! trickled byte by byte, a body that pauses or never ends, a request that runs too long, more
//! requests at once than the server takes, an oversize batch streamed without a length, metrics
//! read without their token; forwarding headers from peers that are not trusted proxies, and
//! IPv6 clients rotating the low half of their address.

use crate::db_tests;
use crate::fixtures::error;
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
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
);
