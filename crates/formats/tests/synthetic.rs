//! Tests of the synthetic record generator: determinism, counts, uniqueness, fictional contact
//! data, and coverage of the layout variations the real export shows.

use preventory_core::slug::slugify;
use preventory_core::vocab::{
    AgeGroup, Delivery, Gender, Language, MatchQuality, PreventionLevel, Subgroup, TargetGroup,
    Vocabulary,
};
use preventory_formats::synthetic::{self, SyntheticFile};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

const SEED: u64 = 20_240_601;

/// Five hundred files, generated once for all tests in this binary.
fn corpus() -> &'static [SyntheticFile] {
    static CORPUS: OnceLock<Vec<SyntheticFile>> = OnceLock::new();
    CORPUS.get_or_init(|| synthetic::generate(500, SEED))
}

const FACET_HEADINGS: [&str; 2] = [
    "Target groups, level of prevention and subgroups",
    "Target group/s, level/s of prevention and sub-group/s:",
];

/// Every line the generator writes as a heading, for telling headings from content.
const HEADINGS: &[&str] = &[
    "Database Filters",
    "Summary",
    "Type of intervention",
    "Target groups, level of prevention and subgroups",
    "Target group/s, level/s of prevention and sub-group/s:",
    "Target population",
    "Delivery organisation",
    "Delivery organisation (e.g. LFF UK, Prison Service of England and Wales)",
    "Mode and context of delivery",
    "Level/Nature of staff expertise required",
    "Level/nature of staff expertise required",
    "Level/nature of staff expertise required (e.g. professional background)",
    "Level/Nature of staff expertise required (e.g. professional background)",
    "Intensity/extent of engagement with target group(s)",
    "Description of intervention",
    "Evaluation",
    "Evaluations",
    "References",
    "Contact details",
];

fn is_heading(line: &str) -> bool {
    HEADINGS.contains(&line.trim())
}

fn has_line(text: &str, wanted: &str) -> bool {
    text.lines().any(|l| l == wanted)
}

/// The first non-blank line after the first line equal to `heading`.
fn next_after<'a>(text: &'a str, heading: &str) -> Option<&'a str> {
    nonblank_after(text, heading, 1).into_iter().next()
}

/// Up to `n` non-blank lines after the first line equal to `heading`.
fn nonblank_after<'a>(text: &'a str, heading: &str, n: usize) -> Vec<&'a str> {
    let mut lines = text.lines().skip_while(|l| *l != heading);
    if lines.next().is_none() {
        return Vec::new();
    }
    lines.filter(|l| !l.trim().is_empty()).take(n).collect()
}

/// The index of the first line satisfying `pred`.
fn line_index(text: &str, pred: impl Fn(&str) -> bool) -> Option<usize> {
    text.lines().position(pred)
}

/// Whether a line contains "(YYYY). ", the shape of an author-year citation.
fn has_year_paren(line: &str) -> bool {
    line.match_indices('(').any(|(i, _)| {
        let rest = &line[i + 1..];
        rest.len() >= 7
            && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && rest[4..].starts_with("). ")
    })
}

fn is_facet_line(line: &str) -> bool {
    line.contains(" | ")
}

fn facet_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| is_facet_line(l)).collect()
}

/// Strips a facet line's bullet and splits it into fields.
fn fields(line: &str) -> Vec<&str> {
    let line = line.trim_start();
    let line = line
        .strip_prefix('\u{2022}')
        .or_else(|| line.strip_prefix('-'))
        .unwrap_or(line)
        .trim();
    line.split(" | ").map(str::trim).collect()
}

/// Items of a field: split on ", " and " & " (but keep labels that contain "&" whole when
/// they match as a whole).
fn items(field: &str) -> Vec<&str> {
    field
        .split(", ")
        .flat_map(|part| {
            if classify(part).is_some() {
                vec![part]
            } else {
                part.split(" & ").collect()
            }
        })
        .collect()
}

