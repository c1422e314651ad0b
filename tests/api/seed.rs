//! Seed tests (being written).
