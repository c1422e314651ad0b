//! Schema history of Xinyong. Each step is one self-contained file and never imports the entity
//! crate, so old steps keep meaning what they meant when they ran.
#![forbid(unsafe_code)]

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_create_core_tables;
mod m20261129_000002_add_entry_review;
mod m20261129_000003_create_objections_and_repairs;
mod m20261129_000004_create_agencies_and_keys;
mod m20261129_000005_create_public_changes;
mod m20261129_000006_create_screenings;
mod m20261202_000007_add_calendar_years_and_deadline_bases;
mod m20261202_000008_create_audit_checkpoints;
mod m20261202_000011_add_filing_limits;
mod m20261202_000012_add_staff_accounts;
mod m20261202_000013_add_revisions_and_authorities;
mod m20261202_000014_add_person_checks_and_lookup_limits;
mod m20261203_000015_create_signed_documents;
mod m20261203_000016_add_case_numbers_and_material_files;
mod m20261203_000017_add_key_rates;

/// Runs the schema steps in order; used by `xinyong migrate` and at `serve` start-up.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_core_tables::Migration),
            Box::new(m20261129_000002_add_entry_review::Migration),
            Box::new(m20261129_000003_create_objections_and_repairs::Migration),
            Box::new(m20261129_000004_create_agencies_and_keys::Migration),
            Box::new(m20261129_000005_create_public_changes::Migration),
            Box::new(m20261129_000006_create_screenings::Migration),
            Box::new(m20261202_000007_add_calendar_years_and_deadline_bases::Migration),
            Box::new(m20261202_000008_create_audit_checkpoints::Migration),
            Box::new(m20261202_000012_add_staff_accounts::Migration),
            Box::new(m20261202_000011_add_filing_limits::Migration),
            Box::new(m20261202_000013_add_revisions_and_authorities::Migration),
            Box::new(m20261202_000014_add_person_checks_and_lookup_limits::Migration),
            Box::new(m20261203_000015_create_signed_documents::Migration),
            Box::new(m20261203_000016_add_case_numbers_and_material_files::Migration),
            Box::new(m20261203_000017_add_key_rates::Migration),
        ]
    }
}
