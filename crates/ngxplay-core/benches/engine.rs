//! Criterion benchmarks: parse and check generated configs of 100, 1,000 and 5,000 server blocks, and route
//! 10,000 requests against the 5,000-server config.

mod gen;

/// The allocator the `ngxplay` binary uses, so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ngxplay_core::api::{analyze, route, RouteInputs};
use ngxplay_core::check::CheckOptions;
use ngxplay_core::FileSet;

fn parse_and_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_and_check");
    group.sample_size(10);
    for servers in [100usize, 1_000, 5_000] {
        let text = gen::config(servers);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(servers), &text, |b, text| {
            b.iter(|| {
                let a = analyze(FileSet::default(), "nginx.conf", text, None, &CheckOptions::default());
                assert!(a.config_test.ok, "generated config must load: {:?}", a.config_test.errors.first());
                a
            })
        });
    }
    group.finish();
}

fn route_requests(c: &mut Criterion) {
    let text = gen::config(5_000);
    let analysis = analyze(FileSet::default(), "nginx.conf", &text, None, &CheckOptions::default());
    let requests = gen::requests(5_000, 10_000);
    let site_files = gen::files(5_000);
    let mut group = c.benchmark_group("route");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    // Only site1 has files: for every other site, `/` and `/missing/page` go round `try_files … /index.html`
    // ten times and end in 500, so two requests in seven run the longest path nginx allows (80 trace steps).
    let missing = RouteInputs { requests: &requests, files: "/var/www/site1/index.html\n", backends: "" };
    // Every site has its index page and assets, as on a deployed server.
    let present = RouteInputs { requests: &requests, files: &site_files, backends: "" };
    for (name, inputs) in [("10k_requests_5000_servers", &missing), ("10k_requests_5000_servers_files_present", &present)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let out = route(&analysis, inputs);
                assert_eq!(out.results.len(), 10_000);
                out
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse_and_check, route_requests);
criterion_main!(benches);
