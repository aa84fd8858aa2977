//! Signposting latency on synthetic records: the matching engine over the search catalogue's
//! slim record views, against a baseline in the same process.
//!
//! `cargo bench -p preventory-search --bench signpost` (records with
//! `PREVENTORY_BENCH_RECORDS`, default 100000). It generates that many fictional records with
//! `preventory gen`'s generator (seed 42) and parses them. The text format carries no
//! structured eligibility, so each record is given one from a seeded random generator: every
//! field unknown with some probability, otherwise drawn from its vocabulary (age limits, per
//! format limits, genders, who is served, situations, justice stages, referral routes,
//! anonymity, remote delivery, languages). Then it builds the search index in memory and runs
//! a fixed mix of profiles (everything known, partly known, nothing known; self, family,
//! professional) through:
//! - **Preventory**: `SearchIndex::signpost` with the limit the web uses (50 written out, every
//!   record judged and counted);
//! - **baseline**: the same engine writing out every record's reasons (`signpost` without a
//!   limit) over the same slim views — what answering without the two-pass design costs.
//!
//! One warm-up round, then 5 rounds per engine, taking turns. Prints the machine, p50/p95/p99
//! per engine and the ratio, and checks both give the same counts and the same first results and
//! helplines.

use preventory_core::eligibility::{
    AskingFor, Eligibility, FormatAgeLimits, JusticeStage, ReferralRoute, Situation,
};
use preventory_core::matching::{self, Profile, SignpostOptions};
use preventory_core::vocab::{Country, Delivery, Gender, Language, Term, Vocabulary};
use preventory_core::Intervention;
use preventory_formats::{seed_text, synthetic};
use preventory_search::{Listing, SearchIndex, SearchRequest};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;
/// Results, helplines and services per relaxation the web writes out.
const LIMIT: usize = 50;

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    format!("{cpu}, {cores} cores")
}

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    eprintln!("signpost benchmark: {what}: {e}");
    std::process::exit(1);
}

/// Some of `all`, or unknown (`None`) one time in four.
fn some_of<T: Copy>(rng: &mut ChaCha8Rng, all: &[T]) -> Option<Vec<T>> {
    if rng.gen_bool(0.25) {
        return None;
    }
    let mut picked: Vec<T> = all.iter().copied().filter(|_| rng.gen_bool(0.5)).collect();
    if picked.is_empty() {
        picked.push(all[rng.gen_range(0..all.len())]);
    }
    Some(picked)
}

fn maybe_bool(rng: &mut ChaCha8Rng) -> Option<bool> {
    match rng.gen_range(0..3) {
        0 => None,
        1 => Some(true),
        _ => Some(false),
    }
}

/// A random eligibility in which every field may be unknown.
fn eligibility(rng: &mut ChaCha8Rng) -> Eligibility {
    let age_min = rng
        .gen_bool(0.6)
        .then(|| [12u8, 16, 17, 18, 21][rng.gen_range(0..5)]);
    let formats = if rng.gen_bool(0.2) {
        vec![
            FormatAgeLimits {
                delivery: Term::Known(Delivery::IndividualWork),
                age_min: Some(17),
                age_max: None,
            },
            FormatAgeLimits {
                delivery: Term::Known(Delivery::GroupWork),
                age_min: Some(21),
                age_max: None,
            },
        ]
    } else {
        Vec::new()
    };
    Eligibility {
        age_min,
        age_max: rng.gen_bool(0.1).then_some(17),
        formats,
        genders: some_of(rng, &[Gender::Male, Gender::Female]),
        iq_min: rng.gen_bool(0.1).then_some(80),
        serves: some_of(rng, &AskingFor::all()),
        situations: some_of(rng, &Situation::all()),
        justice_stages: some_of(rng, &JusticeStage::all()),
        referral_routes: some_of(rng, &ReferralRoute::all()),
        anonymous: maybe_bool(rng),
        remote: maybe_bool(rng),
        languages: some_of(rng, &[Language::from_id("en"), Language::from_id("de")])
            .map(|v| v.into_iter().flatten().collect()),
        ..Eligibility::default()
    }
}

