//! Search latency on synthetic records, against a SQLite FTS5 baseline in the same process.
//!
//! `cargo bench -p preventory-search --bench search` (records with
//! `PREVENTORY_BENCH_RECORDS`, default 100000). It generates that many fictional records with
//! `preventory gen`'s generator (seed 42), parses them (both cores) and takes their public
//! views, then builds:
//! - Preventory's search index, in memory (`SearchIndex::in_memory`);
//! - the baseline: an in-memory SQLite database (sqlx, the project's driver, on a
//!   current-thread tokio runtime) with `docs(ord, slug, title, summary, body)`, an external
//!   content FTS5 table over title, summary and body (`porter unicode61`, bm25 weights 3/2/1)
//!   and `facets(ord, facet, value)` indexed by (facet, value, ord) and by ord.
//!
//! Then a fixed mix of over 200 requests (single words, several words, phrases, typos,
//! thesaurus wordings, browsing; 0–3 facet filters; 20 results each, with every facet count)
//! is run once to warm up and then 5 times per engine, the engines taking turns round by
//! round. The baseline gets the same work: the thesaurus alternatives OR-ed in, phrases as
//! FTS5 phrases, the same stopwords dropped, filters OR within a facet and AND across, and
//! disjunctive facet counts by SQL. It has no typo tolerance, so typos find nothing there.
//!
//! It prints the machine, the build times, p50/p95/p99/mean per engine, the ratio and peak
//! RSS.

use preventory_core::eligibility::ReferralRoute;
use preventory_core::terminology::{self, Clause};
use preventory_core::{Facet, Intervention};
use preventory_formats::{seed_text, synthetic};
use preventory_search::{Listing, SearchIndex, SearchRequest, SearchResponse};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Row};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::str::FromStr;
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;
const PER_PAGE: usize = 20;

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    format!("{cpu}, {cores} cores, {}", std::env::consts::OS)
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    eprintln!("search benchmark: {what}: {e}");
    std::process::exit(1);
}

/// The public views of `n` synthetic records of `seed`, parsed on every core, all published.
fn records(n: usize, seed: u64) -> Vec<Listing> {
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
                                .map(|p| Listing::published(p.record.public_view()))
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

/// One request of the mix and its kind.
struct Case {
    kind: &'static str,
    request: SearchRequest,
}

/// 206 requests: single words, several words, phrases, typos, thesaurus wordings, browsing;
/// 0–3 facet filters; all by relevance (browsing: by title).
fn mix() -> Vec<Case> {
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
        "indecent images of children",
        "HSB",
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
    let mut add = |kind: &'static str, q: &str, out: &mut Vec<Case>| {
        let mut request = SearchRequest::new(q).page(1, PER_PAGE);
        for (f, v) in filters[i % filters.len()] {
            request = request.filter(*f, *v);
        }
        i += 1;
        out.push(Case { kind, request });
    };
    for round in 0..4 {
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
        if round < 3 {
            add("browse", "", &mut out);
            add("browse", "", &mut out);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The baseline: SQLite FTS5.

/// Stopwords Preventory leaves out of queries that have other words (copied from the search
/// crate, so the baseline does the same).
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "that", "the", "their", "them", "they", "this", "to",
    "was", "were", "which", "with", "i", "im", "me", "my", "we", "our", "you", "your",
];

/// The text Preventory indexes as "body": sections, references, contact organisation and
/// the eligibility words.
fn body_of(r: &Intervention) -> String {
    let mut parts: Vec<&str> = r
        .sections_in_order()
        .into_iter()
        .map(|(_, text)| text)
        .chain(r.references.iter().map(|x| x.text.as_str()))
        .chain(r.contact.organisation.as_deref())
        .collect();
    if r.eligibility
        .referral_routes
        .as_ref()
        .is_some_and(|routes| routes.contains(&ReferralRoute::SelfReferral))
    {
        parts.push("self-referral");
    }
    if r.eligibility.anonymous == Some(true) {
        parts.push("anonymous");
    }
    parts.join("\n")
}

/// An FTS5 string literal: the text in double quotes (a phrase; one word is a one-word
/// phrase), so FTS5 syntax characters in it are just text.
fn fts_phrase(text: &str) -> Option<String> {
    let words = terminology::words(text);
    if words.is_empty() {
        None
    } else {
        Some(format!("\"{}\"", words.join(" ")))
    }
}

fn is_stopword(c: &Clause) -> bool {
    if c.quoted || c.group.is_some() {
        return false;
    }
    matches!(terminology::words(&c.text).as_slice(), [w] if STOPWORDS.contains(&w.as_str()))
}

/// The FTS5 MATCH expression for a query, the way Preventory reads it: every clause required
/// (only the thesaurus wordings in a help-seeking query), each clause its text OR any of its
/// thesaurus alternatives. `None` means browse (no words).
fn fts_query(q: &str) -> Option<String> {
    let exp = terminology::expand(q);
    let all_stop = exp.clauses.iter().all(is_stopword);
    let parts: Vec<String> = exp
        .clauses
        .iter()
        .filter(|c| all_stop || !is_stopword(c))
        .filter(|c| !exp.help_seeking || c.group.is_some())
        .filter_map(|c| {
            let alts: Vec<String> = std::iter::once(c.text.as_str())
                .chain(c.alternatives.iter().map(String::as_str))
                .filter_map(fts_phrase)
                .collect();
            match alts.len() {
                0 => None,
                1 => alts.into_iter().next(),
                _ => Some(format!("({})", alts.join(" OR "))),
            }
        })
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" AND "))
    }
}

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `AND col IN (…)` for every filtered facet except `skip`.
fn filter_sql(col: &str, req: &SearchRequest, skip: Option<Facet>) -> String {
    let mut out = String::new();
    for (f, ids) in &req.filters {
        if ids.is_empty() || Some(*f) == skip {
            continue;
        }
        let values: Vec<String> = ids.iter().map(|v| sql_str(v)).collect();
        out.push_str(&format!(
            " AND {col} IN (SELECT ord FROM facets WHERE facet = {} AND value IN ({}))",
            sql_str(f.param()),
            values.join(", ")
        ));
    }
    out
}

