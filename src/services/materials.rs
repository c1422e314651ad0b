//! The store of uploaded material files: outside the web root, under `<data_dir>/materials/`,
//! each file named by the SHA-256 of its content, so the same content is kept once and a name
//! says nothing of the applicant. An upload is written to a staging file first and moved to its
//! name only when the application that carries it is filed ([`Staged::keep`]); a staging file
//! that is not kept is removed when it is dropped. A kept file whose application then fails to
//! commit stays (it is content-addressed, so it harms nothing and is reused by the next upload
//! of the same content).

use crate::error::{ApiError, ApiResult};
use crate::input::materials::{HEAD_BYTES, MaterialFile};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// The directory of the stored files.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("materials")
}

/// The directory of staging files (inside [`dir`], so a move never crosses file systems).
fn staging_dir(data_dir: &Path) -> PathBuf {
    dir(data_dir).join("staging")
}

/// Whether `text` is a SHA-256 in lowercase hex.
fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Where the file of content hash `sha256` is kept, if `sha256` is one.
pub fn path_of(data_dir: &Path, sha256: &str) -> Option<PathBuf> {
    is_hash(sha256).then(|| dir(data_dir).join(sha256))
}

fn io_error(what: &str, e: &std::io::Error) -> ApiError {
    ApiError::internal(format!("material store: {what}: {e}"))
}

/// An upload being written: its staging file, its hash so far, its size and first bytes.
pub struct Staging {
    path: PathBuf,
    file: tokio::fs::File,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

impl Staging {
    /// Opens a new staging file.
    pub async fn start(data_dir: &Path) -> ApiResult<Self> {
        let staging = staging_dir(data_dir);
        tokio::fs::create_dir_all(&staging)
            .await
            .map_err(|e| io_error("staging directory", &e))?;
        let path = staging.join(uuid::Uuid::new_v4().simple().to_string());
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| io_error("staging file", &e))?;
        Ok(Self {
            path,
            file,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::with_capacity(HEAD_BYTES),
        })
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a piece of the upload.
    pub async fn write(&mut self, chunk: &[u8]) -> ApiResult<()> {
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        self.file
            .write_all(chunk)
            .await
            .map_err(|e| io_error("write", &e))
    }

    /// The upload is complete: its first bytes (for the type check) and the staged file.
    pub async fn finish(mut self) -> ApiResult<(Vec<u8>, Staged)> {
        self.file.flush().await.map_err(|e| io_error("flush", &e))?;
        self.file
            .sync_all()
            .await
            .map_err(|e| io_error("sync", &e))?;
        // Taken out, so that the drop of `self` removes nothing.
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let path = std::mem::take(&mut self.path);
        Ok((
            std::mem::take(&mut self.head),
            Staged {
                path,
                sha256,
                size: self.size,
            },
        ))
    }
}

// An upload abandoned half-way leaves no staging file.
impl Drop for Staging {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A complete upload in its staging file, removed on drop unless kept.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

impl Staged {
    /// Moves the file to its content-addressed name (or, when that content is kept already,
    /// drops this copy).
    pub async fn keep(&self, data_dir: &Path) -> ApiResult<()> {
        let target = dir(data_dir).join(&self.sha256);
        if tokio::fs::try_exists(&target).await.unwrap_or(false) {
            return Ok(());
        }
        tokio::fs::rename(&self.path, &target)
            .await
            .map_err(|e| io_error("keep", &e))
    }

    /// The record of this file on its application.
    pub fn record(&self, name: String, media_type: &str) -> MaterialFile {
        MaterialFile {
            sha256: self.sha256.clone(),
            name,
            size: self.size,
            media_type: media_type.to_owned(),
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Gone already once kept.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The content of a kept file.
pub async fn read(data_dir: &Path, sha256: &str) -> ApiResult<Vec<u8>> {
    let path = path_of(data_dir, sha256)
        .ok_or_else(|| ApiError::internal("material store: not a content hash"))?;
    tokio::fs::read(&path)
        .await
        .map_err(|e| io_error("read", &e))
}
