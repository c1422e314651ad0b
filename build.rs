//! Turns optional integration tests on when what they need is there, and otherwise leaves them
//! reported as ignored (skipped), never as passed:
//! - `pg_tests`: the PostgreSQL variants, when `TEST_DATABASE_URL` is set;
//! - `browser_tests`: the page tests in headless Chromium, when `chromedriver` is installed;
//! - `meili_tests`: the end-to-end tests on a Meilisearch engine, when `MEILI_URL` is set.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pg_tests)");
    println!("cargo::rustc-check-cfg=cfg(browser_tests)");
    println!("cargo::rustc-check-cfg=cfg(meili_tests)");
    println!("cargo::rerun-if-env-changed=MEILI_URL");
    if std::env::var("MEILI_URL").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo::rustc-cfg=meili_tests");
    }
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo::rerun-if-env-changed=CHROMEDRIVER");
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo::rustc-cfg=pg_tests");
    }
    let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    // Installing the driver later changes its directory, which runs this script again.
    if let Some(dir) = std::path::Path::new(&driver)
        .parent()
        .filter(|d| d.is_dir())
    {
        println!("cargo::rerun-if-changed={}", dir.display());
    }
    if std::path::Path::new(&driver).exists() {
        println!("cargo::rustc-cfg=browser_tests");
    }
}
