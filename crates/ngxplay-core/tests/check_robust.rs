//! The checker never panics and never overflows the stack, whatever the input.

use ngxplay_core::check::{check, CheckOptions, Profile};
use ngxplay_core::{load_text, Context, FileSet};
use proptest::prelude::*;

fn run(text: &str, context: Option<Context>, profile: Profile) {
    let cfg = load_text(FileSet::default(), "nginx.conf", text, context);
    let _ = check(&cfg, &CheckOptions { profile, unresolvable: vec!["x.example".into()] });
}

#[test]
fn deep_nesting_is_safe() {
    for opener in ["location / {", "server {", "if ($a) {", "http {", "map $a $b {", "x {"] {
        let text = format!("{}{}", opener.repeat(10_000), "}".repeat(10_000));
        for ctx in [None, Some(Context::Main), Some(Context::Http), Some(Context::Server), Some(Context::Location)] {
            run(&text, ctx, Profile::Debian);
        }
    }
}

#[test]
fn include_loops_are_cut() {
    let mut files = FileSet::default();
    files.add("/etc/nginx/loop.conf", "location /a { include loop.conf; }\ninclude loop.conf;\n");
    let cfg = load_text(files, "nginx.conf", "server { include loop.conf; }", Some(Context::Http));
    let diags = check(&cfg, &CheckOptions::default());
    assert!(!diags.is_empty());
}

#[test]
fn known_errors_are_reported() {
    let cfg = load_text(FileSet::default(), "nginx.conf", "server {\n  listen 80;\n  proxy_passs x;\n}\n", Some(Context::Http));
    let diags = check(&cfg, &CheckOptions::default());
    assert_eq!(diags[0].message, "unknown directive \"proxy_passs\" in nginx.conf:3");
    let lua = "server { location / { content_by_lua_block { ngx.say(1) } } }";
    let cfg = load_text(FileSet::default(), "nginx.conf", lua, Some(Context::Http));
    assert!(check(&cfg, &CheckOptions::default()).iter().any(|d| d.is_fatal()));
    let opts = CheckOptions { profile: Profile::OpenResty, unresolvable: Vec::new() };
    assert!(!check(&cfg, &opts).iter().any(|d| d.is_fatal()));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        run(&text, None, Profile::Debian);
        run(&text, Some(Context::Main), Profile::OpenResty);
    }

    #[test]
    fn config_like_text_never_panics(words in proptest::collection::vec(prop_oneof![
        Just("server"), Just("location"), Just("{"), Just("}"), Just(";"), Just("listen"), Just("80"),
        Just("proxy_pass"), Just("http://a:1/x"), Just("if"), Just("($a"), Just("~"), Just("^/(x"), Just(")"),
        Just("map"), Just("$a"), Just("$b"), Just("upstream"), Just("set"), Just("return"), Just("\"q"),
        Just("include"), Just("*.conf"), Just("default"), Just("geo"), Just("split_clients"), Just("50%"),
        Just("error_page"), Just("=abc"), Just("server_name"), Just("*.x"), Just("\n"),
    ], 0..200)) {
        let text = words.join(" ");
        run(&text, None, Profile::Debian);
        run(&text, Some(Context::Server), Profile::Debian);
        run(&text, Some(Context::Location), Profile::OpenResty);
    }
}
