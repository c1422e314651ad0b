//! Business operations over SeaORM. Services are free functions over `&impl ConnectionTrait`
//! (usually the handler's transaction), take commands made of domain types, and write their
//! audit event and outbox row on the same connection.

pub mod agencies;
pub mod audit;
pub mod changes;
pub mod entries;
pub mod intake;
pub mod notices;
pub mod objections;
pub mod outbox;
pub mod public;
pub mod repairs;
pub mod screening;
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

/// Writes `active` to the row whose `id_column` is `id`, only while its `version_column` is still
/// `version` (optimistic concurrency; the guard in the WHERE clause also closes the race between
/// reading the row and writing it). `false`: another write got there first.
pub(crate) async fn update_at_version<E, A>(
    db: &impl sea_orm::ConnectionTrait,
    active: A,
    (id_column, id): (E::Column, impl Into<sea_orm::Value>),
    (version_column, version): (E::Column, i32),
) -> Result<bool, sea_orm::DbErr>
where
    E: sea_orm::EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E>,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    let result = E::update_many()
        .set(active)
        .filter(id_column.eq(id))
        .filter(version_column.eq(version))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
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