/// The facet (canonical position 0–6) and match quality of one facet item, first exact match
/// wins. Memoised: fuzzy matching is slow in debug builds and items repeat a lot.
fn classify(item: &str) -> Option<(usize, MatchQuality)> {
    type Memo = Mutex<HashMap<String, Option<(usize, MatchQuality)>>>;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    let memo = MEMO.get_or_init(Memo::default);
    if let Some(hit) = memo.lock().ok().and_then(|m| m.get(item).copied()) {
        return hit;
    }
    let result = classify_uncached(item);
    if let Ok(mut m) = memo.lock() {
        m.insert(item.to_string(), result);
    }
    result
}

fn classify_uncached(item: &str) -> Option<(usize, MatchQuality)> {
    fn m<T: Vocabulary>(text: &str) -> Option<MatchQuality> {
        T::match_label(text).map(|(_, q)| q)
    }
    let all = [
        m::<TargetGroup>(item),
        m::<PreventionLevel>(item),
        m::<AgeGroup>(item),
        m::<Gender>(item),
        m::<Delivery>(item),
        m::<Subgroup>(item),
        m::<Language>(item),
    ];
    all.iter()
        .position(|q| *q == Some(MatchQuality::Exact))
        .or_else(|| all.iter().position(Option::is_some))
        .and_then(|f| all[f].map(|q| (f, q)))
}

/// The facet of each field of a facet line (by its first classifiable item).
fn field_facets(line: &str) -> Vec<Option<usize>> {
    fields(line)
        .iter()
        .map(|f| {
            items(f)
                .iter()
                .find_map(|i| classify(i))
                .map(|(facet, _)| facet)
        })
        .collect()
}

fn is_label(item: &str) -> bool {
    fn any<T: Vocabulary>(item: &str) -> bool {
        T::all()
            .iter()
            .any(|v| v.label().eq_ignore_ascii_case(item))
    }
    any::<TargetGroup>(item)
        || any::<PreventionLevel>(item)
        || any::<AgeGroup>(item)
        || any::<Gender>(item)
        || any::<Delivery>(item)
        || any::<Subgroup>(item)
        || any::<Language>(item)
}

fn rating_line(text: &str) -> Option<usize> {
    line_index(text, |l| l.to_ascii_lowercase().starts_with("rating:"))
}

