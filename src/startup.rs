//! Building and running the application: connect, migrate, bind, serve until told to stop.

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::{Keys, decode_key, generate_key};
use crate::state::AppState;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A configuration problem, with what to set.
    #[error("configuration: {0}")]
    Config(String),
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The address could not be bound, or another I/O failure.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Loads the data keys from configuration. Without them, a local SQLite set-up gets development
/// keys generated into the data directory (and is told so); PostgreSQL refuses to start
/// ([`Config::check`]).
pub fn load_keys(config: &Config) -> Result<Keys, StartError> {
    let key = |name, value: &crate::crypto::Secret| {
        decode_key(name, value.expose()).map_err(|e| StartError::Config(e.to_string()))
    };
    let keys = match (&config.hmac_key, &config.encryption_key) {
        (Some(h), Some(e)) => Ok(Keys::new(
            key("XINYONG_HMAC_KEY", h)?,
            key("XINYONG_ENCRYPTION_KEY", e)?,
        )),
        (None, None) if !config.is_postgres() => development_keys(&config.data_dir),
        _ => Err(StartError::Config(
            "set both XINYONG_HMAC_KEY and XINYONG_ENCRYPTION_KEY, or neither".into(),
        )),
    }?;
    match &config.audit_key {
        Some(audit) => Ok(keys.with_audit_key(key("XINYONG_AUDIT_KEY", audit)?)),
        None => Ok(keys),
    }
}

fn development_keys(dir: &Path) -> Result<Keys, StartError> {
    let path = dir.join("dev-keys.txt");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(_) => {
            std::fs::create_dir_all(dir)?;
            let text = format!("{}\n{}\n", generate_key(), generate_key());
            std::fs::write(&path, &text)?;
            restrict(&path)?;
            tracing::warn!(
                path = %path.display(),
                "generated development data keys; set XINYONG_HMAC_KEY and XINYONG_ENCRYPTION_KEY in production"
            );
            text
        }
    };
    let mut lines = text.lines();
    let mut next = |name| {
        lines
            .next()
            .ok_or_else(|| {
                StartError::Config(format!(
                    "{} is incomplete; delete it to regenerate",
                    path.display()
                ))
            })
            .and_then(|l| decode_key(name, l).map_err(|e| StartError::Config(e.to_string())))
    };
    let hmac = next("development HMAC key")?;
    let enc = next("development encryption key")?;
    Ok(Keys::new(hmac, enc))
}

