//! Turns on the PostgreSQL variants of the integration tests when `TEST_DATABASE_URL` is set at
//! build time; without it they are reported as ignored (skipped), never as passed.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pg_tests)");
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo::rustc-cfg=pg_tests");
    }
}
