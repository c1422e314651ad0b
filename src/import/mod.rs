//! `xinyong import FILE --agency ID`: list records from an agency's spreadsheet.
//!
//! The flow: [`read_table`] reads a CSV or xlsx file (the Chinese column headings agencies use)
//! into a [`Table`]; [`Columns::new`] maps its headings to record fields once, refusing the whole
//! file when a required heading is missing or one is unknown; [`Columns::record`] turns each row
//! into the `{subject, entry}` record the partner batch API takes, or says which cell it cannot
//! understand. The records then go through the same checks and intake as a partner batch, with
//! the importing agency as the data source. Rows refused at either step are written by
//! [`write_rejected`] with their line and reason; the agency fixes that file and imports it again.

pub mod file;

pub use file::{Columns, FileError, Row, Table, read_table, write_rejected};
