//! Variables: the built-in names of every compiled module, `$name` references in scripts, definitions by
//! `set`/`map`/`geo`/`split_clients`/named captures, and the "unknown variable" check after `http {}`.

use super::Checker;
use crate::ast::Directive;
use crate::diag::Level;

/// Built-in variables that `set`, `map` and the like may not redefine (not `NGX_HTTP_VAR_CHANGEABLE`).
const FIXED: &[&str] = &[
    "http_host", "http_user_agent", "http_referer", "http_via", "http_x_forwarded_for", "http_cookie",
    "content_length", "content_type", "host", "binary_remote_addr", "remote_addr", "remote_port",
    "proxy_protocol_addr", "proxy_protocol_port", "proxy_protocol_server_addr", "proxy_protocol_server_port",
    "server_addr", "server_port", "server_protocol", "scheme", "https", "request_uri", "uri", "document_uri",
    "request", "document_root", "realpath_root", "query_string", "is_args", "request_filename",
    "server_name", "request_method", "remote_user", "bytes_sent", "body_bytes_sent", "pipe",
    "request_completion", "request_body", "request_body_file", "request_length", "request_time",
    "request_id", "status", "sent_http_content_type", "sent_http_content_length", "sent_http_location",
    "sent_http_last_modified", "sent_http_connection", "sent_http_keep_alive", "sent_http_transfer_encoding",
    "sent_http_cache_control", "sent_http_link", "connection", "connection_requests", "connection_time",
    "nginx_version", "hostname", "pid", "msec", "time_iso8601", "time_local", "tcpinfo_rtt",
    "tcpinfo_rttvar", "tcpinfo_snd_cwnd", "tcpinfo_rcv_space",
    // upstream
    "upstream_addr", "upstream_status", "upstream_connect_time", "upstream_header_time",
    "upstream_response_time", "upstream_response_length", "upstream_bytes_received", "upstream_bytes_sent",
    "upstream_cache_status", "upstream_cache_last_modified", "upstream_cache_etag",
    // modules
    "fastcgi_script_name", "fastcgi_path_info", "grpc_internal_trailers", "limit_conn_status",
    "limit_req_status", "proxy_add_x_forwarded_for", "proxy_add_via", "realip_remote_addr",
    "realip_remote_port", "date_local", "date_gmt", "connections_active", "connections_reading",
    "connections_writing", "connections_waiting", "http2", "gzip_ratio", "invalid_referer",
    "secure_link", "secure_link_expires", "slice_range", "uid_got", "uid_set",
];

/// Built-in variables that may be redefined.
const CHANGEABLE: &[&str] = &[
    "args", "limit_rate", "msie", "modern_browser", "ancient_browser", "proxy_host", "proxy_port",
    "proxy_internal_body_length", "proxy_internal_chunked", "uid_reset", "ssl_protocol", "ssl_cipher",
    "ssl_ciphers", "ssl_curve", "ssl_curves", "ssl_session_id", "ssl_session_reused", "ssl_early_data",
    "ssl_server_name", "ssl_alpn_protocol", "ssl_client_cert", "ssl_client_raw_cert",
    "ssl_client_escaped_cert", "ssl_client_s_dn", "ssl_client_i_dn", "ssl_client_s_dn_legacy",
    "ssl_client_i_dn_legacy", "ssl_client_serial", "ssl_client_fingerprint", "ssl_client_verify",
    "ssl_client_v_start", "ssl_client_v_end", "ssl_client_v_remain",
];

/// Name prefixes that make a whole family of variables.
const PREFIXES: &[&str] = &["http_", "sent_http_", "sent_trailer_", "cookie_", "arg_", "upstream_http_", "upstream_trailer_", "upstream_cookie_"];

/// Directives whose arguments are not scripts, or that handle their variables themselves.
const NOT_SCRIPTS: &[&str] = &[
    "server_name", "location", "listen", "rewrite", "return", "set", "if", "map", "geo", "split_clients",
    "error_log", "include", "ssl_ciphers", "ssl_protocols", "proxy_cookie_path", "proxy_cookie_domain",
    "proxy_redirect", "valid_referers", "log_format", "types", "upstream", "server", "limit_except",
    "ssl_session_cache", "ssl_ecdh_curve", "ssl_conf_command", "more_set_headers",
    "fastcgi_split_path_info", "gzip_disable", "ancient_browsers", "modern_browser", "resolver", "auth_request_set",
];

/// Every `$name` a script would reference in `text` (captures `$1`..`$9` are not variables).
pub fn references(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = if b.contains(&b'$') { 0 } else { b.len() };
    std::iter::from_fn(move || {
        while i < b.len() {
            if b[i] != b'$' {
                i += 1;
                continue;
            }
            i += 1;
            if i >= b.len() {
                return None;
            }
            if (b'1'..=b'9').contains(&b[i]) {
                i += 1;
                continue;
            }
            let bracket = b[i] == b'{';
            if bracket {
                i += 1;
            }
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let end = i;
            if bracket && i < b.len() && b[i] == b'}' {
                i += 1;
            }
            if end > start {
                return Some(&text[start..end]);
            }
        }
        None
    })
}

fn builtin(name: &str) -> bool {
    FIXED.contains(&name) || CHANGEABLE.contains(&name)
}

impl<'a> Checker<'a> {
    /// Registers the variables a script in `text` uses.
    pub(crate) fn vars_in(&mut self, text: &str) {
        for v in references(text) {
            self.http.use_var(v);
        }
    }

    /// The generic scan: arguments of most http directives are scripts or complex values.
    pub(crate) fn scan_variables(&mut self, d: &'a Directive) {
        if !d.args.iter().any(|a| a.value.as_bytes().contains(&b'$')) {
            return;
        }
        let name = d.name();
        if NOT_SCRIPTS.contains(&name) || name.contains("by_lua") {
            return;
        }
        if matches!(name, "add_header" | "add_trailer" | "proxy_set_header" | "fastcgi_param" | "uwsgi_param" | "scgi_param" | "grpc_set_header") {
            for a in d.args.iter().skip(1) {
                self.vars_in(&a.value);
            }
            return;
        }
        for a in &d.args {
            self.vars_in(&a.value);
        }
    }

    /// `ngx_http_add_variable` for a user definition; reports redefining a fixed built-in.
    pub(crate) fn add_variable(&mut self, d: &'a Directive, name: &str, _changeable: bool) -> bool {
        let lc = super::state::lowercase(name);
        if lc.is_empty() {
            self.emerg(d.term, "invalid-variable", "invalid variable name \"$\"");
            return false;
        }
        if FIXED.contains(&lc.as_str()) {
            self.emerg(d.term, "duplicate-variable", format!("the duplicate \"{name}\" variable"));
            return false;
        }
        self.http.define_var(&lc);
        true
    }

    /// `ngx_http_variables_init_vars`: the first used variable that nothing defines.
    pub(crate) fn variables_init(&mut self) -> bool {
        let uses = std::mem::take(&mut self.http.var_uses);
        for v in &uses {
            if builtin(v) || self.http.var_defs.contains(v) || PREFIXES.iter().any(|p| v.starts_with(p)) {
                continue;
            }
            self.bare(Level::Emerg, "unknown-variable", format!("unknown \"{v}\" variable"), None);
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::references;

    #[test]
    fn finds_names() {
        assert_eq!(references("$scheme://${host}$1x$request_uri").collect::<Vec<_>>(), vec!["scheme", "host", "request_uri"]);
        assert_eq!(references("^/x$").count(), 0);
        assert_eq!(references("${a}$").collect::<Vec<_>>(), vec!["a"]);
    }
}
