//! Upstream server choice as one nginx 1.22.1 worker makes it: weighted round robin, backups, failure accounting,
//! `ip_hash`, `hash` (plain and consistent), `least_conn`, and the `proxy_next_upstream` retry loop.
//!
//! The state lives across requests in a [`Balancer`]. Time never passes: a server disabled by `max_fails` stays
//! disabled for the rest of the run, as it does within one oracle recording (`fail_timeout` is longer than a run).
//! `random` is unpredictable in nginx; it is simulated as round robin and reported by [`is_predictable`].

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::model::{Balance, Upstream, UpstreamServer};

/// The fixed "current time" in seconds. Peers start with `checked = 0`, so the first pick marks them checked.
const NOW: i64 = 1 << 32;

/// How many hash probes nginx makes before it falls back to round robin.
const HASH_TRIES: u32 = 20;

/// One address of an upstream, with nginx's per-peer counters.
#[derive(Clone, Debug)]
struct Peer {
    /// Index into `Upstream::servers`.
    server: usize,
    weight: i64,
    effective_weight: i64,
    current_weight: i64,
    max_fails: u32,
    fail_timeout: i64,
    down: bool,
    fails: u32,
    accessed: i64,
    checked: i64,
    conns: u32,
}

impl Peer {
    fn new(server: usize, s: &UpstreamServer) -> Peer {
        let weight = i64::from(s.weight.max(1));
        Peer {
            server,
            weight,
            effective_weight: weight,
            current_weight: 0,
            max_fails: s.max_fails,
            fail_timeout: i64::from(s.fail_timeout),
            down: s.down,
            fails: 0,
            accessed: 0,
            checked: 0,
            conns: 0,
        }
    }

    /// Whether `max_fails` failures within `fail_timeout` keep the peer out.
    fn failed_out(&self) -> bool {
        self.max_fails > 0 && self.fails >= self.max_fails && NOW - self.checked <= self.fail_timeout
    }

    fn usable(&self) -> bool {
        !self.down && !self.failed_out()
    }

    fn mark_checked(&mut self) {
        if NOW - self.checked > self.fail_timeout {
            self.checked = NOW;
        }
    }
}

/// The primary or the backup servers of an upstream.
#[derive(Clone, Debug, Default)]
struct PeerSet {
    peers: Vec<Peer>,
    total_weight: i64,
    /// Peers not marked `down`.
    tries: u32,
    single: bool,
}

impl PeerSet {
    fn new(up: &Upstream, backup: bool) -> PeerSet {
        let peers: Vec<Peer> = up.servers.iter().enumerate().filter(|(_, s)| s.backup == backup).map(|(i, s)| Peer::new(i, s)).collect();
        let total_weight = peers.iter().map(|p| p.weight).sum();
        let tries = peers.iter().filter(|p| !p.down).count() as u32;
        PeerSet { single: peers.len() == 1, total_weight, tries, peers }
    }
}

/// One point of the consistent-hash ring: a hash and the index of the server whose name made it.
#[derive(Clone, Copy, Debug)]
struct Point {
    hash: u32,
    server: usize,
}

#[derive(Clone, Debug)]
struct State {
    primary: PeerSet,
    backup: Option<PeerSet>,
    /// The server names as nginx saw them (for the ring and for peers sharing a name).
    names: Vec<String>,
    ring: Vec<Point>,
}

impl State {
    fn new(up: &Upstream, names: Option<&Vec<String>>) -> State {
        let mut primary = PeerSet::new(up, false);
        let backup = PeerSet::new(up, true);
        let backup = if backup.peers.is_empty() {
            None
        } else {
            primary.single = false;
            Some(backup)
        };
        let names: Vec<String> = match names {
            Some(n) if n.len() == up.servers.len() => n.clone(),
            _ => up.servers.iter().map(|s| s.addr.clone()).collect(),
        };
        let ring = match up.balance {
            Balance::Hash { consistent: true, .. } => build_ring(&primary, &names),
            _ => Vec::new(),
        };
        State { primary, backup, names, ring }
    }

    fn set(&self, backup: bool) -> &PeerSet {
        match (&self.backup, backup) {
            (Some(b), true) => b,
            _ => &self.primary,
        }
    }

    fn set_mut(&mut self, backup: bool) -> &mut PeerSet {
        match (&mut self.backup, backup) {
            (Some(b), true) => b,
            _ => &mut self.primary,
        }
    }
}

