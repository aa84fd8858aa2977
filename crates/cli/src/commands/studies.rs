//! `preventory studies import` and `preventory studies export`: the studies behind the
//! ratings, exchanged as a studies file (`docs/studies-format.md`).

use super::open_store;
use crate::cli::{Cli, StudiesCommand, StudiesExportArgs, StudiesFormat, StudiesImportArgs};
use crate::error::CliError;
use preventory_core::evidence::Study;
use preventory_formats::studies::{
    intervention_lines, read_studies, write_studies_json, write_studies_yaml, StudiesFile,
};
use preventory_store::{ImportItem, Store, StoredRecord};
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, command: &StudiesCommand) -> Result<ExitCode, CliError> {
    match command {
        StudiesCommand::Import(args) => import(cli, args).await,
        StudiesCommand::Export(args) => export(cli, args).await,
    }
}

/// One studies file that could be read.
struct ReadFile {
    /// Its position among the files given.
    index: usize,
    /// The path as given.
    name: String,
    bytes: Vec<u8>,
    studies: StudiesFile,
    /// Where each slug's first entry is, worked out only when a problem needs it.
    lines: OnceCell<BTreeMap<String, usize>>,
}

impl ReadFile {
    /// The line of `slug`'s first entry, when it can be told.
    fn line_of(&self, slug: &str) -> Option<usize> {
        self.lines
            .get_or_init(|| intervention_lines(&self.name, &self.bytes))
            .get(slug)
            .copied()
    }

