//! `preventory eligibility import` and `preventory eligibility export`: who services can take,
//! exchanged as an eligibility file (`docs/eligibility-format.md`).

use super::open_store;
use crate::cli::{
    Cli, EligibilityCommand, EligibilityExportArgs, EligibilityImportArgs, StudiesFormat,
};
use crate::error::CliError;
use preventory_core::Eligibility;
use preventory_formats::eligibility_file::{
    intervention_lines, read_eligibility, write_eligibility_json, write_eligibility_yaml,
    EligibilityFile,
};
use preventory_store::{ImportItem, Store, StoredRecord};
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, command: &EligibilityCommand) -> Result<ExitCode, CliError> {
    match command {
        EligibilityCommand::Import(args) => import(cli, args).await,
        EligibilityCommand::Export(args) => export(cli, args).await,
    }
}

/// One eligibility file that could be read.
struct ReadFile {
    /// Its position among the files given.
    index: usize,
    /// The path as given.
    name: String,
    bytes: Vec<u8>,
    eligibility: EligibilityFile,
    /// Where each slug's entry is, worked out only when a problem needs it.
    lines: OnceCell<BTreeMap<String, usize>>,
}

impl ReadFile {
    /// The line of `slug`'s entry, when it can be told.
    fn line_of(&self, slug: &str) -> Option<usize> {
        self.lines
            .get_or_init(|| intervention_lines(&self.name, &self.bytes))
            .get(slug)
            .copied()
    }

    /// `FILE:LINE` (or `FILE` when the line cannot be told) of `slug`'s entry.
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

/// A record whose eligibility a file sets.
struct Target<'a> {
    slug: &'a str,
    file: &'a ReadFile,
    stored: StoredRecord,
    eligibility: &'a Eligibility,
}

impl Target<'_> {
    fn changed(&self) -> bool {
        self.stored.record.eligibility != *self.eligibility
    }
}

async fn import(cli: &Cli, args: &EligibilityImportArgs) -> Result<ExitCode, CliError> {
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
        match read_eligibility(&name, &bytes) {
            Ok(eligibility) => files.push(ReadFile {
                index,
                name,
                bytes,
                eligibility,
                lines: OnceCell::new(),
            }),
            Err(e) => problems.push(Problem {
                file: index,
                line: e.line(),
                message: e.to_string(),
            }),
        }
    }

    // One slug in two files would leave the result to the order of the arguments.
    let mut owner: BTreeMap<&str, &ReadFile> = BTreeMap::new();
    let mut wanted: Vec<(&str, &ReadFile, &Eligibility)> = Vec::new();
    for file in &files {
        for (slug, eligibility) in &file.eligibility.eligibility {
            if let Some(first) = owner.get(slug.as_str()) {
                problems.push(Problem {
                    file: file.index,
                    line: file.line_of(slug),
                    message: format!(
                        "{}: {slug}: intervention: also listed in {}; list each intervention \
                         in one file only",
                        file.at(slug),
                        first.at(slug)
                    ),
                });
                continue;
            }
            owner.insert(slug, file);
            wanted.push((slug, file, eligibility));
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
    for (slug, file, eligibility) in wanted {
        let stored = match &store {
            Some(store) => store.get(slug).await?,
            None => None,
        };
        match stored {
            Some(stored) => targets.push(Target {
                slug,
                file,
                stored,
                eligibility,
            }),
            None => problems.push(Problem {
                file: file.index,
                line: file.line_of(slug),
                message: format!(
                    "{}: {slug}: intervention: no stored record has this slug (see `preventory list`)",
                    file.at(slug)
                ),
            }),
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
            "error: {} problem(s) in the eligibility file(s); nothing was stored",
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
                describe(&t.stored.record.eligibility, t.eligibility)
            )
            .map_err(|e| CliError::io("stdout", e))?;
        }
        writeln!(
            out,
            "Dry run: eligibility for {} record(s): {} would change, {} unchanged; nothing was stored.",
            targets.len(),
            changed.len(),
            unchanged
        )
        .map_err(|e| CliError::io("stdout", e))?;
        return Ok(ExitCode::SUCCESS);
    }

    // One transaction for everything; records whose eligibility is already the file's are not
    // sent at all, so they cannot gain a revision.
    let items: Vec<ImportItem> = changed
        .iter()
        .map(|t| {
            let mut record = t.stored.record.clone();
            record.eligibility = t.eligibility.clone();
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
            describe(&t.stored.record.eligibility, t.eligibility)
        )
        .map_err(|e| CliError::io("stdout", e))?;
    }
    writeln!(
        out,
        "Imported eligibility for {} record(s): {} updated, {} unchanged.",
        targets.len(),
        updated,
        targets.len() - updated
    )
    .map_err(|e| CliError::io("stdout", e))?;
    Ok(ExitCode::SUCCESS)
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
