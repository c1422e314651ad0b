//! Integration tests: the real application over a real socket, on SQLite always and on PostgreSQL
//! when `TEST_DATABASE_URL` is set.

mod backup;
mod browser;
mod fixtures;
mod helpers;
mod import;

mod auth;
mod calendar;
mod cases;
mod checkpoints;
mod console;
mod console_admin;
mod contract;
mod credentials;
mod entries;
mod instances;
mod integrity;
mod limits;
mod notices;
mod objections;
mod pages;
mod partner;
mod personal_data;
mod privacy;
mod publication;
mod readiness;
mod reindex;
mod repairs;
mod reports;
mod screening;
mod search;
mod seed;
mod subjects;
