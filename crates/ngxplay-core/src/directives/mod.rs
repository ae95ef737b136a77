//! The one table of directives: name, contexts, argument counts, block or not, and how nginx stores the value.

mod table;

pub use table::TABLE;

/// Contexts a directive may appear in; a [`Spec`] holds a mask of these.
pub mod ctx {
    pub const MAIN: u32 = 1 << 0;
    pub const EVENTS: u32 = 1 << 1;
    pub const HTTP: u32 = 1 << 2;
    pub const SERVER: u32 = 1 << 3;
    pub const LOCATION: u32 = 1 << 4;
    /// `if` inside `server`.
    pub const IF_SERVER: u32 = 1 << 5;
    /// `if` inside `location`.
    pub const IF_LOCATION: u32 = 1 << 6;
    pub const LIMIT_EXCEPT: u32 = 1 << 7;
    pub const UPSTREAM: u32 = 1 << 8;
    pub const MAP: u32 = 1 << 9;
    pub const GEO: u32 = 1 << 10;
    pub const TYPES: u32 = 1 << 11;
    pub const SPLIT_CLIENTS: u32 = 1 << 12;
    pub const MAIL: u32 = 1 << 13;
    pub const STREAM: u32 = 1 << 14;
}

/// Argument counts, as nginx's `NGX_CONF_*` flags: a bit per exact count, plus open-ended forms.
pub mod args {
    pub const NOARGS: u32 = 1 << 0;
    pub const TAKE1: u32 = 1 << 1;
    pub const TAKE2: u32 = 1 << 2;
    pub const TAKE3: u32 = 1 << 3;
    pub const TAKE4: u32 = 1 << 4;
    pub const TAKE5: u32 = 1 << 5;
    pub const TAKE6: u32 = 1 << 6;
    pub const TAKE7: u32 = 1 << 7;
    pub const TAKE12: u32 = TAKE1 | TAKE2;
    pub const TAKE13: u32 = TAKE1 | TAKE3;
    pub const TAKE23: u32 = TAKE2 | TAKE3;
    pub const TAKE123: u32 = TAKE1 | TAKE2 | TAKE3;
    pub const TAKE1234: u32 = TAKE1 | TAKE2 | TAKE3 | TAKE4;
    /// Exactly one argument, `on` or `off` (checked by the value rule).
    pub const FLAG: u32 = 1 << 8;
    pub const ANY: u32 = 1 << 9;
    pub const MORE1: u32 = 1 << 10;
    pub const MORE2: u32 = 1 << 11;
}

/// How nginx parses and stores the value, which decides the value errors and the "is duplicate" rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// `ngx_conf_set_flag_slot`: `on` or `off`.
    Flag,
    /// `ngx_conf_set_str_slot`.
    Str,
    /// `ngx_conf_set_str_array_slot`: repeatable.
    StrArray,
    /// `ngx_conf_set_keyval_slot`: repeatable.
    KeyVal,
    /// `ngx_conf_set_num_slot`.
    Num,
    /// `ngx_conf_set_size_slot`.
    Size,
    /// `ngx_conf_set_off_slot`.
    Off,
    /// `ngx_conf_set_msec_slot`.
    Msec,
    /// `ngx_conf_set_sec_slot`.
    Sec,
    /// `ngx_conf_set_bufs_slot`: `number size`.
    Bufs,
    /// `ngx_conf_set_enum_slot` with the allowed words.
    Enum(&'static [&'static str]),
    /// `ngx_conf_set_bitmask_slot` with the allowed words.
    Bitmask(&'static [&'static str]),
    /// `ngx_conf_set_path_slot`.
    Path,
    /// A handler of the module's own; the checker has a rule for it or accepts it.
    Custom,
}

/// One directive of one module.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub name: &'static str,
    /// The nginx module that defines it, e.g. `ngx_http_proxy_module`.
    pub module: &'static str,
    /// A mask of [`ctx`] values.
    pub ctx: u32,
    /// A mask of [`args`] values.
    pub args: u32,
    pub block: bool,
    pub value: Value,
}

/// Every spec with this name; a name can belong to several modules (`server` is in http and upstream).
pub fn lookup(name: &str) -> &'static [Spec] {
    let lo = TABLE.partition_point(|s| s.name < name);
    let hi = lo + TABLE[lo..].partition_point(|s| s.name == name);
    &TABLE[lo..hi]
}