/// What the request itself contributes to the choice.
#[derive(Clone, Copy, Debug, Default)]
pub struct PickKey<'a> {
    /// `$remote_addr` as nginx holds it (after realip), for `ip_hash`.
    pub client_addr: &'a str,
    /// The evaluated `hash` key, for `hash`.
    pub hash_key: &'a str,
}

/// The per-method part of a request's balancing state.
#[derive(Clone, Debug)]
enum Method {
    RoundRobin,
    LeastConn,
    IpHash { addr: Vec<u8>, hash: u64, tries: u32 },
    Hash { key: Vec<u8>, hash: u64, rehash: u64, tries: u32 },
    Chash { empty_key: bool, point: usize, tries: u32 },
}

/// One request's balancing state: the servers tried so far and how many tries remain.
#[derive(Clone, Debug)]
pub struct Session {
    in_backup: bool,
    tried: Vec<bool>,
    current: Option<usize>,
    /// Tries left, as nginx's `peer.tries`.
    pub tries: u32,
    method: Method,
}

/// How a contact with a server ended, as reported back to the balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerOutcome {
    /// The response was used (whatever its status).
    Ok,
    /// A connection error or a status that `proxy_next_upstream` counts as a failure.
    Failed,
    /// `http_403`/`http_404` retried: not a failure.
    Next,
}

/// Whether a server just became unavailable because of `max_fails`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Freed {
    pub disabled: bool,
}

/// Round robin and friends for every upstream, one worker's view.
#[derive(Clone, Debug, Default)]
pub struct Balancer {
    states: HashMap<String, State>,
    names: HashMap<String, Vec<String>>,
}

