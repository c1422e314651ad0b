//! Demo and synthetic data: what a fresh installation is shown with, and what scale tests and
//! benchmarks load by the hundred thousand.
//!
//! [`demo`] writes a realistic 汉中 data set (about 300 subjects, their red and black list
//! entries in every state, and a dozen exposure notices) through the same services the office
//! API uses, so every row has its audit event and outbox row. [`synthetic`] writes `n` plain
//! subjects with published entries by bulk inserts, without per-row audit events or outbox rows:
//! the caller reindexes afterwards.
//!
//! Every value is generated, not copied: codes are built with [`Uscc::from_parts`] and ID numbers
//! with [`IdNumber::from_parts`], so they pass the checksums, and everything else comes from a
//! small seeded generator (SplitMix64), so a run on a given day always writes the same content.
//! Names, codes and document numbers are fictitious; the deciding authorities, list names and
//! legal bases are the real kinds used in 汉中.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use entity::{EntryId, EntryStatus, NoticeCategory, SubjectId, list_entry, public_change, subject};
use sea_orm::{ActiveValue::Set, DbErr, EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::db::begin_write;
use crate::domain::{
    HANZHONG_DISTRICTS, IdNumber, ListKind, NameMask, RegionCode, Severity, SubjectKind, Uscc,
    mask_person_name,
};
use crate::error::ApiError;
use crate::input::entries::{EntryFields, parse_fields};
use crate::services::audit;
use crate::services::entries::{self, EntryContent};
use crate::services::notices::{self, NoticeContent};
use crate::services::subjects::{self, NewSubject};
use crate::state::AppState;

/// What a seeding run wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Subjects created.
    pub subjects: u64,
    /// List entries created, in any state.
    pub entries: u64,
    /// Exposure notices created.
    pub notices: u64,
}

/// Why a seeding run stopped. Rows committed by earlier transactions of the run stay.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The database failed outside a service call.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// A service refused a write or failed; `message` includes the internal cause, if any.
    #[error("service error `{code}`: {message}")]
    Service {
        /// The error code the office API would have answered with.
        code: &'static str,
        /// The message, followed by the internal cause when there is one.
        message: String,
    },
    /// A generated value failed a domain check, or the run is too large: a bug or a limit of
    /// the generator, never of the database.
    #[error("generated data is invalid: {0}")]
    Generated(String),
}

impl From<ApiError> for SeedError {
    fn from(err: ApiError) -> Self {
        let message = match err.cause {
            Some(cause) => format!("{} ({cause})", err.message),
            None => err.message,
        };
        SeedError::Service {
            code: err.code.as_str(),
            message,
        }
    }
}

/// The audit actor of every seeded write.
const ACTOR: &str = "seed";

/// Seed of the demo generator: the demo set is the same on every run on the same day.
const DEMO_SEED: u64 = 0x5859_4E47_4841_4E5A;

/// Seed of the synthetic generator, mixed with the first counter of the run.
const SYNTHETIC_SEED: u64 = 0x5359_4E54_4845_5449;

/// Demo subjects created per write transaction.
const DEMO_SUBJECTS_PER_TXN: usize = 200;

/// Rows per `INSERT` of the synthetic run: 500 entries × 30 columns stays well under SQLite's
/// 32,766 bound parameters and PostgreSQL's 65,535.
const SYNTHETIC_CHUNK: u64 = 500;

/// Synthetic subjects per write transaction: few enough transactions to be fast, short enough
/// that other writers are not locked out for the whole run.
const SYNTHETIC_SUBJECTS_PER_TXN: u64 = 20_000;

/// Share of synthetic subjects with at least one entry, in percent.
const SYNTHETIC_LISTED_PERCENT: u64 = 30;

/// Synthetic document numbers start here; demo ones stay below 10,000, so the two never meet
/// under the unique (authority, document number) key.
const SYNTHETIC_DOCUMENT_BASE: u64 = 100_000;

mod demo;
mod exposure;
mod listings;
mod places;
mod rng;
mod synthetic;
mod words;

pub use demo::demo;
use demo::*;
use exposure::*;
use listings::*;
use places::*;
use rng::*;
pub use synthetic::synthetic;
use words::*;

#[cfg(test)]
mod tests {
    use super::synthetic::*;
    use super::*;

    #[test]
    fn synthetic_names_and_bodies_spell_distinct_counters() {
        let mut names = HashSet::new();
        let mut bodies = HashSet::new();
        for counter in (0..5000).chain([64u64.pow(3) - 1, 64u64.pow(3), synthetic_capacity() - 1]) {
            let name = synthetic_trade_name(counter);
            assert_eq!(name.chars().count(), SYNTHETIC_TRADE_WIDTH as usize);
            assert!(names.insert(name));
            let body = synthetic_body(counter);
            assert_eq!(body.len(), 8);
            assert!(bodies.insert(body));
        }
    }

    #[test]
    fn the_generator_is_deterministic() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            let v = rng.between(3, 5);
            assert!((3..=5).contains(&v));
        }
    }

    #[test]
    fn every_listing_yields_content_the_office_would_accept() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).expect("date");
        let mut rng = Rng::new(3);
        let categories = [
            Category::Enterprise(Sector::Construction),
            Category::Enterprise(Sector::Food),
            Category::Enterprise(Sector::Trade),
            Category::Individual(Sector::Food),
            Category::Cooperative,
            Category::Person,
        ];
        for (serial, category) in categories.iter().cycle().take(600).enumerate() {
            for listing in plan_listings(&mut rng, *category, 100) {
                let profile = Profile {
                    category: *category,
                    district: serial % HANZHONG_DISTRICTS.len(),
                };
                let content = entry_content(&mut rng, listing, profile, today, serial as u64)
                    .expect("content");
                assert!(content.document_number.contains(&serial.to_string()));
            }
        }
    }
}