fn date_line(text: &str) -> Option<usize> {
    line_index(text, |l| {
        l.to_ascii_lowercase().starts_with("information correct at")
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

type Check = (&'static str, fn(&str) -> bool);

/// Each variation of the real export, as a simple test on a file's text.
fn variations() -> Vec<Check> {
    vec![
        ("leading blank or whitespace-only lines", |t| {
            t.starts_with(char::is_whitespace)
        }),
        ("title on the very first line", |t| {
            !t.starts_with(char::is_whitespace)
        }),
        ("Database Filters marker", |t| {
            has_line(t, "Database Filters")
        }),
        ("no Database Filters marker", |t| {
            !has_line(t, "Database Filters")
        }),
        ("Summary heading", |t| has_line(t, "Summary")),
        ("unlabelled summary after the marker", |t| {
            next_after(t, "Database Filters").is_some_and(|l| !is_heading(l))
        }),
        ("no summary", |t| {
            !has_line(t, "Summary") && next_after(t, "Database Filters").is_none_or(is_heading)
        }),
        ("types on one line, comma-separated", |t| {
            next_after(t, "Type of intervention")
                .is_some_and(|l| l.contains(", ") && !l.contains('|'))
        }),
        ("types one per line", |t| {
            let next = nonblank_after(t, "Type of intervention", 2);
            next.len() == 2
                && next
                    .iter()
                    .all(|l| !l.contains(',') && !l.contains('|') && !is_heading(l))
        }),
        ("facet heading 'Target groups, …'", |t| {
            has_line(t, FACET_HEADINGS[0])
        }),
        ("facet heading 'Target group/s, …:'", |t| {
            has_line(t, FACET_HEADINGS[1])
        }),
        ("no facet heading", |t| {
            FACET_HEADINGS.iter().all(|h| !has_line(t, h))
        }),
        ("facet line with '  • ' bullet", |t| {
            t.lines()
                .any(|l| l.starts_with("  \u{2022} ") && is_facet_line(l))
        }),
        ("facet line with '- ' bullet", |t| {
            t.lines().any(|l| l.starts_with("- ") && is_facet_line(l))
        }),
        ("facet line without bullet", |t| {
            t.lines()
                .any(|l| is_facet_line(l) && !l.starts_with(' ') && !l.starts_with('-'))
        }),
        ("several facet lines", |t| facet_lines(t).len() >= 2),
        ("facet line with all seven fields in canonical order", |t| {
            facet_lines(t)
                .iter()
                .any(|l| field_facets(l) == (0..7).map(Some).collect::<Vec<_>>())
        }),
        (
            "facet line with six fields in canonical order (no sub-groups)",
            |t| {
                facet_lines(t)
                    .iter()
                    .any(|l| field_facets(l) == [0, 1, 2, 3, 4, 6].map(Some).to_vec())
            },
        ),
        ("facet line with fields missing", |t| {
            facet_lines(t).iter().any(|l| {
                let f = field_facets(l);
                f.len() < 6 && f.windows(2).all(|w| w[0] < w[1])
            })
        }),
        ("facet line with fields reordered", |t| {
            facet_lines(t).iter().any(|l| {
                let f = field_facets(l);
                f.iter().all(Option::is_some) && f.windows(2).any(|w| w[0] > w[1])
            })
        }),
        ("prevention levels on their own line", |t| {
            t.lines()
                .any(|l| l.ends_with(" prevention") && !l.contains('|') && l.contains(" & "))
        }),
        ("prose instead of facet lines", |t| {
            FACET_HEADINGS
                .iter()
                .any(|h| next_after(t, h).is_some_and(|l| l.ends_with('.') && !l.contains('|')))
        }),
        ("facet heading with nothing under it", |t| {
            FACET_HEADINGS
                .iter()
                .any(|h| next_after(t, h) == Some("Target population"))
        }),
        ("facet value as an alias", |t| {
            facet_lines(t).iter().any(|l| {
                fields(l)
                    .iter()
                    .flat_map(|f| items(f))
                    .any(|i| matches!(classify(i), Some((_, MatchQuality::Exact))) && !is_label(i))
            })
        }),
        ("facet value with a typo", |t| {
            facet_lines(t).iter().any(|l| {
                fields(l)
                    .iter()
                    .flat_map(|f| items(f))
                    .any(|i| matches!(classify(i), Some((_, MatchQuality::Fuzzy))))
            })
        }),
        ("unknown facet value", |t| {
            facet_lines(t).iter().any(|l| {
                fields(l)
                    .iter()
                    .flat_map(|f| items(f))
                    .any(|i| classify(i).is_none())
            })
        }),
        ("genders joined by ' & '", |t| {
            facet_lines(t).iter().any(|l| l.contains("Male & Female"))
        }),
        ("heading 'Delivery organisation'", |t| {
            has_line(t, "Delivery organisation")
        }),
        (
            "heading 'Delivery organisation' with a trailing no-break space",
            |t| has_line(t, "Delivery organisation\u{a0}"),
        ),
        ("heading 'Delivery organisation (e.g. …)'", |t| {
            has_line(
                t,
                "Delivery organisation (e.g. LFF UK, Prison Service of England and Wales)",
            )
        }),
        ("heading 'Level/Nature of staff expertise required'", |t| {
            has_line(t, "Level/Nature of staff expertise required")
        }),
        ("heading 'Level/nature of staff expertise required'", |t| {
            has_line(t, "Level/nature of staff expertise required")
        }),
        (
            "heading 'Level/nature of staff expertise required (e.g. …)'",
            |t| {
                has_line(
                    t,
                    "Level/nature of staff expertise required (e.g. professional background)",
                )
            },
        ),
        ("heading 'Mode and context of delivery'", |t| {
            has_line(t, "Mode and context of delivery")
        }),
        (
            "heading 'Intensity/extent of engagement with target group(s)'",
            |t| has_line(t, "Intensity/extent of engagement with target group(s)"),
        ),
        ("heading 'Description of intervention'", |t| {
            has_line(t, "Description of intervention")
        }),
        ("heading 'Evaluation'", |t| has_line(t, "Evaluation")),
        ("heading 'Evaluations'", |t| has_line(t, "Evaluations")),
        ("no evaluation heading", |t| {
            !has_line(t, "Evaluation") && !has_line(t, "Evaluations")
        }),
        ("heading 'References'", |t| has_line(t, "References")),
        ("citations without a References heading", |t| {
            !has_line(t, "References") && t.lines().any(has_year_paren)
        }),
        ("citations with '  • ' bullets", |t| {
            t.lines()
                .any(|l| l.starts_with("  \u{2022} ") && has_year_paren(l))
        }),
        ("citations with '- ' bullets", |t| {
            t.lines().any(|l| l.starts_with("- ") && has_year_paren(l))
        }),
        ("plain citations", |t| {
            t.lines()
                .any(|l| l.starts_with(|c: char| c.is_ascii_uppercase()) && has_year_paren(l))
        }),
        ("no references available", |t| {
            has_line(t, "No references available at this time.")
        }),
        ("'  • ' bullets in a section", |t| {
            t.lines()
                .any(|l| l.starts_with("  \u{2022} ") && !is_facet_line(l) && !has_year_paren(l))
        }),
        ("'- ' bullets in a section", |t| {
            t.lines()
                .any(|l| l.starts_with("- ") && !is_facet_line(l) && !has_year_paren(l))
        }),
        ("sub-heading directly followed by text", |t| {
            let lines: Vec<&str> = t.lines().collect();
            lines.windows(2).any(|w| {
                let head = w[0];
                !head.is_empty()
                    && head.len() < 40
                    && !head.ends_with(['.', ':', ','])
                    && !head.starts_with([' ', '-'])
                    && w[1].len() > 80
            })
        }),
        ("heading 'Contact details'", |t| {
            has_line(t, "Contact details")
        }),
        ("multi-line address", |t| {
            has_line(t, "Exampletown") || has_line(t, "Exampletown,")
        }),
        ("one-line address", |t| {
            t.lines().any(|l| l.starts_with("Address: "))
        }),
        ("'Telephone: …'", |t| {
            t.lines().any(|l| l.starts_with("Telephone: "))
        }),
        ("'Main switchboard' then the number", |t| {
            next_after(t, "Main switchboard").is_some_and(|l| {
                l.starts_with(|c: char| c.is_ascii_digit() || c == '(' || c == '+')
            })
        }),
        ("'Email' label then the address", |t| {
            next_after(t, "Email").is_some_and(|l| l.contains('@'))
        }),
        ("'Email: …'", |t| {
            t.lines().any(|l| l.starts_with("Email: "))
        }),
        ("bare email address", |t| {
            t.lines().any(|l| l.contains('@') && !l.contains(' '))
        }),
        ("bare web address", |t| {
            t.lines().any(|l| l.starts_with("https://"))
        }),
        ("'Website: www.example.org'", |t| {
            has_line(t, "Website: www.example.org")
        }),
        ("'Image result for …'", |t| {
            t.lines().any(|l| l.starts_with("Image result for "))
        }),
        ("'RATING: X'", |t| {
            t.lines().any(|l| {
                l.strip_prefix("RATING: ")
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase()))
            })
        }),
        ("'RATING:  X' (two spaces)", |t| {
            t.lines().any(|l| l.starts_with("RATING:  "))
        }),
        ("'RATING:' with no-break spaces", |t| {
            t.lines().any(|l| l.starts_with("RATING:\u{a0}"))
        }),
        ("'Rating: x' in lower case", |t| {
            t.lines().any(|l| {
                l.strip_prefix("Rating: ")
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_lowercase()))
            })
        }),
        ("no rating", |t| rating_line(t).is_none()),
        ("'Information correct at Month YYYY'", |t| {
            t.lines().any(|l| {
                l.strip_prefix("Information correct at ")
                    .is_some_and(|d| MONTHS.iter().any(|m| d.starts_with(m)))
            })
        }),
        ("'INFORMATION CORRECT AT YYYY'", |t| {
            t.lines().any(|l| l.starts_with("INFORMATION CORRECT AT "))
        }),
        ("no date", |t| date_line(t).is_none()),
        (
            "rating before date",
            |t| matches!((rating_line(t), date_line(t)), (Some(r), Some(d)) if r < d),
        ),
        (
            "date before rating",
            |t| matches!((rating_line(t), date_line(t)), (Some(r), Some(d)) if d < r),
        ),
        ("runs of blank lines", |t| t.contains("\n\n\n\n")),
        ("typographic apostrophe", |t| t.contains('\u{2019}')),
        ("en dash", |t| t.contains('\u{2013}')),
        ("trailing newline", |t| t.ends_with('\n')),
        ("no trailing newline", |t| !t.ends_with('\n')),
    ]
}