fn key_of(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// The implicit upstream nginx makes for `proxy_pass http://host:port` without an `upstream` block: one server
/// (the oracle resolves every name to one address), `max_fails=1`, `fail_timeout=10`.
pub fn implicit_upstream(host_port: &str) -> Upstream {
    Upstream {
        name: host_port.to_string(),
        servers: vec![UpstreamServer { addr: host_port.to_string(), weight: 1, max_fails: 1, fail_timeout: 10, ..UpstreamServer::default() }],
        balance: Balance::RoundRobin,
        head: Default::default(),
        dirs: Vec::new(),
    }
}

/// Whether the choice can be simulated exactly (`random` cannot).
pub fn is_predictable(up: &Upstream) -> bool {
    up.balance != Balance::Random
}

impl Balancer {
    pub fn new() -> Balancer {
        Balancer::default()
    }

    /// Uses other server names for the consistent-hash ring of `upstream` (one per server, in order). nginx hashes the
    /// names as written in the config; the oracle runs nginx on rewritten addresses, so reproducing a recording needs
    /// its `test_addrs`.
    pub fn set_ring_names(&mut self, upstream: &str, names: Vec<String>) {
        self.states.remove(&key_of(upstream));
        self.names.insert(key_of(upstream), names);
    }

    fn state(&mut self, up: &Upstream) -> &mut State {
        let key = key_of(&up.name);
        let names = self.names.get(&key);
        self.states.entry(key).or_insert_with(|| State::new(up, names))
    }

    /// Starts one request's balancing. `tries_limit` is `proxy_next_upstream_tries` (0 = no limit).
    pub fn start(&mut self, up: &Upstream, key: &PickKey, tries_limit: u32) -> Session {
        let st = self.state(up);
        let mut tries = st.primary.tries + st.backup.as_ref().map_or(0, |b| b.tries);
        if tries_limit > 0 && tries > tries_limit {
            tries = tries_limit;
        }
        let width = st.primary.peers.len().max(st.backup.as_ref().map_or(0, |b| b.peers.len()));
        let method = match &up.balance {
            Balance::RoundRobin | Balance::Random => Method::RoundRobin,
            Balance::LeastConn => Method::LeastConn,
            Balance::IpHash => Method::IpHash { addr: ip_hash_bytes(key.client_addr), hash: 89, tries: 0 },
            Balance::Hash { consistent: false, .. } => Method::Hash { key: key.hash_key.as_bytes().to_vec(), hash: 0, rehash: 0, tries: 0 },
            Balance::Hash { consistent: true, .. } => {
                let hash = crc32(key.hash_key.as_bytes());
                Method::Chash { empty_key: key.hash_key.is_empty(), point: find_point(&st.ring, hash), tries: 0 }
            }
        };
        Session { in_backup: false, tried: vec![false; width], current: None, tries, method }
    }

    /// Picks the next server for a session: an index into `up.servers`, or `None` when no server is live
    /// (nginx's "no live upstreams").
    pub fn get(&mut self, up: &Upstream, s: &mut Session) -> Option<usize> {
        let st = self.state(up);
        let single = st.set(s.in_backup).single;
        let peer = match &mut s.method {
            Method::RoundRobin => get_rr(st, &mut s.in_backup, &mut s.tried, false),
            Method::LeastConn if single => get_rr(st, &mut s.in_backup, &mut s.tried, false),
            Method::LeastConn => get_rr(st, &mut s.in_backup, &mut s.tried, true),
            Method::IpHash { addr, hash, tries } => {
                if *tries > HASH_TRIES || single {
                    get_rr(st, &mut s.in_backup, &mut s.tried, false)
                } else {
                    get_ip_hash(st, &mut s.tried, addr, hash, tries).or_else(|| get_rr(st, &mut s.in_backup, &mut s.tried, false))
                }
            }
            Method::Hash { key, hash, rehash, tries } => {
                if *tries > HASH_TRIES || single || key.is_empty() {
                    get_rr(st, &mut s.in_backup, &mut s.tried, false)
                } else {
                    get_hash(st, &mut s.tried, key, hash, rehash, tries).or_else(|| get_rr(st, &mut s.in_backup, &mut s.tried, false))
                }
            }
            Method::Chash { empty_key, point, tries } => {
                if *tries > HASH_TRIES || single || *empty_key {
                    get_rr(st, &mut s.in_backup, &mut s.tried, false)
                } else {
                    get_chash(st, &mut s.tried, point, tries).or_else(|| get_rr(st, &mut s.in_backup, &mut s.tried, false))
                }
            }
        };
        s.current = peer;
        let set = st.set_mut(s.in_backup);
        let p = set.peers.get_mut(peer?)?;
        p.conns += 1;
        Some(p.server)
    }

    /// Reports how the contact with the server last returned by [`Balancer::get`] ended.
    pub fn free(&mut self, up: &Upstream, s: &mut Session, outcome: PeerOutcome) -> Freed {
        let st = self.state(up);
        let set = st.set_mut(s.in_backup);
        let single = set.single;
        let Some(peer) = s.current.take().and_then(|i| set.peers.get_mut(i)) else { return Freed::default() };
        peer.conns = peer.conns.saturating_sub(1);
        if single {
            s.tries = 0;
            return Freed::default();
        }
        let mut freed = Freed::default();
        if outcome == PeerOutcome::Failed {
            peer.fails += 1;
            peer.accessed = NOW;
            peer.checked = NOW;
            if peer.max_fails > 0 {
                peer.effective_weight -= peer.weight / i64::from(peer.max_fails);
                freed.disabled = peer.fails >= peer.max_fails;
            }
            peer.effective_weight = peer.effective_weight.max(0);
        } else if peer.accessed < peer.checked {
            peer.fails = 0;
        }
        s.tries = s.tries.saturating_sub(1);
        freed
    }

    /// Runs the whole `proxy_next_upstream` loop of one request. `contact` says what the chosen server does.
    pub fn attempts(&mut self, up: &Upstream, key: &PickKey, cfg: &RetryConfig, mut contact: impl FnMut(usize) -> Contact) -> Attempts {
        let mut s = self.start(up, key, cfg.tries_limit);
        let mut out = Attempts { tries: Vec::new(), result: Final::NoLive, error_log: Vec::new() };
        // Bounded by the number of peers: every get marks one as tried.
        for _ in 0..=up.servers.len() * 2 + 2 {
            let Some(server) = self.get(up, &mut s) else {
                out.error_log.push("[error] no live upstreams while connecting to upstream".into());
                out.result = Final::NoLive;
                return out;
            };
            match contact(server) {
                Contact::Refused => {
                    out.error_log.push("[error] connect() failed (111: Connection refused) while connecting to upstream".into());
                    let f = self.free(up, &mut s, PeerOutcome::Failed);
                    if f.disabled {
                        out.error_log.push("[warn] upstream server temporarily disabled while connecting to upstream".into());
                    }
                    out.tries.push(Try { server, contact: Contact::Refused, failed: true });
                    if s.tries == 0 || !cfg.next.allows(NextUpstream::ERROR) {
                        out.result = Final::BadGateway;
                        return out;
                    }
                }
                Contact::Status(code) => {
                    let retry = NextUpstream::for_status(code).filter(|&ft| {
                        let need = if cfg.non_idempotent_method { ft | NextUpstream::NON_IDEMPOTENT } else { ft };
                        s.tries > 1 && cfg.next.allows(need)
                    });
                    let Some(ft) = retry else {
                        self.free(up, &mut s, PeerOutcome::Ok);
                        out.tries.push(Try { server, contact: Contact::Status(code), failed: false });
                        out.result = Final::Response { server, status: code };
                        return out;
                    };
                    let state = if ft == NextUpstream::HTTP_403 || ft == NextUpstream::HTTP_404 { PeerOutcome::Next } else { PeerOutcome::Failed };
                    let f = self.free(up, &mut s, state);
                    if f.disabled {
                        out.error_log.push("[warn] upstream server temporarily disabled while reading response header from upstream".into());
                    }
                    out.tries.push(Try { server, contact: Contact::Status(code), failed: state == PeerOutcome::Failed });
                }
            }
        }
        out
    }
}

/// Smooth weighted round robin over one peer set (least_conn with no load breaks its ties the same way), moving
/// on to the backup set when nothing primary is usable.
fn get_rr(st: &mut State, in_backup: &mut bool, tried: &mut [bool], least_conn: bool) -> Option<usize> {
    loop {
        let set = st.set_mut(*in_backup);
        let found = if set.single {
            let p = &set.peers[0];
            (!p.down).then_some(0)
        } else if least_conn {
            pick_least_conn(set, tried)
        } else {
            pick_weighted(set, tried, |_| true)
        };
        if let Some(i) = found {
            if !set.single {
                tried[i] = true;
                set.peers[i].mark_checked();
            }
            return Some(i);
        }
        if *in_backup || st.backup.is_none() {
            return None;
        }
        *in_backup = true;
        tried.iter_mut().for_each(|t| *t = false);
    }
}

/// The smooth weighted round robin step among usable, untried peers accepted by `also`.
fn pick_weighted(set: &mut PeerSet, tried: &[bool], also: impl Fn(&Peer) -> bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    let mut total = 0;
    for i in 0..set.peers.len() {
        let p = &mut set.peers[i];
        if tried.get(i).copied().unwrap_or(false) || !p.usable() || !also(p) {
            continue;
        }
        p.current_weight += p.effective_weight;
        total += p.effective_weight;
        if p.effective_weight < p.weight {
            p.effective_weight += 1;
        }
        if best.is_none_or(|b| set.peers[i].current_weight > set.peers[b].current_weight) {
            best = Some(i);
        }
    }
    let b = best?;
    set.peers[b].current_weight -= total;
    Some(b)
}

/// `least_conn`: the fewest connections relative to weight; ties go to weighted round robin from the first tie.
fn pick_least_conn(set: &mut PeerSet, tried: &[bool]) -> Option<usize> {
    let mut best: Option<usize> = None;
    let mut many = false;
    for (i, p) in set.peers.iter().enumerate() {
        if tried.get(i).copied().unwrap_or(false) || !p.usable() {
            continue;
        }
        match best {
            None => best = Some(i),
            Some(b) => {
                let (pb, bb) = (i64::from(p.conns) * set.peers[b].weight, i64::from(set.peers[b].conns) * p.weight);
                if pb < bb {
                    best = Some(i);
                    many = false;
                } else if pb == bb {
                    many = true;
                }
            }
        }
    }
    let first = best?;
    let mut chosen = first;
    let mut total = 0;
    if many {
        let (fc, fw) = (i64::from(set.peers[first].conns), set.peers[first].weight);
        for i in first..set.peers.len() {
            let p = &set.peers[i];
            if tried.get(i).copied().unwrap_or(false) || !p.usable() || i64::from(p.conns) * fw != fc * p.weight {
                continue;
            }
            let p = &mut set.peers[i];
            p.current_weight += p.effective_weight;
            total += p.effective_weight;
            if p.effective_weight < p.weight {
                p.effective_weight += 1;
            }
            if set.peers[i].current_weight > set.peers[chosen].current_weight {
                chosen = i;
            }
        }
    }
    set.peers[chosen].current_weight -= total;
    Some(chosen)
}

/// The peer that a position in the weight line falls on.
fn peer_at_weight(set: &PeerSet, mut w: i64) -> usize {
    for (i, p) in set.peers.iter().enumerate() {
        if w < p.weight {
            return i;
        }
        w -= p.weight;
    }
    set.peers.len().saturating_sub(1)
}

/// The address bytes `ip_hash` uses: the first three octets of IPv4, all sixteen of IPv6, else three zeros.
fn ip_hash_bytes(addr: &str) -> Vec<u8> {
    let a = addr.trim_start_matches('[').trim_end_matches(']');
    if let Ok(v4) = a.parse::<Ipv4Addr>() {
        return v4.octets()[..3].to_vec();
    }
    if let Ok(v6) = a.parse::<Ipv6Addr>() {
        return v6.octets().to_vec();
    }
    vec![0, 0, 0]
}

fn get_ip_hash(st: &mut State, tried: &mut [bool], addr: &[u8], saved: &mut u64, tries: &mut u32) -> Option<usize> {
    let set = &mut st.primary;
    if set.total_weight <= 0 {
        return None;
    }
    let mut hash = *saved;
    loop {
        for b in addr {
            hash = (hash * 113 + u64::from(*b)) % 6271;
        }
        let i = peer_at_weight(set, (hash % set.total_weight as u64) as i64);
        if !tried[i] && set.peers[i].usable() {
            set.peers[i].mark_checked();
            tried[i] = true;
            *saved = hash;
            return Some(i);
        }
        *tries += 1;
        if *tries > HASH_TRIES {
            return None;
        }
    }
}

fn get_hash(st: &mut State, tried: &mut [bool], key: &[u8], hash: &mut u64, rehash: &mut u64, tries: &mut u32) -> Option<usize> {
    let set = &mut st.primary;
    if set.total_weight <= 0 {
        return None;
    }
    loop {
        // Compatible with Cache::Memcached: crc32 of the rehash count (after the first round) and the key.
        let mut c = Crc32::new();
        if *rehash > 0 {
            c.update(rehash.to_string().as_bytes());
        }
        c.update(key);
        let h = (c.finish() >> 16) & 0x7fff;
        *hash += u64::from(h);
        *rehash += 1;
        let i = peer_at_weight(set, (*hash % set.total_weight as u64) as i64);
        if !tried[i] && set.peers[i].usable() {
            set.peers[i].mark_checked();
            tried[i] = true;
            return Some(i);
        }
        *tries += 1;
        if *tries > HASH_TRIES {
            return None;
        }
    }
}

/// The ketama ring: 160 points per unit of weight, each the crc32 of `HOST \0 PORT` and the previous point.
fn build_ring(set: &PeerSet, names: &[String]) -> Vec<Point> {
    let mut ring = Vec::new();
    for p in &set.peers {
        let name = names.get(p.server).map(String::as_str).unwrap_or("");
        let (host, port) = split_point_name(name);
        let mut base = Crc32::new();
        base.update(host.as_bytes());
        base.update(&[0]);
        base.update(port.as_bytes());
        let mut prev: u32 = 0;
        for _ in 0..p.weight * 160 {
            let mut c = base.clone();
            c.update(&prev.to_le_bytes());
            let h = c.finish();
            ring.push(Point { hash: h, server: p.server });
            prev = h;
        }
    }
    ring.sort_by_key(|p| p.hash);
    ring.dedup_by_key(|p| p.hash);
    ring
}

/// Splits a server name for the ring: `unix:PATH` has no port; otherwise the digits after the last `:`.
fn split_point_name(name: &str) -> (&str, &str) {
    if let Some(path) = name.get(..5).filter(|p| p.eq_ignore_ascii_case("unix:")).and_then(|_| name.get(5..)) {
        return (path, "");
    }
    let digits = name.bytes().rev().take_while(u8::is_ascii_digit).count();
    let cut = name.len() - digits;
    if cut > 0 && name.as_bytes()[cut - 1] == b':' {
        return (&name[..cut - 1], &name[cut..]);
    }
    (name, "")
}

/// The first ring point at or after `hash` (may be one past the end, which wraps).
fn find_point(ring: &[Point], hash: u32) -> usize {
    ring.partition_point(|p| p.hash < hash)
}

fn get_chash(st: &mut State, tried: &mut [bool], point: &mut usize, tries: &mut u32) -> Option<usize> {
    if st.ring.is_empty() {
        return None;
    }
    loop {
        let server = st.ring[*point % st.ring.len()].server;
        let name = st.names.get(server).cloned().unwrap_or_default();
        let names = &st.names;
        let found = pick_weighted(&mut st.primary, tried, |p| names.get(p.server) == Some(&name));
        if let Some(i) = found {
            tried[i] = true;
            st.primary.peers[i].mark_checked();
            return Some(i);
        }
        *point += 1;
        *tries += 1;
        if *tries > HASH_TRIES {
            return None;
        }
    }
}

/// What a server does when contacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contact {
    /// Nothing listens.
    Refused,
    /// It answers with this status.
    Status(u16),
}

