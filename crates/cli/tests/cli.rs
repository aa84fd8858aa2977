//! The real `preventory` binary against real temporary SQLite files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXAMPLES: [&str; 4] = [
    "000_539f00f589d4a362.txt",
    "001_327a9cf11ad9e4a1.txt",
    "002_2adcaa1ea715119c.txt",
    "003_872480d8329dbb3f.txt",
];

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/examples")
}

fn preventory(db: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_preventory"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PREVENTORY_DB")
        .output();
    match output {
        Ok(o) => o,
        Err(e) => panic!("cannot run preventory: {e}"),
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    o
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(o)))
}

/// A folder holding copies of the examples, which tests may change.
fn copy_examples(dir: &Path) -> PathBuf {
    let target = dir.join("records");
    std::fs::create_dir_all(&target).unwrap_or_else(|e| panic!("{e}"));
    for name in EXAMPLES {
        std::fs::copy(examples_dir().join(name), target.join(name))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    target
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn export_json(db: &Path) -> String {
    stdout(&ok(preventory(db, &["export", "--format", "json"])))
}

#[test]
fn dry_run_prints_one_element_per_file_in_input_order_and_stores_nothing() {
    let dir = tmp();
    let db = dir.path().join("store.db");
    let paths: Vec<String> = EXAMPLES
        .iter()
        .rev()
        .map(|n| examples_dir().join(n).display().to_string())
        .collect();
    let mut args = vec!["import", "--dry-run", "--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    let out = ok(preventory(&db, &args));
    let value = json(&out);
    let elements = value.as_array().cloned().unwrap_or_default();
    assert_eq!(elements.len(), 4);
    for (element, path) in elements.iter().zip(&paths) {
        assert_eq!(element["source_file"].as_str(), Some(path.as_str()));
        assert!(element["record"]["slug"].is_string());
        assert!(element["record"]["needs_review"].is_boolean());
        assert!(element["warnings"].is_array());
    }
    assert_eq!(
        elements[0]["record"]["slug"],
        "internet-sex-offender-treatment-programme"
    );
    assert_eq!(elements[3]["record"]["slug"], "breaking-the-links");
    assert!(!db.exists(), "a dry run must not create the store");
}

#[test]
fn import_then_reimport_of_a_changed_record_keeps_the_previous_version() {
    let dir = tmp();
    let db = dir.path().join("store.db");
    let records = copy_examples(dir.path());
    let first = ok(preventory(&db, &["import", &records.display().to_string()]));
    assert!(stdout(&first).contains("4 new"), "{}", stdout(&first));

    let again = ok(preventory(&db, &["import", &records.display().to_string()]));
    assert!(stdout(&again).contains("4 unchanged"), "{}", stdout(&again));

    let file = records.join(EXAMPLES[3]);
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let changed = text.replace(
        "A treatment programme for adult males",
        "A fictional test edit: a treatment programme for adult males",
    );
    assert_ne!(text, changed);
    std::fs::write(&file, changed).unwrap_or_else(|e| panic!("{e}"));
    let third = ok(preventory(&db, &["import", &records.display().to_string()]));
    assert!(stdout(&third).contains("1 updated"), "{}", stdout(&third));

    let shown = json(&ok(preventory(
        &db,
        &[
            "show",
            "internet-sex-offender-treatment-programme",
            "--json",
            "--revisions",
        ],
    )));
    assert_eq!(shown["revision"], 2);
    let revisions = shown["revisions"].as_array().cloned().unwrap_or_default();
    assert_eq!(revisions.len(), 2);
    let old = revisions[0]["record"]["summary"]
        .as_str()
        .unwrap_or_default();
    let new = revisions[1]["record"]["summary"]
        .as_str()
        .unwrap_or_default();
    assert!(old.starts_with("A treatment programme"), "{old}");
    assert!(new.starts_with("A fictional test edit"), "{new}");
    assert_eq!(shown["record"]["summary"].as_str(), Some(new));
}

#[test]
fn a_file_that_cannot_be_read_fails_the_import_and_leaves_the_store_unchanged() {
    let dir = tmp();
    let db = dir.path().join("store.db");
    let records = copy_examples(dir.path());
    ok(preventory(&db, &["import", &records.display().to_string()]));
    let before = export_json(&db);

    // A good change and a bad file in the same import: neither may land.
    let file = records.join(EXAMPLES[2]);
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    std::fs::write(
        &file,
        text.replace("RATING:  Promising", "RATING: Effective"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let bad = records.join("zz_bad.txt");
    std::fs::write(
        &bad,
        b"Fictional Broken Record\n\nSummary\n\xff\xfe not text\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = preventory(&db, &["import", &records.display().to_string()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!("{}:4: file: not valid UTF-8", bad.display());
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was stored"),
        "{}",
        stderr(&out)
    );
    assert_eq!(export_json(&db), before, "the store changed");

    // A field-level error names the file, the line and the field.
    std::fs::write(
        &bad,
        "Fictional Broken Record\n\nSummary\n\nA fictional summary.\n\nRATING: Excellent\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = preventory(&db, &["import", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let expected = format!("{}:7: rating: \"Excellent\" is not a rating", bad.display());
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert_eq!(export_json(&db), before, "the store changed");
}

#[test]
fn keep_going_imports_the_good_files_and_reports_the_bad() {
    let dir = tmp();
    let db = dir.path().join("store.db");
    let records = copy_examples(dir.path());
    std::fs::write(records.join("empty.txt"), "\n  \n").unwrap_or_else(|e| panic!("{e}"));
    let out = preventory(
        &db,
        &["import", "--keep-going", &records.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("empty.txt:1: file: the file is empty"));
    assert!(stdout(&out).contains("4 new"), "{}", stdout(&out));
    let listed = json(&ok(preventory(&db, &["list", "--json"])));
    assert_eq!(listed.as_array().map(Vec::len), Some(4));
}

#[test]
fn json_export_reimports_to_identical_records() {
    let dir = tmp();
    let db = dir.path().join("a.db");
    ok(preventory(
        &db,
        &["import", &examples_dir().display().to_string()],
    ));
    let generated = dir.path().join("generated");
    ok(preventory(
        &db,
        &[
            "gen",
            "--count",
            "40",
            "--seed",
            "7",
            "--out",
            &generated.display().to_string(),
        ],
    ));
    ok(preventory(
        &db,
        &["import", &generated.display().to_string()],
    ));
    let first = export_json(&db);
    let file = dir.path().join("export.json");
    std::fs::write(&file, &first).unwrap_or_else(|e| panic!("{e}"));

    let db2 = dir.path().join("b.db");
    let out = ok(preventory(&db2, &["import", &file.display().to_string()]));
    assert!(stdout(&out).contains("44 new"), "{}", stdout(&out));
    let second = export_json(&db2);
    assert_eq!(first, second);
    let parsed: Vec<preventory_core::Intervention> =
        serde_json::from_str(&second).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.len(), 44);
}

#[test]
fn bad_json_names_the_record_and_the_line() {
    let dir = tmp();
    let db = dir.path().join("store.db");
    let file = dir.path().join("records.json");
    std::fs::write(
        &file,
        "[\n  {\"slug\": \"fictional-one\", \"title\": \"Fictional One\"},\n  {\"slug\": \"fictional-two\", \"title\": \"Fictional Two\",\n   \"rating\": \"superb\"}\n]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = preventory(&db, &["import", &file.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:4: record[1]", file.display())),
        "{err}"
    );
}

#[test]
fn csv_export_has_a_header_and_a_row_per_record() {
    let dir = tmp();
    let db = dir.path().join("store.db");
    ok(preventory(
        &db,
        &["import", &examples_dir().display().to_string()],
    ));
    let out = ok(preventory(&db, &["export", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().cloned().unwrap_or_default();
    assert_eq!(headers.get(0), Some("slug"));
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
    assert_eq!(rows.len(), 4);
}

#[test]
fn generated_records_all_import_without_errors() {
    let dir = tmp();
    let db = dir.path().join("store.db");
    let generated = dir.path().join("generated");
    ok(preventory(
        &db,
        &[
            "gen",
            "--count",
            "300",
            "--seed",
            "11",
            "--out",
            &generated.display().to_string(),
        ],
    ));
    let out = ok(preventory(
        &db,
        &[
            "import",
            "--dry-run",
            "--format",
            "json",
            &generated.display().to_string(),
        ],
    ));
    let elements = json(&out).as_array().cloned().unwrap_or_default();
    assert_eq!(elements.len(), 300);
    let errors: Vec<_> = elements
        .iter()
        .filter(|e| e.get("error").is_some())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let out = ok(preventory(
        &db,
        &["import", &generated.display().to_string()],
    ));
    assert!(stdout(&out).contains("300 new"), "{}", stdout(&out));
}

#[test]
fn show_of_an_unknown_slug_fails_clearly() {
    let dir = tmp();
    let db = dir.path().join("store.db");
    let out = preventory(&db, &["show", "no-such-record"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no record with slug \"no-such-record\""));
}

#[tokio::test]
async fn serve_loads_the_examples_into_an_empty_store_and_answers() {
    use std::io::{BufRead, BufReader};
    let dir = tmp();
    let db = dir.path().join("new.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_preventory"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let mut loaded = false;
    let mut url = None;
    for line in lines.by_ref().take(5) {
        let line = line.unwrap_or_default();
        if line.contains("loaded 4 example records") {
            loaded = true;
        }
        if let Some(rest) = line.split("listening on ").nth(1) {
            url = rest.split_whitespace().next().map(str::to_string);
            break;
        }
    }
    let url = url.unwrap_or_else(|| panic!("the server did not say where it listens"));
    let client = reqwest::Client::new();
    let health = client.get(format!("{url}healthz")).send().await;
    let api = client
        .get(format!("{url}api/v1/interventions"))
        .send()
        .await;
    let page = client
        .get(format!("{url}interventions/stopso"))
        .send()
        .await;
    let search = client
        .get(format!("{url}api/v1/interventions?q=child+pornography"))
        .send()
        .await;
    let internet = client
        .get(format!(
            "{url}api/v1/interventions/internet-sex-offender-treatment-programme"
        ))
        .send()
        .await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(loaded, "the examples were not announced");
    let health = health.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health.status(), 200);
    let api: serde_json::Value = api
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(api["total"], 4);
    let page = page.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("StopSO"));
    let search: serde_json::Value = search
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        search["results"].as_array().is_some_and(|r| r
            .iter()
            .any(|h| h["slug"] == "internet-sex-offender-treatment-programme")),
        "{search}"
    );
    // The examples come with their curated eligibility.
    let internet: serde_json::Value = internet
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let formats = &internet["eligibility"]["formats"];
    assert_eq!(formats[0]["delivery"], "individual_work", "{internet}");
    assert_eq!(formats[0]["age_min"], 17, "{internet}");
    assert_eq!(formats[1]["age_min"], 21, "{internet}");
    // The index is kept beside the database.
    assert!(dir.path().join("new.db.index").is_dir());
    assert!(dir.path().join("new.db.index.revision").is_file());
}

/// Two fictional studies of an example record, as YAML.
const STOPSO_STUDIES_YAML: &str = "\
format: preventory-studies/1
studies:
  - intervention: stopso
    id: example-2020
    reference: \"Example, A. (2020). A fictional trial.\"
    design: rct
    quality: moderate
    outcomes:
      - outcome: sexual_reoffending
        direction: positive
        significant: true
  - intervention: stopso
    id: sample-2021
    reference: \"Sample, B. (2021). An invented pre/post study.\"
    design: uncontrolled_cohort
";

/// One fictional study of another example record, as JSON.
const LINKS_STUDIES_JSON: &str = r#"{
  "format": "preventory-studies/1",
  "studies": [
    {
      "intervention": "breaking-the-links",
      "id": "invented-2019",
      "reference": "Invented, C. (2019). A fictional evaluation.",
      "design": "case_qualitative_descriptive",
      "country": "GB"
    }
  ]
}
"#;

fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn path_arg(path: &Path) -> String {
    path.display().to_string()
}

/// A store holding the four example records as read from the text export (no studies).
fn store_with_examples(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    ok(preventory(&db, &["import", &path_arg(&copy_examples(dir))]));
    db
}

fn studies_export(db: &Path, format: &str) -> String {
    stdout(&ok(preventory(
        db,
        &["studies", "export", "--format", format],
    )))
}

/// The ids of a record's studies and its number of revisions.
fn studies_and_revisions(db: &Path, slug: &str) -> (Vec<String>, usize) {
    let shown = json(&ok(preventory(
        db,
        &["show", slug, "--json", "--revisions"],
    )));
    let ids = shown["record"]["studies"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter_map(|s| s["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let revisions = shown["revisions"].as_array().map_or(0, Vec::len);
    (ids, revisions)
}

#[test]
fn studies_import_sets_studies_with_a_new_revision_and_a_reimport_writes_nothing() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "store.db");
    let yaml = write_file(dir.path(), "stopso.yaml", STOPSO_STUDIES_YAML);
    let json_file = write_file(dir.path(), "links.json", LINKS_STUDIES_JSON);

    let out = ok(preventory(
        &db,
        &[
            "studies",
            "import",
            "--author",
            "editor@example.org",
            &path_arg(&yaml),
            &path_arg(&json_file),
        ],
    ));
    let text = stdout(&out);
    assert!(
        text.contains("updated stopso: 0 → 2 studies (added example-2020, sample-2021)"),
        "{text}"
    );
    assert!(
        text.contains("updated breaking-the-links: 0 → 1 study (added invented-2019)"),
        "{text}"
    );
    assert!(
        text.contains("Imported studies for 2 record(s): 2 updated, 0 unchanged."),
        "{text}"
    );

    let shown = json(&ok(preventory(
        &db,
        &["show", "stopso", "--json", "--revisions"],
    )));
    let studies = &shown["record"]["studies"];
    assert_eq!(studies[0]["id"], "example-2020");
    assert_eq!(
        studies[0]["reference"],
        "Example, A. (2020). A fictional trial."
    );
    assert_eq!(studies[0]["outcomes"][0]["outcome"], "sexual_reoffending");
    assert_eq!(studies[1]["design"], "uncontrolled_cohort");
    assert_eq!(shown["revision"], 2);
    let revisions = shown["revisions"].as_array().cloned().unwrap_or_default();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[1]["author"], "editor@example.org");
    assert_eq!(
        revisions[1]["source"].as_str(),
        Some(path_arg(&yaml).as_str())
    );
    assert_eq!(revisions[0]["record"]["studies"], serde_json::Value::Null);
    assert_eq!(
        studies_and_revisions(&db, "breaking-the-links"),
        (vec!["invented-2019".to_string()], 2)
    );
    // Records no file names are untouched.
    assert_eq!(
        studies_and_revisions(&db, "internet-sex-offender-treatment-programme"),
        (Vec::new(), 1)
    );

    // The same files again: nothing changes, no revision is written.
    let out = ok(preventory(
        &db,
        &["studies", "import", &path_arg(&yaml), &path_arg(&json_file)],
    ));
    assert!(
        stdout(&out).contains("Imported studies for 2 record(s): 0 updated, 2 unchanged."),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("updated stopso"), "{}", stdout(&out));
    assert_eq!(studies_and_revisions(&db, "stopso").1, 2);
    assert_eq!(studies_and_revisions(&db, "breaking-the-links").1, 2);

    // A file holds the whole list for the slugs it names: a shorter list replaces it.
    let shorter = write_file(
        dir.path(),
        "shorter.yaml",
        &STOPSO_STUDIES_YAML.replace("id: sample-2021", "id: sample-2022"),
    );
    let out = ok(preventory(&db, &["studies", "import", &path_arg(&shorter)]));
    assert!(
        stdout(&out)
            .contains("updated stopso: 2 → 2 studies (added sample-2022; removed sample-2021)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        studies_and_revisions(&db, "stopso"),
        (
            vec!["example-2020".to_string(), "sample-2022".to_string()],
            3
        )
    );
    assert_eq!(studies_and_revisions(&db, "breaking-the-links").1, 2);
}

#[test]
fn a_bad_field_in_a_studies_file_names_file_line_and_field_and_stores_nothing() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "store.db");
    let good = write_file(dir.path(), "links.json", LINKS_STUDIES_JSON);
    let before = (export_json(&db), studies_export(&db, "yaml"));

    // YAML: an unknown design on line 6, beside a good file that must not land either.
    let bad_yaml = write_file(
        dir.path(),
        "bad.yaml",
        &STOPSO_STUDIES_YAML.replace("design: rct", "design: rcts"),
    );
    let out = preventory(
        &db,
        &["studies", "import", &path_arg(&good), &path_arg(&bad_yaml)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!("{}:6: stopso/example-2020: design: ", path_arg(&bad_yaml));
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert!(stderr(&out).contains("rcts"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was stored"),
        "{}",
        stderr(&out)
    );
    assert_eq!((export_json(&db), studies_export(&db, "yaml")), before);

    // JSON: a sample size that is not a number, on line 10.
    let bad_json = write_file(
        dir.path(),
        "bad.json",
        &LINKS_STUDIES_JSON.replace(
            "\"country\": \"GB\"",
            "\"country\": \"GB\",\n      \"sample_size\": \"many\"",
        ),
    );
    let out = preventory(&db, &["studies", "import", &path_arg(&bad_json)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:10: breaking-the-links/invented-2019: sample_size: ",
        path_arg(&bad_json)
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert_eq!((export_json(&db), studies_export(&db, "yaml")), before);
}

#[test]
fn unknown_slugs_and_slugs_in_two_files_are_reported_by_line_and_nothing_is_stored() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "store.db");
    let before = (export_json(&db), studies_export(&db, "json"));

    // Line 16: an intervention the store does not hold, after a good one.
    let unknown = write_file(
        dir.path(),
        "unknown.yaml",
        &format!(
            "{STOPSO_STUDIES_YAML}  - intervention: fictional-unknown-programme\n    id: nobody-2023\n    reference: \"Nobody, D. (2023). A fictional note.\"\n    design: expert_opinion\n"
        ),
    );
    let out = preventory(&db, &["studies", "import", &path_arg(&unknown)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:16: fictional-unknown-programme: intervention: no stored record has this slug",
        path_arg(&unknown)
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert_eq!((export_json(&db), studies_export(&db, "json")), before);
    assert_eq!(studies_and_revisions(&db, "stopso"), (Vec::new(), 1));

    // The same slug in two files: both are named, with their lines.
    let first = write_file(dir.path(), "first.yaml", STOPSO_STUDIES_YAML);
    let second = write_file(
        dir.path(),
        "second.json",
        &LINKS_STUDIES_JSON.replace("breaking-the-links", "stopso"),
    );
    let out = preventory(
        &db,
        &["studies", "import", &path_arg(&first), &path_arg(&second)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:5: stopso: intervention: also listed in {}:3",
        path_arg(&second),
        path_arg(&first)
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert_eq!((export_json(&db), studies_export(&db, "json")), before);

    // A store that does not exist knows no slug, and is not created to say so.
    let missing = dir.path().join("missing.db");
    let out = preventory(&missing, &["studies", "import", &path_arg(&first)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{}:3: stopso: intervention:", path_arg(&first))),
        "{}",
        stderr(&out)
    );
    assert!(!missing.exists());
}

#[test]
fn a_studies_dry_run_reports_the_changes_and_writes_nothing() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "store.db");
    let yaml = write_file(dir.path(), "stopso.yaml", STOPSO_STUDIES_YAML);
    let json_file = write_file(dir.path(), "links.json", LINKS_STUDIES_JSON);
    ok(preventory(
        &db,
        &["studies", "import", &path_arg(&json_file)],
    ));
    let before = (export_json(&db), studies_export(&db, "json"));

    let out = ok(preventory(
        &db,
        &[
            "studies",
            "import",
            "--dry-run",
            &path_arg(&yaml),
            &path_arg(&json_file),
        ],
    ));
    let text = stdout(&out);
    assert!(
        text.contains("would update stopso: 0 → 2 studies (added example-2020, sample-2021)"),
        "{text}"
    );
    assert!(!text.contains("breaking-the-links"), "{text}");
    assert!(
        text.contains("2 record(s): 1 would change, 1 unchanged; nothing was stored"),
        "{text}"
    );
    assert_eq!((export_json(&db), studies_export(&db, "json")), before);
    assert_eq!(studies_and_revisions(&db, "stopso"), (Vec::new(), 1));
}

#[test]
fn studies_export_reimports_identically_as_json_and_yaml() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "a.db");
    let yaml = write_file(dir.path(), "stopso.yaml", STOPSO_STUDIES_YAML);
    let json_file = write_file(dir.path(), "links.json", LINKS_STUDIES_JSON);
    // The curated studies of the examples too: every field of the format in use.
    let curated = examples_dir().join("studies.yaml");
    ok(preventory(
        &db,
        &[
            "studies",
            "import",
            &path_arg(&yaml),
            &path_arg(&json_file),
            &path_arg(&curated),
        ],
    ));
    let records = export_json(&db);

    for format in ["json", "yaml"] {
        let exported = studies_export(&db, format);
        // Records without studies are left out; the four examples all have some now.
        let file = dir.path().join(format!("exported.{format}"));
        ok(preventory(
            &db,
            &[
                "studies",
                "export",
                "--out",
                &path_arg(&file),
                "--format",
                format,
            ],
        ));
        assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), exported);

        // Back into the same store: nothing changes.
        let out = ok(preventory(&db, &["studies", "import", &path_arg(&file)]));
        assert!(
            stdout(&out).contains("Imported studies for 4 record(s): 0 updated, 4 unchanged."),
            "{}",
            stdout(&out)
        );
        assert_eq!(export_json(&db), records);

        // Into a store without studies: the same studies, the same records.
        let fresh = store_with_examples(&dir.path().join(format), "b.db");
        let out = ok(preventory(&fresh, &["studies", "import", &path_arg(&file)]));
        assert!(stdout(&out).contains("4 updated"), "{}", stdout(&out));
        assert_eq!(studies_export(&fresh, format), exported);
        assert_eq!(export_json(&fresh), records);
    }

    // Records without studies are left out of the export.
    let fresh = store_with_examples(&dir.path().join("partial"), "c.db");
    ok(preventory(&fresh, &["studies", "import", &path_arg(&yaml)]));
    let exported = studies_export(&fresh, "yaml");
    assert!(
        exported.starts_with("format: preventory-studies/1\n"),
        "{exported}"
    );
    assert_eq!(exported.matches("intervention: ").count(), 2, "{exported}");
    assert!(exported.contains("intervention: stopso"), "{exported}");
}

// ---- eligibility ----

/// Fictional eligibility for an example record, as YAML: invented values, not StopSO's.
const STOPSO_ELIGIBILITY_YAML: &str = "\
# Fictional eligibility for tests: not what StopSO states.
format: preventory-eligibility/1
eligibility:
  - intervention: stopso
    formats:
      - delivery: individual_work
        age_min: 16
      - delivery: group_work
        age_min: 25
    genders: [female]
    situations: [sexual_thoughts]
    referral_routes: [self]
    anonymous: true
    exclusions:
      - A fictional exclusion for a test.
";

/// Fictional eligibility for another example record, as JSON.
const LINKS_ELIGIBILITY_JSON: &str = r#"{
  "format": "preventory-eligibility/1",
  "eligibility": [
    {
      "intervention": "breaking-the-links",
      "age_min": 30,
      "cost": ["paid"],
      "learning_needs": "Fictional: large-print handouts."
    }
  ]
}
"#;

fn eligibility_export(db: &Path, format: &str) -> String {
    stdout(&ok(preventory(
        db,
        &["eligibility", "export", "--format", format],
    )))
}

/// A record's eligibility as stored, and its number of revisions.
fn eligibility_and_revisions(db: &Path, slug: &str) -> (serde_json::Value, usize) {
    let shown = json(&ok(preventory(
        db,
        &["show", slug, "--json", "--revisions"],
    )));
    let revisions = shown["revisions"].as_array().map_or(0, Vec::len);
    (shown["record"]["eligibility"].clone(), revisions)
}

#[test]
fn eligibility_import_replaces_eligibility_with_a_new_revision_and_a_reimport_writes_nothing() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "store.db");
    let yaml = write_file(dir.path(), "stopso.yaml", STOPSO_ELIGIBILITY_YAML);
    let json_file = write_file(dir.path(), "links.json", LINKS_ELIGIBILITY_JSON);

    let out = ok(preventory(
        &db,
        &[
            "eligibility",
            "import",
            "--author",
            "editor@example.org",
            &path_arg(&yaml),
            &path_arg(&json_file),
        ],
    ));
    let text = stdout(&out);
    assert!(
        text.contains("updated stopso: formats, genders, situations, referral_routes, anonymous, exclusions (was all unknown)"),
        "{text}"
    );
    assert!(
        text.contains(
            "updated breaking-the-links: age_min, learning_needs, cost (was all unknown)"
        ),
        "{text}"
    );
    assert!(
        text.contains("Imported eligibility for 2 record(s): 2 updated, 0 unchanged."),
        "{text}"
    );

    let shown = json(&ok(preventory(
        &db,
        &["show", "stopso", "--json", "--revisions"],
    )));
    let e = &shown["record"]["eligibility"];
    assert_eq!(e["formats"][0]["delivery"], "individual_work");
    assert_eq!(e["formats"][0]["age_min"], 16);
    assert_eq!(e["formats"][1]["age_min"], 25);
    assert_eq!(e["genders"], serde_json::json!(["female"]));
    assert_eq!(e["anonymous"], true);
    assert_eq!(e["exclusions"][0], "A fictional exclusion for a test.");
    // What the file leaves out stays unknown.
    assert_eq!(e["cost"], serde_json::Value::Null);
    assert_eq!(e["remote"], serde_json::Value::Null);
    assert_eq!(shown["revision"], 2);
    let revisions = shown["revisions"].as_array().cloned().unwrap_or_default();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[1]["author"], "editor@example.org");
    assert_eq!(
        revisions[1]["source"].as_str(),
        Some(path_arg(&yaml).as_str())
    );
    assert_eq!(
        revisions[0]["record"]["eligibility"]["genders"],
        serde_json::Value::Null
    );
    let (links, n) = eligibility_and_revisions(&db, "breaking-the-links");
    assert_eq!(
        (links["age_min"].clone(), links["cost"][0].clone(), n),
        (30.into(), "paid".into(), 2)
    );
    // Records no file names are untouched.
    assert_eq!(
        eligibility_and_revisions(&db, "internet-sex-offender-treatment-programme").1,
        1
    );

    // The same files again: nothing changes, no revision is written.
    let out = ok(preventory(
        &db,
        &[
            "eligibility",
            "import",
            &path_arg(&yaml),
            &path_arg(&json_file),
        ],
    ));
    assert!(
        stdout(&out).contains("Imported eligibility for 2 record(s): 0 updated, 2 unchanged."),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("updated stopso"), "{}", stdout(&out));
    assert_eq!(eligibility_and_revisions(&db, "stopso").1, 2);
    assert_eq!(eligibility_and_revisions(&db, "breaking-the-links").1, 2);

    // An entry replaces the whole eligibility: a field it leaves out becomes unknown.
    let fewer = write_file(
        dir.path(),
        "fewer.yaml",
        &STOPSO_ELIGIBILITY_YAML.replace("    anonymous: true\n", ""),
    );
    let out = ok(preventory(
        &db,
        &["eligibility", "import", &path_arg(&fewer)],
    ));
    assert!(
        stdout(&out).contains("updated stopso: anonymous\n"),
        "{}",
        stdout(&out)
    );
    let (e, n) = eligibility_and_revisions(&db, "stopso");
    assert_eq!((e["anonymous"].clone(), n), (serde_json::Value::Null, 3));
    assert_eq!(e["genders"], serde_json::json!(["female"]));

    // An entry with nothing but the slug makes it all unknown again.
    let clear = write_file(
        dir.path(),
        "clear.yaml",
        "format: preventory-eligibility/1\neligibility:\n  - intervention: breaking-the-links\n",
    );
    let out = ok(preventory(
        &db,
        &["eligibility", "import", &path_arg(&clear)],
    ));
    assert!(
        stdout(&out).contains(
            "updated breaking-the-links: age_min, learning_needs, cost (now all unknown)"
        ),
        "{}",
        stdout(&out)
    );
    let (links, n) = eligibility_and_revisions(&db, "breaking-the-links");
    assert_eq!((links["age_min"].clone(), n), (serde_json::Value::Null, 3));
}

