//! `xinyong backup` and `xinyong restore` for the embedded mode (SQLite and the embedded engine).
//!
//! A backup is a directory: `xinyong.db`, an online snapshot of the database taken by SQLite's
//! `VACUUM INTO` (consistent as of one moment while the server goes on writing), and
//! `manifest.json` with the snapshot's SHA-256, what it holds, and the fingerprints of the keys it
//! needs. The keys themselves are never in a backup (keep them apart, as the deployment guide
//! says), and neither is the search index: a restore rebuilds it from the database, so the index
//! always equals what was restored. With PostgreSQL, use `pg_dump` (the guide has the drill).

use crate::config::Config;
use crate::startup::StartError;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde::{Deserialize, Serialize};
use std::io::Read as _;
use std::path::Path;

/// The database file of a backup.
pub const DATABASE_FILE: &str = "xinyong.db";
/// The manifest of a backup.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Public identifiers of the keys a backup's data needs (16 hex digits each; never the keys).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFingerprints {
    /// `XINYONG_HMAC_KEY`.
    pub hmac: String,
    /// `XINYONG_ENCRYPTION_KEY`.
    pub encryption: String,
    /// `XINYONG_AUDIT_KEY` (or the one derived from the HMAC key).
    pub audit: String,
    /// `XINYONG_SIGNING_KEY` (its `key_id`).
    pub signing: String,
}

/// What a backup holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Format of the backup directory.
    pub format: u32,
    /// When the snapshot was taken (UTC, RFC 3339).
    pub created_at: String,
    /// The database file.
    pub database: String,
    /// Its SHA-256 (hex).
    pub database_sha256: String,
    /// Its size.
    pub database_bytes: u64,
    /// Subjects in the snapshot.
    pub subjects: u64,
    /// List entries in the snapshot.
    pub entries: u64,
    /// Audit events in the snapshot.
    pub audit_events: u64,
    /// The keys it needs.
    pub keys: KeyFingerprints,
}

/// What a restore did.
#[derive(Clone, Debug)]
pub struct Restored {
    /// The manifest of the backup.
    pub manifest: Manifest,
    /// Documents written to the rebuilt index: subjects, entries, notices.
    pub indexed: (u64, u64, u64),
    /// Audit events whose chain was verified.
    pub audit_events: u64,
}

fn failed(what: &str, e: impl std::fmt::Display) -> StartError {
    StartError::Config(format!("{what}: {e}"))
}

fn refuse_postgres(config: &Config, verb: &str) -> Result<(), StartError> {
    if config.is_postgres() {
        return Err(StartError::Config(format!(
            "`xinyong {verb}` is for the embedded mode (SQLite); with PostgreSQL, use pg_dump and pg_restore"
        )));
    }
    Ok(())
}

/// The fingerprints of the keys `config` names (generated development keys included).
pub fn fingerprints(config: &Config) -> Result<KeyFingerprints, StartError> {
    let keys = crate::startup::load_keys(config)?;
    let signer = crate::startup::load_signer(config)?;
    let [hmac, encryption, audit] = keys.fingerprints();
    Ok(KeyFingerprints {
        hmac,
        encryption,
        audit,
        signing: signer.key_id().to_owned(),
    })
}

fn sha256_file(path: &Path) -> Result<(String, u64), StartError> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path).map_err(|e| failed(&path.display().to_string(), e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| failed(&path.display().to_string(), e))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex::encode(hasher.finalize()), total))
}

/// Counts what a database file holds, opening it read-only.
async fn census(path: &Path) -> Result<(u64, u64, u64), StartError> {
    let url = format!("sqlite://{}?mode=ro", path.display());
    let db = sea_orm::Database::connect(&url).await?;
    let subjects = entity::subject::Entity::find().count(&db).await?;
    let entries = entity::list_entry::Entity::find().count(&db).await?;
    let events = entity::audit_event::Entity::find().count(&db).await?;
    db.close().await?;
    Ok((subjects, entries, events))
}