/// One contact made during a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Try {
    /// Index into `Upstream::servers`.
    pub server: usize,
    pub contact: Contact,
    /// Whether the balancer counted it as a failure.
    pub failed: bool,
}

/// How the retry loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Final {
    /// A backend's response is passed on.
    Response { server: usize, status: u16 },
    /// The last connection failed and no retry is allowed: 502.
    BadGateway,
    /// No server was live: 502 with "no live upstreams".
    NoLive,
}

/// The outcome of [`Balancer::attempts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempts {
    pub tries: Vec<Try>,
    pub result: Final,
    /// nginx's error-log lines for the request, as the oracle records them.
    pub error_log: Vec<String>,
}

/// The retry settings of the location: `proxy_next_upstream`, `proxy_next_upstream_tries` and the method class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetryConfig {
    pub next: NextUpstream,
    /// 0 = unlimited.
    pub tries_limit: u32,
    /// POST, LOCK or PATCH: retried after a response only with `non_idempotent`.
    pub non_idempotent_method: bool,
}

impl RetryConfig {
    pub fn non_idempotent(method: &str) -> bool {
        matches!(method, "POST" | "LOCK" | "PATCH")
    }
}

/// The `proxy_next_upstream` conditions as a bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextUpstream(pub u32);

impl NextUpstream {
    pub const ERROR: u32 = 1 << 1;
    pub const TIMEOUT: u32 = 1 << 2;
    pub const INVALID_HEADER: u32 = 1 << 3;
    pub const HTTP_500: u32 = 1 << 4;
    pub const HTTP_502: u32 = 1 << 5;
    pub const HTTP_503: u32 = 1 << 6;
    pub const HTTP_504: u32 = 1 << 7;
    pub const HTTP_403: u32 = 1 << 8;
    pub const HTTP_404: u32 = 1 << 9;
    pub const HTTP_429: u32 = 1 << 10;
    pub const NON_IDEMPOTENT: u32 = 1 << 14;
    pub const OFF: u32 = 1 << 30;

