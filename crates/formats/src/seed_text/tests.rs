//! Golden tests: the four example records, read in full and compared with snapshots that were
//! checked by hand against the files.

use super::*;

fn dry_run(name: &str, bytes: &[u8]) -> serde_json::Value {
    match parse(name, bytes) {
        Ok(parsed) => serde_json::json!({
            "source_file": name,
            "record": parsed.record,
            "warnings": parsed.warnings,
        }),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
}

#[test]
fn example_000_breaking_the_links() {
    insta::assert_json_snapshot!(dry_run(
        "000_539f00f589d4a362.txt",
        include_bytes!("../../../../data/examples/000_539f00f589d4a362.txt")
    ));
}

#[test]
fn example_001_stopso() {
    insta::assert_json_snapshot!(dry_run(
        "001_327a9cf11ad9e4a1.txt",
        include_bytes!("../../../../data/examples/001_327a9cf11ad9e4a1.txt")
    ));
}

#[test]
fn example_002_northumbria_sogp() {
    insta::assert_json_snapshot!(dry_run(
        "002_2adcaa1ea715119c.txt",
        include_bytes!("../../../../data/examples/002_2adcaa1ea715119c.txt")
    ));
}

#[test]
fn example_003_i_sotp() {
    insta::assert_json_snapshot!(dry_run(
        "003_872480d8329dbb3f.txt",
        include_bytes!("../../../../data/examples/003_872480d8329dbb3f.txt")
    ));
}

/// Every line of prose in an example must come out somewhere in the record: the reader may
/// move text between fields, but must never lose it.
#[test]
fn no_text_of_the_examples_is_lost() {
    let examples: [(&str, &[u8]); 4] = [
        (
            "000",
            include_bytes!("../../../../data/examples/000_539f00f589d4a362.txt"),
        ),
        (
            "001",
            include_bytes!("../../../../data/examples/001_327a9cf11ad9e4a1.txt"),
        ),
        (
            "002",
            include_bytes!("../../../../data/examples/002_2adcaa1ea715119c.txt"),
        ),
        (
            "003",
            include_bytes!("../../../../data/examples/003_872480d8329dbb3f.txt"),
        ),
    ];
    for (name, bytes) in examples {
        let parsed = parse(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let json = serde_json::to_string(&parsed.record).unwrap_or_default();
        let all_text: String = serde_json::from_str::<serde_json::Value>(&json)
            .map(|v| strings_of(&v).join("\n"))
            .unwrap_or_default();
        let text = String::from_utf8_lossy(bytes);
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim().replace('\u{a0}', " ");
            let line = lines::strip_bullet(&line).unwrap_or(&line).to_string();
            let accounted_for = line.is_empty()
                || headings::recognise(&line).is_some()
                || lines::rating_value(&line).is_some()
                || lines::information_date(&line).is_some()
                || lines::is_junk(&line)
                // "No references available" is what an empty reference list says.
                || reader::says_no_references(&line)
                || line.contains('|')
                || facets::levels_line(&line).is_some()
                || line == parsed.record.title
                || ["Email", "Main switchboard"].contains(&line.as_str())
                || line.split(", ").all(|item| all_text.contains(item))
                || line.split(", ").all(|item| {
                    use preventory_core::vocab::{Delivery, Vocabulary};
                    Delivery::match_label(item).is_some()
                })
                || line
                    .split_once(": ")
                    .is_some_and(|(_, value)| all_text.contains(value.trim()));
            assert!(
                accounted_for || all_text.contains(&line),
                "{name} line {}: {line:?} is missing from the record",
                i + 1
            );
        }
    }
}

fn strings_of(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(items) => items.iter().flat_map(strings_of).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(strings_of).collect(),
        _ => Vec::new(),
    }
}

mod properties {
    use super::super::{lines::line_breaks, parse};
    use proptest::prelude::*;

    /// Fragments of real records, so generated files reach deep into the reader.
    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Database Filters".to_string()),
            Just("Summary".to_string()),
            Just("Type of intervention".to_string()),
            Just("Target groups, level of prevention and subgroups".to_string()),
            Just("  • (Potential) Offenders | Tertiary prevention | Adults (21+ years) | Male | Group work | English".to_string()),
            Just("Primary Secondary & Tertiary prevention".to_string()),
            Just("Young People, Adults | Male & Female | Individual Work".to_string()),
            Just("Evaluation".to_string()),
            Just("References".to_string()),
            Just("Contact details".to_string()),
            Just("Telephone: 01632 960000".to_string()),
            Just("Email".to_string()),
            Just("RATING: Promising".to_string()),
            Just("RATING: Maybe".to_string()),
            Just("Information correct at March 2021".to_string()),
            Just("Information correct at someday".to_string()),
            Just("Example, A. (2001). A fictional title. Journal of Examples, 1, 2-3.".to_string()),
            Just("Image result for nothing".to_string()),
            Just(String::new()),
            "\\PC{0,80}",
            "[a-zA-Z |,&()•:\\-]{0,60}",
        ]
    }

    fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
        let max_line = line_breaks(bytes) + 1;
        match parse("generated.txt", bytes) {
            Ok(parsed) => {
                for w in &parsed.warnings {
                    prop_assert!(
                        (1..=max_line).contains(&w.line),
                        "warning line {} outside 1..={max_line}: {w:?}",
                        w.line
                    );
                }
            }
            Err(e) => prop_assert!(
                (1..=max_line).contains(&e.line),
                "error line {} outside 1..={max_line}: {e}",
                e.line
            ),
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            check(&bytes)?;
        }

        #[test]
        fn never_panics_on_record_like_text(
            parts in proptest::collection::vec(fragment(), 0..60),
            newline in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        ) {
            let text = parts.join(newline);
            check(text.as_bytes())?;
        }
    }
}