/// What the baseline found: total, the page's slugs, and facet counts.
struct BaseResponse {
    total: usize,
    slugs: Vec<String>,
    facets: BTreeMap<String, BTreeMap<String, i64>>,
}

/// One statement per query: the matches are found once (FTS5 MATCH, with their bm25 rank)
/// into a materialised CTE, filtered in SQL, and from there come the page (best rank first;
/// by title when browsing), the total and every facet's counts.
async fn baseline_search(
    conn: &mut SqliteConnection,
    req: &SearchRequest,
    fts: Option<&str>,
) -> Result<BaseResponse, sqlx::Error> {
    let (matched, order) = match fts {
        Some(_) => (
            "SELECT rowid AS ord, rank AS r FROM fts WHERE fts MATCH ?1",
            "mf.r",
        ),
        None => ("SELECT ord, 0 AS r FROM docs", "d.title COLLATE NOCASE"),
    };
    let filtered: Vec<Facet> = Facet::ALL
        .into_iter()
        .filter(|f| req.filters.get(f).is_some_and(|v| !v.is_empty()))
        .collect();
    let unfiltered: Vec<String> = Facet::ALL
        .into_iter()
        .filter(|f| !filtered.contains(f))
        .map(|f| sql_str(f.param()))
        .collect();
    let mut sql = format!(
        "WITH m AS MATERIALIZED ({matched}), \
         mf AS MATERIALIZED (SELECT ord, r FROM m WHERE 1{}) \
         SELECT '#page' AS facet, slug AS value, 0 AS n FROM \
         (SELECT d.slug FROM mf JOIN docs d ON d.ord = mf.ord ORDER BY {order} LIMIT {PER_PAGE}) \
         UNION ALL SELECT '', '', COUNT(*) FROM mf",
        filter_sql("ord", req, None)
    );
    if !unfiltered.is_empty() {
        sql.push_str(&format!(
            " UNION ALL SELECT facet, value, COUNT(*) FROM facets \
             WHERE ord IN (SELECT ord FROM mf) AND facet IN ({}) GROUP BY facet, value",
            unfiltered.join(", ")
        ));
    }
    for f in &filtered {
        sql.push_str(&format!(
            " UNION ALL SELECT facet, value, COUNT(*) FROM facets \
             WHERE ord IN (SELECT ord FROM m WHERE 1{}) AND facet = {} GROUP BY facet, value",
            filter_sql("ord", req, Some(*f)),
            sql_str(f.param())
        ));
    }

    let mut query = sqlx::query(&sql);
    if let Some(q) = fts {
        query = query.bind(q);
    }
    let mut total = 0usize;
    let mut slugs = Vec::new();
    let mut facets: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for row in query.fetch_all(&mut *conn).await? {
        let facet: String = row.try_get(0)?;
        let value: String = row.try_get(1)?;
        let n: i64 = row.try_get(2)?;
        if facet == "#page" {
            slugs.push(value);
        } else if facet.is_empty() {
            total = usize::try_from(n).unwrap_or(0);
        } else {
            facets.entry(facet).or_default().insert(value, n);
        }
    }
    Ok(BaseResponse {
        total,
        slugs,
        facets,
    })
}

