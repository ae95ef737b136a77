//! Generates large realistic configs and request lists for the benchmarks.

use std::fmt::Write;

/// An http-context config with `servers` server blocks, each with 7 locations, its own upstream and a map.
pub fn config(servers: usize) -> String {
    let mut s = String::with_capacity(servers * 760);
    for i in 0..servers {
        let (a, b) = (i / 250, i % 250);
        let _ = write!(
            s,
            "upstream app_{i} {{\n    server 10.{a}.{b}.1:8080 weight=3 max_fails=2;\n    server 10.{a}.{b}.2:8080;\n    server 10.{a}.{b}.3:8080 backup;\n}}\n\
             map $http_x_variant $variant_{i} {{ default stable; ~^canary canary; }}\n\
             server {{\n    listen 80;\n    server_name site{i}.example.com www.site{i}.example.com;\n    root /var/www/site{i};\n\
             \x20   location / {{ try_files $uri $uri/ /index.html; }}\n\
             \x20   location = /health {{ return 200 \"ok\\n\"; }}\n\
             \x20   location ^~ /static/ {{ expires 30d; }}\n\
             \x20   location /api/ {{ proxy_pass http://app_{i}/; proxy_set_header Host $host; proxy_set_header X-Variant $variant_{i}; }}\n\
             \x20   location ~* \\.(png|jpg|css|js)$ {{ access_log off; expires 7d; }}\n\
             \x20   location /admin {{ allow 10.0.0.0/8; deny all; }}\n\
             \x20   location @fallback {{ proxy_pass http://app_{i}; }}\n}}\n"
        );
    }
    s
}

/// `n` request lines spread over the generated servers and their locations.
pub fn requests(servers: usize, n: usize) -> String {
    let paths = ["/", "/health", "/static/app.css", "/api/v1/cart?id=7", "/img/logo.png", "/admin/users", "/missing/page"];
    let mut s = String::with_capacity(n * 48);
    for k in 0..n {
        let site = (k * 7919) % servers.max(1);
        let _ = writeln!(s, "GET http://site{site}.example.com{}", paths[k % paths.len()]);
    }
    s
}

/// A `files.txt` in which every generated site has its `index.html` and the assets the requests ask for.
pub fn files(servers: usize) -> String {
    let mut s = String::with_capacity(servers * 110);
    for i in 0..servers {
        let _ = writeln!(s, "/var/www/site{i}/index.html\n/var/www/site{i}/static/app.css\n/var/www/site{i}/img/logo.png");
    }
    s
}
