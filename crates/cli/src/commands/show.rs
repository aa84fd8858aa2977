//! `preventory show`.

use super::open_store;
use crate::cli::{Cli, ShowArgs};
use crate::error::CliError;
use preventory_core::record::section;
use preventory_core::vocab::{Term, Vocabulary};
use preventory_store::Store;
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, args: &ShowArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli).await?;
    let stored = store
        .get(&args.slug)
        .await?
        .ok_or_else(|| CliError::NotFound(args.slug.clone()))?;
    let revisions = if args.revisions {
        store.revisions(&args.slug).await?
    } else {
        Vec::new()
    };
    store.close().await;
    if args.json {
        let mut value = serde_json::json!({
            "revision": stored.revision,
            "updated_at": stored.updated_at,
            "record": stored.record,
        });
        if args.revisions {
            value["revisions"] = serde_json::to_value(&revisions)
                .map_err(|e| CliError::Usage(format!("cannot write JSON: {e}")))?;
        }
        let text = serde_json::to_string_pretty(&value)
            .map_err(|e| CliError::Usage(format!("cannot write JSON: {e}")))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let r = &stored.record;
    println!("{}  ({})", r.title, r.slug);
    println!(
        "Revision {} of {}{}",
        stored.revision,
        stored.updated_at,
        if r.needs_review { "; needs review" } else { "" }
    );
    if let Some(summary) = &r.summary {
        println!("\n{summary}");
    }
    println!("\nRating: {}", r.rating.map_or("not rated", |x| x.label()));
    println!(
        "Information correct at: {}",
        r.information_correct_at
            .map_or("unknown".to_string(), |d| d.display_long())
    );
    fn labels<T: Vocabulary>(terms: &[Term<T>]) -> String {
        terms
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
    for (i, row) in r.facet_rows.iter().enumerate() {
        println!(
            "Facets {}: {} | {} | {} | {} | {} | {} | {}",
            i + 1,
            row.target_group.as_ref().map_or("?", |t| t.label()),
            row.prevention_level.as_ref().map_or("?", |t| t.label()),
            labels(&row.age_groups),
            labels(&row.genders),
            labels(&row.delivery),
            labels(&row.subgroups),
            labels(&row.languages),
        );
    }
    for (key, text) in r.sections_in_order() {
        println!("\n## {}\n{}", section::heading(key), text);
    }
    if !r.references.is_empty() {
        println!("\n## References");
        for reference in &r.references {
            println!("- {}", reference.text);
        }
    }
    println!("\n## Contact");
    let c = &r.contact;
    for line in c
        .organisation
        .iter()
        .chain(c.address.iter())
        .chain(c.phones.iter())
        .chain(c.emails.iter())
        .chain(c.websites.iter())
        .chain(c.notes.iter())
    {
        println!("{line}");
    }
    for rev in &revisions {
        println!(
            "\nRevision {} by {} at {}: {}",
            rev.number, rev.author, rev.created_at, rev.summary
        );
    }
    Ok(ExitCode::SUCCESS)
}
