//! `preventory import`.

use super::open_store;
use crate::cli::{Cli, DryRunFormat, ImportArgs};
use crate::error::CliError;
use crate::import::{collect_paths, import_paths, read_files, FileResult};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

/// Warnings printed by default; a large import can have thousands.
const WARNINGS_SHOWN: usize = 20;

/// Exit code when `--keep-going` stored the good files but some failed.
const PARTIAL: u8 = 2;

pub(super) async fn run(cli: &Cli, args: &ImportArgs) -> Result<ExitCode, CliError> {
    let paths = collect_paths(&args.paths)?;
    if paths.is_empty() {
        return Err(CliError::Usage(
            "no .txt or .json files found in the paths given".into(),
        ));
    }
    let bar = progress_bar(paths.len() as u64);
    if args.dry_run {
        let results = read_files(&paths, &|| bar.inc(1));
        bar.finish_and_clear();
        return dry_run(&results, args.format);
    }

    let store = open_store(cli).await?;
    let ticker = bar.clone();
    let report = import_paths(
        &store,
        paths,
        args.keep_going,
        &args.author,
        Arc::new(move || ticker.inc(1)),
    )
    .await;
    bar.finish_and_clear();
    store.close().await;
    let report = report?;
    let mut err = std::io::stderr().lock();
    let shown = if args.all_warnings {
        report.warnings.len()
    } else {
        WARNINGS_SHOWN
    };
    for w in report.warnings.iter().take(shown) {
        let _ = writeln!(err, "warning: {w}");
    }
    if report.warnings.len() > shown {
        let _ = writeln!(
            err,
            "… and {} more warning(s); --all-warnings shows them all",
            report.warnings.len() - shown
        );
    }
    for f in &report.failures {
        let _ = writeln!(err, "{f}");
    }
    if !report.failures.is_empty() && !args.keep_going {
        let _ = writeln!(
            err,
            "error: {} file(s) could not be imported; nothing was stored (use --keep-going to import the others)",
            report.failures.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    let o = &report.outcome;
    println!(
        "Imported {} record(s): {} new, {} updated, {} unchanged{}.",
        o.created.len() + o.updated.len() + o.unchanged.len(),
        o.created.len(),
        o.updated.len(),
        o.unchanged.len(),
        if report.failures.is_empty() {
            String::new()
        } else {
            format!("; {} file(s) failed", report.failures.len())
        }
    );
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(PARTIAL)
    })
}

/// A bar on stderr, shown only when stderr is a terminal and the import is long.
fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() || len < 200 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} files read ({per_sec}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

fn dry_run(results: &[FileResult], format: DryRunFormat) -> Result<ExitCode, CliError> {
    let failed = results.iter().any(|r| r.outcome.is_err());
    let mut out = std::io::stdout().lock();
    match format {
        DryRunFormat::Json => {
            let mut elements = Vec::new();
            for r in results {
                match &r.outcome {
                    Ok(parsed) => {
                        for p in parsed {
                            elements.push(serde_json::json!({
                                "source_file": r.source_file,
                                "record": p.record,
                                "warnings": p.warnings,
                            }));
                        }
                    }
                    Err(e) => elements.push(serde_json::json!({
                        "source_file": r.source_file,
                        "error": e,
                    })),
                }
            }
            let text = serde_json::to_string_pretty(&elements)
                .map_err(|e| CliError::Usage(format!("cannot write JSON: {e}")))?;
            writeln!(out, "{text}").map_err(|e| CliError::io("stdout", e))?;
        }
        DryRunFormat::Text => {
            for r in results {
                match &r.outcome {
                    Ok(parsed) => {
                        for p in parsed {
                            writeln!(
                                out,
                                "{}: {} ({}){}",
                                r.source_file,
                                p.record.slug,
                                p.record.title,
                                if p.record.needs_review {
                                    ", needs review"
                                } else {
                                    ""
                                }
                            )
                            .map_err(|e| CliError::io("stdout", e))?;
                            for w in &p.warnings {
                                writeln!(
                                    out,
                                    "  warning {}:{}: {}: {}",
                                    r.source_file, w.line, w.field, w.message
                                )
                                .map_err(|e| CliError::io("stdout", e))?;
                            }
                        }
                    }
                    Err(_) => {
                        if let Some(line) = r.error_line() {
                            writeln!(out, "{line}").map_err(|e| CliError::io("stdout", e))?;
                        }
                    }
                }
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
