//! The four example records of `data/examples/` (see its SOURCE.md), built into the binary so
//! that a fresh install has something to show and tests share one copy.

/// The example files, in order: file name and bytes in the seed text format.
pub const FILES: [(&str, &[u8]); 4] = [
    (
        "000_539f00f589d4a362.txt",
        include_bytes!("../../../data/examples/000_539f00f589d4a362.txt"),
    ),
    (
        "001_327a9cf11ad9e4a1.txt",
        include_bytes!("../../../data/examples/001_327a9cf11ad9e4a1.txt"),
    ),
    (
        "002_2adcaa1ea715119c.txt",
        include_bytes!("../../../data/examples/002_2adcaa1ea715119c.txt"),
    ),
    (
        "003_872480d8329dbb3f.txt",
        include_bytes!("../../../data/examples/003_872480d8329dbb3f.txt"),
    ),
];

/// The studies curated by hand for the example records (see `data/examples/SOURCE.md`).
pub const STUDIES: (&str, &[u8]) = (
    "studies.yaml",
    include_bytes!("../../../data/examples/studies.yaml"),
);

/// The eligibility curated by hand for the example records (see `data/examples/SOURCE.md`).
pub const ELIGIBILITY: (&str, &[u8]) = (
    "eligibility.yaml",
    include_bytes!("../../../data/examples/eligibility.yaml"),
);

/// Why the built-in examples could not be read (a broken build, never user input).
#[derive(Debug, thiserror::Error)]
pub enum ExampleError {
    /// An example record file did not parse.
    #[error("example {file}:{line}: {field}: {message}")]
    Record {
        /// The file.
        file: &'static str,
        /// The line.
        line: usize,
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The curated studies did not parse.
    #[error("example studies: {0}")]
    Studies(Box<crate::studies::StudiesError>),
    /// The studies name a record that is not among the examples.
    #[error("example studies name {0:?}, which is not an example record")]
    UnknownRecord(String),
    /// The curated eligibility did not parse.
    #[error("example eligibility: {0}")]
    Eligibility(Box<crate::eligibility_file::EligibilityError>),
    /// The eligibility names a record that is not among the examples.
    #[error("example eligibility names {0:?}, which is not an example record")]
    UnknownEligibilityRecord(String),
}

/// The example records with their curated studies and eligibility, as `(file name, record)`
/// in file order.
pub fn records() -> Result<Vec<(&'static str, preventory_core::Intervention)>, ExampleError> {
    let mut records = Vec::with_capacity(FILES.len());
    for (file, bytes) in FILES {
        let parsed = crate::seed_text::parse(file, bytes).map_err(|e| ExampleError::Record {
            file,
            line: e.line,
            field: e.field,
            message: e.message,
        })?;
        records.push((file, parsed.record));
    }
    let studies = crate::studies::read_studies(STUDIES.0, STUDIES.1)
        .map_err(|e| ExampleError::Studies(Box::new(e)))?;
    for (slug, list) in studies.studies {
        let (_, record) = records
            .iter_mut()
            .find(|(_, r)| r.slug == slug)
            .ok_or(ExampleError::UnknownRecord(slug))?;
        record.studies = list;
    }
    let eligibility = crate::eligibility_file::read_eligibility(ELIGIBILITY.0, ELIGIBILITY.1)
        .map_err(|e| ExampleError::Eligibility(Box::new(e)))?;
    for (slug, eligibility) in eligibility.eligibility {
        let (_, record) = records
            .iter_mut()
            .find(|(_, r)| r.slug == slug)
            .ok_or(ExampleError::UnknownEligibilityRecord(slug))?;
        record.eligibility = eligibility;
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_parses_and_the_curated_studies_attach() {
        let records = records().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(records.len(), FILES.len());
        let with_studies = records
            .iter()
            .filter(|(_, r)| !r.studies.is_empty())
            .count();
        assert!(with_studies >= 2, "{with_studies} records with studies");
        for (file, record) in &records {
            let issues = preventory_core::validation::validate_studies(&record.studies);
            assert!(issues.is_empty(), "{file}: {issues:?}");
        }
    }

    #[test]
    fn the_curated_eligibility_attaches_to_all_four_records() {
        use preventory_core::eligibility::{AskingFor, JusticeStage, Situation};
        use preventory_core::vocab::{Delivery, Gender, Term};
        let records = records().unwrap_or_else(|e| panic!("{e}"));
        for (file, record) in &records {
            assert!(!record.eligibility.is_unknown(), "{file}: no eligibility");
            let issues = preventory_core::validation::validate(record);
            assert!(issues.is_empty(), "{file}: {issues:?}");
        }
        let get = |slug: &str| {
            records
                .iter()
                .find(|(_, r)| r.slug == slug)
                .map(|(_, r)| r.eligibility.clone())
                .unwrap_or_else(|| panic!("no {slug}"))
        };

        let internet = get("internet-sex-offender-treatment-programme");
        let format = |delivery: Delivery| {
            internet
                .formats
                .iter()
                .find(|f| f.delivery == Term::Known(delivery))
                .map(|f| (f.age_min, f.age_max))
        };
        assert_eq!(format(Delivery::IndividualWork), Some((Some(17), None)));
        assert_eq!(format(Delivery::GroupWork), Some((Some(21), None)));
        assert_eq!(internet.genders, Some(vec![Gender::Male]));
        assert_eq!(internet.iq_min, Some(80));
        assert_eq!(internet.situations, Some(vec![Situation::ViewingCsam]));
        assert_eq!(
            internet.justice_stages,
            Some(vec![JusticeStage::ConvictedCommunity])
        );

        let groupwork = get("northumbria-sex-offender-groupwork-programme");
        assert_eq!(groupwork.age_min, Some(21));
        assert_eq!(groupwork.genders, Some(vec![Gender::Male]));
        assert_eq!(groupwork.iq_min, Some(80));
        assert_eq!(
            groupwork.justice_stages,
            Some(vec![JusticeStage::ConvictedCommunity])
        );

        let stopso = get("stopso");
        assert!(stopso
            .serves
            .as_deref()
            .is_some_and(|s| s.contains(&AskingFor::SomeoneElse)));
        assert!(stopso
            .justice_stages
            .as_deref()
            .is_some_and(|s| s.contains(&JusticeStage::NoInvolvement)));
        // What no text states stays unknown.
        for (_, record) in &records {
            assert_eq!(record.eligibility.cost, None, "{}", record.slug);
        }
        assert_eq!(stopso.anonymous, None);

        let links = get("breaking-the-links");
        assert_eq!(links.genders, Some(vec![Gender::Male]));
        assert_eq!(links.age_min, None);
        assert!(links
            .justice_stages
            .as_deref()
            .is_some_and(|s| s.contains(&JusticeStage::UnderInvestigation)
                && !s.contains(&JusticeStage::ConvictedCommunity)));
    }
}