#[test]
fn every_variation_of_the_real_export_appears() {
    let files = corpus();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, check) in variations() {
        let n = files.iter().filter(|f| check(&f.text)).count();
        counts.insert(name, n);
    }
    let missing: Vec<&&str> = counts
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(k, _)| k)
        .collect();
    assert!(
        missing.is_empty(),
        "variations never generated in {} files: {missing:?}\nall counts: {counts:#?}",
        files.len()
    );
}

#[test]
fn same_seed_same_bytes_and_different_seed_different_files() {
    let a = synthetic::generate(40, 7);
    let b = synthetic::generate(40, 7);
    assert_eq!(a, b);
    let c = synthetic::generate(40, 8);
    assert_ne!(a, c);
    assert!(
        a.iter().zip(&c).filter(|(x, y)| x.text != y.text).count() >= 39,
        "different seeds should give different files"
    );
}

#[test]
fn files_do_not_depend_on_the_run_length() {
    let short = synthetic::generate(5, SEED);
    assert_eq!(short.as_slice(), &corpus()[..5]);
    assert_eq!(synthetic::file(321, 500, SEED), corpus()[321]);
    let streamed: Vec<SyntheticFile> = synthetic::stream(12, SEED).collect();
    assert_eq!(streamed.as_slice(), &corpus()[..12]);
}

