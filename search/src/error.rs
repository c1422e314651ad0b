//! The search crate's error type.

/// What can go wrong in a search operation. Messages never carry secrets (no API key, no
/// URL credentials) and name no document contents beyond field names.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The engine cannot be reached or did not answer in time; retry later.
    #[error("search engine unavailable: {0}")]
    Unavailable(String),
    /// The query cannot be run as asked (an unknown filter field, a page too deep, ...).
    #[error("invalid search query: {0}")]
    InvalidQuery(String),
    /// Anything else: a bug, a corrupt index, a failed engine task.
    #[error("search engine error: {0}")]
    Internal(String),
}

impl Error {
    /// Whether retrying later may succeed (the engine was down or slow).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Unavailable(_))
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(err: tantivy::TantivyError) -> Self {
        match err {
            tantivy::TantivyError::LockFailure(..) => {
                Error::Unavailable("the embedded index is locked by another process".into())
            }
            err => Error::Internal(format!("embedded index: {err}")),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::Internal(format!("embedded index storage: {err}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::Internal(format!("document (de)serialisation: {err}"))
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(err: tokio::task::JoinError) -> Self {
        Error::Internal(format!("search worker task failed: {err}"))
    }
}
