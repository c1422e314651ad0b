//! Signed documents issued by the site: credit reports, proofs of a search, screening receipts.

use sea_orm::entity::prelude::*;

/// One issued document, kept as it was signed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signed_documents")]
pub struct Model {
    /// Opaque id (a screening receipt's id is its screening's id).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `credit_report`, `search_proof` or `screening_receipt`.
    pub kind: String,
    /// The number printed on it (报告编号).
    pub number: String,
    /// The code a reader types on the verification page (验证码).
    pub verification_code: String,
    /// The subject a credit report is about.
    pub subject_id: Option<Uuid>,
    /// The agency a screening receipt was issued to.
    pub agency_id: Option<Uuid>,
    /// When it was issued.
    pub issued_at: DateTimeUtc,
    /// SHA-256 (hex) of the public record it describes, to tell whether that record changed.
    pub record_digest: Option<String>,
    /// The signed document, as JSON text.
    pub document: String,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
