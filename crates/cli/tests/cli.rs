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

/// `backup`, `restore`, and what a killed import leaves behind (issue 7).
mod backup_restore_and_crashes {
    use super::{
        copy_examples, examples_dir, ok, path_arg, preventory, stderr, stdout, tmp, EXAMPLES,
    };
    use preventory_core::Intervention;
    use preventory_store::sqlite::SqliteStore;
    use preventory_store::{Revision, Store, StoredRecord};
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    /// Runs a future on a runtime of its own: these tests drive processes synchronously.
    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .block_on(future)
    }

    /// Everything a store holds, read through the `Store` trait.
    #[derive(Debug, PartialEq)]
    struct Contents {
        count: u64,
        records: Vec<StoredRecord>,
        revisions: BTreeMap<String, Vec<Revision>>,
    }

    /// A record's revision without its time: number, record, author, summary.
    type TimelessRevision = (i64, Intervention, String, String);

    /// A record without its time: the record, its revision number and its history.
    type TimelessRecord = (Intervention, i64, Vec<TimelessRevision>);

    impl Contents {
        /// The records and their histories without the times they were written: what two
        /// stores that received the same imports at different times share.
        fn timeless(&self) -> Vec<TimelessRecord> {
            self.records
                .iter()
                .map(|s| {
                    let history = self.revisions[&s.record.slug]
                        .iter()
                        .map(|r| {
                            (
                                r.number,
                                r.record.clone(),
                                r.author.clone(),
                                r.summary.clone(),
                            )
                        })
                        .collect();
                    (s.record.clone(), s.revision, history)
                })
                .collect()
        }
    }

    /// Opens the store at `db` (recovering it, as any command would), checks SQLite's
    /// integrity and that every record's revisions are numbered 1..=current, and reads it all.
    fn checked_contents(db: &Path) -> Contents {
        block_on(async {
            let store = SqliteStore::open(db)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(store.pool())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(integrity, ["ok"], "{}", db.display());
            let orphans = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(store.pool())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(
                orphans.is_empty(),
                "{}: foreign key violations",
                db.display()
            );
            let bad: Vec<String> = sqlx::query_scalar(
                "SELECT i.slug FROM interventions i LEFT JOIN revisions r \
                 ON r.intervention_id = i.id GROUP BY i.id \
                 HAVING COUNT(r.id) != i.current_revision OR MAX(r.number) != i.current_revision",
            )
            .fetch_all(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            assert!(bad.is_empty(), "revisions do not match: {bad:?}");
            let records = store.all_records().await.unwrap_or_else(|e| panic!("{e}"));
            let mut revisions = BTreeMap::new();
            for r in &records {
                let list = store
                    .revisions(&r.record.slug)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                revisions.insert(r.record.slug.clone(), list);
            }
            let count = store.count().await.unwrap_or_else(|e| panic!("{e}"));
            store.close().await;
            Contents {
                count,
                records,
                revisions,
            }
        })
    }

    fn sibling(path: &Path, suffix: &str) -> PathBuf {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        PathBuf::from(name)
    }

    /// A copy of a closed store. The last connection normally folds its WAL into the file,
    /// but on a loaded machine a WAL may outlive it: then it is copied too, and SQLite reads
    /// it back when the copy is opened.
    fn copy_store(from: &Path, to: &Path) {
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("{e}"));
        for suffix in ["-wal", "-shm"] {
            let side = sibling(from, suffix);
            if side.exists() {
                std::fs::copy(&side, sibling(to, suffix)).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }

    /// The examples' folder with one record edited, so that importing it changes a record.
    fn edited_examples(dir: &Path) -> PathBuf {
        let records = copy_examples(dir);
        let file = records.join(EXAMPLES[3]);
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let changed = text.replace(
            "A treatment programme for adult males",
            "A fictional test edit: a treatment programme for adult males",
        );
        assert_ne!(text, changed);
        std::fs::write(&file, changed).unwrap_or_else(|e| panic!("{e}"));
        records
    }

    #[test]
    fn a_backup_restores_every_record_and_revision_and_keeps_the_replaced_store() {
        let dir = tmp();
        let db = dir.path().join("store.db");
        ok(preventory(&db, &["import", &path_arg(&examples_dir())]));
        ok(preventory(
            &db,
            &["import", &path_arg(&edited_examples(dir.path()))],
        ));
        let original = checked_contents(&db);
        assert_eq!(original.count, 4);

        let backup = dir.path().join("backup.db");
        let out = ok(preventory(&db, &["backup", "--out", &path_arg(&backup)]));
        assert!(
            stdout(&out).contains("4 record(s) with 5 revision(s)"),
            "{}",
            stdout(&out)
        );
        let again = preventory(&db, &["backup", "--out", &path_arg(&backup)]);
        assert_eq!(again.status.code(), Some(1));
        assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
        ok(preventory(
            &db,
            &["backup", "--out", &path_arg(&backup), "--force"],
        ));
        let itself = preventory(&db, &["backup", "--out", &path_arg(&db), "--force"]);
        assert_eq!(itself.status.code(), Some(1), "{}", stderr(&itself));

        // The store moves on after the backup.
        let generated = dir.path().join("generated");
        ok(preventory(
            &db,
            &["gen", "--count", "20", "--out", &path_arg(&generated)],
        ));
        ok(preventory(&db, &["import", &path_arg(&generated)]));
        let moved_on = checked_contents(&db);
        assert_eq!(moved_on.count, 24);

        let out = ok(preventory(&db, &["restore", &path_arg(&backup)]));
        assert!(
            stdout(&out).contains("Restored 4 record(s) with 5 revision(s)"),
            "{}",
            stdout(&out)
        );
        let kept = stdout(&out)
            .lines()
            .find_map(|l| l.strip_prefix("The previous store is kept as "))
            .map(|l| PathBuf::from(l.trim_end_matches('.')))
            .unwrap_or_else(|| panic!("no kept store named:\n{}", stdout(&out)));
        assert!(kept
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("store.db.before-restore-")));
        assert_eq!(checked_contents(&db), original);
        assert_eq!(checked_contents(&kept), moved_on);

        // Without keeping: nothing is left beside the store but what was there.
        ok(preventory(
            &db,
            &["restore", "--no-keep", &path_arg(&backup)],
        ));
        assert_eq!(checked_contents(&db), original);
        let kept_copies = std::fs::read_dir(dir.path())
            .map(|d| {
                d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter(|n| n.contains("before-restore"))
                    .count()
            })
            .unwrap_or_default();
        assert_eq!(kept_copies, 1);

        // What is not a store is refused, and the store stays as it was.
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "not a store ".repeat(100)).unwrap_or_else(|e| panic!("{e}"));
        let refused = preventory(&db, &["restore", &path_arg(&notes)]);
        assert_eq!(refused.status.code(), Some(1));
        assert!(
            stderr(&refused).contains("is not a usable Preventory store"),
            "{}",
            stderr(&refused)
        );
        assert_eq!(checked_contents(&db), original);
    }

    /// Starts `serve` on `db` and returns once its search index is on disk.
    fn start_server(db: &Path) -> std::process::Child {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(env!("CARGO_BIN_EXE_preventory"))
            .arg("--db")
            .arg(db)
            .args(["serve", "--addr", "127.0.0.1:0", "--no-examples"])
            .env_remove("PREVENTORY_DB")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let out = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        // Every line until it listens (or stops), so a slow start is waited for and a failed
        // one explained.
        let mut lines = BufReader::new(out).lines();
        let listening = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("listening on"));
        // Keep reading what it prints next: a closed pipe would make its next line fail.
        std::thread::spawn(move || lines.for_each(drop));
        if !listening {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
            panic!(
                "the server did not start: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        // Keep draining stderr so the server never blocks on a full pipe.
        if let Some(err) = child.stderr.take() {
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut BufReader::new(err), &mut std::io::sink());
            });
        }
        let revision = sibling(db, ".index.revision");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !revision.exists() {
            assert!(Instant::now() < deadline, "no search index");
            std::thread::sleep(Duration::from_millis(20));
        }
        child
    }

    #[test]
    fn restore_is_refused_while_the_server_runs_and_then_drops_the_stale_index() {
        let dir = tmp();
        let db = dir.path().join("live.db");
        let backup_source = dir.path().join("other.db");
        ok(preventory(
            &backup_source,
            &["import", &path_arg(&examples_dir())],
        ));
        let backup = dir.path().join("other-backup.db");
        ok(preventory(
            &backup_source,
            &["backup", "--out", &path_arg(&backup)],
        ));
        let expected = checked_contents(&backup_source);

        let generated = dir.path().join("generated");
        ok(preventory(
            &db,
            &["gen", "--count", "30", "--out", &path_arg(&generated)],
        ));
        ok(preventory(&db, &["import", &path_arg(&generated)]));
        let mut server = start_server(&db);

        // A backup while the server runs is fine.
        let live_backup = dir.path().join("live-backup.db");
        let backed_up = preventory(&db, &["backup", "--out", &path_arg(&live_backup)]);
        let refused = preventory(&db, &["restore", &path_arg(&backup)]);
        // Killed, not stopped: the WAL and its index are left behind.
        let _ = server.kill();
        let _ = server.wait();
        let backed_up = ok(backed_up);
        assert!(
            stdout(&backed_up).contains("30 record(s)"),
            "{}",
            stdout(&backed_up)
        );
        assert_eq!(refused.status.code(), Some(1));
        assert!(stderr(&refused).contains("in use"), "{}", stderr(&refused));
        assert_eq!(checked_contents(&db).count, 30);
        assert_eq!(checked_contents(&live_backup).count, 30);

        assert!(sibling(&db, ".index").is_dir());
        let out = ok(preventory(&db, &["restore", &path_arg(&backup)]));
        assert!(
            stdout(&out).contains("Restored 4 record(s)"),
            "{}",
            stdout(&out)
        );
        assert!(!sibling(&db, ".index").exists());
        assert!(!sibling(&db, ".index.revision").exists());
        assert!(!sibling(&db, "-wal").exists());
        assert!(!sibling(&db, "-shm").exists());
        assert_eq!(checked_contents(&db), expected);
    }

    /// When the import is killed.
    #[derive(Debug, Clone, Copy)]
    enum Kill {
        /// After this share of a whole import's time.
        After(f64),
        /// As soon as the WAL holds this many bytes: while the commit is being written.
        WalBytes(u64),
    }

    #[test]
    fn an_import_killed_midway_leaves_all_of_it_or_none_and_runs_again() {
        let dir = tmp();
        let generated = dir.path().join("generated");
        ok(preventory(
            &dir.path().join("unused.db"),
            &[
                "gen",
                "--count",
                "3000",
                "--seed",
                "5",
                "--out",
                &path_arg(&generated),
            ],
        ));
        let baseline = dir.path().join("baseline.db");
        ok(preventory(
            &baseline,
            &["import", &path_arg(&examples_dir())],
        ));
        // The import adds 3,000 records and changes one of the four already stored.
        let edited = edited_examples(dir.path());
        let import = |db: &Path| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_preventory"));
            command
                .arg("--db")
                .arg(db)
                .arg("import")
                .arg(&generated)
                .arg(&edited)
                .env_remove("PREVENTORY_DB")
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            command
        };
        let none = checked_contents(&baseline);
        assert_eq!(none.count, 4);

        let reference = dir.path().join("reference.db");
        copy_store(&baseline, &reference);
        let started = Instant::now();
        let status = import(&reference)
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        let whole = started.elapsed();
        assert!(status.success());
        let all = checked_contents(&reference);
        assert_eq!(all.count, 3004);

        // The records are written to the WAL when the transaction commits, so a kill at a
        // WAL size lands in the middle of writing the commit.
        let kills = [
            Kill::After(0.15),
            Kill::After(0.5),
            Kill::After(0.85),
            Kill::WalBytes(1 << 20),
            Kill::WalBytes(8 << 20),
        ];
        let mut seen = Vec::new();
        for (n, kill) in kills.into_iter().enumerate() {
            let db = dir.path().join(format!("killed-{n}.db"));
            copy_store(&baseline, &db);
            let wal = sibling(&db, "-wal");
            let started = Instant::now();
            let mut child = import(&db).spawn().unwrap_or_else(|e| panic!("{e}"));
            let killed = loop {
                if child.try_wait().ok().flatten().is_some() {
                    break false;
                }
                let due = match kill {
                    Kill::After(share) => started.elapsed() >= whole.mul_f64(share),
                    Kill::WalBytes(bytes) => {
                        std::fs::metadata(&wal).is_ok_and(|m| m.len() >= bytes)
                    }
                };
                if due || started.elapsed() > whole * 4 {
                    // SIGKILL on Unix: no destructor, no rollback, no checkpoint runs.
                    let _ = child.kill();
                    break true;
                }
                std::thread::sleep(Duration::from_micros(500));
            };
            let _ = child.wait();
            let after_kill = checked_contents(&db);
            let outcome = if after_kill == none {
                "none"
            } else if after_kill.timeless() == all.timeless() {
                "all"
            } else {
                panic!(
                    "kill {kill:?} left part of the import: {} records",
                    after_kill.count
                )
            };
            seen.push((kill, killed, outcome));

            // The same import, run again over what a kill during the commit left (a WAL
            // with part of a transaction), completes.
            if matches!(kill, Kill::WalBytes(_)) {
                let status = import(&db).status().unwrap_or_else(|e| panic!("{e}"));
                assert!(status.success(), "the import after kill {kill:?} failed");
                assert_eq!(checked_contents(&db).timeless(), all.timeless());
            }
        }
        eprintln!("kills (when, killed before it ended, what was left): {seen:?}");
        assert!(
            seen.iter()
                .any(|(_, killed, outcome)| *killed && *outcome == "none"),
            "no kill landed before the commit: {seen:?}"
        );
    }
}

