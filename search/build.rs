//! Enables the Meilisearch conformance tests (`cfg(meili_tests)`) when `MEILI_URL` is set.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(meili_tests)");
    println!("cargo::rerun-if-env-changed=MEILI_URL");
    if std::env::var("MEILI_URL").is_ok_and(|url| !url.trim().is_empty()) {
        println!("cargo::rustc-cfg=meili_tests");
    }
}
