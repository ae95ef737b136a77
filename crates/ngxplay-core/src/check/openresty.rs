//! OpenResty's extra directives (lua-nginx-module, headers-more), known only under `Profile::OpenResty`.
//! Their bodies and values are not checked.

use crate::directives::args::*;
use crate::directives::ctx::*;
use crate::directives::{Spec, Value};

const HTTP_ALL: u32 = HTTP | SERVER | LOCATION | IF_LOCATION;
const LOC: u32 = LOCATION | IF_LOCATION;

macro_rules! spec {
    ($name:expr, $ctx:expr, $args:expr, $block:expr) => {
        Spec { name: $name, module: "ngx_http_lua_module", ctx: $ctx, args: $args, block: $block, value: Value::Custom }
    };
}

static TABLE: &[Spec] = &[
    spec!("access_by_lua_block", LOC | HTTP | SERVER, NOARGS, true),
    spec!("access_by_lua_file", LOC | HTTP | SERVER, TAKE1, false),
    spec!("balancer_by_lua_block", UPSTREAM, NOARGS, true),
    spec!("balancer_by_lua_file", UPSTREAM, TAKE1, false),
    spec!("body_filter_by_lua_block", HTTP_ALL, NOARGS, true),
    spec!("body_filter_by_lua_file", HTTP_ALL, TAKE1, false),
    spec!("content_by_lua_block", LOC, NOARGS, true),
    spec!("content_by_lua_file", LOC, TAKE1, false),
    spec!("header_filter_by_lua_block", HTTP_ALL, NOARGS, true),
    spec!("header_filter_by_lua_file", HTTP_ALL, TAKE1, false),
    spec!("init_by_lua_block", HTTP, NOARGS, true),
    spec!("init_by_lua_file", HTTP, TAKE1, false),
    spec!("init_worker_by_lua_block", HTTP, NOARGS, true),
    spec!("init_worker_by_lua_file", HTTP, TAKE1, false),
    spec!("log_by_lua_block", HTTP_ALL, NOARGS, true),
    spec!("log_by_lua_file", HTTP_ALL, TAKE1, false),
    spec!("lua_code_cache", HTTP | SERVER | LOCATION, FLAG, false),
    spec!("lua_need_request_body", HTTP_ALL, FLAG, false),
    spec!("lua_package_cpath", HTTP, TAKE1, false),
    spec!("lua_package_path", HTTP, TAKE1, false),
    spec!("lua_shared_dict", HTTP, TAKE2, false),
    spec!("lua_socket_connect_timeout", HTTP_ALL, TAKE1, false),
    spec!("lua_socket_read_timeout", HTTP_ALL, TAKE1, false),
    spec!("more_clear_headers", HTTP_ALL, MORE1, false),
    spec!("more_clear_input_headers", HTTP_ALL, MORE1, false),
    spec!("more_set_headers", HTTP_ALL, MORE1, false),
    spec!("more_set_input_headers", HTTP_ALL, MORE1, false),
    spec!("rewrite_by_lua_block", HTTP_ALL, NOARGS, true),
    spec!("rewrite_by_lua_file", HTTP_ALL, TAKE1, false),
    spec!("set_by_lua_block", SERVER | LOCATION | IF_SERVER | IF_LOCATION, TAKE1, true),
    spec!("set_by_lua_file", SERVER | LOCATION | IF_SERVER | IF_LOCATION, MORE2, false),
    spec!("ssl_certificate_by_lua_block", SERVER, NOARGS, true),
    spec!("ssl_certificate_by_lua_file", SERVER, TAKE1, false),
];

/// The OpenResty specs named `name`.
pub fn lookup(name: &str) -> &'static [Spec] {
    match TABLE.iter().position(|s| s.name == name) {
        Some(i) => &TABLE[i..=i],
        None => &[],
    }
}
