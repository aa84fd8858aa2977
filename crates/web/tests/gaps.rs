//! The gap map, its drill-down and downloads, the gaps report and the prevention-strategy
//! matrix over real HTTP on loopback. Every number is checked against a count made here,
//! independently, from the records the server was given (with `Facet::ids_of`).

mod common;

use common::{assert_privacy_headers, content_type, start_with, TestServer};
use preventory_core::evidence::{
    Direction, Outcome, OutcomeKind, Study, StudyDesign, StudyQuality,
};
use preventory_core::gaps::named_gaps;
use preventory_core::vocab::{AgeGroup, Country, Gender, PreventionLevel, TargetGroup};
use preventory_core::{
    Facet, FacetRow, Intervention, PartialDate, Rating, Reference, Term, Vocabulary,
};
use serde_json::Value;
use std::collections::BTreeSet;

/// A title a spreadsheet would run as a formula.
const FORMULA_TITLE: &str = "=HYPERLINK(\"http://fictional.example\",\"Fictional\")";
/// A study id a spreadsheet would run as a formula.
const FORMULA_STUDY: &str = "@SUM(1+1)";
/// A citation the fictional women's service's study shares with its parsed reference.
const MATCHED_CITATION: &str =
    "Fictional, A. (2021). A fictional trial of a fictional service. Journal of Fictional Prevention, 3(1), 10-20.";

fn row(
    target: TargetGroup,
    level: PreventionLevel,
    genders: &[Gender],
    ages: &[AgeGroup],
) -> FacetRow {
    FacetRow {
        target_group: Some(Term::Known(target)),
        prevention_level: Some(Term::Known(level)),
        genders: genders.iter().map(|g| Term::Known(*g)).collect(),
        age_groups: ages.iter().map(|a| Term::Known(*a)).collect(),
        ..FacetRow::default()
    }
}

fn country(code: &str) -> Term<Country> {
    Term::Known(Country::from_id(code).expect("a country"))
}

fn date(text: &str) -> Option<PartialDate> {
    Some(PartialDate::parse_iso(text).expect("date"))
}

fn study(id: &str, reference: &str, design: StudyDesign) -> Study {
    let mut s = Study::new(id, reference, design);
    s.quality = Some(StudyQuality::Moderate);
    s.sample_size = Some(48);
    let mut o = Outcome::new(Term::Known(OutcomeKind::HelpSeeking), Direction::Positive);
    o.significant = Some(true);
    s.outcomes.push(o);
    s
}

/// Five fictional records that between them leave some cells empty, fill the named gaps
/// unevenly, and carry old, recent and missing dates.
fn fictional() -> Vec<Intervention> {
    use AgeGroup::*;
    use Gender::*;
    use PreventionLevel::*;
    use TargetGroup::*;
    let mut women = Intervention {
        slug: "fictional-womens-service".into(),
        title: "Fictional Women's Service".into(),
        facet_rows: vec![row(PotentialOffenders, Secondary, &[Female], &[Adults])],
        countries: vec![country("GB")],
        rating: Some(Rating::Promising),
        information_correct_at: date("2023-01"),
        references: vec![Reference {
            text: MATCHED_CITATION.into(),
            authors: vec!["Fictional, A.".into()],
            year: Some(2021),
            title: Some("A fictional trial of a fictional service".into()),
        }],
        studies: vec![study("fictional-2021", MATCHED_CITATION, StudyDesign::Rct)],
        ..Intervention::default()
    };
    women.eligibility.anonymous = Some(true);
    let youth = Intervention {
        slug: "fictional-youth-service".into(),
        title: "Fictional Youth Service".into(),
        facet_rows: vec![row(PotentialOffenders, Tertiary, &[Male], &[YoungPeople])],
        countries: vec![country("DE")],
        rating: Some(Rating::Pioneering),
        information_correct_at: date("2020-05"),
        ..Intervention::default()
    };
    let family = Intervention {
        slug: "fictional-family-support".into(),
        title: "Fictional Family Support".into(),
        facet_rows: vec![row(CommunitiesAndFamilies, Secondary, &[Female, Male], &[])],
        countries: vec![country("GB")],
        rating: Some(Rating::Prudent),
        studies: vec![study(
            "fictional-interviews",
            "Example, B. (2022). Fictional interviews with fictional families. Fictional Press.",
            StudyDesign::CaseQualitativeDescriptive,
        )],
        ..Intervention::default()
    };
    let school = Intervention {
        slug: "fictional-school-lessons".into(),
        title: "Fictional School Lessons".into(),
        facet_rows: vec![row(ChildrenAndYoungPeople, Primary, &[], &[Children])],
        countries: vec![country("GB"), country("DE")],
        rating: Some(Rating::Effective),
        information_correct_at: date("2024-01"),
        studies: vec![
            study(
                "fictional-trial-a",
                "Sample, C. (2019). A fictional trial.",
                StudyDesign::Rct,
            ),
            study(
                "fictional-trial-b",
                "Sample, C. (2020). Another fictional trial.",
                StudyDesign::Rct,
            ),
        ],
        ..Intervention::default()
    };
    let formula = Intervention {
        slug: "fictional-formula-title".into(),
        title: FORMULA_TITLE.into(),
        facet_rows: vec![row(PotentialOffenders, Secondary, &[Male], &[Adults])],
        countries: vec![country("GB")],
        information_correct_at: date("2022-06"),
        studies: vec![study(
            FORMULA_STUDY,
            "-Fictional, D. (2018). A fictional report.",
            StudyDesign::UncontrolledCohort,
        )],
        ..Intervention::default()
    };
    vec![women, youth, family, school, formula]
}

