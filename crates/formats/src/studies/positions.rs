//! Where the entries of a studies file are, by line (see [`crate::data_file::positions`]).

use crate::data_file::positions::slug_lines;
use std::collections::BTreeMap;

/// The line (from 1) of the `intervention` key of each intervention's first entry in a
/// studies file, by slug: for pointing at an entry when a problem is found after the file was
/// read (a slug that is not stored, or one that another file also lists). `name` tells JSON
/// from YAML as [`super::read_studies`] does. Slugs whose entry cannot be placed are left out,
/// so a line is never a wrong guess; a file that cannot be parsed gives an empty map.
pub fn intervention_lines(name: &str, bytes: &[u8]) -> BTreeMap<String, usize> {
    slug_lines(name, bytes, "studies", "intervention")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervention_lines_point_at_each_slugs_first_entry() {
        let yaml = "format: preventory-studies/1\nstudies:\n  - id: a\n    intervention: fictional-one\n  - intervention: fictional-two\n    id: b\n  - intervention: fictional-one\n    id: c\n";
        let lines = intervention_lines("s.yaml", yaml.as_bytes());
        assert_eq!(lines.get("fictional-one"), Some(&4));
        assert_eq!(lines.get("fictional-two"), Some(&5));
        assert_eq!(lines.len(), 2);
        assert!(intervention_lines("s.yaml", b"\xff").is_empty());
    }
}
