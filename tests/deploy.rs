//! Checks `deploy/compose.yaml` (and the proxy's `deploy/nginx.conf`) against the server: the
//! services exist, every variable set on an instance is one the server reads, the required ones
//! are set on both instances, the proxy is the trusted one, the Meilisearch image is recent
//! enough, and the ports agree. The file is read with a small indentation-based reader that
//! understands the subset of YAML it uses (maps, lists, scalars; no anchors).

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

const COMPOSE: &str = include_str!("../deploy/compose.yaml");
const NGINX: &str = include_str!("../deploy/nginx.conf");
const CONFIG_SOURCE: &str = include_str!("../src/config.rs");

/// A service: its scalar settings by dotted path (`image`, `environment.DATABASE_URL`,
/// `networks.internal.ipv4_address`) and its list items by path (`expose`).
#[derive(Debug, Default)]
struct Service {
    values: BTreeMap<String, String>,
    lists: BTreeMap<String, Vec<String>>,
}

fn unquote(value: &str) -> String {
    let v = value.trim();
    let v = v
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(v);
    v.to_owned()
}

/// The services of the compose file.
fn services(text: &str) -> BTreeMap<String, Service> {
    let mut out: BTreeMap<String, Service> = BTreeMap::new();
    let mut in_services = false;
    let mut current: Option<String> = None;
    // (indent, key) of the maps enclosing the current line, inside the service.
    let mut stack: Vec<(usize, String)> = Vec::new();
    for raw in text.lines() {
        let line = raw.split(" #").next().unwrap_or_default().trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        assert!(
            !line.contains('&') && !line.contains(": *") && !line.contains("<<:"),
            "the compose file uses no anchors or merge keys (this reader does not follow them): {line}"
        );
        let indent = line.len() - line.trim_start().len();
        let content = line.trim_start();
        if indent == 0 {
            in_services = content == "services:";
            current = None;
            continue;
        }
        if !in_services {
            continue;
        }
        if indent == 2 {
            let name = content.trim_end_matches(':').to_owned();
            out.entry(name.clone()).or_default();
            current = Some(name);
            stack.clear();
            continue;
        }
        let Some(name) = &current else { continue };
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let prefix: Vec<&str> = stack.iter().map(|(_, k)| k.as_str()).collect();
        let service = out.get_mut(name).expect("current service");
        if let Some(item) = content.strip_prefix("- ") {
            service
                .lists
                .entry(prefix.join("."))
                .or_default()
                .push(unquote(item));
            continue;
        }
        let (key, value) = content.split_once(':').expect("a `key: value` line");
        let value = value.trim();
        if value.is_empty() {
            stack.push((indent, key.to_owned()));
        } else {
            let mut path = prefix.clone();
            path.push(key);
            service.values.insert(path.join("."), unquote(value));
        }
    }
    out
}

/// Every environment variable the server reads (`env = "…"` in its configuration).
fn server_variables() -> BTreeSet<String> {
    CONFIG_SOURCE
        .split("env = \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

fn in_cidr(addr: Ipv4Addr, cidr: &str) -> bool {
    let (net, bits) = cidr.split_once('/').unwrap_or((cidr, "32"));
    let (Ok(net), Ok(bits)) = (net.parse::<Ipv4Addr>(), bits.parse::<u32>()) else {
        return false;
    };
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits.min(32))
    };
    u32::from(addr) & mask == u32::from(net) & mask
}

fn instances(all: &BTreeMap<String, Service>) -> Vec<(&String, &Service)> {
    all.iter()
        .filter(|(_, s)| {
            s.values
                .get("image")
                .is_some_and(|i| i.starts_with("xinyong"))
        })
        .collect()
}

#[test]
fn the_compose_file_has_the_database_the_engine_two_instances_and_the_proxy() {
    let all = services(COMPOSE);
    for name in ["postgres", "meilisearch", "proxy"] {
        assert!(
            all.contains_key(name),
            "service `{name}` missing: {:?}",
            all.keys()
        );
    }
    let pg = &all["postgres"].values["image"];
    assert!(
        pg.starts_with("postgres:15") || pg.starts_with("postgres:16"),
        "{pg}"
    );
    assert_eq!(instances(&all).len(), 2, "two xinyong instances");
}

