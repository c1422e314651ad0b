//! Configuration: one typed tree parsed by clap from flags and environment variables. Every field
//! has a doc comment (it is the `--help` text). Cross-field rules are checked by [`Config::check`]
//! at start-up, with a message that says what to set.

use crate::crypto::Secret;
use crate::domain::{IdMaskStyle, NameMask};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Xinyong (信用): the public-credit publication backend.
#[derive(Debug, Parser)]
#[command(name = "xinyong", version, about, long_about = None)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub config: Config,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server and the background workers (the default).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// End the publicity of every entry whose period is over, once, and exit.
    Expire,
    /// Rebuild every search index from the database and swap the fresh ones in atomically; with
    /// `--server`, ask the running server to do it (the embedded index belongs to that server).
    Reindex(ReindexArgs),
    /// Load data: the Hanzhong demo set, or N synthetic subjects for scale tests.
    Seed(SeedArgs),
    /// Import an agency's list records from a CSV or Excel (xlsx) file with Chinese headings.
    Import(ImportArgs),
    /// Audit trail tools.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Manage staff bearer tokens: create, list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Signed credit reports, search proofs and screening receipts.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Back up the embedded mode (SQLite) while the server runs: an online snapshot of the
    /// database and a manifest with its checksum and the fingerprints of the keys it needs.
    Backup {
        /// A new directory to write the backup into.
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
    },
    /// Restore a backup into an empty data directory, with the backup's keys configured: the
    /// database is put back, migrated, the search index rebuilt from it and the audit chain
    /// verified.
    Restore {
        /// The backup directory (`xinyong backup --out`).
        #[arg(long, value_name = "DIR")]
        from: std::path::PathBuf,
    },
}

/// `report` sub-commands.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Check a saved report, proof or receipt (its JSON, or a PDF report with the JSON inside)
    /// offline: is the signature one of the site's keys over exactly this content? Exits 0 when
    /// genuine, 1 when not.
    Verify {
        /// The saved file (`.json` or `.pdf`).
        file: std::path::PathBuf,
        /// The site's keys document (`/.well-known/xinyong-keys.json`, saved). Default: the keys
        /// of this configuration (XINYONG_SIGNING_KEY and XINYONG_RETIRED_SIGNING_KEYS).
        #[arg(long, value_name = "FILE", conflicts_with = "public_key")]
        keys: Option<std::path::PathBuf>,
        /// One public key (hex or base64) to check with.
        #[arg(long, value_name = "KEY")]
        public_key: Option<String>,
    },
}

/// Options of `serve`.
#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Load the demo data set on first start (only into an empty database).
    #[arg(long, env = "XINYONG_DEMO")]
    pub demo: bool,
}

/// Options of `seed`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct SeedArgs {
    /// The realistic Hanzhong demo set (only into an empty database).
    #[arg(long)]
    pub demo: bool,
    /// N synthetic subjects with entries.
    #[arg(long, value_name = "N")]
    pub synthetic: Option<u64>,
}

/// Options of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file: `.csv` (UTF-8 or GB18030) or `.xlsx` (first worksheet).
    pub file: std::path::PathBuf,
    /// The submitting agency: its id or its unified social credit code.
    #[arg(long, value_name = "ID")]
    pub agency: String,
    /// Where to write the refused rows (default: next to FILE, as `<name>.rejected.csv`).
    #[arg(long, value_name = "FILE")]
    pub rejected: Option<std::path::PathBuf>,
}

/// Options of `reindex`.
#[derive(Debug, Args)]
pub struct ReindexArgs {
    /// The running server's address (`http://127.0.0.1:8080`): it rebuilds while lookups keep
    /// answering, and this command follows it until it is done.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// An administrator's bearer token for `--server`.
    #[arg(
        long,
        env = "XINYONG_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
}

/// `audit` sub-commands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the audit trail and its checkpoints; name what broke.
    Verify {
        /// Checkpoints kept outside the database (JSON lines, as `audit checkpoint` prints), to
        /// check too: they catch a truncation even if the stored checkpoints were deleted with it.
        #[arg(long, value_name = "FILE")]
        checkpoints: Option<std::path::PathBuf>,
    },
    /// Write a keyed checkpoint of the chain's head now and print it as one JSON line.
    Checkpoint {
        /// Also append the checkpoint, as a JSON line, to FILE (keep it outside the database).
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
}

