//! The one list of known gaps shown in the app: what the playground does not model.

/// Each entry is one sentence shown in the "Known gaps" list.
pub const KNOWN_GAPS: &[&str] = &[
    "Results model nginx 1.22.1 as shipped by Debian bookworm; other versions may differ.",
    "Dynamic modules (geoip, image_filter, perl, xslt, mail, stream) are not loaded, as on a stock Debian install.",
    "Backends are simulated: every backend answers 200 unless backends.txt or upstream-status= says otherwise.",
    "Timing is not modelled: timeouts, limit_req delays and least_conn under concurrency.",
    "Only one worker process is modelled, so round-robin order is that of a single worker.",
    "DNS TTLs, HTTP/2 and HTTP/3 clients and dual-stack ipv6only=off are not modelled.",
    "Values that depend on the host or the clock ($hostname, $pid, $msec, $time_local) are placeholders.",
    "Real application behaviour behind proxy_pass or fastcgi_pass is not simulated; FastCGI backends answer like php-fpm's defaults (cgi.fix_pathinfo=1, .php scripts only), judged against files.txt.",
    "Header size limits (400 \"Request Header Or Cookie Too Large\") are not modelled; over-long request lines (414) are.",
    "Regexes: PCRE recursion, conditionals and verbs are not supported (such patterns never match here); only common PCRE compile errors are reported in PCRE's words.",
    "nginx -t warnings about hash sizes (\"could not build optimal server_names_hash\") are not reported.",
    "Caching (proxy_cache) replays and gRPC responses are not simulated.",
    "Lua blocks are kept as opaque text and never run.",
];