/// The example records, the standard fictional fixtures and the records above.
fn records() -> Vec<Intervention> {
    let mut all: Vec<Intervention> = preventory_formats::examples::records()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    all.extend([common::helpline_one(), common::hostile()]);
    all.extend(fictional());
    all
}

async fn get_json(server: &TestServer, path: &str) -> (u16, String, Value) {
    let response = server.get(path).await;
    assert_privacy_headers(path, &response);
    let status = response.status().as_u16();
    let kind = content_type(&response);
    let text = response.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    (status, kind, value)
}

async fn get_html(server: &TestServer, path: &str) -> String {
    let response = server.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    assert_privacy_headers(path, &response);
    assert_eq!(
        content_type(&response),
        "text/html; charset=utf-8",
        "{path}"
    );
    let html = response.text().await.expect("body");
    assert_eq!(html.matches("Exit this page</a>").count(), 1, "{path}");
    html
}

/// `text` as askama escapes it.
fn escaped(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The facet filters of a query string.
fn filters_of(query: &str) -> Vec<(Facet, Vec<String>)> {
    let mut filters: Vec<(Facet, Vec<String>)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').expect("name=value");
        if let Some(facet) = Facet::from_param(name) {
            match filters.iter_mut().find(|(f, _)| *f == facet) {
                Some((_, ids)) => ids.push(value.to_string()),
                None => filters.push((facet, vec![value.to_string()])),
            }
        }
    }
    filters
}

/// Whether `record` passes every filter (any value of a facet; every facet).
fn passes(record: &Intervention, filters: &[(Facet, Vec<String>)]) -> bool {
    filters.iter().all(|(facet, ids)| {
        let held = facet.ids_of(record);
        ids.iter().any(|id| held.contains(id))
    })
}

fn has(record: &Intervention, facet: Facet, id: &str) -> bool {
    facet.ids_of(record).iter().any(|i| i == id)
}

/// The ratings of `records`, in the API's order.
fn by_rating(records: &[&Intervention]) -> [usize; 5] {
    let mut counts = [0; 5];
    for r in records {
        let i = match r.rating {
            Some(Rating::Effective) => 0,
            Some(Rating::Promising) => 1,
            Some(Rating::Prudent) => 2,
            Some(Rating::Pioneering) => 3,
            None => 4,
        };
        counts[i] += 1;
    }
    counts
}

