//! Importing a file of per-record data — the studies file, the eligibility file — onto the
//! stored records: every file read and checked first, every problem reported by file and
//! line, then one transaction for all changed records (unchanged ones write nothing).

use super::open_store;
use crate::cli::Cli;
use crate::error::CliError;
use preventory_core::Intervention;
use preventory_store::{ImportItem, Store, StoredRecord};
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// One kind of per-record data file.
pub(super) trait RecordData {
    /// What a file sets on one record.
    type Value: PartialEq + Clone;
    /// The data's name in messages ("studies", "eligibility").
    const NOUN: &'static str;
    /// What to do about a slug listed in two files, after "also listed in FILE:LINE; ".
    const ONE_FILE_ONLY: &'static str;
    /// The file's values by slug, or the error's line and message.
    fn read(
        name: &str,
        bytes: &[u8],
    ) -> Result<BTreeMap<String, Self::Value>, (Option<usize>, String)>;
    /// The line of each slug's first entry.
    fn lines(name: &str, bytes: &[u8]) -> BTreeMap<String, usize>;
    /// The record's current value.
    fn current(record: &Intervention) -> &Self::Value;
    /// Puts a value on a record.
    fn set(record: &mut Intervention, value: Self::Value);
    /// How a record's value changes, in a few words.
    fn describe(before: &Self::Value, after: &Self::Value) -> String;
}

/// What `import` is asked to do.
pub(super) struct ImportRequest<'a> {
    pub files: &'a [PathBuf],
    pub dry_run: bool,
    pub author: &'a str,
}

/// One file that could be read.
struct ReadFile<V> {
    /// Its position among the files given.
    index: usize,
    /// The path as given.
    name: String,
    bytes: Vec<u8>,
    values: BTreeMap<String, V>,
    /// Where each slug's first entry is, worked out only when a problem needs it.
    lines: OnceCell<BTreeMap<String, usize>>,
}

impl<V> ReadFile<V> {
    /// `FILE:LINE` (or `FILE` when the line cannot be told) of `slug`'s first entry, and the
    /// line.
    fn at<D: RecordData>(&self, slug: &str) -> (String, Option<usize>) {
        let line = self
            .lines
            .get_or_init(|| D::lines(&self.name, &self.bytes))
            .get(slug)
            .copied();
        match line {
            Some(line) => (format!("{}:{line}", self.name), Some(line)),
            None => (self.name.clone(), None),
        }
    }
}

/// A problem that stops the import, sorted by file (in the order given) and line.
struct Problem {
    file: usize,
    line: Option<usize>,
    message: String,
}

/// A record whose value a file sets.
struct Target<'a, V> {
    slug: &'a str,
    file: &'a str,
    stored: StoredRecord,
    value: &'a V,
}

