//! SeaORM entities of Xinyong: the tables as Rust types, their relations, active enums and typed
//! ids. No HTTP and no business rules live here; visibility rules that every public reader must
//! apply are written once as scoped query constructors (`list_entry::Entity::find_public`).
#![forbid(unsafe_code)]

pub mod agency;
pub mod agency_authority;
pub mod api_key;
pub mod api_key_rate;
pub mod audit_checkpoint;
pub mod audit_event;
pub mod calendar_year;
pub mod case_counter;
pub mod entry_revision;
pub mod enums;
pub mod ids;
pub mod list_entry;
pub mod notice;
pub mod objection;
pub mod outbox;
pub mod person_check;
pub mod person_lookup;
pub mod public_change;
pub mod repair;
pub mod screening;
pub mod signed_document;
pub mod staff;
pub mod staff_session;
pub mod staff_token;
pub mod subject;

pub use enums::*;
pub use ids::*;