fn ratings_of(value: &Value) -> [usize; 5] {
    ["effective", "promising", "prudent", "pioneering", "unrated"].map(|k| {
        value[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k} in {value}")) as usize
    })
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

/// Checks the API's map for `query` against counts made here; returns it.
async fn check_map(server: &TestServer, records: &[Intervention], query: &str) -> Value {
    let path = format!("/api/v1/gap-map?{query}");
    let (status, kind, map) = get_json(server, &path).await;
    assert_eq!(
        (status, kind.as_str()),
        (200, "application/json"),
        "{path}: {map}"
    );
    let rows_facet =
        Facet::from_param(map["row_facet"].as_str().expect("row_facet")).expect("a facet");
    let cols_facet =
        Facet::from_param(map["col_facet"].as_str().expect("col_facet")).expect("a facet");
    let filters = filters_of(query);
    let matching: Vec<&Intervention> = records.iter().filter(|r| passes(r, &filters)).collect();
    assert_eq!(map["total"], matching.len(), "{path}");

    // The axes: every known value (for countries, those some record names), then the
    // verbatim values of the matching records; only the filtered values when filtered.
    for (facet, listed) in [
        (rows_facet, strings(&map["rows"])),
        (cols_facet, strings(&map["cols"])),
    ] {
        let filtered = filters
            .iter()
            .find(|(f, _)| *f == facet)
            .map(|(_, ids)| ids);
        let mut known: Vec<String> = facet
            .known_values()
            .iter()
            .map(|(id, _)| id.to_string())
            .filter(|id| {
                !matches!(facet, Facet::Country | Facet::Language)
                    || records.iter().any(|r| has(r, facet, id))
            })
            .collect();
        let mut other: BTreeSet<String> = matching
            .iter()
            .flat_map(|r| facet.ids_of(r))
            .filter(|id| !known.contains(id))
            .collect();
        if let Some(ids) = filtered {
            known.retain(|id| ids.contains(id));
            other.retain(|id| ids.contains(id));
        }
        assert_eq!(listed[..known.len()], known[..], "{path}: {facet:?}");
        let tail: BTreeSet<String> = listed[known.len()..].iter().cloned().collect();
        assert_eq!(tail, other, "{path}: {facet:?}");
    }

    let rows = strings(&map["rows"]);
    let cols = strings(&map["cols"]);
    let cells = map["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), rows.len() * cols.len(), "{path}");
    for (i, cell) in cells.iter().enumerate() {
        let (row, col) = (&rows[i / cols.len()], &cols[i % cols.len()]);
        assert_eq!(
            (&cell["row"], &cell["col"]),
            (&Value::from(row.as_str()), &Value::from(col.as_str()))
        );
        let inside: Vec<&Intervention> = matching
            .iter()
            .copied()
            .filter(|r| has(r, rows_facet, row) && has(r, cols_facet, col))
            .collect();
        let what = format!("{path}: cell {row} × {col}");
        assert_eq!(cell["count"], inside.len(), "{what}");
        let ratings = by_rating(&inside);
        assert_eq!(ratings_of(&cell["by_rating"]), ratings, "{what}");
        let supported = ratings[0] + ratings[1] + ratings[2];
        let coverage = match inside.len() {
            0 => "empty",
            n if n <= 2 || supported == 0 => "thin",
            _ => "covered",
        };
        assert_eq!(cell["coverage"], coverage, "{what}");
        let slugs = strings(&cell["slugs"]);
        let expected: BTreeSet<&str> = inside.iter().map(|r| r.slug.as_str()).collect();
        assert!(
            slugs.iter().all(|s| expected.contains(s.as_str())),
            "{what}: {slugs:?}"
        );
        assert_eq!(
            cell["slugs_truncated"],
            slugs.len() < inside.len(),
            "{what}"
        );
    }
    map
}

#[tokio::test]
async fn the_gap_map_api_counts_what_the_records_hold() {
    let records = records();
    let server = start_with(records.clone()).await;
    let map = check_map(&server, &records, "").await;
    assert_eq!(map["row_facet"], "target_group");
    assert_eq!(map["col_facet"], "prevention_level");
    // Something is in the default map, and something is missing from it.
    let cells = map["cells"].as_array().expect("cells");
    assert!(cells.iter().any(|c| c["count"].as_u64() > Some(1)));
    assert!(cells.iter().any(|c| c["coverage"] == "empty"));
    let women = cells
        .iter()
        .find(|c| c["row"] == "potential_offenders" && c["col"] == "secondary")
        .expect("the cell");
    assert!(strings(&women["slugs"]).contains(&"fictional-womens-service".to_string()));

    for query in [
        "gender=female",
        "rows=country&cols=rating",
        "rows=gender&cols=target_group&prevention_level=secondary",
        "rows=gender&cols=target_group&target_group=potential_offenders&target_group=communities_and_families",
        "rows=evidence_level&cols=age_group&country=GB",
        "rows=rating&cols=evidence_level&gender=male&gender=female&country=DE",
        "rows=delivery&cols=subgroup",
        "rows=language&cols=target_group",
    ] {
        check_map(&server, &records, query).await;
    }

    // Slug lists are cut where asked, and say so.
    let map = check_map(&server, &records, "slugs=1").await;
    let cut = map["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["count"].as_u64() > Some(1))
        .expect("a cell of several");
    assert_eq!(strings(&cut["slugs"]).len(), 1);
    assert_eq!(cut["slugs_truncated"], true);
    let map = check_map(&server, &records, "slugs=0").await;
    assert!(map["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .all(|c| strings(&c["slugs"]).is_empty()));

    // Words narrow the map as they narrow a search.
    let (_, _, all) = get_json(&server, "/api/v1/gap-map").await;
    let (_, _, some) = get_json(&server, "/api/v1/gap-map?q=fictional+family").await;
    let (_, _, search) = get_json(
        &server,
        "/api/v1/interventions?q=fictional+family&per_page=1",
    )
    .await;
    assert_eq!(some["total"], search["total"]);
    assert!(some["total"].as_u64() < all["total"].as_u64());
}

#[tokio::test]
async fn bad_requests_are_problems_and_pages_say_so() {
    let server = start_with(records()).await;
    for query in [
        "rows=nonsense",
        "cols=nonsense",
        "rows=access",
        "rows=gender&cols=genders",
        "gender=nonsense",
        "colour=red",
        "sort=title",
        "page=2",
        "slugs=1001",
        "slugs=many",
        "rows=gender&rows=country",
    ] {
        let (status, kind, body) = get_json(&server, &format!("/api/v1/gap-map?{query}")).await;
        assert_eq!(
            (status, kind.as_str()),
            (400, "application/problem+json"),
            "{query}: {body}"
        );
        assert_eq!(body["status"], 400, "{query}");
        assert!(body["detail"].is_string(), "{query}");
    }
    let (status, kind, _) = get_json(&server, "/api/v1/gaps?x=1").await;
    assert_eq!((status, kind.as_str()), (400, "application/problem+json"));
    for path in [
        "/gap-map?rows=nonsense",
        "/gap-map?rows=gender&cols=gender",
        "/gap-map.csv?cols=nonsense",
        "/gap-map/cell?rows=target_group&cols=prevention_level",
        "/strategy?country=nonsense",
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status().as_u16(), 400, "{path}");
        assert_privacy_headers(path, &response);
        assert!(content_type(&response).starts_with("text/html"), "{path}");
    }
    // A cell that is not on its map is not found.
    let response = server
        .get("/gap-map/cell?rows=target_group&cols=prevention_level&row=no_such&col=primary")
        .await;
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn the_map_page_draws_and_tabulates_the_same_numbers() {
    let records = records();
    let server = start_with(records.clone()).await;
    for query in ["", "rows=country&cols=rating&gender=male"] {
        let (_, _, map) = get_json(&server, &format!("/api/v1/gap-map?{query}")).await;
        let html = get_html(&server, &format!("/gap-map?{query}")).await;
        let rows_facet =
            Facet::from_param(map["row_facet"].as_str().expect("row facet")).expect("facet");
        let cols_facet =
            Facet::from_param(map["col_facet"].as_str().expect("col facet")).expect("facet");
        let svg = &html[html.find("<svg class=\"chart\"").expect("the drawing")..];
        let svg = &svg[..svg.find("</svg>").expect("end of the drawing")];
        assert!(svg.contains("role=\"img\""), "{query}");
        assert!(
            svg.contains("<title id=\"gap-map-chart-title\">"),
            "{query}"
        );
        assert!(svg.contains("<desc id=\"gap-map-chart-desc\">"), "{query}");
        let table = &html[html
            .find("<table class=\"data-table gap-table\">")
            .expect("the table")..];
        let table = &table[..table.find("</table>").expect("end of the table")];
        assert!(table.contains("<caption"), "{query}");
        assert!(table.contains("<th scope=\"row\">") && table.contains("<th scope=\"col\">"));

        let cells = map["cells"].as_array().expect("cells");
        let empty = cells.iter().filter(|c| c["count"] == 0).count();
        // One bubble or gap ring per cell, with its count.
        assert_eq!(svg.matches("<circle ").count(), cells.len(), "{query}");
        assert_eq!(
            svg.matches("<circle class=\"chart-gap\"").count(),
            empty,
            "{query}"
        );
        assert_eq!(
            table.matches("<strong>Gap:</strong>").count(),
            empty,
            "{query}"
        );
        for cell in cells {
            let count = cell["count"].as_u64().expect("count");
            let row = cell["row"].as_str().expect("row");
            let col = cell["col"].as_str().expect("col");
            let words = if count == 1 {
                "1 intervention".to_string()
            } else {
                format!("{count} interventions")
            };
            let place = escaped(&format!(
                "{}, {}",
                rows_facet.label_of(row),
                cols_facet.label_of(col)
            ));
            if count > 0 {
                let link = format!("{words}<span class=\"visually-hidden\">: {place}</span></a>");
                assert!(table.contains(&link), "{query}: no {link}");
                assert!(
                    svg.contains(&format!("<title>{place}: {words}, strongest rating")),
                    "{query}: no bubble for {place}"
                );
            } else {
                assert!(
                    svg.contains(&format!("<title>{place}: nothing recorded (a gap)</title>")),
                    "{query}: {place}"
                );
            }
            assert!(
                table.contains(&format!(
                    "Search<span class=\"visually-hidden\"> {place}</span>"
                )),
                "{query}: {place}"
            );
        }
    }
    // The default map's cell of (potential) offenders at secondary level links to the search
    // with both values as filters, and that search finds the same number.
    let html = get_html(&server, "/gap-map").await;
    let href =
        "/search?target_group=potential_offenders&#38;prevention_level=secondary&#38;sort=title";
    assert!(html.contains(href), "no link to the cell's search");
    let expected = records
        .iter()
        .filter(|r| {
            has(r, Facet::TargetGroup, "potential_offenders")
                && has(r, Facet::PreventionLevel, "secondary")
        })
        .count();
    let (_, _, found) = get_json(
        &server,
        "/api/v1/interventions?target_group=potential_offenders&prevention_level=secondary&per_page=1",
    )
    .await;
    assert_eq!(found["total"], expected);
    // The filters of a search carry over to the map, and the search links to it.
    let html = get_html(&server, "/search?gender=female").await;
    assert!(html.contains("href=\"/gap-map?gender=female\""));
    let html = get_html(&server, "/gap-map?gender=female").await;
    assert!(html.contains("<input type=\"hidden\" name=\"gender\" value=\"female\">"));
    assert!(html.contains("aria-current=\"page\">Gap map</a>"));
}

/// The records of the default map's cell of (potential) offenders at secondary level.
fn offenders_secondary(records: &[Intervention]) -> Vec<&Intervention> {
    records
        .iter()
        .filter(|r| {
            has(r, Facet::TargetGroup, "potential_offenders")
                && has(r, Facet::PreventionLevel, "secondary")
        })
        .collect()
}

const CELL: &str = "rows=target_group&cols=prevention_level&row=potential_offenders&col=secondary";

#[tokio::test]
async fn the_drill_down_lists_the_cells_records_and_their_studies() {
    let records = records();
    let server = start_with(records.clone()).await;
    let inside = offenders_secondary(&records);
    assert!(inside.len() > 2, "the cell holds several records");
    let html = get_html(&server, &format!("/gap-map/cell?{CELL}&per_page=100")).await;
    for record in &records {
        let link = format!("<a href=\"/interventions/{}\">", record.slug);
        assert_eq!(
            html.contains(&link),
            inside.iter().any(|r| r.slug == record.slug),
            "{}",
            record.slug
        );
    }
    for record in &inside {
        assert!(
            html.contains(&escaped(record.title.trim())),
            "{}",
            record.slug
        );
        for study in &record.studies {
            assert!(
                html.contains(&format!("<td>{}</td>", escaped(study.reference.trim()))),
                "{}",
                study.id
            );
        }
        if record.studies.is_empty() {
            assert!(html.contains("No studies are recorded for this intervention."));
        }
    }
    assert!(html.contains("Strongest evaluation: Randomised controlled trial"));
    assert!(html.contains("Help-seeking: positive, significant"));

    // A page at a time: the first page of one holds the first record by title only.
    let html = get_html(&server, &format!("/gap-map/cell?{CELL}&per_page=1")).await;
    let shown = inside
        .iter()
        .filter(|r| html.contains(&format!("<a href=\"/interventions/{}\">", r.slug)))
        .count();
    assert_eq!(shown, 1);
    assert!(html.contains("rel=\"next\""));

    // Filters apply: only the women's service is for women in this cell.
    let html = get_html(&server, &format!("/gap-map/cell?{CELL}&gender=female")).await;
    assert!(html.contains("/interventions/fictional-womens-service"));
    assert!(!html.contains("/interventions/fictional-formula-title"));
}

#[tokio::test]
async fn downloads_are_well_formed_and_safe_in_spreadsheets() {
    let records = records();
    let server = start_with(records.clone()).await;

    // The map: a header and one line per cell.
    let (_, _, map) = get_json(&server, "/api/v1/gap-map?rows=target_group&cols=gender").await;
    let response = server
        .get("/gap-map.csv?rows=target_group&cols=gender")
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_privacy_headers("gap-map.csv", &response);
    assert_eq!(content_type(&response), "text/csv; charset=utf-8");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"gap-map.csv\""
    );
    let text = response.text().await.expect("body");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        [
            "row_id",
            "row_label",
            "col_id",
            "col_label",
            "count",
            "effective",
            "promising",
            "prudent",
            "pioneering",
            "unrated",
            "coverage"
        ]
    );
    let lines: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a line")).collect();
    let cells = map["cells"].as_array().expect("cells");
    assert_eq!(
        lines.len(),
        strings(&map["rows"]).len() * strings(&map["cols"]).len()
    );
    for (line, cell) in lines.iter().zip(cells) {
        assert_eq!(line[4], cell["count"].to_string());
        assert_eq!(line[10], *cell["coverage"].as_str().expect("coverage"));
    }
    // The hostile record's verbatim values are there, as text.
    assert!(lines.iter().any(|l| l[1].contains("<script>")));

    // A cell's studies: every record of the cell, formulas neutralised.
    let inside = offenders_secondary(&records);
    let response = server.get(&format!("/gap-map/cell.csv?{CELL}")).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_privacy_headers("cell.csv", &response);
    assert_eq!(content_type(&response), "text/csv; charset=utf-8");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"gap-map-cell-studies.csv\""
    );
    let text = response.text().await.expect("body");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&reader.headers().expect("header")[3], "study_id");
    let lines: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a line")).collect();
    let expected: usize = inside
        .iter()
        .map(|r| {
            r.studies
                .iter()
                .map(|s| s.outcomes.len().max(1))
                .sum::<usize>()
                .max(1)
        })
        .sum();
    assert_eq!(lines.len(), expected);
    let slugs: BTreeSet<&str> = lines.iter().map(|l| l.get(0).expect("slug")).collect();
    assert_eq!(slugs, inside.iter().map(|r| r.slug.as_str()).collect());
    let formula = lines
        .iter()
        .find(|l| &l[0] == "fictional-formula-title")
        .expect("the hostile line");
    assert_eq!(&formula[1], format!("'{FORMULA_TITLE}"));
    assert_eq!(&formula[3], format!("'{FORMULA_STUDY}"));
    for line in &lines {
        for field in line.iter() {
            assert!(
                !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{field:?}"
            );
        }
    }

    // RIS: one record per study, each from TY to ER.
    let response = server.get(&format!("/gap-map/cell.ris?{CELL}")).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_privacy_headers("cell.ris", &response);
    assert_eq!(
        content_type(&response),
        "application/x-research-info-systems"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"gap-map-cell-studies.ris\""
    );
    let text = response.text().await.expect("body");
    let studies: usize = inside.iter().map(|r| r.studies.len()).sum();
    assert!(studies > 1);
    let mut entries = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(
            line.len() >= 5 && line.as_bytes()[2..5] == *b"  -",
            "not a RIS line: {line:?}"
        );
        if line.starts_with("TY  - ") {
            assert!(current.is_none(), "TY inside a record");
            current = Some(vec![line]);
        } else {
            let record = current.as_mut().expect("a line outside a record");
            record.push(line);
            if line.trim_end() == "ER  -" {
                entries.push(current.take().expect("record"));
            }
        }
    }
    assert!(current.is_none(), "the last record does not end with ER");
    assert!(text.ends_with("ER  - \r\n"));
    assert_eq!(entries.len(), studies);
    let matched = entries
        .iter()
        .find(|e| e.contains(&"TI  - A fictional trial of a fictional service"))
        .expect("the matched study");
    assert_eq!(matched[0], "TY  - JOUR");
    assert!(matched.contains(&"AU  - Fictional, A."));
    assert!(matched.contains(&"PY  - 2021"));
    assert!(entries
        .iter()
        .any(|e| e[0] == "TY  - RPRT" && e[1].starts_with("T1  - ")));
    assert!(entries
        .iter()
        .all(|e| e.iter().any(|l| l.starts_with("N1  - Design: "))));
}

