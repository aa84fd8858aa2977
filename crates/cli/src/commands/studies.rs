//! `preventory studies import` and `preventory studies export`: the studies behind the
//! ratings, exchanged as a studies file (`docs/studies-format.md`).

use super::open_store;
use super::record_data::{self, ImportRequest, RecordData};
use crate::cli::{Cli, StudiesCommand, StudiesExportArgs, StudiesFormat, StudiesImportArgs};
use crate::error::CliError;
use preventory_core::evidence::Study;
use preventory_core::Intervention;
use preventory_formats::studies::{
    intervention_lines, read_studies, write_studies_json, write_studies_yaml, StudiesFile,
};
use preventory_store::Store;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, command: &StudiesCommand) -> Result<ExitCode, CliError> {
    match command {
        StudiesCommand::Import(args) => import(cli, args).await,
        StudiesCommand::Export(args) => export(cli, args).await,
    }
}

/// The studies file, for [`record_data::import`]: each file replaces the whole list of studies
/// of the slugs it names.
struct Studies;

impl RecordData for Studies {
    type Value = Vec<Study>;
    const NOUN: &'static str = "studies";
    const ONE_FILE_ONLY: &'static str =
        "each file replaces an intervention's whole list, so list its studies in one file only";

    fn read(
        name: &str,
        bytes: &[u8],
    ) -> Result<BTreeMap<String, Vec<Study>>, (Option<usize>, String)> {
        read_studies(name, bytes)
            .map(|file| file.studies)
            .map_err(|e| (e.line(), e.to_string()))
    }

    fn lines(name: &str, bytes: &[u8]) -> BTreeMap<String, usize> {
        intervention_lines(name, bytes)
    }

    fn current(record: &Intervention) -> &Vec<Study> {
        &record.studies
    }

    fn set(record: &mut Intervention, value: Vec<Study>) {
        record.studies = value;
    }

    fn describe(before: &Vec<Study>, after: &Vec<Study>) -> String {
        describe(before, after)
    }
}

async fn import(cli: &Cli, args: &StudiesImportArgs) -> Result<ExitCode, CliError> {
    record_data::import::<Studies>(
        cli,
        ImportRequest {
            files: &args.files,
            dry_run: args.dry_run,
            author: &args.author,
        },
    )
    .await
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
