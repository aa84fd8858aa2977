//! Import throughput on synthetic records, against a baseline in the same process.
//!
//! `cargo bench --bench import` (sizes with `PREVENTORY_BENCH_SIZES=10000,100000`).
//! For each size it writes that many fictional records with `preventory gen`'s generator,
//! then measures, on the same files:
//! - Preventory's import: read + parse the files in batches while the previous batch is
//!   stored, all in one transaction
//!   (records, revisions, facet values) into a new SQLite file;
//! - the baseline: read every file and insert its raw text into a one-table SQLite file in one
//!   transaction, with the same driver: the floor cost of getting the bytes into SQLite.
//!
//! It prints records/s for each and the ratio, plus the machine it ran on.

use preventory::import::{collect_paths, import_paths, read_files};
use preventory_store::sqlite::SqliteStore;
use std::path::Path;
use std::time::{Duration, Instant};

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

async fn preventory_import(dir: &Path, db: &Path) -> Result<(Duration, Duration, usize), String> {
    let start = Instant::now();
    let paths = collect_paths(&[dir.to_path_buf()]).map_err(|e| e.to_string())?;
    let store = SqliteStore::open(db).await.map_err(|e| e.to_string())?;
    let report = import_paths(&store, paths, false, "bench", std::sync::Arc::new(|| {}))
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    let total = start.elapsed();

    // Then parsing alone (nothing stored), to show how the time divides. It runs after the
    // import because holding every parsed record at once churns the allocator and would slow
    // whatever ran next.
    let paths = collect_paths(&[dir.to_path_buf()]).map_err(|e| e.to_string())?;
    let parse_start = Instant::now();
    let parsed_files = read_files(&paths, &|| {});
    let parsed = parse_start.elapsed();
    drop(parsed_files);
    if !report.failures.is_empty() {
        return Err(format!(
            "{} files failed, e.g. {}",
            report.failures.len(),
            report.failures[0]
        ));
    }
    Ok((parsed, total, report.outcome.created.len()))
}

async fn baseline_import(dir: &Path, db: &Path) -> Result<(Duration, usize), String> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use sqlx::ConnectOptions;
    let start = Instant::now();
    let paths = collect_paths(&[dir.to_path_buf()]).map_err(|e| e.to_string())?;
    let mut conn = SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .connect()
        .await
        .map_err(|e| e.to_string())?;
    sqlx::query("CREATE TABLE raw (name TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    let mut tx = sqlx::Connection::begin(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    for p in &paths {
        let body = std::fs::read_to_string(p).map_err(|e| e.to_string())?;
        sqlx::query("INSERT INTO raw (name, body) VALUES (?, ?)")
            .bind(p.display().to_string())
            .bind(body)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok((start.elapsed(), paths.len()))
}

fn main() {
    let sizes: Vec<usize> = std::env::var("PREVENTORY_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            std::process::exit(1);
        }
    };
    println!("import benchmark on {}", machine());
    for size in sizes {
        let tmp = match tempfile::tempdir() {
            Ok(t) => t,
            Err(e) => {
                eprintln!("no temporary folder: {e}");
                std::process::exit(1);
            }
        };
        let files = tmp.path().join("records");
        let gen_start = Instant::now();
        if let Err(e) = preventory_formats::synthetic::write_all(size, 42, &files) {
            eprintln!("cannot generate: {e}");
            std::process::exit(1);
        }
        let bytes: u64 = std::fs::read_dir(&files)
            .map(|rd| {
                rd.filter_map(|e| e.ok()?.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        println!(
            "\n{size} synthetic records (seed 42, {:.1} MiB of text, generated in {:.1} s)",
            bytes as f64 / 1048576.0,
            gen_start.elapsed().as_secs_f64()
        );
        // Preventory, then the baseline, each into its own new database from the same files,
        // which generation has just written, so the page cache is warm for both.
        let result = runtime.block_on(async {
            let (parse, total, n) =
                preventory_import(&files, &tmp.path().join("preventory.db")).await?;
            let (base, n_base) = baseline_import(&files, &tmp.path().join("baseline.db")).await?;
            Ok::<_, String>((base, n_base, parse, total, n))
        });
        match result {
            Ok((base, n_base, parse, total, n)) => {
                let ours = n as f64 / total.as_secs_f64();
                let theirs = n_base as f64 / base.as_secs_f64();
                println!(
                    "  preventory import: {n} records in {:.2} s = {:.0} records/s (reading and storing overlap; read+parse alone takes {:.2} s)",
                    total.as_secs_f64(),
                    ours,
                    parse.as_secs_f64(),
                );
                println!(
                    "  baseline (raw text into one table): {n_base} files in {:.2} s = {:.0} files/s",
                    base.as_secs_f64(),
                    theirs
                );
                println!(
                    "  ratio: preventory takes {:.2}x the baseline's time; target >= 5000 records/s: {}",
                    total.as_secs_f64() / base.as_secs_f64(),
                    if ours >= 5000.0 { "met" } else { "NOT met" }
                );
            }
            Err(e) => {
                eprintln!("  failed: {e}");
                std::process::exit(1);
            }
        }
    }
    println!(
        "\npeak RSS of the benchmark process: {:.0} MiB",
        peak_rss_mib()
    );
}