    /// `FILE:LINE` (or `FILE` when the line cannot be told) of `slug`'s first entry.
    fn at(&self, slug: &str) -> String {
        match self.line_of(slug) {
            Some(line) => format!("{}:{line}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A problem that stops the import, sorted by file (in the order given) and line.
struct Problem {
    file: usize,
    line: Option<usize>,
    message: String,
}

/// A record whose studies a file sets.
struct Target<'a> {
    slug: &'a str,
    file: &'a ReadFile,
    stored: StoredRecord,
    studies: &'a [Study],
}

impl Target<'_> {
    fn changed(&self) -> bool {
        self.stored.record.studies != self.studies
    }
}

async fn import(cli: &Cli, args: &StudiesImportArgs) -> Result<ExitCode, CliError> {
    let mut problems = Vec::new();

    // Every file is read and checked before anything else, so all problems show at once.
    let mut files = Vec::new();
    for (index, path) in args.files.iter().enumerate() {
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
        match read_studies(&name, &bytes) {
            Ok(studies) => files.push(ReadFile {
                index,
                name,
                bytes,
                studies,
                lines: OnceCell::new(),
            }),
            Err(e) => problems.push(Problem {
                file: index,
                line: e.line(),
                message: e.to_string(),
            }),
        }
    }

    // Each file holds the whole list of the slugs it names, so one slug in two files would
    // leave the result to the order of the arguments.
    let mut owner: BTreeMap<&str, &ReadFile> = BTreeMap::new();
    let mut wanted: Vec<(&str, &ReadFile, &[Study])> = Vec::new();
    for file in &files {
        for (slug, studies) in &file.studies.studies {
            if let Some(first) = owner.get(slug.as_str()) {
                problems.push(Problem {
                    file: file.index,
                    line: file.line_of(slug),
                    message: format!(
                        "{}: {slug}: intervention: also listed in {}; each file replaces an \
                         intervention's whole list, so list its studies in one file only",
                        file.at(slug),
                        first.at(slug)
                    ),
                });
                continue;
            }
            owner.insert(slug, file);
            wanted.push((slug, file, studies));
        }
    }

    // Every slug must name a stored record. A store that does not exist yet holds none, and is
    // not created just to find that out.
    let store = if wanted.is_empty() || !cli.db.exists() {
        None
    } else {
        Some(open_store(cli).await?)
    };
    let mut targets = Vec::new();
    for (slug, file, studies) in wanted {
        let stored = match &store {
            Some(store) => store.get(slug).await?,
            None => None,
        };
        match stored {
            Some(stored) => targets.push(Target {
                slug,
                file,
                stored,
                studies,
            }),
            None => {
                problems.push(Problem {
                    file: file.index,
                    line: file.line_of(slug),
                    message: format!(
                        "{}: {slug}: intervention: no stored record has this slug (see `preventory list`)",
                        file.at(slug)
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
            "error: {} problem(s) in the studies file(s); nothing was stored",
            problems.len()
        );
        return Ok(ExitCode::FAILURE);
    }

    let changed: Vec<&Target> = targets.iter().filter(|t| t.changed()).collect();
    let unchanged = targets.len() - changed.len();
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        if let Some(store) = store {
            store.close().await;
        }
        for t in &changed {
            writeln!(
                out,
                "would update {}: {}",
                t.slug,
                describe(&t.stored.record.studies, t.studies)
            )
            .map_err(|e| CliError::io("stdout", e))?;
        }
        writeln!(
            out,
            "Dry run: studies for {} record(s): {} would change, {} unchanged; nothing was stored.",
            targets.len(),
            changed.len(),
            unchanged
        )
        .map_err(|e| CliError::io("stdout", e))?;
        return Ok(ExitCode::SUCCESS);
    }

    // One transaction for everything; records whose studies are already the file's are not
    // sent at all, so they cannot gain a revision.
    let items: Vec<ImportItem> = changed
        .iter()
        .map(|t| {
            let mut record = t.stored.record.clone();
            record.studies = t.studies.to_vec();
            ImportItem {
                record,
                source: t.file.name.clone(),
            }
        })
        .collect();
    let outcome = match (&store, items.is_empty()) {
        (Some(store), false) => store.import(items, &args.author).await,
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
            describe(&t.stored.record.studies, t.studies)
        )
        .map_err(|e| CliError::io("stdout", e))?;
    }
    writeln!(
        out,
        "Imported studies for {} record(s): {} updated, {} unchanged.",
        targets.len(),
        updated,
        targets.len() - updated
    )
    .map_err(|e| CliError::io("stdout", e))?;
    Ok(ExitCode::SUCCESS)
}

/// `2 → 3 studies (added a; removed b; changed c)`: how a record's studies change.
fn describe(before: &[Study], after: &[Study]) -> String {
    fn count(n: usize) -> String {
        format!("{n} {}", if n == 1 { "study" } else { "studies" })
    }
    let find = |list: &[Study], id: &str| list.iter().position(|s| s.id == id);
    let ids = |list: &[&Study]| {
        list.iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let added: Vec<&Study> = after
        .iter()
        .filter(|s| find(before, &s.id).is_none())
        .collect();
    let removed: Vec<&Study> = before
        .iter()
        .filter(|s| find(after, &s.id).is_none())
        .collect();
    let edited: Vec<&Study> = after
        .iter()
        .filter(|s| find(before, &s.id).is_some_and(|i| before[i] != **s))
        .collect();
    let mut parts = Vec::new();
    for (label, list) in [
        ("added", &added),
        ("removed", &removed),
        ("changed", &edited),
    ] {
        if !list.is_empty() {
            parts.push(format!("{label} {}", ids(list)));
        }
    }
    if parts.is_empty() {
        parts.push("reordered".to_string());
    }
    format!(
        "{} → {} ({})",
        before.len(),
        count(after.len()),
        parts.join("; ")
    )
}

async fn export(cli: &Cli, args: &StudiesExportArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli).await?;
    let records = store.all_records().await;
    store.close().await;
    let mut file = StudiesFile::default();
    for stored in records? {
        if !stored.record.studies.is_empty() {
            file.studies
                .insert(stored.record.slug, stored.record.studies);
        }
    }
    let text = match format_of(args) {
        StudiesFormat::Json => write_studies_json(&file)?,
        StudiesFormat::Yaml => write_studies_yaml(&file)?,
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|e| CliError::io(path, e))?,
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| CliError::io("stdout", e))?,
    }
    eprintln!(
        "Exported {} study entries of {} record(s).",
        file.len(),
        file.studies.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The syntax asked for, else YAML for an `--out` named `.yaml` or `.yml`, else JSON.
fn format_of(args: &StudiesExportArgs) -> StudiesFormat {
    super::syntax_of(args.format, args.out.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use preventory_core::evidence::StudyDesign;

    fn study(id: &str) -> Study {
        Study::new(
            id,
            "Example, A. (2020). A fictional trial.",
            StudyDesign::Rct,
        )
    }

    #[test]
    fn changes_are_described_by_study_id() {
        assert_eq!(
            describe(&[], &[study("a"), study("b")]),
            "0 → 2 studies (added a, b)"
        );
        let mut edited = study("b");
        edited.sample_size = Some(12);
        assert_eq!(
            describe(&[study("a"), study("b")], &[edited, study("c")]),
            "2 → 2 studies (added c; removed a; changed b)"
        );
        assert_eq!(
            describe(&[study("a"), study("b")], &[study("b"), study("a")]),
            "2 → 2 studies (reordered)"
        );
        assert_eq!(
            describe(&[study("a"), study("b")], &[study("a")]),
            "2 → 1 study (removed b)"
        );
    }

    #[test]
    fn the_export_syntax_follows_the_output_name_unless_given() {
        let args = |format, out: Option<&str>| StudiesExportArgs {
            format,
            out: out.map(Into::into),
        };
        assert_eq!(format_of(&args(None, None)), StudiesFormat::Json);
        assert_eq!(format_of(&args(None, Some("s.YML"))), StudiesFormat::Yaml);
        assert_eq!(format_of(&args(None, Some("s.json"))), StudiesFormat::Json);
        assert_eq!(
            format_of(&args(Some(StudiesFormat::Json), Some("s.yaml"))),
            StudiesFormat::Json
        );
    }
}
