//! The import pipeline: find files, read each into records, and store them in one transaction.

use crate::error::CliError;
use preventory_formats::{exchange, seed_text};
use preventory_store::{ImportItem, ImportOutcome, Store};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One problem that stops a file from being imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// 1-based line in the file.
    pub line: usize,
    /// The record field concerned, or `file`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// What reading one file gave.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The path as given or found.
    pub source_file: String,
    /// The records read (one for a text record, any number for JSON), or why none could be.
    pub outcome: Result<Vec<seed_text::ParsedRecord>, FileError>,
}

impl FileResult {
    /// `FILE:LINE: field: message` for a failed file.
    pub fn error_line(&self) -> Option<String> {
        self.outcome.as_ref().err().map(|e| {
            format!(
                "{}:{}: {}: {}",
                self.source_file, e.line, e.field, e.message
            )
        })
    }
}

fn is_importable(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("json"))
}

/// Expands folders into their .txt and .json files (sorted by path, so imports are
/// repeatable); files named explicitly are taken whatever their extension.
pub fn collect_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| CliError::io(path, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(path).follow_links(true) {
                let entry =
                    entry.map_err(|e| CliError::io(path, std::io::Error::other(e.to_string())))?;
                if entry.file_type().is_file() && is_importable(entry.path()) {
                    found.push(entry.into_path());
                }
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Whether bytes hold Preventory JSON rather than the text format.
fn looks_like_json(path: &Path, bytes: &[u8]) -> bool {
    let by_extension = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
    by_extension || matches!(first, Some(b'[') | Some(b'{'))
}

/// Reads one file into records.
pub fn read_file(path: &Path) -> FileResult {
    let source_file = path.display().to_string();
    let outcome = match std::fs::read(path) {
        Err(e) => Err(FileError {
            line: 1,
            field: "file".into(),
            message: format!("cannot read: {e}"),
        }),
        Ok(bytes) => read_bytes(path, &bytes),
    };
    FileResult {
        source_file,
        outcome,
    }
}

/// Reads the bytes of one file (text record or JSON).
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<seed_text::ParsedRecord>, FileError> {
    if looks_like_json(path, bytes) {
        let text = std::str::from_utf8(bytes).map_err(|e| FileError {
            line: bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1,
            field: "file".into(),
            message: "not valid UTF-8 text".into(),
        })?;
        let records = exchange::from_json(text).map_err(|e| json_error(&e))?;
        Ok(records
            .into_iter()
            .map(|record| seed_text::ParsedRecord {
                record,
                warnings: Vec::new(),
            })
            .collect())
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        seed_text::parse(&name, bytes)
            .map(|parsed| vec![parsed])
            .map_err(|e| FileError {
                line: e.line,
                field: e.field,
                message: e.message,
            })
    }
}

/// Where a JSON problem is: its line, and the record (by index and slug) as the field.
fn json_error(e: &exchange::ExchangeError) -> FileError {
    use exchange::ExchangeError as E;
    let (line, field) = match e {
        E::JsonSyntax { line, index, .. } => (*line, format!("record[{index}]")),
        E::JsonRecord {
            line, index, slug, ..
        } => (
            *line,
            match slug {
                Some(slug) => format!("record[{index}] ({slug})"),
                None => format!("record[{index}]"),
            },
        ),
        E::JsonShape { line, .. } => (*line, "file".to_string()),
        _ => (1, "file".to_string()),
    };
    FileError {
        line: line.max(1),
        field,
        message: e.to_string(),
    }
}

/// Reads many files, on every core, keeping input order. `progress` is called once per file.
pub fn read_files(paths: &[PathBuf], progress: &(dyn Fn() + Sync)) -> Vec<FileResult> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads <= 1 || paths.len() < 64 {
        return paths
            .iter()
            .map(|p| {
                let r = read_file(p);
                progress();
                r
            })
            .collect();
    }
    let chunk = paths.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|p| {
                            let r = read_file(p);
                            progress();
                            r
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

/// What a real import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// What the store did with the good records.
    pub outcome: ImportOutcome,
    /// `FILE:LINE: field: message` for every file that could not be read.
    pub failures: Vec<String>,
    /// Warnings, as `FILE:LINE: field: message`.
    pub warnings: Vec<String>,
    /// Whether anything was written.
    pub stored: bool,
}

/// Stores what was read. Without `keep_going`, any failed file means nothing is stored.
pub async fn store_results(
    store: &dyn Store,
    results: Vec<FileResult>,
    keep_going: bool,
    author: &str,
) -> Result<ImportReport, CliError> {
    let mut report = ImportReport::default();
    let mut items = Vec::new();
    for result in results {
        if let Some(line) = result.error_line() {
            report.failures.push(line);
            continue;
        }
        if let Ok(parsed) = result.outcome {
            for p in parsed {
                for w in &p.warnings {
                    report.warnings.push(format!(
                        "{}:{}: {}: {}",
                        result.source_file, w.line, w.field, w.message
                    ));
                }
                items.push(ImportItem {
                    record: p.record,
                    source: result.source_file.clone(),
                });
            }
        }
    }
    if !report.failures.is_empty() && !keep_going {
        return Ok(report);
    }
    if !items.is_empty() {
        report.outcome = store.import(items, author).await?;
        report.stored = true;
    }
    Ok(report)
}
