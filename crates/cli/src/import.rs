//! The import pipeline: find files, read each into records, and store them in one transaction.

use crate::error::CliError;
use preventory_formats::{exchange, seed_text};
use preventory_store::{ImportItem, ImportOutcome, Store};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Files read per batch: big enough to keep both cores busy, small enough that memory stays
/// flat however large the import.
const FILES_PER_BATCH: usize = 1024;

/// Reads `paths` and stores their records in one transaction, writing each batch while the
/// next one is being read. Without `keep_going`, any file that cannot be read rolls the whole
/// import back (the remaining files are still read, so every problem is reported at once).
pub async fn import_paths(
    store: &dyn Store,
    paths: Vec<PathBuf>,
    keep_going: bool,
    author: &str,
    progress: Arc<dyn Fn() + Send + Sync>,
) -> Result<ImportReport, CliError> {
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    let reader =
        std::thread::spawn(move || read_in_batches(&paths, keep_going, &sender, &*progress));
    let stored = store.import_batches(receiver, author).await;
    let (failures, warnings) = reader
        .join()
        .map_err(|_| CliError::Usage("the file reader stopped unexpectedly".into()))?;
    let mut report = ImportReport {
        failures,
        warnings,
        ..ImportReport::default()
    };
    match stored {
        Ok(outcome) => {
            report.stored = !(outcome.created.is_empty()
                && outcome.updated.is_empty()
                && outcome.unchanged.is_empty());
            report.outcome = outcome;
            Ok(report)
        }
        // The reader's own abort: the failures say why, nothing was stored.
        Err(preventory_store::StoreError::Aborted(_)) if !report.failures.is_empty() => Ok(report),
        Err(e) => Err(e.into()),
    }
}

/// The reading side of [`import_paths`]: sends batches of records, or an error that stops the
/// import, and returns every failure and warning as `FILE:LINE: field: message`.
fn read_in_batches(
    paths: &[PathBuf],
    keep_going: bool,
    sender: &tokio::sync::mpsc::Sender<Result<Vec<ImportItem>, String>>,
    progress: &(dyn Fn() + Sync),
) -> (Vec<String>, Vec<String>) {
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    let mut sending = true;
    for group in paths.chunks(FILES_PER_BATCH) {
        let mut items = Vec::with_capacity(group.len());
        for result in read_files(group, progress) {
            if let Some(line) = result.error_line() {
                failures.push(line);
                continue;
            }
            if let Ok(parsed) = result.outcome {
                for p in parsed {
                    warnings.extend(p.warnings.iter().map(|w| {
                        format!(
                            "{}:{}: {}: {}",
                            result.source_file, w.line, w.field, w.message
                        )
                    }));
                    items.push(ImportItem {
                        record: p.record,
                        source: result.source_file.clone(),
                    });
                }
            }
        }
        if !sending {
            continue;
        }
        let message = if !failures.is_empty() && !keep_going {
            sending = false;
            Err(format!("{} file(s) could not be read", failures.len()))
        } else {
            Ok(items)
        };
        // A closed channel means the store gave up (its error is reported there).
        if sender.blocking_send(message).is_err() {
            sending = false;
        }
    }
    (failures, warnings)
}