#[tokio::test]
async fn the_gaps_report_counts_what_the_records_hold() {
    let records = records();
    let server = start_with(records.clone()).await;
    let (status, _, report) = get_json(&server, "/api/v1/gaps").await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["total"], records.len());
    let html = get_html(&server, "/gaps").await;

    let named = report["named_gaps"].as_array().expect("named gaps");
    assert_eq!(named.len(), named_gaps().len());
    for (gap, json) in named_gaps().iter().zip(named) {
        let filters: Vec<(Facet, Vec<String>)> = gap
            .filters
            .iter()
            .map(|(f, ids)| (*f, ids.iter().map(|s| s.to_string()).collect()))
            .collect();
        let inside: Vec<&Intervention> = records.iter().filter(|r| passes(r, &filters)).collect();
        assert_eq!(json["id"], gap.id);
        assert_eq!(json["count"], inside.len(), "{}", gap.id);
        assert_eq!(
            ratings_of(&json["by_rating"]),
            by_rating(&inside),
            "{}",
            gap.id
        );
        let words = if inside.len() == 1 {
            "1 intervention".to_string()
        } else {
            format!("{} interventions", inside.len())
        };
        assert!(
            html.contains(&format!(
                "{words}<span class=\"visually-hidden\"> for {}</span>",
                escaped(gap.title)
            )),
            "{}: {words}",
            gap.id
        );
    }
    // Women who offend or may offend: counted by hand from the fixtures.
    let women = records
        .iter()
        .filter(|r| {
            has(r, Facet::TargetGroup, "potential_offenders") && has(r, Facet::Gender, "female")
        })
        .count();
    assert!(women >= 2, "the fixtures hold at least two");
    assert_eq!(named[0]["count"], women);

    // Evaluations and dates.
    let without = records.iter().filter(|r| r.studies.is_empty()).count();
    assert_eq!(report["without_evaluation"], without);
    // "Today" is June 2024 in tests: old means confirmed before June 2022.
    assert_eq!(report["information_before"], "2022-06");
    let before = PartialDate::parse_iso("2022-06").expect("date");
    let older = records
        .iter()
        .filter(|r| {
            r.information_correct_at
                .is_some_and(|d| d.months_until(before.year, 6) > 0)
        })
        .count();
    let undated = records
        .iter()
        .filter(|r| r.information_correct_at.is_none())
        .count();
    assert_eq!(report["older_than_two_years"], older);
    assert_eq!(report["undated"], undated);
    assert!(older > 0 && undated > 0);
    assert!(html.contains(&format!(
        ">{without}</a> interventions have no study recorded."
    )));
    assert!(html.contains(&format!(
        "{older} interventions were last confirmed before June 2022."
    )));
    assert!(html.contains(&format!("{undated} interventions do not say when")));

    // Ratings and evidence levels, in charts and tables.
    let all: Vec<&Intervention> = records.iter().collect();
    let ratings = by_rating(&all);
    assert_eq!(ratings_of(&report["ratings"]), ratings);
    for (label, count) in [
        "Effective",
        "Promising",
        "Prudent",
        "Pioneering",
        "Not rated",
    ]
    .iter()
    .zip(ratings)
    {
        assert!(
            html.contains(&format!("<tr><th scope=\"row\">{label}</th><td><a href=")),
            "{label}"
        );
        assert!(
            html.contains(&format!(
                ">{count}<span class=\"visually-hidden\"> rated {label}</span>"
            )),
            "{label}"
        );
    }
    for (id, label) in Facet::EvidenceLevel.known_values() {
        let count = records
            .iter()
            .filter(|r| has(r, Facet::EvidenceLevel, id))
            .count();
        assert_eq!(report["evidence_levels"][id], count, "{id}");
        assert!(
            html.contains(&format!(
                ">{count}<span class=\"visually-hidden\"> with {}</span>",
                escaped(label)
            )),
            "{id}"
        );
    }
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 2);
    assert!(html.contains("aria-labelledby=\"ratings-chart-title ratings-chart-desc\""));

    // The empty cells of the default map are listed.
    let (_, _, map) = get_json(&server, "/api/v1/gap-map").await;
    let empty: Vec<&Value> = map["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .filter(|c| c["count"] == 0)
        .collect();
    assert_eq!(
        report["empty_cells"].as_array().map(Vec::len),
        Some(empty.len())
    );
    assert!(!empty.is_empty());
    let section = &html[html.find("Empty: nothing recorded").expect("the list")..];
    let section = &section[..section.find("<h3>").expect("next heading")];
    assert_eq!(
        section.matches("<strong>Gap:</strong>").count(),
        empty.len()
    );
}