/// Loads the records into a new in-memory database and builds the FTS index.
async fn baseline_build(records: &[Listing]) -> Result<SqliteConnection, sqlx::Error> {
    let mut conn = SqliteConnectOptions::from_str("sqlite::memory:")?
        .connect()
        .await?;
    for sql in [
        "CREATE TABLE docs (ord INTEGER PRIMARY KEY, slug TEXT NOT NULL, title TEXT NOT NULL, \
         summary TEXT, body TEXT NOT NULL)",
        "CREATE TABLE facets (ord INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, \
         PRIMARY KEY (ord, facet, value)) WITHOUT ROWID",
        "CREATE VIRTUAL TABLE fts USING fts5(title, summary, body, content='docs', \
         content_rowid='ord', tokenize='porter unicode61')",
    ] {
        sqlx::query(sql).execute(&mut conn).await?;
    }
    // Batches of records as one JSON parameter each: one statement per 5,000 records
    // rather than one per row.
    let mut tx = sqlx::Connection::begin(&mut conn).await?;
    for (batch_no, batch) in records.chunks(5_000).enumerate() {
        let base = batch_no * 5_000;
        let docs: Vec<serde_json::Value> = batch
            .iter()
            .enumerate()
            .map(|(i, Listing { record: r, .. })| {
                serde_json::json!([base + i, r.slug, r.title, r.summary, body_of(r)])
            })
            .collect();
        let facets: Vec<serde_json::Value> = batch
            .iter()
            .enumerate()
            .flat_map(|(i, Listing { record: r, .. })| {
                Facet::ALL.into_iter().flat_map(move |f| {
                    f.ids_of(r)
                        .into_iter()
                        .map(move |v| serde_json::json!([base + i, f.param(), v]))
                })
            })
            .collect();
        sqlx::query(
            "INSERT INTO docs (ord, slug, title, summary, body) \
             SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM json_each(?)",
        )
        .bind(serde_json::Value::Array(docs).to_string())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT OR IGNORE INTO facets (ord, facet, value) \
             SELECT value->>0, value->>1, value->>2 FROM json_each(?)",
        )
        .bind(serde_json::Value::Array(facets).to_string())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    for sql in [
        "CREATE INDEX facets_by_value ON facets (facet, value, ord)",
        "CREATE INDEX docs_by_title ON docs (title COLLATE NOCASE)",
        "INSERT INTO fts (fts) VALUES ('rebuild')",
        "INSERT INTO fts (fts) VALUES ('optimize')",
        "INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25(3.0, 2.0, 1.0)')",
        "ANALYZE",
    ] {
        sqlx::query(sql).execute(&mut conn).await?;
    }
    Ok(conn)
}

// ---------------------------------------------------------------------------------------

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn mean(v: &[Duration]) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.iter().sum::<Duration>() / v.len() as u32
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn describe(req: &SearchRequest) -> String {
    let filters: Vec<String> = req
        .filters
        .iter()
        .map(|(f, v)| format!("{}={}", f.param(), v.join("|")))
        .collect();
    if filters.is_empty() {
        format!("{:?}", req.query)
    } else {
        format!("{:?} [{}]", req.query, filters.join(" "))
    }
}

fn run_preventory(idx: &SearchIndex, case: &Case) -> (Duration, SearchResponse) {
    let t = Instant::now();
    let res = match idx.search(&case.request) {
        Ok(r) => r,
        Err(e) => fail(&format!("Preventory search {}", describe(&case.request)), e),
    };
    let d = t.elapsed();
    (d, black_box(res))
}