/// Reads `request.files`, checks them against the store and writes the changes (or, with
/// `dry_run`, says what they would be).
pub(super) async fn import<D: RecordData>(
    cli: &Cli,
    request: ImportRequest<'_>,
) -> Result<ExitCode, CliError> {
    let mut problems = Vec::new();

    // Every file is read and checked before anything else, so all problems show at once.
    let mut files = Vec::new();
    for (index, path) in request.files.iter().enumerate() {
        let name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(Problem {
                    file: index,
                    line: None,
                    message: format!("{name}: cannot read: {e}"),
                });
                continue;
            }
        };
        match D::read(&name, &bytes) {
            Ok(values) => files.push(ReadFile {
                index,
                name,
                bytes,
                values,
                lines: OnceCell::new(),
            }),
            Err((line, message)) => problems.push(Problem {
                file: index,
                line,
                message,
            }),
        }
    }

    // One slug in two files would leave the result to the order of the arguments.
    let mut owner: BTreeMap<&str, &ReadFile<D::Value>> = BTreeMap::new();
    let mut wanted = Vec::new();
    for file in &files {
        for (slug, value) in &file.values {
            if let Some(first) = owner.get(slug.as_str()) {
                let (at, line) = file.at::<D>(slug);
                problems.push(Problem {
                    file: file.index,
                    line,
                    message: format!(
                        "{at}: {slug}: intervention: also listed in {}; {}",
                        first.at::<D>(slug).0,
                        D::ONE_FILE_ONLY
                    ),
                });
                continue;
            }
            owner.insert(slug, file);
            wanted.push((slug, file, value));
        }
    }

    // Every slug must name a stored record. A store that does not exist yet holds none, and is
    // not created just to find that out.
    let store = if wanted.is_empty() || !cli.db.exists() {
        None
    } else {
        Some(open_store(cli).await?)
    };
    let mut targets: Vec<Target<'_, D::Value>> = Vec::new();
    for (slug, file, value) in wanted {
        let stored = match &store {
            Some(store) => store.get(slug).await?,
            None => None,
        };
        match stored {
            Some(stored) => targets.push(Target {
                slug,
                file: &file.name,
                stored,
                value,
            }),
            None => {
                let (at, line) = file.at::<D>(slug);
                problems.push(Problem {
                    file: file.index,
                    line,
                    message: format!(
                        "{at}: {slug}: intervention: no stored record has this slug (see `preventory list`)"
                    ),
                });
            }
        }
    }

    if !problems.is_empty() {
        if let Some(store) = store {
            store.close().await;
        }
        problems.sort_by_key(|p| (p.file, p.line));
        let mut err = std::io::stderr().lock();
        for p in &problems {
            let _ = writeln!(err, "{}", p.message);
        }
        let _ = writeln!(
            err,
            "error: {} problem(s) in the {} file(s); nothing was stored",
            problems.len(),
            D::NOUN
        );
        return Ok(ExitCode::FAILURE);
    }

    let changed: Vec<&Target<'_, D::Value>> = targets
        .iter()
        .filter(|t| D::current(&t.stored.record) != t.value)
        .collect();
    let unchanged = targets.len() - changed.len();
    let mut out = std::io::stdout().lock();
    if request.dry_run {
        if let Some(store) = store {
            store.close().await;
        }
        for t in &changed {
            writeln!(
                out,
                "would update {}: {}",
                t.slug,
                D::describe(D::current(&t.stored.record), t.value)
            )
            .map_err(|e| CliError::io("stdout", e))?;
        }
        writeln!(
            out,
            "Dry run: {} for {} record(s): {} would change, {} unchanged; nothing was stored.",
            D::NOUN,
            targets.len(),
            changed.len(),
            unchanged
        )
        .map_err(|e| CliError::io("stdout", e))?;
        return Ok(ExitCode::SUCCESS);
    }

    // One transaction for everything; records already holding the file's value are not sent
    // at all, so they cannot gain a revision.
    let items: Vec<ImportItem> = changed
        .iter()
        .map(|t| {
            let mut record = t.stored.record.clone();
            D::set(&mut record, t.value.clone());
            ImportItem {
                record,
                source: t.file.to_string(),
            }
        })
        .collect();
    let outcome = match (&store, items.is_empty()) {
        (Some(store), false) => store.import(items, request.author).await,
        _ => Ok(Default::default()),
    };
    if let Some(store) = store {
        store.close().await;
    }
    let outcome = outcome?;
    let written: HashSet<&str> = outcome
        .updated
        .iter()
        .chain(&outcome.created)
        .map(String::as_str)
        .collect();
    let mut updated = 0;
    for t in changed.iter().filter(|t| written.contains(t.slug)) {
        updated += 1;
        writeln!(
            out,
            "updated {}: {}",
            t.slug,
            D::describe(D::current(&t.stored.record), t.value)
        )
        .map_err(|e| CliError::io("stdout", e))?;
    }
    writeln!(
        out,
        "Imported {} for {} record(s): {} updated, {} unchanged.",
        D::NOUN,
        targets.len(),
        updated,
        targets.len() - updated
    )
    .map_err(|e| CliError::io("stdout", e))?;
    Ok(ExitCode::SUCCESS)
}
