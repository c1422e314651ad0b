//! Public natural-person lookups counted per name and day (China time), so that the hidden
//! digits of a masked ID number cannot be completed by guessing from many clients. The name is
//! known only by a keyed hash of its folded form.

use sea_orm::entity::prelude::*;

/// The lookups of one name on one day.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_lookups")]
pub struct Model {
    /// Keyed hash (hex) of the folded name.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name_key: String,
    /// The day, China time.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    /// Lookups of the name that day.
    pub lookups: i32,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
