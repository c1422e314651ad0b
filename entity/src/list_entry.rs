//! List entries (红黑名单记录): one listing of one subject, with every list field

use crate::{EntryId, EntryStatus, ListKind, Severity, StaffId, SubjectId};
use sea_orm::entity::prelude::*;

/// A red-list, black-list or key-attention entry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "list_entries")]
pub struct Model {
    /// Opaque public id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: EntryId,
    /// The listed subject.
    pub subject_id: SubjectId,
    /// 名单类型
    pub list: ListKind,
    /// 名单名称, e.g. 失信被执行人
    pub list_name: String,
    /// 失信等级; black and penalty records only.
    pub severity: Option<Severity>,
    /// 列入事由 / 荣誉名称
    pub reason: String,
    /// 失信行为 / 违法事实
    pub facts: Option<String>,
    /// 认定依据; required for black-list entries.
    pub legal_basis: Option<String>,
    /// 认定部门
    pub authority_name: String,
    /// The deciding authority's USCC.
    pub authority_uscc: Option<String>,
    /// 决定文书号; with the authority, the natural key.
    pub document_number: String,
    /// 认定日期
    pub decision_date: Date,
    /// 列入日期
    pub listing_date: Date,
    /// 有效期自 (red lists) or start of publicity.
    pub valid_from: Date,
    /// 有效期至 (red lists, set by the authority).
    pub valid_until: Option<Date>,
    /// Earliest date credit repair may be applied for (black entries).
    pub publicity_min_until: Option<Date>,
    /// 公示截止期: publicity ends at the start of this day.
    pub publicity_until: Option<Date>,
    /// 移出日期
    pub removal_date: Option<Date>,
    /// 移出事由; public for withdrawals.
    pub removal_reason: Option<String>,
    /// 移出机关
    pub removal_authority: Option<String>,
    /// 修复状态
    pub repair_status: Option<String>,
    /// 异议标注: shown publicly while an objection is pending.
    pub under_objection: bool,
    /// 数据来源单位
    pub source_name: String,
    /// The data source unit's USCC.
    pub source_uscc: Option<String>,
    /// Lifecycle state.
    pub status: EntryStatus,
    /// Staff member who created the draft.
    pub created_by: Option<StaffId>,
    /// Staff member who last changed its content.
    pub edited_by: Option<StaffId>,
    /// Staff member who submitted it for review.
    pub submitted_by: Option<StaffId>,
    /// Staff member who approved or rejected it.
    pub reviewed_by: Option<StaffId>,
    /// Why a reviewer sent it back.
    pub review_note: Option<String>,
    /// When it was (last) published.
    pub published_at: Option<DateTimeUtc>,
    /// Optimistic-concurrency version, starting at 1.
    pub version: i32,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of an entry.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The listed subject.
    #[sea_orm(
        belongs_to = "super::subject::Entity",
        from = "Column::SubjectId",
        to = "super::subject::Column::Id"
    )]
    Subject,
}

impl Related<super::subject::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Subject.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Entity {
    /// Entries the public may see on `today`: published and inside their publicity period.
    /// Every public reader starts here, so the rule is written once.
    pub fn find_public(today: Date) -> Select<Entity> {
        use sea_orm::sea_query::Condition;
        Self::find()
            .filter(Column::Status.eq(EntryStatus::Published))
            .filter(Column::ValidFrom.lte(today))
            .filter(
                Condition::any()
                    .add(Column::PublicityUntil.is_null())
                    .add(Column::PublicityUntil.gt(today)),
            )
            .filter(
                Condition::any()
                    .add(Column::ValidUntil.is_null())
                    .add(Column::ValidUntil.gte(today)),
            )
    }
}

impl Model {
    /// Whether the public may see this entry on `today` (the same rule as [`Entity::find_public`]).
    pub fn is_public_on(&self, today: Date) -> bool {
        self.status == EntryStatus::Published
            && self.valid_from <= today
            && self.publicity_until.is_none_or(|end| today < end)
            && self.valid_until.is_none_or(|end| today <= end)
    }
}