/// Whether `n` arguments (after the name) satisfy an argument mask, as `ngx_conf_handler` decides it.
pub fn args_ok(mask: u32, n: usize) -> bool {
    if mask & args::ANY != 0 {
        return true;
    }
    if mask & args::FLAG != 0 {
        return n == 1;
    }
    if mask & args::MORE1 != 0 {
        return n >= 1;
    }
    if mask & args::MORE2 != 0 {
        return n >= 2;
    }
    n <= 7 && mask & (1 << n) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_lookup() {
        assert!(TABLE.windows(2).all(|w| w[0].name <= w[1].name));
    }

    #[test]
    fn lookup_finds_every_module() {
        assert!(!lookup("proxy_pass").is_empty());
        let server = lookup("server");
        assert!(server.iter().any(|s| s.ctx & ctx::HTTP != 0 && s.block));
        assert!(server.iter().any(|s| s.ctx & ctx::UPSTREAM != 0 && !s.block));
        assert!(lookup("proxy_passs").is_empty());
    }

    #[test]
    fn arg_counts() {
        assert!(args_ok(args::TAKE12, 2));
        assert!(!args_ok(args::TAKE12, 0));
        assert!(args_ok(args::MORE1, 9));
        assert!(!args_ok(args::FLAG, 2));
    }

    /// The only spec of `name`, for directives defined by a single module.
    fn one(name: &str) -> Spec {
        let specs = lookup(name);
        assert_eq!(specs.len(), 1, "{name} should have exactly one spec");
        specs[0]
    }

    #[test]
    fn names_are_unique_per_module() {
        assert!(TABLE
            .windows(2)
            .all(|w| w[0].name != w[1].name || w[0].module != w[1].module));
    }

    #[test]
    fn every_spec_has_contexts_and_arguments() {
        let all_ctx = (ctx::STREAM << 1) - 1;
        let all_args = (args::MORE2 << 1) - 1;
        for s in TABLE {
            assert!(s.ctx != 0 && s.ctx & !all_ctx == 0, "{}", s.name);
            assert!(s.args != 0 && s.args & !all_args == 0, "{}", s.name);
        }
    }

    #[test]
    fn core_http_facts_from_the_source() {
        let listen = one("listen");
        assert_eq!(
            (listen.ctx, listen.args, listen.block),
            (ctx::SERVER, args::MORE1, false)
        );

        let ret = one("return");
        assert_eq!(
            ret.ctx,
            ctx::SERVER | ctx::LOCATION | ctx::IF_SERVER | ctx::IF_LOCATION
        );
        assert_eq!(ret.args, args::TAKE12);

        let sendfile = one("sendfile");
        assert_eq!(
            sendfile.ctx,
            ctx::HTTP | ctx::SERVER | ctx::LOCATION | ctx::IF_LOCATION
        );
        assert_eq!((sendfile.args, sendfile.value), (args::FLAG, Value::Flag));

        let location = one("location");
        assert!(location.block && args_ok(location.args, 2) && !args_ok(location.args, 3));
        assert_eq!(one("try_files").args, args::MORE2);
        assert_eq!(one("satisfy").value, Value::Enum(&["all", "any"]));
        assert_eq!(
            one("proxy_http_version").value,
            Value::Enum(&["1.0", "1.1"])
        );
    }

    #[test]
    fn main_and_events_facts_from_the_source() {
        assert_eq!(one("ssl_engine").ctx, ctx::MAIN);
        assert_eq!(one("worker_connections").ctx, ctx::EVENTS);
        let events = one("events");
        assert!(events.block && events.ctx == ctx::MAIN && events.args == args::NOARGS);
        let error_log = lookup("error_log");
        assert!(error_log.iter().any(|s| s.ctx == ctx::MAIN));
        assert!(error_log.iter().any(|s| s.ctx & ctx::LOCATION != 0));
        let include = one("include");
        assert!(
            include.ctx & ctx::EVENTS != 0
                && include.ctx & ctx::LIMIT_EXCEPT != 0
                && include.ctx & ctx::UPSTREAM != 0
        );
    }

    #[test]
    fn static_modules_present_dynamic_and_foreign_absent() {
        let stub = one("stub_status");
        assert_eq!(stub.module, "ngx_http_stub_status_module");
        assert_eq!(stub.ctx, ctx::SERVER | ctx::LOCATION);
        assert!(!lookup("http2_max_concurrent_streams").is_empty());
        assert!(!lookup("least_conn").is_empty());
        // Debian's backport adds max_headers outside the core module.
        let max_headers = one("max_headers");
        assert_eq!(
            (max_headers.ctx, max_headers.value),
            (ctx::HTTP | ctx::SERVER, Value::Num)
        );
        for absent in [
            "geoip_country",
            "image_filter",
            "perl",
            "xslt_stylesheet",
            "mail",
            "stream",
            "content_by_lua_block",
            "js_content",
            "http3",
            "quic",
            "degradation",
        ] {
            assert!(lookup(absent).is_empty(), "{absent} must be unknown");
        }
    }
}
