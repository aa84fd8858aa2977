//! Rough timings of the search engine on synthetic records: index build, reopen, and the
//! latency of a mix of queries with all facet counts. Not a benchmark (the CLI's benches are);
//! a tool for looking at where time goes.
//!
//! `cargo run --release -p preventory-search --example measure -- [RECORDS] [--dir DIR]`
//! (with `--dir` the index is built there once and reopened on later runs; `MEASURE_ROUNDS`
//! sets how often the query mix is repeated, `MEASURE_KIND` keeps one kind of request and
//! `MEASURE_SHOW` prints what each request found).

use preventory_core::{Facet, Intervention};
use preventory_formats::{seed_text, synthetic};
use preventory_search::{SearchIndex, SearchRequest, Sort};
use std::time::{Duration, Instant};

fn records(n: usize, seed: u64) -> Vec<Intervention> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = n.div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                s.spawn(move || {
                    (start..(start + chunk).min(n))
                        .filter_map(|i| {
                            let f = synthetic::file(i, n, seed);
                            seed_text::parse(&f.file_name, f.text.as_bytes())
                                .ok()
                                .map(|p| p.record)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// ~200 requests: single words, several words, phrases, typos, thesaurus wordings, browsing;
/// 0–3 facet filters; mostly by relevance.
fn mix() -> Vec<(String, SearchRequest)> {
    let words = [
        "programme",
        "treatment",
        "parents",
        "online",
        "helpline",
        "lantern",
        "exampletown",
        "schools",
        "evaluation",
        "supervision",
        "workbook",
        "trauma",
        "confidential",
        "sessions",
        "compass",
        "safeguarding",
        "adolescents",
        "probation",
        "campaign",
        "teachers",
    ];
    let several = [
        "group treatment",
        "parents and carers",
        "online safety",
        "safe harbour helpline",
        "risk need responsivity",
        "young people school",
        "clinical supervision psychologist",
        "workbook between sessions",
        "fictional prevention trust",
        "public awareness campaign",
    ];
    let phrases = [
        "\"group work\"",
        "\"sexual thoughts about children\"",
        "\"quality assurance\"",
        "\"personal safety plan\"",
        "\"independent evaluation\"",
    ];
    let typos = [
        "progamme",
        "treatmnet",
        "evaluaton",
        "superviison",
        "confidental",
    ];
    let thesaurus = [
        "child pornography",
        "csam",
        "sex offender",
        "worried about my thoughts",
        "internet",
        "paedophile",
        "harmful sexual behaviour",
        "can't stop looking",
        "indecent images",
        "hsb",
    ];
    let filters: [&[(Facet, &str)]; 8] = [
        &[],
        &[(Facet::Gender, "male")],
        &[
            (Facet::TargetGroup, "potential_offenders"),
            (Facet::PreventionLevel, "secondary"),
        ],
        &[
            (Facet::Delivery, "online"),
            (Facet::Delivery, "phone"),
            (Facet::Country, "GB"),
        ],
        &[
            (Facet::AgeGroup, "adults"),
            (Facet::Rating, "effective"),
            (Facet::Language, "en"),
        ],
        &[(Facet::Subgroup, "parents_and_carers")],
        &[(Facet::Rating, "unrated"), (Facet::Rating, "prudent")],
        &[
            (Facet::Gender, "female"),
            (Facet::TargetGroup, "children_and_young_people"),
            (Facet::Country, "IE"),
        ],
    ];
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut add = |kind: &str, q: &str, out: &mut Vec<(String, SearchRequest)>| {
        let mut r = SearchRequest::new(q).page(1, 20);
        for (f, v) in filters[i % filters.len()] {
            r = r.filter(*f, *v);
        }
        if i % 11 == 5 {
            r.sort = Sort::Rating;
        } else if i % 13 == 7 {
            r.sort = Sort::Recent;
        }
        i += 1;
        out.push((kind.to_string(), r));
    };
    for round in 0..3 {
        for w in words {
            add("word", w, &mut out);
        }
        for w in several {
            add("words", w, &mut out);
        }
        for w in phrases {
            add("phrase", w, &mut out);
        }
        for w in typos {
            add("typo", w, &mut out);
        }
        for w in thesaurus {
            add("thesaurus", w, &mut out);
        }
        if round < 2 {
            add("browse", "", &mut out);
            add("browse", "", &mut out);
        }
    }
    out
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = args
        .iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let rounds: usize = std::env::var("MEASURE_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);

    let t = Instant::now();
    let idx = match &dir {
        // On disk: built once from parsed records, reopened on later runs.
        Some(dir) => SearchIndex::open_or_build(dir, || {
            let t = Instant::now();
            let recs = records(n, 42);
            println!(
                "parsed {} records in {:.1} s",
                recs.len(),
                t.elapsed().as_secs_f64()
            );
            Ok::<_, std::convert::Infallible>(recs)
        }),
        None => {
            let recs = records(n, 42);
            println!(
                "parsed {} records in {:.1} s",
                recs.len(),
                t.elapsed().as_secs_f64()
            );
            let t = Instant::now();
            let idx = SearchIndex::in_memory(&recs);
            println!("indexed in memory in {:.1} s", t.elapsed().as_secs_f64());
            idx
        }
    };
    let idx = match idx {
        Ok(i) => i,
        Err(e) => {
            eprintln!("build failed: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "index of {} records ready in {:.1} s ({:?})",
        idx.len(),
        t.elapsed().as_secs_f64(),
        idx.origin()
    );

    // MEASURE_KIND=words keeps one kind of request, for profiling.
    let kind = std::env::var("MEASURE_KIND").ok();
    let requests: Vec<_> = mix()
        .into_iter()
        .filter(|(k, _)| kind.as_ref().is_none_or(|want| want == k))
        .collect();
    // Warm up caches once; MEASURE_SHOW=1 prints what each request found.
    let show = std::env::var("MEASURE_SHOW").is_ok();
    for (_, r) in &requests {
        let res = idx.search(r);
        if show {
            match res {
                Ok(res) => {
                    println!(
                        "{:?} {:?}: {} results, also searched {:?}",
                        r.query, r.filters, res.total, res.expanded_terms
                    );
                    for h in res.results.iter().take(2) {
                        println!("    {} | {}", h.title, h.snippet);
                    }
                }
                Err(e) => println!("{:?}: {e}", r.query),
            }
        }
    }
    let mut all = Vec::new();
    let mut by_kind: std::collections::BTreeMap<String, Vec<Duration>> = Default::default();
    let mut slowest: Vec<(Duration, String, usize)> = Vec::new();
    for _ in 0..rounds {
        for (kind, r) in &requests {
            let t = Instant::now();
            let res = idx.search(r);
            let d = t.elapsed();
            let total = res.as_ref().map_or(0, |x| x.total);
            all.push(d);
            by_kind.entry(kind.clone()).or_default().push(d);
            slowest.push((
                d,
                format!("{:?} {:?} {:?}", r.query, r.filters, r.sort),
                total,
            ));
        }
    }
    all.sort();
    println!(
        "{} requests x {rounds}: p50 {}  p95 {}  p99 {}  max {}",
        requests.len(),
        ms(pct(&all, 0.5)),
        ms(pct(&all, 0.95)),
        ms(pct(&all, 0.99)),
        ms(pct(&all, 1.0))
    );
    for (k, mut v) in by_kind {
        v.sort();
        println!(
            "  {k:10} p50 {}  p99 {}",
            ms(pct(&v, 0.5)),
            ms(pct(&v, 0.99))
        );
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    slowest.dedup_by(|a, b| a.1 == b.1);
    // One edit, as after saving a record: how long until searches see it.
    let edited = preventory_core::Intervention {
        slug: "measure-edit".into(),
        title: "Measure Edit".into(),
        summary: Some("A fictional record added by the timing harness.".into()),
        ..Default::default()
    };
    let t = Instant::now();
    let upserted = idx.upsert(&[edited]);
    let upsert_time = t.elapsed();
    let t = Instant::now();
    let removed = idx.remove("measure-edit");
    println!(
        "one upsert: {} ({:?}); one remove: {} ({:?})",
        ms(upsert_time),
        upserted.is_ok(),
        ms(t.elapsed()),
        removed.is_ok()
    );
    println!("slowest:");
    for (d, q, total) in slowest.iter().take(8) {
        println!("  {}  {total:>6} results  {q}", ms(*d));
    }
}