fn run_baseline(
    rt: &tokio::runtime::Runtime,
    conn: &mut SqliteConnection,
    case: &Case,
    fts: Option<&str>,
) -> (Duration, BaseResponse) {
    let t = Instant::now();
    let res = match rt.block_on(baseline_search(conn, &case.request, fts)) {
        Ok(r) => r,
        Err(e) => fail(
            &format!(
                "baseline search {} (MATCH {fts:?})",
                describe(&case.request)
            ),
            e,
        ),
    };
    let d = t.elapsed();
    (d, black_box(res))
}

fn summary_line(name: &str, v: &[Duration]) -> String {
    format!(
        "  {name:<11} p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  mean {:>7.2} ms  max {:>7.2} ms",
        ms(pct(v, 0.5)),
        ms(pct(v, 0.95)),
        ms(pct(v, 0.99)),
        ms(mean(v)),
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
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => fail("cannot start the tokio runtime", e),
    };
    println!("search benchmark on {}", machine());

    let t = Instant::now();
    let recs = records(n, 42);
    println!(
        "\n{} synthetic records (seed 42, public views), generated and parsed in {:.1} s; peak RSS so far {:.0} MiB",
        recs.len(),
        t.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
    if recs.len() != n {
        println!("  note: {} of {n} files did not parse", n - recs.len());
    }

    let t = Instant::now();
    let idx = match SearchIndex::in_memory(&recs) {
        Ok(i) => i,
        Err(e) => fail("building the Preventory index", e),
    };
    let preventory_build = t.elapsed();
    let rss_after_index = peak_rss_mib();
    let t = Instant::now();
    let mut conn = match rt.block_on(baseline_build(&recs)) {
        Ok(c) => c,
        Err(e) => fail("building the baseline database", e),
    };
    let baseline_build_time = t.elapsed();
    println!(
        "  Preventory index (tantivy in memory + catalogue): built in {:.2} s ({} records; peak RSS then {rss_after_index:.0} MiB)",
        preventory_build.as_secs_f64(),
        idx.len()
    );
    println!(
        "  baseline (in-memory SQLite via sqlx: tables + FTS5 rebuild/optimize + indexes): built in {:.2} s",
        baseline_build_time.as_secs_f64()
    );
    drop(recs);

    let cases = mix();
    let fts: Vec<Option<String>> = cases.iter().map(|c| fts_query(&c.request.query)).collect();
    let kinds: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.kind).collect();
    println!(
        "\n{} requests ({}), {PER_PAGE} results each with all facet counts; 1 warm-up round, then {ROUNDS} rounds per engine, taking turns",
        cases.len(),
        kinds
            .iter()
            .map(|k| format!("{} {k}", cases.iter().filter(|c| c.kind == *k).count()))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // Warm-up, and the comparison of what each engine found.
    println!(
        "\ntotals found, Preventory vs baseline (stemming, typos and phrase handling differ):"
    );
    let mut shown: std::collections::BTreeSet<&str> = Default::default();
    let mut zero_base = 0;
    for (case, q) in cases.iter().zip(&fts) {
        let (_, ours) = run_preventory(&idx, case);
        let (_, theirs) = run_baseline(&rt, &mut conn, case, q.as_deref());
        if theirs.total == 0 && ours.total > 0 {
            zero_base += 1;
        }
        let facet_values: usize = theirs.facets.values().map(BTreeMap::len).sum();
        if shown.len() < 12 && (shown.insert(case.request.query.as_str())) {
            println!(
                "  {:<7} {:>6} vs {:>6}  {}  (baseline: {} on page, {} facet values; MATCH {})",
                case.kind,
                ours.total,
                theirs.total,
                describe(&case.request),
                theirs.slugs.len(),
                facet_values,
                q.as_deref().unwrap_or("-")
            );
        }
    }
    // A few more, by kind: the first typo, phrase and thesaurus wordings.
    for kind in ["phrase", "typo", "thesaurus"] {
        for (case, q) in cases
            .iter()
            .zip(&fts)
            .filter(|(c, _)| c.kind == kind)
            .take(if kind == "thesaurus" { 10 } else { 2 })
        {
            let (_, ours) = run_preventory(&idx, case);
            let (_, theirs) = run_baseline(&rt, &mut conn, case, q.as_deref());
            println!(
                "  {:<9} {:>6} vs {:>6}  {}  (MATCH {})",
                case.kind,
                ours.total,
                theirs.total,
                describe(&case.request),
                q.as_deref().unwrap_or("-")
            );
        }
    }
    println!("  requests where only Preventory found something: {zero_base}");

    let mut ours_all = Vec::new();
    let mut theirs_all = Vec::new();
    let mut ours_kind: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut theirs_kind: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for _ in 0..ROUNDS {
        for case in &cases {
            let (d, _) = run_preventory(&idx, case);
            ours_all.push(d);
            ours_kind.entry(case.kind).or_default().push(d);
        }
        for (case, q) in cases.iter().zip(&fts) {
            let (d, _) = run_baseline(&rt, &mut conn, case, q.as_deref());
            theirs_all.push(d);
            theirs_kind.entry(case.kind).or_default().push(d);
        }
    }
    ours_all.sort();
    theirs_all.sort();
    println!("\nlatency over {} searches per engine:", ours_all.len());
    println!("{}", summary_line("preventory", &ours_all));
    println!("{}", summary_line("baseline", &theirs_all));
    println!("  p50 by kind (preventory / baseline):");
    for (kind, v) in &mut ours_kind {
        v.sort();
        let base = theirs_kind.get_mut(kind).map(|b| {
            b.sort();
            ms(pct(b, 0.5))
        });
        println!(
            "    {kind:<10} {:>7.2} ms / {:>7.2} ms",
            ms(pct(v, 0.5)),
            base.unwrap_or(0.0)
        );
    }
    let (p50, p99) = (pct(&ours_all, 0.5), pct(&ours_all, 0.99));
    let (b50, b99) = (pct(&theirs_all, 0.5), pct(&theirs_all, 0.99));
    let r50 = b50.as_secs_f64() / p50.as_secs_f64().max(1e-9);
    let r99 = b99.as_secs_f64() / p99.as_secs_f64().max(1e-9);
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    println!("  ratio baseline / preventory: p50 {r50:.2}x, p99 {r99:.2}x");
    println!(
        "  targets: p50 <= 2 ms: {} ({:.2} ms); p99 <= 10 ms: {} ({:.2} ms); >= 3x the baseline: p50 {}, p99 {}",
        met(p50 <= Duration::from_millis(2)),
        ms(p50),
        met(p99 <= Duration::from_millis(10)),
        ms(p99),
        met(r50 >= 3.0),
        met(r99 >= 3.0)
    );
    gap_maps(&rt, &idx, &mut conn);
    println!(
        "\npeak RSS of the benchmark process: {:.0} MiB (records, both indexes and the database)",
        peak_rss_mib()
    );
}

// ---------------------------------------------------------------------------------------
// Gap maps (issue 5): every pair of axes, without filters, with a filter, and with words.

/// The requests each pair of axes is mapped under.
fn gap_map_requests() -> Vec<SearchRequest> {
    vec![
        SearchRequest::default(),
        SearchRequest::default().filter(Facet::Gender, "female"),
        SearchRequest::default()
            .filter(Facet::PreventionLevel, "secondary")
            .filter(Facet::PreventionLevel, "tertiary"),
        SearchRequest::new("programme"),
    ]
}

/// The baseline's gap map: one GROUP BY over the facets table (row value × column value ×
/// rating) for the records kept, which come from FTS5 when there are words.
async fn baseline_gap_map(
    conn: &mut SqliteConnection,
    req: &SearchRequest,
    fts: Option<&str>,
    rows: Facet,
    cols: Facet,
) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    let kept = match fts {
        Some(_) => "SELECT rowid AS ord FROM fts WHERE fts MATCH ?1",
        None => "SELECT ord FROM docs",
    };
    let sql = format!(
        "WITH k AS MATERIALIZED (SELECT ord FROM ({kept}) WHERE 1{}) \
         SELECT a.value, b.value, r.value, COUNT(*) FROM facets a \
         JOIN facets b ON b.ord = a.ord AND b.facet = {} \
         JOIN facets r ON r.ord = a.ord AND r.facet = 'rating' \
         WHERE a.facet = {} AND a.ord IN (SELECT ord FROM k) GROUP BY 1, 2, 3",
        filter_sql("ord", req, None),
        sql_str(cols.param()),
        sql_str(rows.param()),
    );
    let mut query = sqlx::query(&sql);
    if let Some(q) = fts {
        query = query.bind(q);
    }
    let mut out = Vec::new();
    for row in query.fetch_all(&mut *conn).await? {
        out.push((
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
        ));
    }
    Ok(out)
}

