//! The counters case numbers are drawn from: one row per series (a prefix and a day, e.g.
//! `XF-20261203`), incremented in the transaction that files the case, so numbers are unique and
//! dense per day.

use sea_orm::entity::prelude::*;

/// One series' last number.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_counters")]
pub struct Model {
    /// The prefix and the day (China time), e.g. `XF-20261203`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub series: String,
    /// The last number given in the series.
    pub last: i32,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
