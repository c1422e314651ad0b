//! Business operations over SeaORM. Services are free functions over `&impl ConnectionTrait`
//! (usually the handler's transaction), take commands made of domain types, and write their
//! audit event and outbox row on the same connection.

pub mod agencies;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod changes;
pub mod entries;
pub mod filings;
pub mod intake;
pub mod key_rates;
pub mod materials;
pub mod notices;
pub mod objections;
pub mod outbox;
pub mod projection;
pub mod public;
pub mod repairs;
pub mod reports;
pub mod revisions;
pub mod screening;
pub mod sessions;
pub mod staff;
pub mod subjects;

use crate::crypto::Keys;
use crate::domain;
use chrono::{DateTime, NaiveDate, Utc};

/// Who is writing, and when.
#[derive(Clone, Debug)]
pub struct WriteCtx<'a> {
    /// Audit actor label, e.g. `staff:<uuid>`.
    pub actor: String,
    /// The moment of the write (one value for every row it touches).
    pub now: DateTime<Utc>,
    /// Today in China.
    pub today: NaiveDate,
    /// Data keys.
    pub keys: &'a Keys,
}

/// How a versioned table is written with optimistic concurrency: its id, version and
/// `updated_at` columns, and the conflict its stale writes answer with.
pub(crate) struct Versioned<C> {
    /// The primary key column.
    pub id: C,
    /// The version column.
    pub version: C,
    /// The last-change time column.
    pub updated_at: C,
    /// The 409 code of a stale write.
    pub conflict: crate::error::ErrorCode,
    /// The row's name in the conflict message, e.g. `Notice`.
    pub what: &'static str,
}

/// Writes `active` as the next version of the row `id` at `version`, only while that row is
/// still at `version` (the guard in the WHERE clause also closes the race between reading the
/// row and writing it); otherwise the table's conflict error and nothing changes. Database errors
/// go through `db_error` (e.g. to name a unique violation).
pub(crate) async fn write_next_version<E, A, I>(
    db: &impl sea_orm::ConnectionTrait,
    table: &Versioned<E::Column>,
    mut active: A,
    (id, version): (I, i32),
    now: DateTime<Utc>,
    db_error: fn(sea_orm::DbErr) -> crate::error::ApiError,
) -> crate::error::ApiResult<()>
where
    E: sea_orm::EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E>,
    I: Into<sea_orm::Value> + std::fmt::Display + Clone,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    active.set(table.version, (version + 1).into());
    active.set(table.updated_at, now.into());
    let result = E::update_many()
        .set(active)
        .filter(table.id.eq(id.clone()))
        .filter(table.version.eq(version))
        .exec(db)
        .await
        .map_err(db_error)?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(subjects::stale(
            table.conflict,
            table.what,
            id,
            version,
            version + 1,
        ))
    }
}

/// One page of a listing.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// 1-based page number.
    pub page: u64,
    /// Items per page.
    pub per_page: u64,
}

impl From<domain::SubjectKind> for entity::SubjectKind {
    fn from(kind: domain::SubjectKind) -> Self {
        match kind {
            domain::SubjectKind::LegalPerson => Self::LegalPerson,
            domain::SubjectKind::OtherOrganisation => Self::OtherOrganisation,
            domain::SubjectKind::IndividualBusiness => Self::IndividualBusiness,
            domain::SubjectKind::NaturalPerson => Self::NaturalPerson,
        }
    }
}

impl From<entity::SubjectKind> for domain::SubjectKind {
    fn from(kind: entity::SubjectKind) -> Self {
        match kind {
            entity::SubjectKind::LegalPerson => Self::LegalPerson,
            entity::SubjectKind::OtherOrganisation => Self::OtherOrganisation,
            entity::SubjectKind::IndividualBusiness => Self::IndividualBusiness,
            entity::SubjectKind::NaturalPerson => Self::NaturalPerson,
        }
    }
}

impl From<domain::ListKind> for entity::ListKind {
    fn from(kind: domain::ListKind) -> Self {
        match kind {
            domain::ListKind::Red => Self::Red,
            domain::ListKind::Black => Self::Black,
            domain::ListKind::KeyAttention => Self::KeyAttention,
        }
    }
}

impl From<domain::Severity> for entity::Severity {
    fn from(severity: domain::Severity) -> Self {
        match severity {
            domain::Severity::Minor => Self::Minor,
            domain::Severity::General => Self::General,
            domain::Severity::Serious => Self::Serious,
        }
    }
}

/// A `LIKE` pattern matching any text that contains `text` literally (`%`, `_` and backslashes in it
/// match only themselves).
pub fn containing(text: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}