/// `n` synthetic records (seed 42) with random eligibility (seed 7), parsed on every core.
fn records(n: usize) -> Vec<Intervention> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = n.div_ceil(threads).max(1);
    let mut all: Vec<Intervention> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                s.spawn(move || {
                    (start..(start + chunk).min(n))
                        .filter_map(|i| {
                            let f = synthetic::file(i, n, 42);
                            seed_text::parse(&f.file_name, f.text.as_bytes())
                                .ok()
                                .map(|p| p.record.public_view())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for r in &mut all {
        r.eligibility = eligibility(&mut rng);
    }
    all
}

/// The fixed mix of profiles.
fn profiles() -> Vec<(&'static str, Profile)> {
    let gb = Country::from_id("GB");
    let en = Language::from_id("en");
    let full = |age, gender, asking, situation, stage| Profile {
        age: Some(age),
        gender: Some(gender),
        asking_for: Some(asking),
        situations: vec![situation],
        justice_stage: Some(stage),
        country: gb,
        language: en,
        needs_anonymity: Some(false),
        remote_only: Some(false),
    };
    let mut out = vec![
        ("nothing known", Profile::default()),
        (
            "19, man, convicted (images)",
            full(
                19,
                Gender::Male,
                AskingFor::ForSelf,
                Situation::ViewingCsam,
                JusticeStage::ConvictedCommunity,
            ),
        ),
        (
            "30, woman, thoughts, no justice",
            full(
                30,
                Gender::Female,
                AskingFor::ForSelf,
                Situation::SexualThoughts,
                JusticeStage::NoInvolvement,
            ),
        ),
        (
            "partner of arrested man",
            Profile {
                asking_for: Some(AskingFor::SomeoneElse),
                justice_stage: Some(JusticeStage::UnderInvestigation),
                ..Profile::default()
            },
        ),
        (
            "anonymous, remote only",
            Profile {
                needs_anonymity: Some(true),
                remote_only: Some(true),
                situations: vec![Situation::SexualThoughts],
                ..Profile::default()
            },
        ),
    ];
    // Every age band for men and women asking for themselves at every justice stage.
    for (i, stage) in JusticeStage::all().iter().enumerate() {
        for (age, gender) in [(15, Gender::Male), (45, Gender::Female)] {
            out.push((
                "grid",
                full(
                    age,
                    gender,
                    AskingFor::Client,
                    Situation::all()[i % Situation::all().len()],
                    *stage,
                ),
            ));
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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary_line(name: &str, v: &[Duration]) -> String {
    format!(
        "  {name:<11} p50 {:>8.2} ms  p95 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms",
        ms(pct(v, 0.5)),
        ms(pct(v, 0.95)),
        ms(pct(v, 0.99)),
        ms(pct(v, 1.0))
    )
}

fn main() {
    let n: usize = match std::env::var("PREVENTORY_BENCH_RECORDS") {
        Ok(s) => match s.trim().parse() {
            Ok(n) if n > 0 => n,
            _ => fail("PREVENTORY_BENCH_RECORDS", format!("not a count: {s:?}")),
        },
        Err(_) => 100_000,
    };
    println!("signposting benchmark on {}", machine());
    let t = Instant::now();
    let recs = records(n);
    println!(
        "{} synthetic records (seed 42) with random eligibility (seed 7), made in {:.1} s",
        recs.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    // Every record published: signposting never offers discontinued ones, so they would
    // only be skipped.
    let recs: Vec<Listing> = recs.into_iter().map(Listing::published).collect();
    let idx = SearchIndex::in_memory(&recs).unwrap_or_else(|e| fail("building the index", e));
    println!("index built in {:.1} s", t.elapsed().as_secs_f64());
    let views: Vec<Intervention> = recs.iter().map(|l| l.record.matching_view()).collect();
    drop(recs);

    let profiles = profiles();
    let every = SearchRequest::default();
    let ours = |p: &Profile| {
        let t = Instant::now();
        let s = idx
            .signpost(&every, p, &SignpostOptions { limit: Some(LIMIT) })
            .unwrap_or_else(|e| fail("signpost", e));
        (t.elapsed(), black_box(s))
    };
    let theirs = |p: &Profile| {
        let t = Instant::now();
        let s = matching::signpost(p, views.iter());
        (t.elapsed(), black_box(s))
    };
    println!(
        "\n{} profiles; Preventory writes out {LIMIT} of each list, the baseline every record; 1 warm-up round, then {ROUNDS} rounds per engine, taking turns",
        profiles.len()
    );
    for (name, p) in profiles.iter().take(5) {
        let (_, a) = ours(p);
        let (_, b) = theirs(p);
        if a.counts != b.counts {
            fail(
                "the engines disagree",
                format!("{name}: {:?} vs {:?}", a.counts, b.counts),
            );
        }
        // The results written out are the first of the baseline's, reasons and all.
        let first = |all: &[matching::Match]| all[..LIMIT.min(all.len())].to_vec();
        if a.results != first(&b.results) || a.helplines != first(&b.helplines) {
            fail(
                "the engines disagree",
                format!("{name}: other first results"),
            );
        }
        println!(
            "  {name:<34} eligible {:>6}  possibly {:>6}  ineligible {:>6}  helplines {:>3}  relaxations {}",
            a.counts.eligible,
            a.counts.possibly_eligible,
            a.counts.ineligible,
            a.helplines.len(),
            a.relaxations.len()
        );
    }
    let mut ours_all = Vec::new();
    let mut theirs_all = Vec::new();
    for _ in 0..ROUNDS {
        for (_, p) in &profiles {
            ours_all.push(ours(p).0);
        }
        for (_, p) in &profiles {
            theirs_all.push(theirs(p).0);
        }
    }
    ours_all.sort();
    theirs_all.sort();
    println!("\nlatency over {} signpostings per engine:", ours_all.len());
    println!("{}", summary_line("preventory", &ours_all));
    println!("{}", summary_line("baseline", &theirs_all));
    let p99 = pct(&ours_all, 0.99);
    println!(
        "  ratio baseline / preventory: p50 {:.1}x, p99 {:.1}x; target p99 <= 20 ms: {} ({:.2} ms)",
        pct(&theirs_all, 0.5).as_secs_f64() / pct(&ours_all, 0.5).as_secs_f64().max(1e-9),
        pct(&theirs_all, 0.99).as_secs_f64() / p99.as_secs_f64().max(1e-9),
        if p99 <= Duration::from_millis(20) {
            "met"
        } else {
            "NOT met"
        },
        ms(p99)
    );
}