fn gap_maps(rt: &tokio::runtime::Runtime, idx: &SearchIndex, conn: &mut SqliteConnection) {
    use preventory_core::gaps::AXES;
    let requests = gap_map_requests();
    let mut cases = Vec::new();
    for rows in AXES {
        for cols in AXES {
            if rows != cols {
                for r in &requests {
                    cases.push((r.clone(), rows, cols));
                }
            }
        }
    }
    println!(
        "\ngap maps: {} maps ({} pairs of axes x {} requests: none, a filter, two values of a filter, words), 20 slugs per cell, serialised to JSON as the API sends them",
        cases.len(),
        cases.len() / requests.len(),
        requests.len()
    );
    let run_ours = |(req, rows, cols): &(SearchRequest, Facet, Facet)| {
        let t = Instant::now();
        let map = match idx.gap_map(req, *rows, *cols, 20) {
            Ok(m) => m,
            Err(e) => fail("gap map", e),
        };
        let json = serde_json::to_string(&map).unwrap_or_default();
        let d = t.elapsed();
        (d, black_box((map, json)))
    };
    let mut run_theirs = |(req, rows, cols): &(SearchRequest, Facet, Facet)| {
        let fts = fts_query(&req.query);
        let t = Instant::now();
        let groups = match rt.block_on(baseline_gap_map(conn, req, fts.as_deref(), *rows, *cols)) {
            Ok(g) => g,
            Err(e) => fail("baseline gap map", e),
        };
        let d = t.elapsed();
        (d, black_box(groups))
    };
    // The baseline takes about a second per map at 100,000 records, so it runs on every
    // ninth map (the same maps for both engines), one round; Preventory runs every map.
    let sample: Vec<&(SearchRequest, Facet, Facet)> = cases.iter().step_by(9).collect();
    let mut agreeing = 0;
    for &case in &sample {
        let (_, (map, _)) = run_ours(case);
        let (_, groups) = run_theirs(case);
        let ours: i64 = map.cells.iter().map(|c| c.count as i64).sum();
        let theirs: i64 = groups.iter().map(|g| g.3).sum();
        if case.0.query.is_empty() {
            if ours != theirs {
                fail(
                    "gap maps disagree",
                    format!(
                        "{} x {} {}: {ours} vs {theirs}",
                        case.1.param(),
                        case.2.param(),
                        describe(&case.0)
                    ),
                );
            }
            agreeing += 1;
        }
    }
    println!(
        "  pair counts identical in both engines for all {agreeing} sampled maps without words"
    );
    let mut ours_all = Vec::new();
    for _ in 0..ROUNDS {
        for case in &cases {
            ours_all.push(run_ours(case).0);
        }
    }
    let mut ours_sample = Vec::new();
    let mut theirs_all = Vec::new();
    for &case in &sample {
        ours_sample.push(run_ours(case).0);
        theirs_all.push(run_theirs(case).0);
    }
    ours_all.sort();
    ours_sample.sort();
    theirs_all.sort();
    println!("  every map, {ROUNDS} rounds ({} maps):", ours_all.len());
    println!("{}", summary_line("preventory", &ours_all));
    println!("  the sample of {} maps, taking turns:", sample.len());
    println!("{}", summary_line("preventory", &ours_sample));
    println!("{}", summary_line("baseline", &theirs_all));
    let (p50, p99) = (pct(&ours_all, 0.5), pct(&ours_all, 0.99));
    let (s50, s99) = (pct(&ours_sample, 0.5), pct(&ours_sample, 0.99));
    let (b50, b99) = (pct(&theirs_all, 0.5), pct(&theirs_all, 0.99));
    println!(
        "  ratio baseline / preventory on the sample: p50 {:.1}x, p99 {:.1}x; target p99 <= 50 ms over every map: {} ({:.2} ms; p50 {:.2} ms)",
        b50.as_secs_f64() / s50.as_secs_f64().max(1e-9),
        b99.as_secs_f64() / s99.as_secs_f64().max(1e-9),
        if p99 <= Duration::from_millis(50) {
            "met"
        } else {
            "NOT met"
        },
        ms(p99),
        ms(p50)
    );
}
