//! Working-day calendar years loaded by the office (`PUT /api/v1/office/calendar`): each row
//! replaces that year of the calendar file.

use sea_orm::entity::prelude::*;

/// One year of holidays and adjusted working weekends.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_years")]
pub struct Model {
    /// The year.
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    /// Its public holidays, a JSON array of dates.
    pub holidays: Json,
    /// Its adjusted working weekends (调休), a JSON array of dates.
    pub working_weekends: Json,
    /// When it was loaded.
    pub updated_at: DateTimeUtc,
    /// Who loaded it (audit actor label).
    pub updated_by: String,
}

/// Calendar years stand alone.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