    /// The condition bit for a status nginx can retry on.
    pub fn for_status(status: u16) -> Option<u32> {
        Some(match status {
            500 => Self::HTTP_500,
            502 => Self::HTTP_502,
            503 => Self::HTTP_503,
            504 => Self::HTTP_504,
            403 => Self::HTTP_403,
            404 => Self::HTTP_404,
            429 => Self::HTTP_429,
            _ => return None,
        })
    }

    /// From the directive's arguments; unknown words are ignored (the checker reports them). `off` wins.
    pub fn parse<S: AsRef<str>>(args: &[S]) -> NextUpstream {
        let mut bits = 0;
        for a in args {
            bits |= match a.as_ref() {
                "error" => Self::ERROR,
                "timeout" => Self::TIMEOUT,
                "invalid_header" => Self::INVALID_HEADER,
                "http_500" => Self::HTTP_500,
                "http_502" => Self::HTTP_502,
                "http_503" => Self::HTTP_503,
                "http_504" => Self::HTTP_504,
                "http_403" => Self::HTTP_403,
                "http_404" => Self::HTTP_404,
                "http_429" => Self::HTTP_429,
                "non_idempotent" => Self::NON_IDEMPOTENT,
                "off" => Self::OFF,
                _ => 0,
            };
        }
        if bits & Self::OFF != 0 {
            bits = Self::OFF;
        }
        NextUpstream(bits)
    }