#[test]
fn a_bad_field_in_an_eligibility_file_names_file_line_and_field_and_stores_nothing() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "store.db");
    let good = write_file(dir.path(), "links.json", LINKS_ELIGIBILITY_JSON);
    let before = (export_json(&db), eligibility_export(&db, "yaml"));

    // YAML: an unknown gender on line 10, beside a good file that must not land either.
    let bad_yaml = write_file(
        dir.path(),
        "bad.yaml",
        &STOPSO_ELIGIBILITY_YAML.replace("genders: [female]", "genders: [women]"),
    );
    let out = preventory(
        &db,
        &[
            "eligibility",
            "import",
            &path_arg(&good),
            &path_arg(&bad_yaml),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:10: stopso: genders[0]: unknown value \"women\" (expected one of male, female)",
        path_arg(&bad_yaml)
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was stored"),
        "{}",
        stderr(&out)
    );
    assert_eq!((export_json(&db), eligibility_export(&db, "yaml")), before);

    // YAML: a check after parsing, on the format's own line.
    let bad_ages = write_file(
        dir.path(),
        "ages.yaml",
        &STOPSO_ELIGIBILITY_YAML.replace("age_min: 25", "age_min: 25\n        age_max: 20"),
    );
    let out = preventory(&db, &["eligibility", "import", &path_arg(&bad_ages)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:9: stopso: formats[1].age_min: 25 is above age_max 20",
        path_arg(&bad_ages)
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));

    // JSON: an age that is not a number, on line 6.
    let bad_json = write_file(
        dir.path(),
        "bad.json",
        &LINKS_ELIGIBILITY_JSON.replace("\"age_min\": 30", "\"age_min\": \"thirty\""),
    );
    let out = preventory(&db, &["eligibility", "import", &path_arg(&bad_json)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:6: breaking-the-links: age_min: invalid type: string \"thirty\"",
        path_arg(&bad_json)
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));

    // Not UTF-8: an error with its line, never a panic.
    let mut bytes = STOPSO_ELIGIBILITY_YAML.as_bytes().to_vec();
    bytes.extend_from_slice(b"      - \xff\n");
    let not_text = dir.path().join("bytes.yaml");
    std::fs::write(&not_text, bytes).unwrap_or_else(|e| panic!("{e}"));
    let out = preventory(&db, &["eligibility", "import", &path_arg(&not_text)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{}:16: not UTF-8 text", path_arg(&not_text))),
        "{}",
        stderr(&out)
    );
    assert_eq!((export_json(&db), eligibility_export(&db, "yaml")), before);
}

#[test]
fn unknown_slugs_and_slugs_in_two_eligibility_files_are_reported_by_line_and_nothing_is_stored() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "store.db");
    let before = (export_json(&db), eligibility_export(&db, "json"));

    // Line 16: an intervention the store does not hold, after a good one.
    let unknown = write_file(
        dir.path(),
        "unknown.yaml",
        &format!(
            "{STOPSO_ELIGIBILITY_YAML}  - intervention: fictional-unknown-programme\n    remote: true\n"
        ),
    );
    let out = preventory(&db, &["eligibility", "import", &path_arg(&unknown)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:16: fictional-unknown-programme: intervention: no stored record has this slug",
        path_arg(&unknown)
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert_eq!((export_json(&db), eligibility_export(&db, "json")), before);
    assert_eq!(eligibility_and_revisions(&db, "stopso").1, 1);

    // The same slug in two files: both are named, with their lines.
    let first = write_file(dir.path(), "first.yaml", STOPSO_ELIGIBILITY_YAML);
    let second = write_file(
        dir.path(),
        "second.json",
        &LINKS_ELIGIBILITY_JSON.replace("breaking-the-links", "stopso"),
    );
    let out = preventory(
        &db,
        &[
            "eligibility",
            "import",
            &path_arg(&first),
            &path_arg(&second),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:5: stopso: intervention: also listed in {}:4",
        path_arg(&second),
        path_arg(&first)
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert_eq!((export_json(&db), eligibility_export(&db, "json")), before);

    // The same slug twice in one file: both lines.
    let twice = write_file(
        dir.path(),
        "twice.yaml",
        &format!("{STOPSO_ELIGIBILITY_YAML}  - intervention: stopso\n"),
    );
    let out = preventory(&db, &["eligibility", "import", &path_arg(&twice)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:16: stopso: intervention: listed twice (first at line 4)",
        path_arg(&twice)
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));

    // A store that does not exist knows no slug, and is not created to say so.
    let missing = dir.path().join("missing.db");
    let out = preventory(&missing, &["eligibility", "import", &path_arg(&first)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{}:4: stopso: intervention:", path_arg(&first))),
        "{}",
        stderr(&out)
    );
    assert!(!missing.exists());
}

#[test]
fn an_eligibility_dry_run_reports_the_changes_and_writes_nothing() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "store.db");
    let yaml = write_file(dir.path(), "stopso.yaml", STOPSO_ELIGIBILITY_YAML);
    let json_file = write_file(dir.path(), "links.json", LINKS_ELIGIBILITY_JSON);
    ok(preventory(
        &db,
        &["eligibility", "import", &path_arg(&json_file)],
    ));
    let before = (export_json(&db), eligibility_export(&db, "json"));

    let out = ok(preventory(
        &db,
        &[
            "eligibility",
            "import",
            "--dry-run",
            &path_arg(&yaml),
            &path_arg(&json_file),
        ],
    ));
    let text = stdout(&out);
    assert!(
        text.contains("would update stopso: formats, genders, situations, referral_routes, anonymous, exclusions (was all unknown)"),
        "{text}"
    );
    assert!(!text.contains("breaking-the-links"), "{text}");
    assert!(
        text.contains("2 record(s): 1 would change, 1 unchanged; nothing was stored"),
        "{text}"
    );
    assert_eq!((export_json(&db), eligibility_export(&db, "json")), before);
    assert_eq!(eligibility_and_revisions(&db, "stopso").1, 1);
}

#[test]
fn eligibility_export_reimports_identically_as_json_and_yaml() {
    let dir = tmp();
    let db = store_with_examples(dir.path(), "a.db");
    // The curated eligibility of the examples: many fields of the format in use.
    let curated = examples_dir().join("eligibility.yaml");
    ok(preventory(
        &db,
        &["eligibility", "import", &path_arg(&curated)],
    ));
    let records = export_json(&db);

    for format in ["json", "yaml"] {
        let exported = eligibility_export(&db, format);
        let file = dir.path().join(format!("exported.{format}"));
        ok(preventory(
            &db,
            &["eligibility", "export", "--out", &path_arg(&file)],
        ));
        // The syntax follows the name of --out.
        assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), exported);

        // Back into the same store: nothing changes.
        let out = ok(preventory(
            &db,
            &["eligibility", "import", &path_arg(&file)],
        ));
        assert!(
            stdout(&out).contains("Imported eligibility for 4 record(s): 0 updated, 4 unchanged."),
            "{}",
            stdout(&out)
        );
        assert_eq!(export_json(&db), records);

        // Into a store without eligibility: the same eligibility, the same records.
        let fresh = store_with_examples(&dir.path().join(format), "b.db");
        let out = ok(preventory(
            &fresh,
            &["eligibility", "import", &path_arg(&file)],
        ));
        assert!(stdout(&out).contains("4 updated"), "{}", stdout(&out));
        assert_eq!(eligibility_export(&fresh, format), exported);
        assert_eq!(export_json(&fresh), records);
    }

    // Records whose eligibility is all unknown are left out of the export.
    let fresh = store_with_examples(&dir.path().join("partial"), "c.db");
    assert_eq!(
        eligibility_export(&fresh, "yaml"),
        "format: preventory-eligibility/1\neligibility: []\n"
    );
    let yaml = write_file(dir.path(), "stopso.yaml", STOPSO_ELIGIBILITY_YAML);
    ok(preventory(
        &fresh,
        &["eligibility", "import", &path_arg(&yaml)],
    ));
    let exported = eligibility_export(&fresh, "yaml");
    assert_eq!(exported.matches("intervention: ").count(), 1, "{exported}");
    assert!(exported.contains("- intervention: stopso"), "{exported}");
}

#[test]
fn the_curated_example_eligibility_imports_through_the_cli() {
    // The file `serve` builds into the examples, imported by hand.
    let dir = tmp();
    let db = store_with_examples(dir.path(), "store.db");
    let curated = examples_dir().join("eligibility.yaml");
    let out = ok(preventory(
        &db,
        &["eligibility", "import", &path_arg(&curated)],
    ));
    assert!(stdout(&out).contains("4 updated"), "{}", stdout(&out));
    let (e, _) = eligibility_and_revisions(&db, "internet-sex-offender-treatment-programme");
    assert_eq!(e["formats"][0]["delivery"], "individual_work");
    assert_eq!(e["formats"][0]["age_min"], 17);
    assert_eq!(e["formats"][1]["delivery"], "group_work");
    assert_eq!(e["formats"][1]["age_min"], 21);
    let (e, _) = eligibility_and_revisions(&db, "northumbria-sex-offender-groupwork-programme");
    assert_eq!(
        (e["age_min"].clone(), e["iq_min"].clone()),
        (21.into(), 80.into())
    );
}
