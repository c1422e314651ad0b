//! Whether the process may answer lookups. The search index is a projection of the database: an
//! index that cannot be opened, or one created empty beside a database that holds records, would
//! answer "no records" for every blacklisted company. Until it is rebuilt, `/readyz` answers 503
//! with the reason and every lookup answers `search_unavailable`.

use crate::error::{ApiError, ErrorCode};
use std::sync::RwLock;

/// The readiness of the search index, shared by the HTTP layer and the recovery worker.
#[derive(Debug, Default)]
pub struct Readiness {
    /// `None` when the index may answer; otherwise why not.
    search: RwLock<Option<String>>,
}

impl Readiness {
    /// Whether lookups may be answered from the index.
    pub fn search_ready(&self) -> bool {
        self.search_blocked().is_none()
    }

    /// Why lookups may not be answered from the index, if they may not.
    pub fn search_blocked(&self) -> Option<String> {
        match self.search.read() {
            Ok(reason) => reason.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Marks the index as not to be answered from, for `reason` (public: it names no path).
    pub fn block_search(&self, reason: impl Into<String>) {
        let reason = reason.into();
        match self.search.write() {
            Ok(mut slot) => *slot = Some(reason),
            Err(poisoned) => *poisoned.into_inner() = Some(reason),
        }
    }

    /// Marks the index as ready again.
    pub fn unblock_search(&self) {
        match self.search.write() {
            Ok(mut slot) => *slot = None,
            Err(poisoned) => *poisoned.into_inner() = None,
        }
    }

    /// `Ok` when lookups may be answered; otherwise the public 503.
    pub fn check_search(&self) -> Result<(), ApiError> {
        match self.search_blocked() {
            None => Ok(()),
            Some(reason) => Err(ApiError {
                code: ErrorCode::SearchUnavailable,
                message: "Search is unavailable right now: the search index is being rebuilt; try again shortly."
                    .into(),
                cause: Some(reason),
                retry_after: Some(5),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocked_index_answers_search_unavailable_until_unblocked() {
        let r = Readiness::default();
        assert!(r.search_ready());
        assert!(r.check_search().is_ok());
        r.block_search("the index `subjects` cannot be opened");
        let err = r.check_search().err().map(|e| (e.code, e.retry_after));
        assert_eq!(err, Some((ErrorCode::SearchUnavailable, Some(5))));
        assert_eq!(
            r.search_blocked().as_deref(),
            Some("the index `subjects` cannot be opened")
        );
        r.unblock_search();
        assert!(r.search_ready());
    }
}