/// `preventory user`: staff accounts from the terminal. Addresses and passwords are fictional.
mod users {
    use super::{ok, preventory, stderr, stdout, tmp};
    use std::io::Write;
    use std::path::Path;
    use std::process::{Command, Output, Stdio};

    const ADMIN_PASSWORD: &str = "fictional admin passphrase 1";
    const EDITOR_PASSWORD: &str = "fictional-editor-passphrase-2";
    const PROVIDER_PASSWORD: &str = "fictional provider passphrase 3";
    const NEW_PASSWORD: &str = "a new fictional passphrase 4";

    /// Runs `preventory --db DB ARGS` with `input` on standard input (a pipe, not a terminal).
    fn with_stdin(db: &Path, args: &[&str], input: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_preventory"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env_remove("PREVENTORY_DB")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run preventory: {e}"));
        if let Some(mut stdin) = child.stdin.take() {
            // The command may refuse before reading: a closed pipe is fine then.
            let _ = stdin.write_all(input.as_bytes());
        }
        child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("preventory: {e}"))
    }

    fn failed(o: Output) -> String {
        assert!(
            !o.status.success(),
            "expected a failure\nstdout:\n{}\nstderr:\n{}",
            stdout(&o),
            stderr(&o)
        );
        stderr(&o)
    }

    fn list(db: &Path) -> Vec<serde_json::Value> {
        let out = ok(preventory(db, &["user", "list", "--json"]));
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&out)))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn account<'a>(accounts: &'a [serde_json::Value], email: &str) -> &'a serde_json::Value {
        accounts
            .iter()
            .find(|a| a["email"] == email)
            .unwrap_or_else(|| panic!("no {email} in {accounts:?}"))
    }

    async fn audit_actions(db: &Path) -> Vec<(String, String, String)> {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT actor, action, subject FROM audit_log ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        pool.close().await;
        rows
    }

    async fn password_hashes(db: &Path) -> Vec<(String, String)> {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let rows = sqlx::query_as("SELECT email, password_hash FROM users ORDER BY email")
            .fetch_all(&pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        pool.close().await;
        rows
    }

    /// Every byte of the store's files (the database, and a WAL if one is left).
    fn store_bytes(db: &Path) -> Vec<u8> {
        let name = db
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(db.parent().unwrap_or(Path::new(".")))
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            if entry.file_name().to_string_lossy().starts_with(&name) {
                bytes.extend(std::fs::read(entry.path()).unwrap_or_default());
            }
        }
        bytes
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }

    #[tokio::test]
    async fn accounts_are_added_listed_disabled_and_given_roles() {
        let dir = tmp();
        let db = dir.path().join("store.db");
        let mut outputs = Vec::new();

        let added = ok(with_stdin(
            &db,
            &["user", "add", "admin@example.org", "--role", "admin"],
            &format!("{ADMIN_PASSWORD}\n"),
        ));
        assert!(
            stdout(&added).contains("Added admin@example.org as admin."),
            "{}",
            stdout(&added)
        );
        outputs.push(added);
        // The address is normalised; a CRLF line ending is not part of the password.
        outputs.push(ok(with_stdin(
            &db,
            &["user", "add", "Editor@Example.ORG", "--role", "editor"],
            &format!("{EDITOR_PASSWORD}\r\n"),
        )));
        let no_org = failed(with_stdin(
            &db,
            &["user", "add", "provider@example.org", "--role", "provider"],
            &format!("{PROVIDER_PASSWORD}\n"),
        ));
        assert!(no_org.contains("needs an organisation"), "{no_org}");
        outputs.push(ok(with_stdin(
            &db,
            &[
                "user",
                "add",
                "provider@example.org",
                "--role",
                "provider",
                "--organisation",
                "Fictional Trust",
            ],
            &format!("{PROVIDER_PASSWORD}\n"),
        )));
        let twice = failed(with_stdin(
            &db,
            &["user", "add", "EDITOR@example.org", "--role", "reviewer"],
            &format!("{EDITOR_PASSWORD}\n"),
        ));
        assert!(twice.contains("exists already"), "{twice}");
        let bad_address = failed(with_stdin(
            &db,
            &["user", "add", "not-an-address", "--role", "editor"],
            &format!("{EDITOR_PASSWORD}\n"),
        ));
        assert!(
            bad_address.contains("is not an email address"),
            "{bad_address}"
        );
        let bad_role = failed(preventory(
            &db,
            &["user", "add", "x@example.org", "--role", "superuser"],
        ));
        assert!(bad_role.contains("superuser"), "{bad_role}");

        let accounts = list(&db);
        assert_eq!(accounts.len(), 3);
        let editor = account(&accounts, "editor@example.org");
        assert_eq!(editor["role"], "editor");
        assert_eq!(editor["disabled"], false);
        assert!(editor["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')));
        assert_eq!(
            account(&accounts, "provider@example.org")["organisation"],
            "Fictional Trust"
        );
        assert!(accounts.iter().all(|a| a.get("password_hash").is_none()));
        let table = ok(preventory(&db, &["user", "list"]));
        let text = stdout(&table);
        for expected in [
            "EMAIL",
            "ROLE",
            "ORGANISATION",
            "DISABLED",
            "CREATED",
            "3 account(s)",
        ] {
            assert!(text.contains(expected), "{text}");
        }
        assert!(
            text.lines()
                .any(|l| l.starts_with("provider@example.org") && l.contains("Fictional Trust")),
            "{text}"
        );
        outputs.push(table);

        let disabled = ok(preventory(&db, &["user", "disable", "Editor@example.org"]));
        assert!(stdout(&disabled).contains("Disabled editor@example.org"));
        outputs.push(disabled);
        assert_eq!(account(&list(&db), "editor@example.org")["disabled"], true);
        let again = ok(preventory(&db, &["user", "disable", "editor@example.org"]));
        assert!(
            stdout(&again).contains("disabled already"),
            "{}",
            stdout(&again)
        );
        outputs.push(ok(preventory(
            &db,
            &["user", "enable", "editor@example.org"],
        )));
        assert_eq!(account(&list(&db), "editor@example.org")["disabled"], false);
        let unknown = failed(preventory(&db, &["user", "disable", "nobody@example.org"]));
        assert!(
            unknown.contains("no account for nobody@example.org"),
            "{unknown}"
        );

        let promoted = ok(preventory(
            &db,
            &["user", "role", "editor@example.org", "reviewer"],
        ));
        assert!(
            stdout(&promoted).contains("editor@example.org is now reviewer."),
            "{}",
            stdout(&promoted)
        );
        outputs.push(promoted);
        assert_eq!(
            account(&list(&db), "editor@example.org")["role"],
            "reviewer"
        );
        let last_admin = failed(preventory(
            &db,
            &["user", "role", "admin@example.org", "editor"],
        ));
        assert!(
            last_admin.contains("no enabled administrator"),
            "{last_admin}"
        );
        let last_admin = failed(preventory(&db, &["user", "disable", "admin@example.org"]));
        assert!(
            last_admin.contains("no enabled administrator"),
            "{last_admin}"
        );
        let org = failed(preventory(
            &db,
            &[
                "user",
                "role",
                "editor@example.org",
                "editor",
                "--organisation",
                "Fictional Trust",
            ],
        ));
        assert!(org.contains("only provider accounts"), "{org}");
        assert_eq!(account(&list(&db), "admin@example.org")["role"], "admin");

        let events = audit_actions(&db).await;
        let actions: Vec<&str> = events
            .iter()
            .map(|(_, action, _)| action.as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "user_created",
                "user_created",
                "user_created",
                "user_disabled",
                "user_enabled",
                "user_role_changed"
            ]
        );
        assert!(events.iter().all(|(actor, _, _)| actor == "cli"));
        assert!(events
            .iter()
            .all(|(_, _, subject)| subject.starts_with("user:")));

        // Stored as argon2id hashes; no password anywhere in clear.
        let hashes = password_hashes(&db).await;
        assert_eq!(hashes.len(), 3);
        for (email, hash) in &hashes {
            assert!(hash.starts_with("$argon2id$v=19$"), "{email}: {hash}");
        }
        let bytes = store_bytes(&db);
        assert!(!bytes.is_empty());
        for password in [ADMIN_PASSWORD, EDITOR_PASSWORD, PROVIDER_PASSWORD] {
            assert!(
                !contains(&bytes, password),
                "a password is in the store's files"
            );
            for o in &outputs {
                assert!(!contains(&o.stdout, password) && !contains(&o.stderr, password));
            }
        }
    }

    #[tokio::test]
    async fn short_and_missing_passwords_are_refused_and_nothing_is_stored() {
        let dir = tmp();
        let db = dir.path().join("store.db");
        let short = with_stdin(
            &db,
            &["user", "add", "admin@example.org", "--role", "admin"],
            "elevenchars\n",
        );
        let message = failed(short);
        assert!(message.contains("at least 12 characters"), "{message}");
        assert!(message.contains("nothing was changed"), "{message}");
        assert!(!message.contains("elevenchars"), "{message}");
        let empty = failed(with_stdin(
            &db,
            &["user", "add", "admin@example.org", "--role", "admin"],
            "",
        ));
        assert!(empty.contains("no password on standard input"), "{empty}");
        let long = failed(with_stdin(
            &db,
            &["user", "add", "admin@example.org", "--role", "admin"],
            &format!("{}\n", "x".repeat(2000)),
        ));
        assert!(long.contains("too long"), "{long}");
        // Twelve characters (not bytes) are enough.
        ok(with_stdin(
            &db,
            &["user", "add", "admin@example.org", "--role", "admin"],
            "ééééééééééé1\n",
        ));
        assert_eq!(list(&db).len(), 1);
        assert_eq!(audit_actions(&db).await.len(), 1);
    }

    #[tokio::test]
    async fn a_new_password_replaces_the_hash() {
        let dir = tmp();
        let db = dir.path().join("store.db");
        ok(with_stdin(
            &db,
            &["user", "add", "admin@example.org", "--role", "admin"],
            &format!("{ADMIN_PASSWORD}\n"),
        ));
        let before = password_hashes(&db).await;
        let short = failed(with_stdin(
            &db,
            &["user", "password", "admin@example.org"],
            "short\n",
        ));
        assert!(short.contains("at least 12"), "{short}");
        assert_eq!(password_hashes(&db).await, before);
        let changed = ok(with_stdin(
            &db,
            &["user", "password", "ADMIN@example.org"],
            &format!("{NEW_PASSWORD}\n"),
        ));
        assert!(stdout(&changed).contains("Set a new password for admin@example.org"));
        let after = password_hashes(&db).await;
        assert_ne!(after, before);
        assert!(after[0].1.starts_with("$argon2id$"));
        let actions: Vec<String> = audit_actions(&db)
            .await
            .into_iter()
            .map(|(_, a, _)| a)
            .collect();
        assert_eq!(actions, ["user_created", "password_changed"]);
        let bytes = store_bytes(&db);
        assert!(!contains(&bytes, NEW_PASSWORD) && !contains(&bytes, ADMIN_PASSWORD));
    }
}

