//! The deciding authorities an agency may submit under, registered by the office: an agency
//! cannot claim another authority's document numbers or publish in its name.

use crate::AgencyId;
use sea_orm::entity::prelude::*;

/// One registered authority of one agency.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agency_authorities")]
pub struct Model {
    /// The agency.
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: AgencyId,
    /// The authority's name (认定部门), as records name it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// Its unified social credit code, when known.
    pub uscc: Option<String>,
}

/// An authority belongs to an agency.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The agency.
    #[sea_orm(
        belongs_to = "super::agency::Entity",
        from = "Column::AgencyId",
        to = "super::agency::Column::Id"
    )]
    Agency,
}

impl ActiveModelBehavior for ActiveModel {}