#[tokio::test]
async fn the_strategy_matrix_lists_interventions_and_marks_gaps() {
    let records = records();
    let server = start_with(records.clone()).await;
    let foci = [
        "potential_offenders",
        "children_and_young_people",
        "communities_and_families",
        "situations_and_places",
    ];
    let levels = ["primary", "secondary", "tertiary"];
    for (query, country) in [("", None), ("?country=DE", Some("DE"))] {
        let html = get_html(&server, &format!("/strategy{query}")).await;
        let table = &html[html
            .find("<table class=\"data-table strategy\">")
            .expect("the matrix")..];
        let table = &table[..table.find("</table>").expect("its end")];
        let in_place: Vec<&Intervention> = records
            .iter()
            .filter(|r| country.is_none_or(|c| has(r, Facet::Country, c)))
            .collect();
        let mut empty = 0;
        for focus in foci {
            for level in levels {
                let n = in_place
                    .iter()
                    .filter(|r| {
                        has(r, Facet::TargetGroup, focus) && has(r, Facet::PreventionLevel, level)
                    })
                    .count();
                if n == 0 {
                    empty += 1;
                }
            }
        }
        assert!(empty > 0, "{query}: the fixtures leave a gap");
        assert_eq!(
            table
                .matches("<strong>Gap:</strong> nothing recorded")
                .count(),
            empty,
            "{query}"
        );
        // Records of other countries are not named.
        for record in &records {
            let named = table.contains(&format!("<a href=\"/interventions/{}\">", record.slug));
            let eligible = in_place.iter().any(|r| r.slug == record.slug)
                && foci.iter().any(|f| has(record, Facet::TargetGroup, f))
                && levels
                    .iter()
                    .any(|l| has(record, Facet::PreventionLevel, l));
            if !eligible {
                assert!(!named, "{query}: {} is named", record.slug);
            }
        }
        if let Some(c) = country {
            assert!(html.contains(&format!("<option value=\"{c}\" selected>")));
            assert!(table.contains("/interventions/fictional-youth-service"));
            assert!(!table.contains("/interventions/fictional-womens-service"));
        } else {
            assert!(html.contains("<option value=\"\" selected>All countries</option>"));
        }
    }
    // Over five in a cell: five named, then "and N more" linking to the search.
    let many: Vec<Intervention> = (0..7)
        .map(|i| Intervention {
            slug: format!("fictional-place-{i}"),
            title: format!("Fictional Place {i}"),
            facet_rows: vec![row(
                TargetGroup::SituationsAndPlaces,
                PreventionLevel::Primary,
                &[],
                &[],
            )],
            ..Intervention::default()
        })
        .collect();
    let server = start_with(many).await;
    let html = get_html(&server, "/strategy").await;
    assert_eq!(
        html.matches("<a href=\"/interventions/fictional-place-")
            .count(),
        5
    );
    assert!(html.contains("and 2 more<span class=\"visually-hidden\">"));
    assert!(html.contains(
        "/search?target_group=situations_and_places&#38;prevention_level=primary&#38;sort=rating"
    ));
    assert_eq!(
        html.matches("<strong>Gap:</strong> nothing recorded")
            .count(),
        11
    );
}

#[tokio::test]
async fn the_new_pages_set_no_cookie_and_carry_the_navigation() {
    let server = start_with(records()).await;
    for path in [
        "/gap-map",
        &format!("/gap-map/cell?{CELL}"),
        "/gaps",
        "/strategy",
        "/gap-map?rows=country&cols=evidence_level&q=fictional",
    ] {
        let html = get_html(&server, path).await;
        for (href, label) in [
            ("/gap-map", "Gap map"),
            ("/gaps", "Gaps"),
            ("/strategy", "Strategy matrix"),
        ] {
            assert!(
                html.contains(&format!("<li><a href=\"{href}\"")),
                "{path}: {label}"
            );
        }
        assert!(!html.contains(" style="), "{path}: an inline style");
    }
    for path in [
        "/gap-map.csv",
        &format!("/gap-map/cell.csv?{CELL}"),
        &format!("/gap-map/cell.ris?{CELL}"),
        "/api/v1/gap-map",
        "/api/v1/gaps",
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_privacy_headers(path, &response);
    }
}
