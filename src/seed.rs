//! Demo and synthetic data (being written).
