//! `preventory eligibility import` and `preventory eligibility export`: who services can take,
//! exchanged as an eligibility file (`docs/eligibility-format.md`).

use super::open_store;
use super::record_data::{self, ImportRequest, RecordData};
use crate::cli::{
    Cli, EligibilityCommand, EligibilityExportArgs, EligibilityImportArgs, StudiesFormat,
};
use crate::error::CliError;
use preventory_core::{Eligibility, Intervention};
use preventory_formats::eligibility_file::{
    intervention_lines, read_eligibility, write_eligibility_json, write_eligibility_yaml,
    EligibilityFile,
};
use preventory_store::Store;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, command: &EligibilityCommand) -> Result<ExitCode, CliError> {
    match command {
        EligibilityCommand::Import(args) => import(cli, args).await,
        EligibilityCommand::Export(args) => export(cli, args).await,
    }
}

/// The eligibility file, for [`record_data::import`]: each entry replaces the record's whole
/// eligibility.
struct EligibilityData;

impl RecordData for EligibilityData {
    type Value = Eligibility;
    const NOUN: &'static str = "eligibility";
    const ONE_FILE_ONLY: &'static str = "list each intervention in one file only";

    fn read(
        name: &str,
        bytes: &[u8],
    ) -> Result<BTreeMap<String, Eligibility>, (Option<usize>, String)> {
        read_eligibility(name, bytes)
            .map(|file| file.eligibility)
            .map_err(|e| (e.line(), e.to_string()))
    }

    fn lines(name: &str, bytes: &[u8]) -> BTreeMap<String, usize> {
        intervention_lines(name, bytes)
    }

    fn current(record: &Intervention) -> &Eligibility {
        &record.eligibility
    }

    fn set(record: &mut Intervention, value: Eligibility) {
        record.eligibility = value;
    }

    fn describe(before: &Eligibility, after: &Eligibility) -> String {
        describe(before, after)
    }
}

async fn import(cli: &Cli, args: &EligibilityImportArgs) -> Result<ExitCode, CliError> {
    record_data::import::<EligibilityData>(
        cli,
        ImportRequest {
            files: &args.files,
            dry_run: args.dry_run,
            author: &args.author,
        },
    )
    .await
}

/// `genders, formats (was unknown)`: the fields whose value changes, in the order of the
/// format.
fn describe(before: &Eligibility, after: &Eligibility) -> String {
    let fields = changed_fields(before, after).join(", ");
    if after.is_unknown() {
        format!("{fields} (now all unknown)")
    } else if before.is_unknown() {
        format!("{fields} (was all unknown)")
    } else {
        fields
    }
}

/// The names of the fields that differ. Spelled out by destructuring, so a new field of
/// [`Eligibility`] cannot be forgotten here.
fn changed_fields(before: &Eligibility, after: &Eligibility) -> Vec<&'static str> {
    let Eligibility {
        age_min,
        age_max,
        formats,
        genders,
        iq_min,
        learning_needs,
        serves,
        situations,
        justice_stages,
        referral_routes,
        anonymous,
        cost,
        remote,
        in_person_areas,
        languages,
        exclusions,
    } = after;
    let mut out = Vec::new();
    let mut check = |name: &'static str, differs: bool| {
        if differs {
            out.push(name);
        }
    };
    check("age_min", before.age_min != *age_min);
    check("age_max", before.age_max != *age_max);
    check("formats", before.formats != *formats);
    check("genders", before.genders != *genders);
    check("iq_min", before.iq_min != *iq_min);
    check("learning_needs", before.learning_needs != *learning_needs);
    check("serves", before.serves != *serves);
    check("situations", before.situations != *situations);
    check("justice_stages", before.justice_stages != *justice_stages);
    check(
        "referral_routes",
        before.referral_routes != *referral_routes,
    );
    check("anonymous", before.anonymous != *anonymous);
    check("cost", before.cost != *cost);
    check("remote", before.remote != *remote);
    check(
        "in_person_areas",
        before.in_person_areas != *in_person_areas,
    );
    check("languages", before.languages != *languages);
    check("exclusions", before.exclusions != *exclusions);
    out
}

async fn export(cli: &Cli, args: &EligibilityExportArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli).await?;
    let records = store.all_records().await;
    store.close().await;
    let mut file = EligibilityFile::default();
    for stored in records? {
        if !stored.record.eligibility.is_unknown() {
            file.eligibility
                .insert(stored.record.slug, stored.record.eligibility);
        }
    }
    let text = match super::syntax_of(args.format, args.out.as_deref()) {
        StudiesFormat::Json => write_eligibility_json(&file)?,
        StudiesFormat::Yaml => write_eligibility_yaml(&file)?,
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|e| CliError::io(path, e))?,
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| CliError::io("stdout", e))?,
    }
    eprintln!("Exported the eligibility of {} record(s).", file.len());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use preventory_core::eligibility::ReferralRoute;
    use preventory_core::vocab::Gender;

    #[test]
    fn changes_are_described_by_field() {
        let unknown = Eligibility::default();
        let some = Eligibility {
            genders: Some(vec![Gender::Male]),
            age_min: Some(21),
            ..Eligibility::default()
        };
        assert_eq!(
            describe(&unknown, &some),
            "age_min, genders (was all unknown)"
        );
        assert_eq!(
            describe(&some, &unknown),
            "age_min, genders (now all unknown)"
        );
        let more = Eligibility {
            referral_routes: Some(vec![ReferralRoute::SelfReferral]),
            anonymous: Some(false),
            age_min: Some(18),
            ..some.clone()
        };
        assert_eq!(
            describe(&some, &more),
            "age_min, referral_routes, anonymous"
        );
        assert!(changed_fields(&more, &more).is_empty());
    }

    #[test]
    fn the_export_syntax_follows_the_output_name_unless_given() {
        use std::path::Path;
        assert_eq!(super::super::syntax_of(None, None), StudiesFormat::Json);
        assert_eq!(
            super::super::syntax_of(None, Some(Path::new("e.YAML"))),
            StudiesFormat::Yaml
        );
        assert_eq!(
            super::super::syntax_of(Some(StudiesFormat::Json), Some(Path::new("e.yml"))),
            StudiesFormat::Json
        );
    }
}
