//! The domain types of Xinyong: codes, code lists, masking and publicity periods.
//!
//! Everything here is pure (no I/O, no clock: "today" is always a parameter) and follows
//! parse-don't-validate: a value of one of these types has been checked against the rules of
//! codes, masking and publicity periods, so the rest of the crate takes them instead of strings and never checks
//! again. Errors display as short lower-case reasons meant to follow a field name and a colon
//! (`uscc: must be 18 characters, found 17`).

pub mod id_number;
pub mod kinds;
pub mod masking;
pub mod names;
pub mod period;
pub mod region;
pub mod uscc;
pub mod workdays;

pub use id_number::{IdNumber, IdNumberError};
pub use kinds::{KindCodeMismatch, ListKind, Severity, SubjectKind, UnknownValue};
pub use masking::{IdMaskStyle, NameMask, mask_person_name};
pub use period::{MonthRange, PeriodError, PeriodRule, PublicityWindow, publicity_window, rule_on};
pub use region::{HANZHONG_DISTRICTS, RegionCode, RegionError};
pub use uscc::{Uscc, UsccError};
