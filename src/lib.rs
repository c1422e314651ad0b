//! Xinyong (信用): the backend of a city's public-credit website. Credit subjects, red and black
//! list entries and exposure notices, published through a review workflow and indexed for the
//! public credit lookup.
#![forbid(unsafe_code)]

pub mod backup;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod import;
pub mod input;
pub mod markdown;
pub mod metrics;
pub mod pdf;
pub mod ratelimit;
pub mod readiness;
pub mod remote;
pub mod seed;
pub mod services;
pub mod signing;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod wording;
pub mod workers;
