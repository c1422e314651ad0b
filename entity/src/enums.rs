//! Active enums: the closed value sets stored in text columns. The snake_case strings are part
//! of the schema; renaming one needs a migration.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Kind of credit subject.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SubjectKind {
    /// 法人
    #[sea_orm(string_value = "legal_person")]
    LegalPerson,
    /// 非法人组织
    #[sea_orm(string_value = "other_organisation")]
    OtherOrganisation,
    /// 个体工商户
    #[sea_orm(string_value = "individual_business")]
    IndividualBusiness,
    /// 自然人
    #[sea_orm(string_value = "natural_person")]
    NaturalPerson,
}

/// Which list an entry belongs to (名单类型).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ListKind {
    /// 守信红名单
    #[sea_orm(string_value = "red")]
    Red,
    /// 失信黑名单
    #[sea_orm(string_value = "black")]
    Black,
    /// 重点关注
    #[sea_orm(string_value = "key_attention")]
    KeyAttention,
}

/// Severity class of a black or penalty record (失信等级).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    /// 轻微
    #[sea_orm(string_value = "minor")]
    Minor,
    /// 一般
    #[sea_orm(string_value = "general")]
    General,
    /// 严重
    #[sea_orm(string_value = "serious")]
    Serious,
}

/// Lifecycle of a list entry. Only `Published` is public; every other state is office-only.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EntryStatus {
    /// Being written by an editor.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// Submitted, waiting for a reviewer.
    #[sea_orm(string_value = "pending_review")]
    PendingReview,
    /// Public.
    #[sea_orm(string_value = "published")]
    Published,
    /// Taken down because the decision was changed or revoked; the reason is public.
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
    /// Publicity period reached its maximum.
    #[sea_orm(string_value = "expired")]
    Expired,
    /// Ended early by an approved credit repair.
    #[sea_orm(string_value = "repaired")]
    Repaired,
}

/// Lifecycle of an exposure notice.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NoticeStatus {
    /// Being written.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// Submitted, waiting for a reviewer.
    #[sea_orm(string_value = "pending_review")]
    PendingReview,
    /// Public.
    #[sea_orm(string_value = "published")]
    Published,
    /// Taken down with a public reason.
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

/// Category of an exposure notice.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NoticeCategory {
    /// 失信典型案例
    #[sea_orm(string_value = "dishonesty_case")]
    DishonestyCase,
    /// 诚信典型
    #[sea_orm(string_value = "integrity_model")]
    IntegrityModel,
}

/// Role of a staff member of the credit office.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StaffRole {
    /// Manages staff and may do everything.
    #[sea_orm(string_value = "admin")]
    Admin,
    /// Drafts subjects, entries and notices.
    #[sea_orm(string_value = "editor")]
    Editor,
    /// Reviews, publishes and withdraws.
    #[sea_orm(string_value = "reviewer")]
    Reviewer,
}

/// What an outbox row asks the indexer to refresh.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OutboxTarget {
    /// A subject document (and its badges).
    #[sea_orm(string_value = "subject")]
    Subject,
    /// An entry document.
    #[sea_orm(string_value = "entry")]
    Entry,
    /// A notice document.
    #[sea_orm(string_value = "notice")]
    Notice,
}

/// What an objection is about.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ObjectionKind {
    /// The content of the entry.
    #[sea_orm(string_value = "content")]
    Content,
    /// Its publicity period.
    #[sea_orm(string_value = "period")]
    Period,
    /// The result of a credit repair.
    #[sea_orm(string_value = "repair_result")]
    RepairResult,
}

/// Lifecycle of an objection: submitted → accepted | returned → upheld | rejected.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ObjectionStatus {
    /// Filed, not yet looked at.
    #[sea_orm(string_value = "submitted")]
    Submitted,
    /// Accepted and under verification; the entry is marked publicly.
    #[sea_orm(string_value = "accepted")]
    Accepted,
    /// Returned for materials.
    #[sea_orm(string_value = "returned")]
    Returned,
    /// Found right: the entry was withdrawn.
    #[sea_orm(string_value = "upheld")]
    Upheld,
    /// Found wrong, with reasons.
    #[sea_orm(string_value = "rejected")]
    Rejected,
}

/// Lifecycle of a repair application: submitted → accepted | returned → approved | rejected.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RepairStatus {
    /// Filed.
    #[sea_orm(string_value = "submitted")]
    Submitted,
    /// Accepted; waiting for the deciding authority.
    #[sea_orm(string_value = "accepted")]
    Accepted,
    /// Returned for materials.
    #[sea_orm(string_value = "returned")]
    Returned,
    /// Approved: publicity ended.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Rejected, with reasons.
    #[sea_orm(string_value = "rejected")]
    Rejected,
}

/// Lifecycle of a revision: pending → approved | rejected | superseded.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RevisionStatus {
    /// Waiting for a reviewer; the published version stays public.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Approved: the entry now has this content.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Rejected, with the reason.
    #[sea_orm(string_value = "rejected")]
    Rejected,
    /// A later correction from the same agency replaced it before review.
    #[sea_orm(string_value = "superseded")]
    Superseded,
}
