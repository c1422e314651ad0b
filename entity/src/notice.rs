//! Exposure notices (曝光台): articles on dishonesty cases and integrity models.

use crate::{NoticeCategory, NoticeId, NoticeStatus, StaffId};
use sea_orm::entity::prelude::*;

/// An exposure notice.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    /// Opaque public id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: NoticeId,
    /// Title.
    pub title: String,
    /// 失信典型案例 / 诚信典型
    pub category: NoticeCategory,
    /// 发布单位
    pub issuing_unit: String,
    /// Markdown body (基本案情, 处理结果, 法律依据, 典型意义); sanitised when rendered.
    #[sea_orm(column_type = "Text")]
    pub body_md: String,
    /// USCCs of the linked subjects, as a JSON array of strings.
    pub subject_usccs: Json,
    /// 发布日期, set when published.
    pub publication_date: Option<Date>,
    /// Publicity ends at the start of this day.
    pub publicity_until: Option<Date>,
    /// Lifecycle state.
    pub status: NoticeStatus,
    /// Public reason of a withdrawal.
    pub withdrawal_reason: Option<String>,
    /// Staff member who created the draft.
    pub created_by: Option<StaffId>,
    /// Optimistic-concurrency version, starting at 1.
    pub version: i32,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row last changed.
    pub updated_at: DateTimeUtc,
}

/// Notices relate to subjects by USCC only, so they have no foreign keys.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Entity {
    /// Notices the public may see on `today`.
    pub fn find_public(today: Date) -> Select<Entity> {
        use sea_orm::sea_query::Condition;
        Self::find()
            .filter(Column::Status.eq(NoticeStatus::Published))
            .filter(
                Condition::any()
                    .add(Column::PublicityUntil.is_null())
                    .add(Column::PublicityUntil.gt(today)),
            )
    }
}

impl Model {
    /// Whether the public may see this notice on `today`.
    pub fn is_public_on(&self, today: Date) -> bool {
        self.status == NoticeStatus::Published && self.publicity_until.is_none_or(|end| today < end)
    }
}