/// Takes a backup of the running system's database into the directory `out` (created; it must
/// not hold a backup already). Writers go on meanwhile: the snapshot is one consistent moment.
pub async fn backup(
    db: &sea_orm::DatabaseConnection,
    config: &Config,
    now: chrono::DateTime<chrono::Utc>,
    out: &Path,
) -> Result<Manifest, StartError> {
    refuse_postgres(config, "backup")?;
    std::fs::create_dir_all(out).map_err(|e| failed(&out.display().to_string(), e))?;
    let target = out.join(DATABASE_FILE);
    if target.exists() || out.join(MANIFEST_FILE).exists() {
        return Err(StartError::Config(format!(
            "{} already holds a backup; choose a new directory",
            out.display()
        )));
    }
    let partial = out.join(format!("{DATABASE_FILE}.partial"));
    let _ = std::fs::remove_file(&partial);
    let literal = partial.display().to_string().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{literal}'"))
        .await?;
    std::fs::rename(&partial, &target).map_err(|e| failed("backup", e))?;
    let (database_sha256, database_bytes) = sha256_file(&target)?;
    let (subjects, entries, audit_events) = census(&target).await?;
    let manifest = Manifest {
        format: 1,
        created_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        database: DATABASE_FILE.into(),
        database_sha256,
        database_bytes,
        subjects,
        entries,
        audit_events,
        keys: fingerprints(config)?,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| failed("manifest", e))?;
    let tmp = out.join(format!("{MANIFEST_FILE}.partial"));
    std::fs::write(&tmp, json).map_err(|e| failed("manifest", e))?;
    std::fs::rename(&tmp, out.join(MANIFEST_FILE)).map_err(|e| failed("manifest", e))?;
    tracing::info!(backup.dir = %out.display(), subjects, entries, audit_events, "backup written");
    Ok(manifest)
}

/// Restores the backup in `from` into the (empty) data directory of `config`: checks the
/// snapshot against its manifest and the configured keys against its fingerprints, puts the
/// database in place, migrates it, rebuilds the search index from it and verifies the audit
/// chain. Refuses, before writing anything, a data directory that holds a database, a running
/// server on it, a damaged snapshot, or keys other than the backup's.
pub async fn restore(config: Config, from: &Path) -> Result<Restored, StartError> {
    refuse_postgres(&config, "restore")?;
    let manifest: Manifest = std::fs::read(from.join(MANIFEST_FILE))
        .map_err(|e| failed(&from.join(MANIFEST_FILE).display().to_string(), e))
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| failed("manifest", e)))?;
    let source = from.join(&manifest.database);
    let (sha, _) = sha256_file(&source)?;
    if sha != manifest.database_sha256 {
        return Err(StartError::Config(format!(
            "{} does not match its manifest (SHA-256 {sha}, expected {}): the backup is damaged",
            source.display(),
            manifest.database_sha256
        )));
    }
    let target = config.data_dir.join("xinyong.db");
    if config.database_url.is_some() || target.exists() {
        return Err(StartError::Config(format!(
            "restore into an empty data directory: {} already holds a database (or DATABASE_URL names one)",
            config.data_dir.display()
        )));
    }
    let _lock = crate::startup::lock_index(&config)?;
    let have = fingerprints(&config)?;
    let want = &manifest.keys;
    for (name, a, b) in [
        ("XINYONG_HMAC_KEY", &have.hmac, &want.hmac),
        ("XINYONG_ENCRYPTION_KEY", &have.encryption, &want.encryption),
        ("XINYONG_AUDIT_KEY", &have.audit, &want.audit),
    ] {
        if a != b {
            return Err(StartError::Config(format!(
                "{name} is not the key this backup was made with (fingerprint {a}, the backup's {b}): set the backup's keys before restoring"
            )));
        }
    }
    if have.signing != want.signing {
        tracing::warn!(
            backup.signing = %want.signing, configured = %have.signing,
            "the signing key differs from the backup's: reports issued before verify only while its public key is in XINYONG_RETIRED_SIGNING_KEYS"
        );
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let partial = config.data_dir.join("xinyong.db.restoring");
    std::fs::copy(&source, &partial)?;
    std::fs::rename(&partial, &target)?;
    // The index is rebuilt from what was restored, never kept from before.
    let index = config.data_dir.join("index");
    if index.exists() {
        std::fs::remove_dir_all(&index)?;
    }
    let state = crate::startup::build_state(config, crate::clock::Clock::system()).await?;
    let report = crate::workers::reindex::reindex(&state, &|_, _, _| {})
        .await
        .map_err(|e| failed("rebuilding the index", e))?;
    let verdict = crate::services::audit::verify_anchored(&state.db, &state.keys, &[]).await?;
    let audit_events = match verdict {
        crate::services::audit::Verdict::Intact { events, .. } => events,
        broken => {
            return Err(StartError::Config(format!(
                "the restored audit trail does not verify: {broken:?}"
            )));
        }
    };
    Ok(Restored {
        manifest,
        indexed: (report.subjects, report.entries, report.notices),
        audit_events,
    })
}