    /// Whether every bit of `mask` is enabled.
    pub fn allows(self, mask: u32) -> bool {
        self.0 & mask == mask
    }
}

impl Default for NextUpstream {
    /// `error timeout`.
    fn default() -> Self {
        NextUpstream(Self::ERROR | Self::TIMEOUT)
    }
}

/// CRC-32 (IEEE, reflected), the checksum nginx's `ngx_crc32` computes.
#[derive(Clone, Debug)]
struct Crc32(u32);

const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

impl Crc32 {
    fn new() -> Crc32 {
        Crc32(0xFFFF_FFFF)
    }

    fn update(&mut self, data: &[u8]) {
        for b in data {
            self.0 = CRC_TABLE[((self.0 ^ u32::from(*b)) & 0xff) as usize] ^ (self.0 >> 8);
        }
    }

    fn finish(&self) -> u32 {
        self.0 ^ 0xFFFF_FFFF
    }
}

/// The CRC-32 of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = Crc32::new();
    c.update(data);
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_text;
    use crate::model::{build, Model, Modifier};
    use crate::route::inputs::{parse_backends, parse_requests, RequestLine};
    use crate::vfs::FileSet;
    use serde_json::Value;

    fn up(text: &str) -> Upstream {
        let cfg = load_text(FileSet::default(), "nginx.conf", text, None);
        build(&cfg).upstreams.remove(0)
    }

    fn sequence(b: &mut Balancer, u: &Upstream, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                let a = b.attempts(u, &PickKey::default(), &RetryConfig::default(), |_| Contact::Status(200));
                match a.result {
                    Final::Response { server, .. } => u.servers[server].addr.clone(),
                    _ => "-".into(),
                }
            })
            .collect()
    }

    #[test]
    fn smooth_weighted_round_robin() {
        let u = up("upstream u { server a weight=5; server b; server c; }");
        let seq = sequence(&mut Balancer::new(), &u, 7);
        assert_eq!(seq, ["a", "a", "b", "a", "c", "a", "a"]);
    }

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn implicit_single_server_is_never_disabled() {
        let u = implicit_upstream("10.0.0.8:8080");
        let mut b = Balancer::new();
        for _ in 0..3 {
            let a = b.attempts(&u, &PickKey::default(), &RetryConfig::default(), |_| Contact::Refused);
            assert_eq!(a.result, Final::BadGateway);
            assert_eq!(a.error_log.len(), 1);
        }
    }

    #[test]
    fn next_upstream_parse() {
        let n = NextUpstream::parse(&["error", "http_502", "non_idempotent"]);
        assert!(n.allows(NextUpstream::HTTP_502 | NextUpstream::NON_IDEMPOTENT) && !n.allows(NextUpstream::TIMEOUT));
        assert_eq!(NextUpstream::parse(&["off", "error"]), NextUpstream(NextUpstream::OFF));
    }

    /// The proxied upstream for a request: the server block by name (else the first), the longest matching prefix
    /// location with `proxy_pass http://NAME`. Enough for the upstream-* cases, which use nothing else.
    fn route(m: &Model, r: &RequestLine) -> Option<(Upstream, bool, usize)> {
        let host = r.host.to_ascii_lowercase();
        let server = m.servers.iter().find(|s| s.names.iter().any(|n| n.name == host)).or_else(|| m.servers.first())?;
        let path = r.target.split('?').next().unwrap_or("");
        let loc = server
            .locations
            .iter()
            .map(|&l| &m.locations[l])
            .filter(|l| l.modifier == Modifier::Prefix && path.starts_with(&l.pattern))
            .max_by_key(|l| l.pattern.len())?;
        let pass = m.lookup(loc.scope, "proxy_pass")?.args.first()?.strip_prefix("http://")?.to_string();
        match m.upstream(&pass) {
            Some(u) => Some((u.clone(), true, loc.scope)),
            None => Some((implicit_upstream(&pass), false, loc.scope)),
        }
    }

    fn arg(target: &str, name: &str) -> String {
        let q = target.split_once('?').map(|x| x.1).unwrap_or("");
        q.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')).unwrap_or("").to_string()
    }

    /// Replays a recorded case through the balancer and compares every backend contact, status and log line.
    fn replay(case: &str) -> usize {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/route").join(case);
        let Ok(json) = std::fs::read_to_string(dir.join("expected.json")) else { return 0 };
        let exp: Value = serde_json::from_str(&json).expect("JSON");
        let conf = std::fs::read_to_string(dir.join("nginx.conf")).expect("nginx.conf");
        let (reqs, _) = parse_requests(&std::fs::read_to_string(dir.join("requests.txt")).expect("requests"), "requests.txt");
        let (backends, _) = parse_backends(&std::fs::read_to_string(dir.join("backends.txt")).unwrap_or_default(), "backends.txt");
        let m = build(&load_text(FileSet::default(), "nginx.conf", &conf, None));
        let mut bal = Balancer::new();
        for u in &m.upstreams {
            if matches!(u.balance, Balance::Hash { consistent: true, .. }) {
                let names = u
                    .servers
                    .iter()
                    .map(|s| exp["backends"][format!("{}/{}", u.name, s.addr)]["test_addrs"][0].as_str().unwrap_or("").to_string())
                    .collect();
                bal.set_ring_names(&u.name, names);
            }
        }
        let results = exp["results"].as_array().cloned().unwrap_or_default();
        let mut i = 0;
        for r in &reqs {
            let (u, explicit, scope) = route(&m, r).expect("request routes to an upstream");
            let u = &u;
            let up_name = explicit.then_some(u.name.as_str());
            let next = m.lookup(scope, "proxy_next_upstream").map(|d| NextUpstream::parse(&d.args)).unwrap_or_default();
            let tries_limit = m.lookup(scope, "proxy_next_upstream_tries").and_then(|d| d.args.first()?.parse().ok()).unwrap_or(0);
            let cfg = RetryConfig { next, tries_limit, non_idempotent_method: RetryConfig::non_idempotent(&r.method) };
            let hash_key = match &u.balance {
                Balance::Hash { key, .. } if key == "$request_uri" => r.target.clone(),
                Balance::Hash { key, .. } => arg(&r.target, key.trim_start_matches("$arg_")),
                _ => String::new(),
            };
            for _ in 0..r.repeat {
                let res = &results[i];
                i += 1;
                let key = PickKey { client_addr: &r.client, hash_key: &hash_key };
                let a = bal.attempts(u, &key, &cfg, |s| {
                    let server = &u.servers[s].addr;
                    let st = backends.state_for(up_name, server);
                    if st.down {
                        Contact::Refused
                    } else {
                        Contact::Status(r.status_override(up_name, server).or(st.status).unwrap_or(200))
                    }
                });
                let got: Vec<(String, u64)> = a
                    .tries
                    .iter()
                    .filter_map(|t| match t.contact {
                        Contact::Status(c) => Some((u.servers[t.server].addr.clone(), u64::from(c))),
                        Contact::Refused => None,
                    })
                    .collect();
                let want: Vec<(String, u64)> = res["upstream_hits"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|h| (h["server"].as_str().unwrap_or("").to_string(), h["status_sent"].as_u64().unwrap_or(0)))
                    .collect();
                let ctx = format!("{case} line {} ({})", r.line, r.raw);
                assert_eq!(got, want, "{ctx}");
                let status = match a.result {
                    Final::Response { status, .. } => status,
                    Final::BadGateway | Final::NoLive => 502,
                };
                assert_eq!(res["status"].as_u64(), Some(u64::from(status)), "{ctx}");
                let log: Vec<String> = res["error_log"].as_array().into_iter().flatten().filter_map(|l| l.as_str().map(str::to_string)).collect();
                assert_eq!(a.error_log, log, "{ctx}");
            }
        }
        assert_eq!(i, results.len(), "{case}: every recorded result replayed");
        i
    }


    #[test]
    fn recorded_weighted_round_robin() {
        assert!(replay("upstream-weighted-round-robin") > 0);
    }

    #[test]
    fn recorded_backups() {
        assert!(replay("upstream-backup-down") > 0);
        assert!(replay("upstream-backup-order") > 0);
    }

    #[test]
    fn recorded_next_upstream() {
        assert!(replay("upstream-next-upstream-down") > 0);
        assert!(replay("upstream-next-upstream-status") > 0);
    }

    #[test]
    fn recorded_ip_hash() {
        assert!(replay("upstream-ip-hash") > 0);
    }

    #[test]
    fn recorded_hash() {
        assert!(replay("upstream-hash-uri") > 0);
        assert!(replay("upstream-hash-consistent-remap") > 0);
    }

    #[test]
    fn recorded_least_conn() {
        assert!(replay("upstream-least-conn") > 0);
    }
}