/// Loads the signing key of reports and receipts, with the retired public keys. Without one, a
/// local SQLite set-up gets a development key generated into the data directory (and is told
/// so); PostgreSQL refuses to start ([`Config::check`]).
pub fn load_signer(config: &Config) -> Result<crate::signing::Signer, StartError> {
    let retired = config
        .retired_signing_keys
        .iter()
        .filter(|k| !k.trim().is_empty())
        .map(|k| {
            crate::signing::parse_public_key(k)
                .map_err(|e| StartError::Config(format!("XINYONG_RETIRED_SIGNING_KEYS: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let seed = match &config.signing_key {
        Some(key) => decode_key("XINYONG_SIGNING_KEY", key.expose())
            .map_err(|e| StartError::Config(e.to_string()))?,
        None if !config.is_postgres() => development_signing_key(&config.data_dir)?,
        None => {
            return Err(StartError::Config(
                "with PostgreSQL, set XINYONG_SIGNING_KEY".into(),
            ));
        }
    };
    Ok(crate::signing::Signer::new(seed, retired))
}

fn development_signing_key(dir: &Path) -> Result<[u8; 32], StartError> {
    let path = dir.join("dev-signing-key.txt");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(_) => {
            std::fs::create_dir_all(dir)?;
            let text = format!("{}\n", generate_key());
            std::fs::write(&path, &text)?;
            restrict(&path)?;
            tracing::warn!(
                path = %path.display(),
                "generated a development signing key for reports; set XINYONG_SIGNING_KEY in production"
            );
            text
        }
    };
    decode_key("development signing key", text.trim()).map_err(|_| {
        StartError::Config(format!(
            "{} is not a key; delete it to regenerate",
            path.display()
        ))
    })
}

#[cfg(unix)]
fn restrict(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Connects, migrates and builds the shared state.
pub async fn build_state(config: Config, clock: Clock) -> Result<AppState, StartError> {
    config.check().map_err(StartError::Config)?;
    let keys = load_keys(&config)?;
    let signer = load_signer(&config)?;
    let db = crate::db::connect(&config.database_url(), config.db_pool).await?;
    crate::db::migrate(&db).await?;
    crate::services::subjects::fill_widest_masks(&db, &keys, clock.today()).await?;
    if let Some(token) = &config.admin_token {
        crate::services::staff::ensure_bootstrap_admin(&db, &keys, token.expose(), clock.now())
            .await?;
    }
    let search = open_search(&config).await?;
    let file = match &config.calendar {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                StartError::Config(format!("XINYONG_CALENDAR {}: {e}", path.display()))
            })?;
            crate::domain::workdays::Calendar::from_json(&text).map_err(|e| {
                StartError::Config(format!("XINYONG_CALENDAR {}: {e}", path.display()))
            })?
        }
        None => crate::domain::workdays::Calendar::built_in(),
    };
    let calendar = crate::services::calendar::load(&db, &file).await?;
    crate::services::calendar::warn_if_running_out(&calendar, clock.today());
    let max_clients = config.rate_limit_max_clients;
    let limiter =
        crate::ratelimit::RateLimiter::new(config.rate_limit_per_minute, config.rate_limit_burst)
            .with_max_clients(max_clients);
    let config_login_rate = config.login_rate_per_minute;
    let standing_rate = config.standing_failures_per_hour;
    let report_rate = config.reports_per_minute;
    Ok(AppState {
        db,
        keys: Arc::new(keys),
        signer: Arc::new(signer),
        report_limiter: Arc::new(
            crate::ratelimit::RateLimiter::new(report_rate, report_rate)
                .with_max_clients(max_clients),
        ),
        clock,
        config: Arc::new(config),
        metrics: Arc::new(crate::metrics::Metrics::new(search.kind())),
        search,
        calendar: Arc::new(crate::services::calendar::SharedCalendar::new(
            file, calendar,
        )),
        limiter: Arc::new(limiter),
        login_limiter: Arc::new(
            crate::ratelimit::RateLimiter::new(config_login_rate, config_login_rate)
                .with_max_clients(max_clients),
        ),
        standing_limiter: Arc::new(
            crate::ratelimit::RateLimiter::per_hour(standing_rate).with_max_clients(max_clients),
        ),
        case_lookup_limiter: Arc::new(
            crate::ratelimit::RateLimiter::per_hour(
                crate::services::cases::LOOKUP_FAILURES_PER_HOUR,
            )
            .with_max_clients(max_clients),
        ),
        screening: Arc::default(),
        readiness: Arc::default(),
        rebuilds: Arc::default(),
    })
}

/// The engine chosen by configuration: Meilisearch when `MEILI_URL` is set, else the embedded
/// engine under the data directory. Never one in place of the other: if Meilisearch is down at
/// start-up the server still starts, lookups answer `search_unavailable` and the outbox waits.
pub async fn open_search(config: &Config) -> Result<search::Engine, StartError> {
    let engine = match &config.meili_url {
        Some(url) => {
            let key = config.meili_api_key.as_ref().map(|k| k.expose().to_owned());
            search::Engine::meili(url, key.as_deref(), &config.meili_index_prefix)
        }
        None => search::Engine::open_embedded(&config.data_dir.join("index")),
    };
    engine.map_err(|e| StartError::Config(format!("search engine: {e}")))
}

/// The embedded search index held by one process. The embedded engine serves one instance: a
/// second `serve` (or a local `reindex`) on the same data directory is refused at start instead
/// of two processes writing one index. The lock is the operating system's (released when the
/// process ends, however it ends); with Meilisearch there is none.
#[derive(Debug)]
pub struct IndexLock {
    /// The locked file; the lock goes with it.
    _file: Option<std::fs::File>,
}

/// Takes the embedded index of `config` for this process, or says who holds it.
pub fn lock_index(config: &Config) -> Result<IndexLock, StartError> {
    if config.meili_url.is_some() {
        return Ok(IndexLock { _file: None });
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let path = config.data_dir.join("index.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(IndexLock { _file: Some(file) }),
        Err(std::fs::TryLockError::WouldBlock) => Err(StartError::Config(format!(
            "another xinyong process (a running server, or a reindex) holds the embedded search index in {}: \
             the embedded engine serves one instance. Stop that process, ask the running server to rebuild \
             (xinyong reindex --server URL), or run several instances on Meilisearch (MEILI_URL)",
            config.data_dir.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// A built application: state ready, sockets bound.
pub struct Application {
    state: AppState,
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    /// Held for as long as the application runs.
    _index_lock: IndexLock,
}

impl Application {
    /// Connects, migrates, opens the search indexes and binds (port 0 picks a free port, as tests
    /// do). An index that cannot be opened does not stop the start: the server is not ready
    /// (`/readyz` and lookups answer 503) until the recovery worker has rebuilt it.
    pub async fn build(config: Config, clock: Clock) -> Result<Self, StartError> {
        let bind = config.bind;
        let index_lock = lock_index(&config)?;
        let state = build_state(config, clock).await?;
        crate::workers::recovery::check_at_start(&state).await?;
        // The calendar may have changed since the last start (a new file, a year loaded by
        // another instance): open cases follow it.
        crate::services::calendar::recompute_open(&state, "system")
            .await
            .map_err(|e| {
                StartError::Config(format!(
                    "deadlines of open cases: {}",
                    e.cause.unwrap_or(e.message)
                ))
            })?;
        let listener = TcpListener::bind(bind).await?;
        let metrics_listener = match state.config.metrics_addr {
            Some(addr) => Some(TcpListener::bind(addr).await?),
            None => None,
        };
        Ok(Self {
            state,
            listener,
            metrics_listener,
            _index_lock: index_lock,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The bound address of the separate metrics listener (`XINYONG_METRICS_ADDR`), if any.
    pub fn metrics_addr(&self) -> Option<std::io::Result<SocketAddr>> {
        self.metrics_listener.as_ref().map(TcpListener::local_addr)
    }

    /// The shared state (tests read the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests. The workers (indexer,
    /// expiry, search-index recovery, calendar refresh, audit checkpoints) run beside the server
    /// and stop with it.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let indexer = tokio::spawn(crate::workers::indexer::run(
            self.state.clone(),
            stop_rx.clone(),
        ));
        let expiry = tokio::spawn(crate::workers::expiry::run(
            self.state.clone(),
            stop_rx.clone(),
        ));
        let recovery = tokio::spawn(crate::workers::recovery::run(
            self.state.clone(),
            stop_rx.clone(),
        ));
        let calendar = tokio::spawn(crate::workers::calendar::run(
            self.state.clone(),
            stop_rx.clone(),
        ));
        let checkpoint = tokio::spawn(crate::workers::checkpoint::run(self.state.clone(), stop_rx));
        let served = self.run_without_workers(shutdown).await;
        let _ = stop_tx.send(true);
        let _ = indexer.await;
        let _ = expiry.await;
        let _ = recovery.await;
        let _ = calendar.await;
        let _ = checkpoint.await;
        served
    }

    /// Serves without the background workers: tests drain the outbox themselves, synchronously.
    pub async fn run_without_workers(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let header_timeout = Duration::from_secs(self.state.config.header_timeout_secs);
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        let metrics = self.metrics_listener.map(|listener| {
            let app = crate::http::metrics_router(self.state.clone());
            tokio::spawn(serve(listener, app, header_timeout, stop_rx.clone()))
        });
        let app = crate::http::router(self.state);
        let served = serve(self.listener, app, header_timeout, stop_rx).await;
        if let Some(metrics) = metrics {
            metrics.await.map_err(std::io::Error::other)??;
        }
        served
    }
}

/// Serves `app` on `listener` over HTTP/1.1 until `stop` turns true, then lets the requests in
/// flight finish. Each connection must send a request's whole header block within
/// `header_timeout` (hyper's header read timeout) or it is closed: a client that trickles its
/// headers byte by byte cannot hold a connection open. `axum::serve` offers no such setting,
/// hence this loop (the one it runs, with the timeout added).
async fn serve(
    listener: TcpListener,
    app: axum::Router,
    header_timeout: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    loop {
        let stopped = async {
            // The guard `wait_for` answers with is not `Send`: drop it here.
            let _ = stop.wait_for(|stopped| *stopped).await.is_ok();
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stopped => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                accept_failed(e).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service =
            app.clone()
                .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    req
                });
        let conn = builder.serve_connection(
            TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// What `axum::serve` does when `accept` fails: a connection's own error is skipped; anything
/// else (out of file descriptors) is logged and waited out for a second, not spun on.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