/// `token` sub-commands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// List every staff token: member, name, expiry, last use and state.
    List,
    /// Revoke a token at once.
    Revoke {
        /// The token's id (as `token list` shows it).
        id: entity::StaffTokenId,
    },
    /// Create a staff member with a new bearer token; the token is printed once.
    Create {
        /// The staff member's role.
        #[arg(long, value_enum, default_value_t = RoleArg::Admin)]
        role: RoleArg,
        /// Display name of the staff member.
        #[arg(long, default_value = "administrator")]
        name: String,
    },
}

/// A staff role on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// Everything, including staff, agencies and direct publication.
    Admin,
    /// Drafts and submits (the maker).
    Editor,
    /// Approves, rejects and withdraws (the checker).
    Reviewer,
}

impl From<RoleArg> for entity::StaffRole {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Self::Admin,
            RoleArg::Editor => Self::Editor,
            RoleArg::Reviewer => Self::Reviewer,
        }
    }
}

/// Log output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Settings of the server and the commands.
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Database URL: `sqlite://PATH?mode=rwc` or `postgres://…`. Default: a SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Directory for the SQLite database, the embedded search index and development keys.
    #[arg(long, env = "XINYONG_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Address the HTTP server listens on.
    #[arg(
        long,
        env = "XINYONG_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,

    /// Key of the keyed hash (HMAC-SHA256) of ID numbers: 32 bytes as hex or base64.
    /// Required with PostgreSQL; generated into the data directory for a SQLite development set-up.
    #[arg(long, env = "XINYONG_HMAC_KEY", hide_env_values = true, global = true)]
    pub hmac_key: Option<Secret>,

    /// Key (AES-256-GCM) encrypting ID numbers at rest: 32 bytes as hex or base64.
    /// Required with PostgreSQL; generated into the data directory for a SQLite development set-up.
    #[arg(
        long,
        env = "XINYONG_ENCRYPTION_KEY",
        hide_env_values = true,
        global = true
    )]
    pub encryption_key: Option<Secret>,

    /// Key (HMAC-SHA256) of the audit chain's checkpoints: 32 bytes as hex or base64. Default:
    /// derived from XINYONG_HMAC_KEY under its own label. Checkpoints made with one key are
    /// checked only with that key.
    #[arg(long, env = "XINYONG_AUDIT_KEY", hide_env_values = true, global = true)]
    pub audit_key: Option<Secret>,

    /// Seconds between the server's checkpoints of the audit chain's head (0: none; one is also
    /// written at shutdown).
    #[arg(
        long,
        env = "XINYONG_AUDIT_CHECKPOINT_SECS",
        default_value_t = 300,
        global = true
    )]
    pub audit_checkpoint_secs: u64,

    /// A bootstrap admin bearer token; stored hashed at start-up so the first admin can log in.
    #[arg(
        long,
        env = "XINYONG_ADMIN_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub admin_token: Option<Secret>,

    /// Minutes a console session may sit idle before it ends.
    #[arg(
        long,
        env = "XINYONG_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: u32,

    /// Hours after login a console session ends, however active.
    #[arg(
        long,
        env = "XINYONG_SESSION_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_hours: u32,

    /// Mark the session cookie `Secure` (set it when the site is served over https; it is also
    /// set for requests that arrive with `X-Forwarded-Proto: https`).
    #[arg(long, env = "XINYONG_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,

    /// Failed logins in a row after which an account is locked for XINYONG_LOGIN_LOCK_MINUTES.
    #[arg(
        long,
        env = "XINYONG_LOGIN_MAX_FAILURES",
        default_value_t = 5,
        global = true
    )]
    pub login_max_failures: u32,

    /// Minutes an account stays locked after too many failed logins.
    #[arg(
        long,
        env = "XINYONG_LOGIN_LOCK_MINUTES",
        default_value_t = 15,
        global = true
    )]
    pub login_lock_minutes: u32,

    /// Login attempts per minute per client address (whatever the account).
    #[arg(long, env = "XINYONG_LOGIN_RATE", default_value_t = 10, global = true)]
    pub login_rate_per_minute: u32,

    /// Days a new staff token is valid unless its creator says otherwise.
    #[arg(long, env = "XINYONG_TOKEN_DAYS", default_value_t = 90, global = true)]
    pub token_days: u32,

    /// How public ID numbers are masked: first6_last4, birth_date or first3_last4.
    #[arg(
        long,
        env = "XINYONG_ID_MASK",
        default_value = "first6_last4",
        global = true
    )]
    pub id_mask: IdMaskStyle,

    /// How natural persons' names are masked on public surfaces: keep_first or none.
    #[arg(
        long,
        env = "XINYONG_NAME_MASK",
        default_value = "keep_first",
        global = true
    )]
    pub name_mask: NameMask,

    /// Name masking of particular lists, overriding XINYONG_NAME_MASK on their entries:
    /// `list name=keep_first|none`, separated by `;` (e.g. `失信被执行人=keep_first;诚信纳税人=none`).
    #[arg(
        long,
        env = "XINYONG_NAME_MASK_LISTS",
        default_value = "",
        global = true
    )]
    pub name_mask_lists: crate::services::projection::ListNameMasks,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "XINYONG_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Maximum connections in the database pool.
    #[arg(long, env = "XINYONG_DB_POOL", default_value_t = 10, global = true)]
    pub db_pool: u32,

    /// Meilisearch URL; when set, Meilisearch replaces the embedded engine (never silently).
    #[arg(long, env = "MEILI_URL", global = true)]
    pub meili_url: Option<String>,

    /// Meilisearch API key.
    #[arg(long, env = "MEILI_API_KEY", hide_env_values = true, global = true)]
    pub meili_api_key: Option<Secret>,

    /// Prefix of the Meilisearch index names, so several sites can share a server.
    #[arg(
        long,
        env = "MEILI_INDEX_PREFIX",
        default_value = "xinyong_",
        global = true
    )]
    pub meili_index_prefix: String,

    /// Public requests per minute per client address (0: no limit).
    #[arg(long, env = "XINYONG_RATE_LIMIT", default_value_t = 300, global = true)]
    pub rate_limit_per_minute: u32,

    /// Burst size of the per-client rate limit.
    #[arg(long, env = "XINYONG_RATE_BURST", default_value_t = 60, global = true)]
    pub rate_limit_burst: u32,

    /// A working-day calendar file (JSON: holidays and adjusted working weekends) replacing the
    /// built-in one; deadlines of repairs and objections are counted on it.
    #[arg(long, env = "XINYONG_CALENDAR", global = true)]
    pub calendar: Option<PathBuf>,

    /// Log format.
    #[arg(long, env = "XINYONG_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Seconds a client has to send a request's whole header block (a connection that trickles
    /// its headers is closed), counted from the connection's start or its previous request.
    #[arg(
        long,
        env = "XINYONG_HEADER_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub header_timeout_secs: u64,

    /// Seconds a request body may pause between two pieces before it is refused with 408
    /// `request_timeout`.
    #[arg(
        long,
        env = "XINYONG_BODY_TIMEOUT_SECS",
        default_value_t = 15,
        global = true
    )]
    pub body_timeout_secs: u64,

    /// Seconds a request may take from its headers to its answer, body included; past them it is
    /// stopped and answered 503 `server_timeout` (an unfinished write is rolled back).
    #[arg(
        long,
        env = "XINYONG_REQUEST_TIMEOUT_SECS",
        default_value_t = 60,
        global = true
    )]
    pub request_timeout_secs: u64,

    /// Requests handled at once; more are answered 503 `overloaded` with `Retry-After` at once
    /// rather than queued (`/healthz` and `/metrics` are not counted).
    #[arg(
        long,
        env = "XINYONG_MAX_CONCURRENT_REQUESTS",
        default_value_t = 256,
        global = true
    )]
    pub max_concurrent_requests: usize,

    /// Largest partner batch body (`POST /api/v1/partner/batches`), in bytes; counted while it
    /// is received.
    #[arg(long, env = "XINYONG_MAX_BATCH_BYTES", default_value_t = 32 * 1024 * 1024, global = true)]
    pub max_batch_bytes: usize,

    /// Bearer token that `/metrics` asks for on the main address. Without it (and without
    /// XINYONG_METRICS_ADDR) `/metrics` is refused.
    #[arg(
        long,
        env = "XINYONG_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<Secret>,

    /// A separate address serving only `/metrics` (e.g. on an internal interface), without a
    /// token unless XINYONG_METRICS_TOKEN is also set. The main address then refuses `/metrics`
    /// unless XINYONG_METRICS_TOKEN is set.
    #[arg(long, env = "XINYONG_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<SocketAddr>,

    /// Reverse proxies whose `X-Forwarded-For` (or `Forwarded`) header is believed: IP addresses
    /// or CIDR blocks separated by commas (e.g. `10.0.0.0/8,::1`). From any other peer the
    /// header is ignored and the socket's address is the client.
    #[arg(
        long,
        env = "XINYONG_TRUSTED_PROXIES",
        default_value = "",
        global = true
    )]
    pub trusted_proxies: crate::ratelimit::TrustedProxies,

    /// Which header the trusted proxies write the client's address in: `x-forwarded-for` or
    /// `forwarded` (RFC 7239). The other one is ignored, so a client cannot slip in its own.
    #[arg(long, env = "XINYONG_FORWARDED_HEADER", value_enum, default_value_t = crate::ratelimit::ForwardedHeader::XForwardedFor, global = true)]
    pub forwarded_header: crate::ratelimit::ForwardedHeader,

    /// Most clients the per-client rate limiters keep track of; past it, idle clients are
    /// forgotten first, then the least recently seen.
    #[arg(
        long,
        env = "XINYONG_RATE_LIMIT_MAX_CLIENTS",
        default_value_t = 100_000,
        global = true
    )]
    pub rate_limit_max_clients: usize,

    /// Open objections (and open repair applications) one client may have against one entry.
    #[arg(
        long,
        env = "XINYONG_FILINGS_OPEN_PER_CLIENT",
        default_value_t = 3,
        global = true
    )]
    pub filings_open_per_client: u32,

    /// Objections (and, separately, repair applications) accepted per entry per day from all
    /// clients together, counted in the database.
    #[arg(
        long,
        env = "XINYONG_FILINGS_PER_ENTRY_DAY",
        default_value_t = 20,
        global = true
    )]
    pub filings_per_entry_day: u32,

    /// Repair applications for one entry whose subject does not match that one client may send
    /// per hour, so that the masked ID number on a list cannot be completed by guessing.
    #[arg(
        long,
        env = "XINYONG_STANDING_FAILURES_PER_HOUR",
        default_value_t = 5,
        global = true
    )]
    pub standing_failures_per_hour: u32,

    /// Natural-person lookups of one name accepted per day (China time) from all clients
    /// together, counted in the database, so that the hidden digits of a masked ID number
    /// cannot be completed by guessing from many addresses.
    #[arg(
        long,
        env = "XINYONG_PERSON_LOOKUPS_PER_NAME_DAY",
        default_value_t = 10,
        global = true
    )]
    pub person_lookups_per_name_day: u32,

    /// `/readyz` answers 503 `indexing_behind` when the oldest change not yet applied to the
    /// search index (the oldest search-outbox row) is older than this many seconds.
    #[arg(
        long,
        env = "XINYONG_READY_MAX_OUTBOX_LAG_SECS",
        default_value_t = 300,
        global = true
    )]
    pub ready_max_outbox_lag_secs: u64,

    /// Ed25519 signing key of credit reports, search proofs and screening receipts: the 32-byte
    /// seed as hex or base64. Required with PostgreSQL; generated into the data directory for a
    /// SQLite development set-up.
    #[arg(
        long,
        env = "XINYONG_SIGNING_KEY",
        hide_env_values = true,
        global = true
    )]
    pub signing_key: Option<Secret>,

    /// Public keys (hex or base64, comma-separated) of signing keys no longer in use: documents
    /// they signed keep verifying, and `/.well-known/xinyong-keys.json` lists them as retired.
    #[arg(
        long,
        env = "XINYONG_RETIRED_SIGNING_KEYS",
        value_delimiter = ',',
        global = true
    )]
    pub retired_signing_keys: Vec<String>,

    /// The site's public address, printed on reports and in their QR code
    /// (`{XINYONG_PUBLIC_URL}/verify?code=…`). Default: `http://` and XINYONG_BIND.
    #[arg(long, env = "XINYONG_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// A CJK font (TrueType or OpenType, `.ttf`, `.otf` or `.ttc`) embedded, subset, in PDF
    /// reports. Default: the first of the usual Noto CJK and WenQuanYi locations that exists;
    /// without one, PDF reports answer 503 `pdf_unavailable` (HTML and JSON still work).
    #[arg(long, env = "XINYONG_REPORT_FONT", global = true)]
    pub report_font: Option<PathBuf>,

    /// Signed documents (reports, search proofs) one client may have issued per minute.
    #[arg(
        long,
        env = "XINYONG_REPORTS_PER_MINUTE",
        default_value_t = 10,
        global = true
    )]
    pub reports_per_minute: u32,
}