#[test]
fn the_count_is_honoured() {
    assert!(synthetic::generate(0, 1).is_empty());
    assert_eq!(synthetic::generate(1, 1).len(), 1);
    assert_eq!(synthetic::generate(37, 1).len(), 37);
    assert_eq!(synthetic::stream(1_000_000, 1).len(), 1_000_000);
    assert_eq!(corpus().len(), 500);
}

fn title_of(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
}

#[test]
fn titles_and_file_names_are_unique_fictional_and_sorted() {
    let files = corpus();
    let mut titles = HashSet::new();
    let mut names = HashSet::new();
    for (i, f) in files.iter().enumerate() {
        let title = title_of(&f.text);
        assert!(
            title.starts_with("Fictional ") || title.starts_with("Example "),
            "{title}"
        );
        assert!(title.ends_with(&format!(" {i:06}")), "{title}");
        assert!(titles.insert(title.to_string()), "duplicate title {title}");
        assert!(
            names.insert(f.file_name.clone()),
            "duplicate {}",
            f.file_name
        );
        let expected = format!("{i:06}_{}.txt", slugify(title));
        assert_eq!(f.file_name, expected);
    }
    let mut sorted: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    sorted.sort_unstable();
    let in_order: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    assert_eq!(sorted, in_order);
}

#[test]
fn file_names_widen_for_very_large_runs() {
    let f = synthetic::file(1_234_567, 2_000_000, 3);
    assert!(f.file_name.starts_with("1234567_"), "{}", f.file_name);
    let f = synthetic::file(42, 2_000_000, 3);
    assert!(f.file_name.starts_with("0000042_"), "{}", f.file_name);
}

/// Digits of a phone-like run, with the UK country code turned back into a leading 0.
fn national_digits(run: &str) -> String {
    let digits: String = run.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("44") {
        Some(rest) if run.trim_start().starts_with(['(', '+']) => {
            if rest.starts_with('0') {
                rest.to_string()
            } else {
                format!("0{rest}")
            }
        }
        _ => digits,
    }
}

/// Runs of characters that could make up a phone number, with ten digits or more.
fn phone_like_runs(line: &str) -> Vec<&str> {
    line.split(|c: char| !(c.is_ascii_digit() || " ()+".contains(c)))
        .filter(|run| run.chars().filter(char::is_ascii_digit).count() >= 10)
        .collect()
}

const RESERVED_PHONE_PREFIXES: [&str; 3] = ["01632960", "07700900", "08081570"];

