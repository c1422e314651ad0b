//! Repair tests (being written).