#[test]
fn every_variable_set_on_an_instance_is_one_the_server_reads() {
    let known = server_variables();
    assert!(known.contains("DATABASE_URL") && known.contains("XINYONG_BIND"));
    let all = services(COMPOSE);
    for (name, service) in instances(&all) {
        for path in service.values.keys() {
            let Some(var) = path.strip_prefix("environment.") else {
                continue;
            };
            if var.starts_with("XINYONG_") || var.starts_with("MEILI_") || var == "DATABASE_URL" {
                assert!(
                    known.contains(var),
                    "{name} sets `{var}`, which the server does not read"
                );
            }
        }
        for var in [
            "DATABASE_URL",
            "XINYONG_HMAC_KEY",
            "XINYONG_ENCRYPTION_KEY",
            "XINYONG_SIGNING_KEY",
            "XINYONG_PUBLIC_URL",
            "MEILI_URL",
        ] {
            let value = service.values.get(&format!("environment.{var}"));
            assert!(
                value.is_some_and(|v| !v.is_empty()),
                "{name} does not set `{var}`"
            );
        }
        // No secret in the file: keys come from the env file.
        for var in [
            "XINYONG_HMAC_KEY",
            "XINYONG_ENCRYPTION_KEY",
            "XINYONG_SIGNING_KEY",
            "MEILI_API_KEY",
            "XINYONG_AUDIT_KEY",
            "XINYONG_METRICS_TOKEN",
        ] {
            if let Some(value) = service.values.get(&format!("environment.{var}")) {
                assert!(
                    value.starts_with(&format!("${{{var}:?")),
                    "{name}: `{var}` must come from the env file as ${{{var}:?…}}, found `{value}`"
                );
            }
        }
        let url = &service.values["environment.DATABASE_URL"];
        assert!(
            url.starts_with("postgres://") && url.contains("${POSTGRES_PASSWORD:?"),
            "{url}"
        );
    }
}

#[test]
fn the_proxy_is_the_trusted_one_and_balances_both_instances_on_their_port() {
    let all = services(COMPOSE);
    let proxy_ip: Ipv4Addr = all["proxy"].values["networks.internal.ipv4_address"]
        .parse()
        .expect("the proxy has a fixed address");
    for (name, service) in instances(&all) {
        let trusted = &service.values["environment.XINYONG_TRUSTED_PROXIES"];
        assert!(
            trusted.split(',').any(|c| in_cidr(proxy_ip, c.trim())),
            "{name}: the proxy {proxy_ip} is not in XINYONG_TRUSTED_PROXIES `{trusted}`"
        );
        let bind = &service.values["environment.XINYONG_BIND"];
        let port = bind.rsplit(':').next().expect("a port");
        assert!(
            bind.starts_with("0.0.0.0:"),
            "{name} must listen beyond its container: {bind}"
        );
        assert_eq!(
            service.lists.get("expose").map(Vec::as_slice),
            Some([port.to_owned()].as_slice()),
            "{name} exposes its XINYONG_BIND port"
        );
        assert!(
            NGINX.contains(&format!("server {name}:{port} ")),
            "the proxy balances {name}:{port}"
        );
    }
}

#[test]
fn the_meilisearch_image_is_at_least_1_15() {
    let all = services(COMPOSE);
    let image = &all["meilisearch"].values["image"];
    let version = image
        .strip_prefix("getmeili/meilisearch:v")
        .expect("an image getmeili/meilisearch:vX.Y");
    let mut parts = version
        .split('.')
        .map(|p| p.parse::<u32>().expect("a number"));
    let major = parts.next().expect("major");
    let minor = parts.next().expect("minor");
    assert!((major, minor) >= (1, 15), "{image}");
}

#[test]
fn the_reader_understands_the_subset_it_claims() {
    let all = services(
        "services:\n  a:\n    image: x:1\n    environment:\n      K: \"v\"\n    expose:\n      - \"80\"\n",
    );
    assert_eq!(all["a"].values["environment.K"], "v");
    assert_eq!(all["a"].lists["expose"], vec!["80"]);
    assert!(in_cidr(Ipv4Addr::new(172, 28, 0, 20), "172.28.0.0/24"));
    assert!(!in_cidr(Ipv4Addr::new(172, 28, 1, 20), "172.28.0.0/24"));
}