/// `preventory list | head -1`: when the reader stops, the command ends quietly instead of
/// panicking on the closed pipe.
#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tmp();
    let db = dir.path().join("pipe.db");
    let records = dir.path().join("records");
    let generated = preventory(
        &db,
        &["gen", "--count", "2000", "--out", &path_arg(&records)],
    );
    assert!(generated.status.success(), "{}", stderr(&generated));
    let imported = preventory(&db, &["import", &path_arg(&records)]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let mut child = Command::new(env!("CARGO_BIN_EXE_preventory"))
        .arg("--db")
        .arg(&db)
        .arg("list")
        .env_remove("PREVENTORY_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let out = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut first = String::new();
    BufReader::new(out)
        .read_line(&mut first)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(first.starts_with("SLUG"), "{first}");
    // The reader is gone; 2,000 lines are more than a pipe holds.
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

/// `export` writes what the public sees unless asked for drafts too: a record saved from the
/// edit form (a draft, never published) is left out, and `--unpublished` brings it in.
#[tokio::test]
async fn export_leaves_out_drafts_unless_asked() {
    use preventory_core::accounts::{Actor, Email, Password, Role};
    use preventory_store::accounts::NewUser;
    use preventory_store::editing::{Editor, RecordEdit};
    use preventory_store::Store;

    let dir = tmp();
    let db = store_with_examples(dir.path(), "drafts.db");
    {
        let store = preventory_store::sqlite::SqliteStore::open(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let password = Password::new("fictional editor passphrase".to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        let user = store
            .create_user(
                &NewUser {
                    email: Email::parse("editor@example.org").unwrap_or_else(|e| panic!("{e}")),
                    password_hash: preventory_store::password::hash_password(&password)
                        .unwrap_or_else(|e| panic!("{e}")),
                    role: Role::Editor,
                    organisation: None,
                },
                Actor::Cli,
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let draft = preventory_core::Intervention {
            slug: "fictional-draft-service".into(),
            title: "Fictional draft service".into(),
            ..Default::default()
        };
        store
            .save_record(
                &RecordEdit {
                    record: draft,
                    base_revision: None,
                    summary: "New fictional service".into(),
                },
                &Editor {
                    staff: user.staff(),
                    email: user.email.clone(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store.close().await;
    }
    let public = export_json(&db);
    assert!(!public.contains("fictional-draft-service"), "{public}");
    assert!(public.contains("\"slug\""));
    let all = stdout(&ok(preventory(
        &db,
        &["export", "--format", "json", "--unpublished"],
    )));
    assert!(all.contains("fictional-draft-service"));
}
