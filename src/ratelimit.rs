//! Token-bucket rate limiting (anti-scraping), in memory: a bucket per client of the public
//! endpoints, of logins and of some failures, each server instance counting its own (the partner
//! API's per-key rate is kept in the database instead: [`crate::services::key_rates`]); and who
//! the client is: the socket's peer, or the address a trusted reverse proxy says it forwarded
//! for, with IPv6 clients counted per /64 (one subscriber's network, which hands out its low 64
//! bits freely).

use ipnet::IpNet;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Clients a limiter keeps track of unless told otherwise.
pub const DEFAULT_MAX_CLIENTS: usize = 100_000;

/// How often, at most, buckets that have refilled are swept out.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Token buckets by client (an address, or what a limit counts per). The number of
/// clients tracked is bounded: buckets that have refilled are swept out (their clients lose
/// nothing), and at the cap the least recently seen are forgotten, so a flood of distinct
/// addresses cannot grow the map without end.
#[derive(Debug)]
pub struct RateLimiter<K = IpAddr> {
    per_minute: u32,
    burst: u32,
    /// Seconds the `per_minute` count refills over: 60, or 3,600 for [`RateLimiter::per_hour`].
    window: f64,
    max_clients: usize,
    inner: Mutex<Buckets<K>>,
}

#[derive(Debug)]
struct Buckets<K> {
    map: HashMap<K, (f64, Instant)>,
    pruned: Instant,
}

impl<K: std::hash::Hash + Eq + Clone> RateLimiter<K> {
    /// `per_minute` sustained requests with bursts of `burst`; 0 disables limiting.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        Self {
            per_minute,
            burst: burst.max(1),
            window: 60.0,
            max_clients: DEFAULT_MAX_CLIENTS,
            inner: Mutex::new(Buckets {
                map: HashMap::new(),
                pruned: Instant::now(),
            }),
        }
    }

    /// `count` per hour with bursts of `count`; 0 disables limiting.
    pub fn per_hour(count: u32) -> Self {
        Self {
            window: 3600.0,
            ..Self::new(count, count)
        }
    }

    /// The same limiter tracking at most `max` clients (at least 1).
    pub fn with_max_clients(mut self, max: usize) -> Self {
        self.max_clients = max.max(1);
        self
    }

    /// How many clients are tracked now.
    pub fn tracked(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .len()
    }

    /// Takes a token for `client`; `Err(seconds)` says how long to wait.
    pub fn check(&self, client: K) -> Result<(), u64> {
        self.check_rate(client, self.per_minute, self.burst)
    }

    /// Whether [`RateLimiter::check`] would let `client` through now, without taking a token:
    /// for limits that count only failures (check first, take a token when one happens).
    pub fn peek(&self, client: &K) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let rate = f64::from(self.per_minute) / self.window;
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match inner.map.get(client) {
            Some((tokens, at)) => {
                let tokens =
                    (tokens + at.elapsed().as_secs_f64() * rate).min(f64::from(self.burst));
                if tokens >= 1.0 {
                    Ok(())
                } else {
                    Err(((1.0 - tokens) / rate).ceil().max(1.0) as u64)
                }
            }
            None => Ok(()),
        }
    }

    /// Like [`RateLimiter::check`] with a rate of the client's own.
    pub fn check_rate(&self, client: K, per_minute: u32, burst: u32) -> Result<(), u64> {
        if per_minute == 0 {
            return Ok(());
        }
        let rate = f64::from(per_minute) / self.window;
        let burst = f64::from(burst.max(1));
        let now = Instant::now();
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let full = inner.map.len() >= self.max_clients && !inner.map.contains_key(&client);
        if full || now.duration_since(inner.pruned) >= PRUNE_EVERY {
            // Forget clients whose buckets have refilled: they lose nothing.
            inner.map.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
            inner.pruned = now;
        }
        if inner.map.len() >= self.max_clients && !inner.map.contains_key(&client) {
            evict_oldest(&mut inner.map, self.max_clients);
        }
        let (tokens, at) = inner.map.entry(client).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

/// Forgets the least recently seen tenth of `max` clients (at least one), so that a map at its
/// cap is not sorted again on every new client.
fn evict_oldest<K: std::hash::Hash + Eq + Clone>(map: &mut HashMap<K, (f64, Instant)>, max: usize) {
    let drop = (max / 10).max(1).min(map.len());
    let mut seen: Vec<(Instant, K)> = map.iter().map(|(k, (_, at))| (*at, k.clone())).collect();
    seen.select_nth_unstable_by_key(drop - 1, |(at, _)| *at);
    for (_, key) in seen.into_iter().take(drop) {
        map.remove(&key);
    }
}

/// The key a client address is limited under: an IPv4 address as it is, an IPv6 address by its
/// /64 network (an IPv4-mapped IPv6 address counts as the IPv4 address).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & !u128::from(u64::MAX);
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
    }
}

