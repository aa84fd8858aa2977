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
}

/// The example records with their curated studies, as `(file name, record)` in file order.
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
}