fn host_is_example(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    ["example.org", "example.com", "example.net"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

#[test]
fn contact_data_is_always_fictional() {
    let mut phones = 0;
    let mut emails = 0;
    let mut sites = 0;
    for f in corpus() {
        for line in f.text.lines() {
            for run in phone_like_runs(line) {
                let digits = national_digits(run);
                assert!(
                    RESERVED_PHONE_PREFIXES
                        .iter()
                        .any(|p| digits.starts_with(p))
                        && digits.len() == 11,
                    "{}: {line:?} has a number outside the drama ranges",
                    f.file_name
                );
                phones += 1;
            }
            for word in line.split_whitespace() {
                let word = word.trim_matches(|c: char| ",.;:()<>\"'".contains(c));
                if word.contains('@') {
                    assert!(
                        word.ends_with("@example.org") || word.ends_with("@example.net"),
                        "{}: email {word:?}",
                        f.file_name
                    );
                    emails += 1;
                }
                let lower = word.to_ascii_lowercase();
                let url = lower
                    .strip_prefix("https://")
                    .or_else(|| lower.strip_prefix("http://"))
                    .or_else(|| lower.starts_with("www.").then_some(lower.as_str()))
                    .or_else(|| {
                        [".org", ".com", ".net", ".uk"]
                            .iter()
                            .any(|tld| lower.split('/').next().unwrap_or("").ends_with(tld))
                            .then_some(lower.as_str())
                    });
                if let Some(rest) = url {
                    if word.contains('@') {
                        continue;
                    }
                    let host = rest.split('/').next().unwrap_or_default();
                    assert!(
                        host_is_example(host),
                        "{}: web address {word:?}",
                        f.file_name
                    );
                    sites += 1;
                }
            }
        }
    }
    assert!(
        phones > 200 && emails > 100 && sites > 100,
        "{phones} {emails} {sites}"
    );
}

#[test]
fn the_checks_recognise_real_looking_contact_data() {
    // Guard against the checks above passing because they see nothing.
    assert_eq!(
        phone_like_runs("Telephone: (44) 0131 496 0000"),
        vec![" (44) 0131 496 0000"]
    );
    assert_eq!(national_digits(" (44) 01632 960123"), "01632960123");
    assert_eq!(national_digits("+44 1632 960123"), "01632960123");
    assert_eq!(national_digits("0808 157 0123"), "08081570123");
    assert!(!host_is_example("www.example.org.evil.test"));
    assert!(host_is_example("fresh-start.example.com"));
}

#[test]
fn wording_is_current_and_nothing_real_is_named() {
    for f in corpus() {
        let lower = f.text.to_lowercase();
        for banned in [
            "child porn",
            "kiddie",
            "lucy faithfull",
            "stop it now",
            "stopso",
        ] {
            assert!(!lower.contains(banned), "{}: {banned}", f.file_name);
        }
    }
}

#[test]
fn sizes_are_like_real_records() {
    let files = corpus();
    let total: usize = files.iter().map(|f| f.text.len()).sum();
    let mean = total / files.len();
    assert!((2_000..=6_000).contains(&mean), "mean size {mean}");
    for f in files {
        assert!(
            (1_000..=16_000).contains(&f.text.len()),
            "{} is {} bytes",
            f.file_name,
            f.text.len()
        );
    }
}

#[test]
fn facet_values_are_mostly_vocabulary_words() {
    let mut known = 0usize;
    let mut unknown = 0usize;
    for f in corpus() {
        for line in facet_lines(&f.text) {
            for field in fields(line) {
                for item in items(field) {
                    match classify(item) {
                        Some(_) => known += 1,
                        None => unknown += 1,
                    }
                }
            }
        }
    }
    assert!(known > 1_000, "{known}");
    assert!(
        unknown * 20 < known,
        "{unknown} unknown of {}",
        known + unknown
    );
}

#[test]
fn write_all_writes_every_file() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("nested").join("synthetic");
    let written = synthetic::write_all(25, SEED, &target)?;
    assert_eq!(written, 25);
    let mut names: Vec<String> = std::fs::read_dir(&target)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    let expected: Vec<String> = corpus()[..25].iter().map(|f| f.file_name.clone()).collect();
    assert_eq!(names, expected);
    for f in &corpus()[..25] {
        assert_eq!(std::fs::read_to_string(target.join(&f.file_name))?, f.text);
    }
    Ok(())
}