/// The reverse proxies whose forwarding headers are believed (`XINYONG_TRUSTED_PROXIES`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Whether `ip` is one of them.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = unmapped(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Whether none is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::str::FromStr for TrustedProxies {
    type Err = String;

    /// IP addresses or CIDR blocks separated by commas (spaces allowed); empty: none.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpNet>()
                    .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| format!("`{p}` is not an IP address or CIDR block"))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// The header in which the trusted proxies name the client (`XINYONG_FORWARDED_HEADER`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2`.
    #[default]
    #[value(name = "x-forwarded-for")]
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1` (RFC 7239).
    #[value(name = "forwarded")]
    Forwarded,
}

fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address. From a peer that is not a trusted proxy, the peer itself, whatever it
/// sent. From a trusted proxy, the chain of its header (`header`) is read from the right — each
/// proxy appends the address it received from — and the first address that is not a trusted
/// proxy is the client: anything to its left was written by the client and proves nothing. An
/// entry that is not an address (`unknown`, an obfuscated name) ends the walk at the proxy that
/// wrote it, so such clients share that proxy's bucket rather than escaping the limit.
pub fn client_address(
    peer: IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &TrustedProxies,
    header: ForwardedHeader,
) -> IpAddr {
    let peer = unmapped(peer);
    if !trusted.contains(peer) {
        return peer;
    }
    let values = headers
        .get_all(match header {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        })
        .iter()
        .map(|v| v.to_str().ok());
    let mut chain = Vec::new();
    for value in values {
        let Some(value) = value else {
            // A header that is not text cannot be read: believe nothing of it.
            return peer;
        };
        for element in value.split(',') {
            chain.push(match header {
                ForwardedHeader::XForwardedFor => parse_node(element.trim()),
                ForwardedHeader::Forwarded => forwarded_for(element),
            });
        }
    }
    let mut client = peer;
    for hop in chain.into_iter().rev() {
        match hop {
            Some(ip) if trusted.contains(ip) => client = ip,
            Some(ip) => return ip,
            None => return client,
        }
    }
    client
}

/// The `for=` of one element of a `Forwarded` header.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
        .and_then(|(_, v)| parse_node(v.trim().trim_matches('"')))
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]`,
/// `[2001:db8::1]:5678`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(unmapped(ip));
    }
    if let Ok(addr) = node.parse::<std::net::SocketAddr>() {
        return Some(unmapped(addr.ip()));
    }
    node.strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .and_then(|n| n.parse::<IpAddr>().ok())
        .map(unmapped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn a_client_gets_its_burst_then_waits_while_others_are_unaffected() {
        let limiter = RateLimiter::new(60, 3);
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        assert_eq!(limiter.check(a), Err(1));
        assert!(limiter.check(b).is_ok());
        assert!(RateLimiter::new(0, 1).check(a).is_ok());
    }

    #[test]
    fn a_flood_of_distinct_addresses_does_not_grow_the_limiter_past_its_cap() {
        let limiter = RateLimiter::new(1, 5).with_max_clients(100);
        for i in 0..10_000u32 {
            let _ = limiter.check(IpAddr::from(i.to_be_bytes()));
            assert!(limiter.tracked() <= 100, "{} after {i}", limiter.tracked());
        }
        // The most recent clients are the ones kept: the last one is still limited.
        let last = IpAddr::from(9_999u32.to_be_bytes());
        for _ in 0..4 {
            assert!(limiter.check(last).is_ok());
        }
        assert!(limiter.check(last).is_err());
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_bit_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2::1".parse().expect("ip");
        let other: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(
            client_key(a),
            "2001:db8:1:2::".parse::<IpAddr>().expect("ip")
        );
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(other));
        let v4: IpAddr = "203.0.113.7".parse().expect("ip");
        assert_eq!(client_key(v4), v4);
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().expect("ip");
        assert_eq!(client_key(mapped), v4);
    }

    #[test]
    fn rotating_the_low_64_bits_of_an_ipv6_address_does_not_escape_the_limit() {
        let limiter = RateLimiter::new(60, 2);
        for i in 0..2u64 {
            let ip = IpAddr::V6(Ipv6Addr::from((0x2001_0db8_u128 << 96) | u128::from(i)));
            assert!(limiter.check(client_key(ip)).is_ok());
        }
        let rotated = IpAddr::V6(Ipv6Addr::from((0x2001_0db8_u128 << 96) | 0xdead_beef));
        assert!(limiter.check(client_key(rotated)).is_err());
    }

    fn headers(name: &'static str, values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(name, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarding_headers_are_believed_only_from_trusted_proxies() {
        let trusted: TrustedProxies = "10.0.0.0/8, 192.0.2.1".parse().expect("proxies");
        let xff = ForwardedHeader::XForwardedFor;
        let spoof = headers("x-forwarded-for", &["198.51.100.9"]);
        // An untrusted peer is the client, whatever it claims.
        assert_eq!(
            client_address(ip("203.0.113.5"), &spoof, &trusted, xff),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_address(ip("203.0.113.5"), &spoof, &TrustedProxies::default(), xff),
            ip("203.0.113.5")
        );
        // From a trusted proxy, the right-most address that is not a proxy.
        let chain = headers("x-forwarded-for", &["1.1.1.1, 198.51.100.9", "10.1.2.3"]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &chain, &trusted, xff),
            ip("198.51.100.9")
        );
        // Ports, brackets and IPv4-mapped peers are understood.
        let ported = headers("x-forwarded-for", &["[2001:db8::7]:4711"]);
        assert_eq!(
            client_address(ip("::ffff:192.0.2.1"), &ported, &trusted, xff),
            ip("2001:db8::7")
        );
        // No header, or only proxies: the left-most proxy reached.
        assert_eq!(
            client_address(ip("10.0.0.1"), &HeaderMap::new(), &trusted, xff),
            ip("10.0.0.1")
        );
        let proxies = headers("x-forwarded-for", &["10.9.9.9"]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &proxies, &trusted, xff),
            ip("10.9.9.9")
        );
        // Garbage stops the walk at the proxy that wrote it.
        let garbage = headers("x-forwarded-for", &["1.1.1.1, unknown", "10.1.2.3"]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &garbage, &trusted, xff),
            ip("10.1.2.3")
        );
        // Only the configured header counts: a client's own `Forwarded` is ignored.
        let both = {
            let mut h = headers("x-forwarded-for", &["198.51.100.9"]);
            h.append("forwarded", HeaderValue::from_static("for=1.1.1.1"));
            h
        };
        assert_eq!(
            client_address(ip("10.0.0.1"), &both, &trusted, xff),
            ip("198.51.100.9")
        );
        let forwarded = headers(
            "forwarded",
            &["for=1.1.1.1;proto=https, for=\"[2001:db8::9]:80\";by=10.0.0.1"],
        );
        assert_eq!(
            client_address(
                ip("10.0.0.1"),
                &forwarded,
                &trusted,
                ForwardedHeader::Forwarded
            ),
            ip("2001:db8::9")
        );
    }

    #[test]
    fn trusted_proxies_parse_addresses_and_blocks_and_refuse_anything_else() {
        let t: TrustedProxies = " 10.0.0.0/8 ,::1,192.0.2.7 ".parse().expect("parses");
        assert!(
            t.contains(ip("10.200.0.1")) && t.contains(ip("::1")) && t.contains(ip("192.0.2.7"))
        );
        assert!(!t.contains(ip("192.0.2.8")) && !t.contains(ip("11.0.0.1")));
        assert!("".parse::<TrustedProxies>().expect("empty").is_empty());
        assert_eq!(
            "10.0.0.0/8,localhost".parse::<TrustedProxies>(),
            Err("`localhost` is not an IP address or CIDR block".to_owned())
        );
    }
}