impl Config {
    /// The configuration with every default, data under `data_dir` (tests and tools).
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        let mut config = Cli::parse_from(["xinyong"]).config;
        config.data_dir = data_dir.into();
        config.database_url = None;
        config.hmac_key = None;
        config.encryption_key = None;
        config.signing_key = None;
        config.retired_signing_keys = Vec::new();
        config.public_url = None;
        config.report_font = None;
        config.audit_key = None;
        config.admin_token = None;
        config.meili_url = None;
        config.meili_api_key = None;
        config.calendar = None;
        config.metrics_token = None;
        config.metrics_addr = None;
        config.trusted_proxies = crate::ratelimit::TrustedProxies::default();
        config
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("xinyong.db").display()
            ),
        }
    }

    /// The site's public address, without a trailing `/`.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// Whether the database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        let url = self.database_url();
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }

    /// Cross-field checks, with a message that says what to set.
    pub fn check(&self) -> Result<(), String> {
        let url = self.database_url();
        if !(url.starts_with("sqlite:") || self.is_postgres()) {
            return Err(format!(
                "DATABASE_URL must start with sqlite: or postgres://, found `{}`",
                url.split(':').next().unwrap_or_default()
            ));
        }
        if self.is_postgres()
            && (self.hmac_key.is_none()
                || self.encryption_key.is_none()
                || self.signing_key.is_none())
        {
            return Err("with PostgreSQL, set XINYONG_HMAC_KEY, XINYONG_ENCRYPTION_KEY and XINYONG_SIGNING_KEY (32 bytes each, hex or base64); \
                 development keys are only generated for a local SQLite database"
                .into());
        }
        if self.reports_per_minute == 0 {
            return Err("XINYONG_REPORTS_PER_MINUTE must be at least 1".into());
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!(
                "XINYONG_PUBLIC_URL must start with http:// or https://, found `{url}`"
            ));
        }
        if self.session_idle_minutes == 0 || self.session_hours == 0 {
            return Err(
                "XINYONG_SESSION_IDLE_MINUTES and XINYONG_SESSION_HOURS must be at least 1".into(),
            );
        }
        if self.login_max_failures == 0 || self.login_rate_per_minute == 0 || self.token_days == 0 {
            return Err("XINYONG_LOGIN_MAX_FAILURES, XINYONG_LOGIN_RATE and XINYONG_TOKEN_DAYS must be at least 1".into());
        }
        if self.max_body_bytes < 1024 || self.max_batch_bytes < 1024 {
            return Err(
                "XINYONG_MAX_BODY_BYTES and XINYONG_MAX_BATCH_BYTES must be at least 1024".into(),
            );
        }
        if self.header_timeout_secs == 0
            || self.body_timeout_secs == 0
            || self.request_timeout_secs == 0
        {
            return Err("XINYONG_HEADER_TIMEOUT_SECS, XINYONG_BODY_TIMEOUT_SECS and XINYONG_REQUEST_TIMEOUT_SECS must be at least 1".into());
        }
        if self.max_concurrent_requests == 0 || self.rate_limit_max_clients == 0 {
            return Err(
                "XINYONG_MAX_CONCURRENT_REQUESTS and XINYONG_RATE_LIMIT_MAX_CLIENTS must be at least 1"
                    .into(),
            );
        }
        if self.filings_open_per_client == 0
            || self.filings_per_entry_day == 0
            || self.standing_failures_per_hour == 0
            || self.person_lookups_per_name_day == 0
        {
            return Err("XINYONG_FILINGS_OPEN_PER_CLIENT, XINYONG_FILINGS_PER_ENTRY_DAY, XINYONG_STANDING_FAILURES_PER_HOUR and XINYONG_PERSON_LOOKUPS_PER_NAME_DAY must be at least 1".into());
        }
        if self
            .metrics_token
            .as_ref()
            .is_some_and(|t| t.expose().len() < 16)
        {
            return Err("XINYONG_METRICS_TOKEN must be at least 16 characters".into());
        }
        if self
            .metrics_addr
            .is_some_and(|a| a == self.bind && a.port() != 0)
        {
            return Err("XINYONG_METRICS_ADDR must differ from XINYONG_BIND".into());
        }
        Ok(())
    }
}
