//! Behaviour of the search engine on fictional, example and synthetic records.

mod common;

use common::{examples, expected_counts, fictional, published, synthetic_records, Fiction};
use preventory_core::{Facet, Intervention};
use preventory_search::{
    IndexOrigin, Listing, SearchError, SearchIndex, SearchRequest, SearchResponse, Sort, META_FILE,
    SCHEMA_VERSION,
};
use std::collections::BTreeMap;
use std::convert::Infallible;

fn index(records: &[Intervention]) -> SearchIndex {
    SearchIndex::in_memory(&published(records)).unwrap_or_else(|e| panic!("{e}"))
}

fn run(index: &SearchIndex, request: &SearchRequest) -> SearchResponse {
    index
        .search(request)
        .unwrap_or_else(|e| panic!("{:?}: {e}", request.query))
}

fn slugs(r: &SearchResponse) -> Vec<&str> {
    r.results.iter().map(|h| h.slug.as_str()).collect()
}

fn find(index: &SearchIndex, q: &str) -> Vec<String> {
    slugs(&run(index, &SearchRequest::new(q).page(1, 100)))
        .into_iter()
        .map(String::from)
        .collect()
}

#[test]
fn stemming_finds_other_forms_of_a_word() {
    let idx = index(&fictional());
    let hits = find(&idx, "treatments");
    assert!(
        hits.contains(&"fictional-treatment-programme".to_string()),
        "{hits:?}"
    );
    // Any case, any form: "Treatment" in the title, "treatment" in the text.
    let hits = find(&idx, "TREATMENTS");
    assert!(
        hits.contains(&"fictional-treatment-programme".to_string()),
        "{hits:?}"
    );
    let hits = find(&idx, "workshop");
    assert_eq!(hits, vec!["example-family-workshops"]);
}

#[test]
fn a_title_match_ranks_above_a_body_match() {
    let idx = index(&fictional());
    // "treatment" is in one title and in the other record's body only.
    let hits = find(&idx, "treatment");
    assert_eq!(
        hits.first().map(String::as_str),
        Some("fictional-treatment-programme")
    );
    assert!(hits.contains(&"example-family-workshops".to_string()));
}

#[test]
fn every_word_must_match_and_more_words_narrow() {
    let idx = index(&fictional());
    let one = find(&idx, "invented");
    let two = find(&idx, "invented workshops");
    assert!(one.len() > two.len());
    assert_eq!(two, vec!["example-family-workshops"]);
    assert!(find(&idx, "invented zzzzunknownword").is_empty());
    // Common words do not narrow (nor empty) the results, unless they are all there is.
    assert_eq!(find(&idx, "the invented workshops of"), two);
    assert_eq!(find(&idx, "zzzz of the"), Vec::<String>::new());
    assert!(!find(&idx, "for").is_empty());
}

#[test]
fn quoted_phrases_match_words_in_a_row_only() {
    let idx = index(&fictional());
    let words = find(&idx, "group work");
    assert!(words.contains(&"placeholder-group-work".to_string()));
    assert!(words.contains(&"sample-school-lessons".to_string()));
    // "work in a group" has both words but not in a row.
    let phrase = find(&idx, "\"work in a group\"");
    assert_eq!(phrase, vec!["placeholder-group-work"]);
    let phrase = find(&idx, "\"group work\"");
    assert!(phrase.contains(&"sample-school-lessons".to_string()));
    assert!(phrase.contains(&"placeholder-group-work".to_string()));
    assert!(!phrase.contains(&"example-family-workshops".to_string()));

    // Every pair of a longer phrase present, but not in a row: no match.
    let records = vec![
        Fiction::new("apart", "Apart")
            .summary("A personal safety check, then a safety plan.")
            .build(),
        Fiction::new("together", "Together")
            .summary("Each has a personal safety plan.")
            .build(),
    ];
    let idx = index(&records);
    assert_eq!(find(&idx, "\"personal safety plan\""), vec!["together"]);
    let mut both = find(&idx, "personal safety plan");
    both.sort();
    assert_eq!(both, vec!["apart", "together"]);
    // Phrases do not run from one field into the next.
    let records = vec![Fiction::new("split", "Ends with personal")
        .summary("Safety plan first.")
        .build()];
    assert!(find(&index(&records), "\"personal safety\"").is_empty());
}

#[test]
fn one_typo_is_tolerated_in_longer_words_and_exact_matches_rank_first() {
    let idx = index(&fictional());
    let hits = find(&idx, "progamme");
    // The record that has the typo itself ranks first; records with "programme" follow.
    assert_eq!(
        hits.first().map(String::as_str),
        Some("dummy-progamme-typo")
    );
    assert!(
        hits.contains(&"fictional-treatment-programme".to_string()),
        "{hits:?}"
    );
    let hits = find(&idx, "programe");
    assert!(
        hits.contains(&"fictional-treatment-programme".to_string()),
        "{hits:?}"
    );
    // Four letters: no tolerance ("grop" is not "group").
    assert!(find(&idx, "grop").is_empty());
    assert!(!find(&idx, "group").is_empty());
}

#[test]
fn typo_tolerance_works_on_the_examples() {
    let idx = index(&examples());
    let exact = find(&idx, "programme");
    let typo = find(&idx, "progamme");
    assert!(!exact.is_empty());
    for slug in &exact {
        assert!(typo.contains(slug), "{slug} not found by the typo");
    }
}

#[test]
fn old_terms_find_services_described_in_preferred_or_legal_terms() {
    let idx = index(&examples());
    let r = run(&idx, &SearchRequest::new("child pornography"));
    let titles: Vec<&str> = r.results.iter().map(|h| h.title.as_str()).collect();
    assert!(
        titles.contains(&"Internet Sex Offender Treatment Programme"),
        "{titles:?}"
    );
    assert_eq!(
        r.expanded_terms.first().map(String::as_str),
        Some("child sexual abuse material")
    );
    assert!(r.expanded_terms.iter().all(|t| !t.contains("porn")));
    assert!(!r.help_seeking);
    // The snippet shows where the record says it in its own words.
    let isotp = r
        .results
        .iter()
        .find(|h| h.title == "Internet Sex Offender Treatment Programme")
        .unwrap_or_else(|| panic!("no I-SOTP"));
    assert!(isotp.snippet.contains("<mark>"), "{}", isotp.snippet);

    // Labels that are not our wording still find the programmes for people convicted.
    let hits = find(&idx, "sex offenders");
    assert!(hits.len() >= 2, "{hits:?}");
}

#[test]
fn help_seeking_phrases_lead_to_confidential_self_referral_services() {
    let idx = index(&fictional());
    let r = run(&idx, &SearchRequest::new("I can't stop looking"));
    assert!(r.help_seeking);
    assert_eq!(slugs(&r).first().copied(), Some("mock-helpline"));
    assert_eq!(
        r.expanded_terms.first().map(String::as_str),
        Some("self-referral")
    );
    // Self-referral given only in the structured eligibility still counts.
    let mut hidden = Fiction::new("quiet-service", "Quiet Service")
        .summary("A fictional service.")
        .self_referral()
        .build();
    hidden.eligibility.anonymous = Some(true);
    let idx = index(&[hidden]);
    assert_eq!(
        find(&idx, "worried about my thoughts"),
        vec!["quiet-service"]
    );
}

#[test]
fn snippets_mark_matches_and_escape_text() {
    let records = vec![Fiction::new("esc", "Escaping Example")
        .summary("Summary <script>alert(1)</script> & more.")
        .section(
            "description",
            "Words before. The <b>treatment</b> programme uses \"quotes\" & ampersands.",
        )
        .build()];
    let idx = index(&records);
    let r = run(&idx, &SearchRequest::new("treatment"));
    let s = &r.results[0].snippet;
    assert!(s.contains("<mark>treatment</mark>"), "{s}");
    assert!(!s.contains("<b>") && !s.contains("<script>"), "{s}");
    assert!(s.contains("&lt;b&gt;"), "{s}");
    // Title-only match: the start of the summary, escaped.
    let r = run(&idx, &SearchRequest::new("escaping"));
    assert!(r.results[0].snippet.starts_with("Summary &lt;script&gt;"));
    // Browsing: the summary too.
    let r = run(&idx, &SearchRequest::default());
    assert!(r.results[0].snippet.starts_with("Summary &lt;script&gt;"));
}

#[test]
fn filters_are_or_within_a_facet_and_and_across_facets() {
    let idx = index(&fictional());
    let r = run(&idx, &SearchRequest::default().filter(Facet::Country, "GB"));
    assert_eq!(r.total, 3);
    let r = run(
        &idx,
        &SearchRequest::default()
            .filter(Facet::Country, "GB")
            .filter(Facet::Country, "DE"),
    );
    assert_eq!(r.total, 4);
    let r = run(
        &idx,
        &SearchRequest::default()
            .filter(Facet::Country, "GB")
            .filter(Facet::Country, "DE")
            .filter(Facet::PreventionLevel, "secondary"),
    );
    let mut got = slugs(&r);
    got.sort();
    assert_eq!(got, vec!["dummy-progamme-typo", "mock-helpline"]);
    let r = run(
        &idx,
        &SearchRequest::default().filter(Facet::Rating, "unrated"),
    );
    assert_eq!(r.total, 2);
    // An unknown value matches nothing, and is not an error.
    let r = run(
        &idx,
        &SearchRequest::default().filter(Facet::Gender, "nonexistent"),
    );
    assert_eq!(r.total, 0);
    assert_eq!(r.facets["genders"]["nonexistent"], 0);
    // Verbatim values filter too.
    let r = run(
        &idx,
        &SearchRequest::default().filter(Facet::Gender, "other:Non-binary pupils"),
    );
    assert_eq!(slugs(&r), vec!["sample-school-lessons"]);
}

#[test]
fn facet_counts_list_every_known_value_and_present_other_values() {
    let idx = index(&fictional());
    let r = run(&idx, &SearchRequest::default());
    assert_eq!(r.facets.len(), Facet::ALL.len());
    for f in Facet::ALL {
        let counts = &r.facets[f.plural()];
        for (id, _) in f.known_values() {
            assert!(counts.contains_key(id), "{} lacks {id}", f.plural());
        }
    }
    assert_eq!(r.facets["genders"]["other:Non-binary pupils"], 1);
    assert_eq!(r.facets["ratings"]["unrated"], 2);
    assert_eq!(r.facets["ratings"]["effective"], 1);
    assert_eq!(r.facets["countries"]["FR"], 0);
}

#[test]
fn facet_counts_are_disjunctive_and_agree_with_the_records() {
    let records = synthetic_records(400, 7);
    let idx = index(&records);
    let all: Vec<&Intervention> = records.iter().collect();
    let combos: Vec<Vec<(Facet, &str)>> = vec![
        vec![],
        vec![(Facet::Gender, "male")],
        vec![(Facet::Gender, "male"), (Facet::Gender, "female")],
        vec![
            (Facet::PreventionLevel, "primary"),
            (Facet::Delivery, "online"),
        ],
        vec![
            (Facet::TargetGroup, "potential_offenders"),
            (Facet::AgeGroup, "adults"),
            (Facet::Rating, "unrated"),
            (Facet::Rating, "effective"),
        ],
        vec![
            (Facet::Language, "en"),
            (Facet::Country, "GB"),
            (Facet::Subgroup, "parents_and_carers"),
        ],
    ];
    for query in ["", "programme", "\"group work\"", "online safety"] {
        // The records the query matches, taken from the index with no filters.
        let everything = run(&idx, &SearchRequest::new(query).page(1, 0));
        let mut matched: Vec<&Intervention> = Vec::new();
        let mut page = 1;
        loop {
            let r = run(&idx, &SearchRequest::new(query).page(page, 100));
            if r.results.is_empty() {
                break;
            }
            for h in &r.results {
                matched.extend(all.iter().filter(|x| x.slug == h.slug));
            }
            page += 1;
        }
        assert_eq!(matched.len(), everything.total, "{query}");
        for combo in &combos {
            let mut request = SearchRequest::new(query).page(1, 0);
            for (f, v) in combo {
                request = request.filter(*f, *v);
            }
            let r = run(&idx, &request);
            let expected = expected_counts(&matched, &request.filters);
            for (facet, counts) in &r.facets {
                for (id, n) in counts {
                    let want = expected[facet].get(id).copied().unwrap_or(0);
                    assert_eq!(*n, want, "{query:?} {combo:?}: {facet}.{id}");
                }
                for (id, n) in &expected[facet] {
                    assert_eq!(
                        counts.get(id),
                        Some(n),
                        "{query:?} {combo:?}: {facet}.{id} missing"
                    );
                }
            }
            // The total is the records passing every filter.
            let want_total = matched
                .iter()
                .filter(|r| {
                    request
                        .filters
                        .iter()
                        .all(|(f, ids)| f.ids_of(r).iter().any(|id| ids.contains(id)))
                })
                .count();
            assert_eq!(r.total, want_total, "{query:?} {combo:?}");
        }
    }
}

#[test]
fn sorting_by_title_rating_and_recency() {
    let idx = index(&fictional());
    let by = |sort| {
        let r = run(&idx, &SearchRequest::default().sorted(sort));
        slugs(&r).into_iter().map(String::from).collect::<Vec<_>>()
    };
    let title = by(Sort::Title);
    assert_eq!(
        title,
        vec![
            "dummy-progamme-typo",
            "example-family-workshops",
            "fictional-treatment-programme",
            "mock-helpline",
            "placeholder-group-work", // lowercase title sorts among the others
            "sample-school-lessons",
        ]
    );
    // No query: relevance means title order.
    assert_eq!(by(Sort::Relevance), title);
    assert_eq!(
        by(Sort::Rating),
        vec![
            "fictional-treatment-programme", // effective
            "example-family-workshops",      // promising
            "placeholder-group-work",        // prudent
            "sample-school-lessons",         // pioneering
            "dummy-progamme-typo",           // unrated, by title
            "mock-helpline",
        ]
    );
    assert_eq!(
        by(Sort::Recent),
        vec![
            "mock-helpline",                 // 2023-01
            "placeholder-group-work",        // 2021-11
            "fictional-treatment-programme", // 2021-03
            "example-family-workshops",      // 2019
            "dummy-progamme-typo",           // unknown, by title
            "sample-school-lessons",
        ]
    );
    // A query sorted another way keeps its matches and the order.
    let r = run(&idx, &SearchRequest::new("invented").sorted(Sort::Title));
    let got = slugs(&r);
    let mut sorted = got.clone();
    sorted.sort_by_key(|s| title.iter().position(|t| t == s));
    assert_eq!(got, sorted);
}

#[test]
fn sorting_large_and_small_result_sets_agrees_with_a_plain_sort() {
    let records = synthetic_records(300, 3);
    let idx = index(&records);
    for query in ["", "programme", "lantern"] {
        for sort in [Sort::Title, Sort::Rating, Sort::Recent] {
            let r = run(&idx, &SearchRequest::new(query).sorted(sort).page(1, 100));
            let keys: Vec<(u8, std::cmp::Reverse<Option<String>>, String)> = r
                .results
                .iter()
                .map(|h| {
                    let rating = match h.rating.as_deref() {
                        Some("effective") => 0,
                        Some("promising") => 1,
                        Some("prudent") => 2,
                        Some("pioneering") => 3,
                        _ => 4,
                    };
                    match sort {
                        Sort::Rating => (rating, std::cmp::Reverse(None), h.title.to_lowercase()),
                        Sort::Recent => (
                            u8::from(h.information_correct_at.is_none()),
                            std::cmp::Reverse(h.information_correct_at.clone()),
                            h.title.to_lowercase(),
                        ),
                        _ => (0, std::cmp::Reverse(None), h.title.to_lowercase()),
                    }
                })
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted, "{query:?} {sort:?}");
        }
    }
}

#[test]
fn relevance_pages_are_consistent() {
    let records = synthetic_records(200, 11);
    let idx = index(&records);
    let all = run(&idx, &SearchRequest::new("programme").page(1, 100));
    let mut paged = Vec::new();
    for p in 1..=10 {
        let r = run(&idx, &SearchRequest::new("programme").page(p, 10));
        assert_eq!(r.total, all.total);
        paged.extend(r.results.into_iter().map(|h| h.slug));
    }
    let first: Vec<String> = all.results.iter().map(|h| h.slug.clone()).collect();
    assert_eq!(paged, first);
}

#[test]
fn paging_bounds() {
    let idx = index(&fictional());
    let r = run(&idx, &SearchRequest::default().page(2, 4));
    assert_eq!(r.total, 6);
    assert_eq!(r.results.len(), 2);
    let r = run(&idx, &SearchRequest::default().page(3, 4));
    assert!(r.results.is_empty());
    assert_eq!(r.total, 6);
    let r = run(&idx, &SearchRequest::default().page(usize::MAX, usize::MAX));
    assert!(r.results.is_empty());
    let r = run(&idx, &SearchRequest::default().page(0, 10));
    assert!(r.results.is_empty());
    // per_page 0: counts only.
    let r = run(&idx, &SearchRequest::default().page(1, 0));
    assert!(r.results.is_empty());
    assert_eq!(r.facets["ratings"]["unrated"], 2);
    // Above the maximum: lowered.
    let many = synthetic_records(120, 5);
    let idx = index(&many);
    let r = run(&idx, &SearchRequest::default().page(1, 1000));
    assert_eq!(r.results.len(), preventory_search::MAX_PER_PAGE);
}

#[test]
fn upserts_and_removals_are_visible_at_once() {
    let idx = index(&fictional());
    assert_eq!(idx.len(), 6);
    assert!(find(&idx, "zebracrossing").is_empty());
    let new = Fiction::new("zebra-project", "Zebra Project")
        .summary("A fictional zebracrossing project.")
        .build();
    idx.upsert(&[Listing::published(new)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(find(&idx, "zebracrossing"), vec!["zebra-project"]);
    assert_eq!(idx.len(), 7);

    // Replacing keeps one copy, with the new text and facets.
    let changed = Fiction::new("zebra-project", "Zebra Project")
        .summary("Now about giraffes.")
        .rating(Some(preventory_core::Rating::Effective))
        .build();
    idx.upsert(&[Listing::published(changed)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(find(&idx, "zebracrossing").is_empty());
    assert_eq!(find(&idx, "giraffes"), vec!["zebra-project"]);
    assert_eq!(idx.len(), 7);
    let r = run(&idx, &SearchRequest::default().page(1, 0));
    assert_eq!(r.facets["ratings"]["effective"], 2);

    assert!(idx
        .remove("zebra-project")
        .unwrap_or_else(|e| panic!("{e}")));
    assert!(!idx
        .remove("zebra-project")
        .unwrap_or_else(|e| panic!("{e}")));
    assert!(find(&idx, "giraffes").is_empty());
    assert_eq!(idx.len(), 6);
    let r = run(&idx, &SearchRequest::default().page(1, 0));
    assert_eq!(r.total, 6);
    assert_eq!(r.facets["ratings"]["effective"], 1);
    // Text of a removed record is not found, other records are.
    assert_eq!(find(&idx, "workshops"), vec!["example-family-workshops"]);
}

#[test]
fn bad_queries_are_rejected_with_a_clear_message() {
    let idx = index(&fictional());
    let long = "a".repeat(501);
    match idx.search(&SearchRequest::new(long)) {
        Err(SearchError::BadQuery(m)) => assert!(m.contains("500"), "{m}"),
        other => panic!("{other:?}"),
    }
    let many = vec!["word"; 33].join(" ");
    match idx.search(&SearchRequest::new(many)) {
        Err(SearchError::BadQuery(m)) => assert!(m.contains("32"), "{m}"),
        other => panic!("{other:?}"),
    }
    let ok = vec!["word"; 32].join(" ");
    assert!(idx.search(&SearchRequest::new(ok)).is_ok());
    assert!(idx.search(&SearchRequest::new("a".repeat(500))).is_ok());
}

#[test]
fn query_syntax_characters_are_plain_text() {
    let idx = index(&fictional());
    for q in [
        "\"",
        "\"\"",
        ":",
        "title:zebra",
        "(group",
        "group)",
        "^2",
        "group^3",
        "work~1",
        "*",
        "gro*",
        "+group -work",
        "AND OR NOT",
        "[a TO z]",
        "\\",
        "'",
        "can't",
        "group \"work",
        "   ",
        "…",
        "💥",
        "\u{0}",
    ] {
        let r = idx.search(&SearchRequest::new(q));
        assert!(r.is_ok(), "{q:?}: {r:?}");
    }
    assert_eq!(find(&idx, "group)"), find(&idx, "group"));
    assert_eq!(find(&idx, "title:workshops"), Vec::<String>::new());
    assert_eq!(find(&idx, "(workshops)"), vec!["example-family-workshops"]);
}

#[test]
fn rebuilt_when_missing_or_of_another_schema_version() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("index");
    let records = fictional();
    let mut calls = 0;
    let idx = SearchIndex::open_or_build(&path, || {
        calls += 1;
        Ok::<_, Infallible>(published(&records))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(idx.origin(), IndexOrigin::Built { .. }));
    assert_eq!(calls, 1);
    // Changes made through the index are kept on disk.
    idx.upsert(&[Listing::published(
        Fiction::new("kept-edit", "Kept Edit").build(),
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    drop(idx);

    let idx = SearchIndex::open_or_build(&path, || {
        calls += 1;
        Ok::<_, Infallible>(Vec::new())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.origin(), &IndexOrigin::Opened);
    assert_eq!(calls, 1);
    assert_eq!(idx.len(), 7);
    assert_eq!(
        find(&idx, "treatments").first().map(String::as_str),
        Some("fictional-treatment-programme")
    );
    let r = run(
        &idx,
        &SearchRequest::default().sorted(Sort::Rating).page(1, 1),
    );
    assert_eq!(slugs(&r), vec!["fictional-treatment-programme"]);
    assert_eq!(r.facets["ratings"]["unrated"], 3);
    drop(idx);

    std::fs::write(
        path.join(META_FILE),
        format!("preventory-search schema {}\n", SCHEMA_VERSION + 1),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let idx = SearchIndex::open_or_build(&path, || {
        calls += 1;
        Ok::<_, Infallible>(published(&records[..2]))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    match idx.origin() {
        IndexOrigin::Built { reason } => assert!(reason.contains("version"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls, 2);
    assert_eq!(idx.len(), 2);
    drop(idx);

    // Built with another thesaurus: concepts were found with other wordings, so rebuilt.
    let meta = std::fs::read_to_string(path.join(META_FILE)).unwrap_or_else(|e| panic!("{e}"));
    let first_line = meta.lines().next().unwrap_or_default().to_string();
    std::fs::write(
        path.join(META_FILE),
        format!("{first_line}\nthesaurus 0000000000000000\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let idx = SearchIndex::open_or_build(&path, || Ok::<_, Infallible>(published(&records)))
        .unwrap_or_else(|e| panic!("{e}"));
    match idx.origin() {
        IndexOrigin::Built { reason } => assert!(reason.contains("thesaurus"), "{reason}"),
        other => panic!("{other:?}"),
    }
    drop(idx);

    // A meta file that says nothing useful: rebuilt too.
    std::fs::write(path.join(META_FILE), "garbage").unwrap_or_else(|e| panic!("{e}"));
    let idx = SearchIndex::open_or_build(&path, || Ok::<_, Infallible>(published(&records)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(idx.origin(), IndexOrigin::Built { .. }));
    assert_eq!(idx.len(), 6);
    drop(idx);

    // Tantivy's files gone: rebuilt.
    std::fs::remove_file(path.join("meta.json")).unwrap_or_else(|e| panic!("{e}"));
    let idx = SearchIndex::open_or_build(&path, || Ok::<_, Infallible>(published(&records)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(idx.origin(), IndexOrigin::Built { .. }));
}

#[test]
fn a_folder_of_other_files_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("precious.txt"), "keep me").unwrap_or_else(|e| panic!("{e}"));
    let r = SearchIndex::open_or_build(dir.path(), || Ok::<_, Infallible>(published(&fictional())));
    assert!(matches!(r, Err(SearchError::NotAnIndex(_))), "{r:?}");
    assert!(dir.path().join("precious.txt").exists());
    // An empty folder is fine.
    let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let idx = SearchIndex::open_or_build(empty.path(), || {
        Ok::<_, Infallible>(published(&fictional()))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.len(), 6);
}

#[test]
fn failing_to_get_records_is_reported() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let r = SearchIndex::open_or_build(&dir.path().join("i"), || Err("store is down"));
    match r {
        Err(SearchError::Records(e)) => assert_eq!(e.to_string(), "store is down"),
        other => panic!("{other:?}"),
    }
}

/// A build from many batches gives the index one batch gives; a batch that fails stops the
/// build, and the next open builds again rather than using a half-built index.
#[test]
fn built_batch_by_batch_as_from_one_batch() {
    let records = synthetic_records(250, 11);
    let whole = index(&records);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("batched");
    let failing = SearchIndex::open_or_build_in_batches(&path, || {
        records
            .chunks(40)
            .take(3)
            .map(|c| Ok(published(c)))
            .chain(std::iter::once(Err("the store went away")))
    });
    assert!(
        matches!(&failing, Err(SearchError::Records(e)) if e.to_string() == "the store went away"),
        "{failing:?}"
    );
    drop(failing);
    let mut asked = 0;
    let batched = SearchIndex::open_or_build_in_batches(&path, || {
        records.chunks(40).map(|c| {
            asked += 1;
            Ok::<_, Infallible>(published(c))
        })
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(batched.origin(), IndexOrigin::Built { .. }));
    assert_eq!(asked, 7);
    assert_eq!(batched.len(), 250);
    for r in [
        SearchRequest::new("programme"),
        SearchRequest::new("").filter(Facet::Gender, "female"),
        SearchRequest::new("group work")
            .sorted(Sort::Title)
            .page(2, 7),
    ] {
        assert_eq!(run(&batched, &r), run(&whole, &r), "{r:?}");
    }
}

#[test]
fn an_empty_index_answers() {
    let idx = index(&[]);
    assert!(idx.is_empty());
    let r = run(&idx, &SearchRequest::new("anything"));
    assert_eq!(r.total, 0);
    assert_eq!(r.facets["ratings"]["unrated"], 0);
    let r = run(&idx, &SearchRequest::default());
    assert_eq!(r.total, 0);
}

#[test]
fn duplicate_slugs_in_one_batch_keep_the_last() {
    let a = Fiction::new("same", "First Version").build();
    let b = Fiction::new("same", "Second Version").build();
    let idx = index(&[a, b]);
    assert_eq!(idx.len(), 1);
    assert_eq!(find(&idx, "second"), vec!["same"]);
    assert!(find(&idx, "first").is_empty());
}

#[test]
fn filters_map_is_order_free() {
    let idx = index(&fictional());
    let mut f1 = BTreeMap::new();
    f1.insert(
        Facet::Gender,
        vec!["female".to_string(), "male".to_string()],
    );
    let mut f2 = BTreeMap::new();
    f2.insert(
        Facet::Gender,
        vec!["male".to_string(), "female".to_string()],
    );
    let a = run(
        &idx,
        &SearchRequest {
            filters: f1,
            ..SearchRequest::default()
        },
    );
    let b = run(
        &idx,
        &SearchRequest {
            filters: f2,
            ..SearchRequest::default()
        },
    );
    assert_eq!(a, b);
}

#[test]
fn searches_run_while_records_are_written() {
    let idx = std::sync::Arc::new(index(&fictional()));
    let reader = {
        let idx = std::sync::Arc::clone(&idx);
        std::thread::spawn(move || {
            for _ in 0..50 {
                let r = idx
                    .search(&SearchRequest::new("invented"))
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(r.total >= 4);
            }
        })
    };
    for i in 0..10 {
        let r = Fiction::new(&format!("extra-{i}"), &format!("Extra {i}"))
            .summary("Another invented record.")
            .build();
        idx.upsert(&[Listing::published(r)])
            .unwrap_or_else(|e| panic!("{e}"));
    }
    reader.join().unwrap_or_else(|_| panic!("reader panicked"));
    assert_eq!(idx.len(), 16);
    assert!(idx.contains("extra-9"));
    assert_eq!(run(&idx, &SearchRequest::new("invented")).total, 4 + 10);
    assert_eq!(idx.origin(), &IndexOrigin::Memory);
}

#[test]
fn a_rebuild_replaces_everything() {
    let idx = index(&fictional());
    let records = vec![
        Fiction::new("only-one", "Only One")
            .summary("Invented.")
            .build(),
        Fiction::new("only-one", "Only One Again")
            .summary("Invented twice.")
            .build(),
        Fiction::new("second", "Second").build(),
    ];
    idx.rebuild(&published(&records))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.len(), 2);
    assert!(!idx.contains("mock-helpline"));
    assert_eq!(find(&idx, "invented"), vec!["only-one"]);
    assert_eq!(find(&idx, "twice"), vec!["only-one"]);
    let r = run(&idx, &SearchRequest::default());
    assert_eq!(r.total, 2);
    assert_eq!(r.facets["ratings"]["unrated"], 2);
    assert_eq!(r.facets["countries"]["GB"], 0);
}

/// Cached answers are the answers the search gives, and a change to the index is seen at once:
/// an answer is never reused across generations.
#[test]
fn the_result_cache_answers_as_the_search_does_and_forgets_on_change() {
    let records = synthetic_records(200, 7);
    let plain = index(&records);
    let cached = index(&records);
    assert!(cached.cache_stats().is_none());
    assert!(cached.enable_result_cache(64));
    assert!(!cached.enable_result_cache(64), "turned on once only");
    let requests = [
        SearchRequest::new("programme"),
        SearchRequest::new("group work").filter(Facet::Gender, "male"),
        SearchRequest::new("").sorted(Sort::Rating).page(2, 10),
        SearchRequest::new("child pornography"),
    ];
    for _round in 0..3 {
        for r in &requests {
            assert_eq!(run(&cached, r), run(&plain, r), "{r:?}");
        }
    }
    let stats = cached.cache_stats().unwrap_or_default();
    assert_eq!((stats.misses, stats.hits), (4, 8), "{stats:?}");
    // The same filters in another order and with repeats are the same search.
    let shuffled = SearchRequest::new("group work")
        .filter(Facet::Gender, "male")
        .filter(Facet::Gender, "male");
    assert_eq!(run(&cached, &shuffled), run(&plain, &requests[1]));
    assert_eq!(cached.cache_stats().map(|s| s.hits), Some(9));

    // A new record matching a cached search appears in the next answer.
    let unique = SearchRequest::new("zebrafinch");
    assert_eq!(run(&cached, &unique).total, 0);
    assert_eq!(run(&cached, &unique).total, 0);
    let mut extra = fictional()
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no fictional record"));
    extra.slug = "fictional-cache-check".into();
    extra.title = "Zebrafinch programme".into();
    cached
        .upsert(&[Listing::published(extra.clone())])
        .unwrap_or_else(|e| panic!("{e}"));
    let after = run(&cached, &unique);
    assert_eq!(
        slugs(&after),
        vec!["fictional-cache-check"],
        "a stale answer was served"
    );
    assert_eq!(
        run(&cached, &requests[0]).total,
        run(&plain, &requests[0]).total + 1
    );
}

/// The records a request's filters keep, worked out from the records themselves.
fn kept_by_filters<'a>(
    records: &'a [Intervention],
    request: &SearchRequest,
) -> Vec<&'a Intervention> {
    records
        .iter()
        .filter(|r| {
            request
                .filters
                .iter()
                .all(|(f, ids)| ids.is_empty() || f.ids_of(r).iter().any(|id| ids.contains(id)))
        })
        .collect()
}

/// Every slug a request matches, read page by page from the search itself.
fn all_slugs(idx: &SearchIndex, request: &SearchRequest) -> BTreeMap<String, ()> {
    let mut out = BTreeMap::new();
    for page in 1.. {
        let r = run(idx, &request.clone().page(page, 100));
        if r.results.is_empty() {
            break;
        }
        out.extend(r.results.into_iter().map(|h| (h.slug, ())));
    }
    out
}

/// A cell's ratings and its records' (title key, slug), counted from the records.
type CellExpectation = (preventory_core::gaps::RatingCounts, Vec<(String, String)>);

/// Gap-map cells counted independently: for each record kept, every pair of its row and
/// column values, with its rating.
#[test]
fn gap_map_counts_agree_with_the_records() {
    let mut records = synthetic_records(400, 21);
    records.extend(examples());
    let idx = index(&records);
    let cases = [
        (
            SearchRequest::default(),
            Facet::TargetGroup,
            Facet::PreventionLevel,
        ),
        (
            SearchRequest::default().filter(Facet::Gender, "female"),
            Facet::AgeGroup,
            Facet::Rating,
        ),
        (
            SearchRequest::new("programme"),
            Facet::Delivery,
            Facet::EvidenceLevel,
        ),
        (
            SearchRequest::new("")
                .filter(Facet::Delivery, "phone")
                .filter(Facet::Delivery, "online"),
            Facet::Country,
            Facet::Gender,
        ),
    ];
    for (request, rows, cols) in cases {
        let map = idx
            .gap_map(&request, rows, cols, 5)
            .unwrap_or_else(|e| panic!("{e}"));
        let matching = all_slugs(&idx, &request);
        let kept: Vec<&Intervention> = kept_by_filters(&records, &request)
            .into_iter()
            .filter(|r| matching.contains_key(&r.slug))
            .collect();
        assert_eq!(map.total, kept.len(), "{request:?}");
        let mut expected: BTreeMap<(String, String), CellExpectation> = BTreeMap::new();
        for r in &kept {
            for row in rows.ids_of(r) {
                for col in cols.ids_of(r) {
                    let e = expected.entry((row.clone(), col)).or_default();
                    e.0.add(r.rating, 1);
                    e.1.push((r.title.to_lowercase(), r.slug.clone()));
                }
            }
        }
        // Every known value is a row (every one in use, for countries), so empty cells show.
        if rows != Facet::Country {
            for (id, _) in rows.known_values() {
                assert!(map.rows.iter().any(|r| r == id), "{id} missing from rows");
            }
        }
        assert_eq!(map.cells.len(), map.rows.len() * map.cols.len());
        for cell in &map.cells {
            let key = (cell.row.clone(), cell.col.clone());
            let (by_rating, mut titles) = expected.remove(&key).unwrap_or_default();
            assert_eq!(cell.count, by_rating.total(), "{key:?} in {request:?}");
            assert_eq!(cell.by_rating, by_rating, "{key:?}");
            titles.sort();
            let first: Vec<String> = titles.into_iter().take(5).map(|t| t.1).collect();
            assert_eq!(cell.slugs, first, "{key:?}: the first by title");
        }
        assert!(
            expected.is_empty(),
            "pairs no cell counts: {:?}",
            expected.keys().collect::<Vec<_>>()
        );
    }
}

#[test]
fn records_dated_before_a_month_are_counted() {
    let records = synthetic_records(300, 5);
    let idx = index(&records);
    let before = 2024 * 12; // January 2024
    let (older, unknown) = idx
        .count_dated_before(&SearchRequest::default(), before)
        .unwrap_or_else(|e| panic!("{e}"));
    let expect_unknown = records
        .iter()
        .filter(|r| r.information_correct_at.is_none())
        .count();
    let expect_older = records
        .iter()
        .filter_map(|r| r.information_correct_at)
        .filter(|d| u32::from(d.year) * 12 + u32::from(d.month.unwrap_or(1)) - 1 < before)
        .count();
    assert_eq!((older, unknown), (expect_older, expect_unknown));
    assert!(
        older > 0 && older < records.len(),
        "the fixture spans the boundary"
    );
}

/// Records with varied eligibility for signposting: the synthetic ones carry none, so each is
/// given one from its position, and a few share a title so that ties are broken by slug.
fn signposting_records() -> Vec<Intervention> {
    use preventory_core::eligibility::{AskingFor, FormatAgeLimits, JusticeStage, Situation};
    use preventory_core::vocab::{Country, Delivery, Gender, Language, Term, Vocabulary};
    let mut records = fictional();
    records.extend(examples());
    records.extend(synthetic_records(120, 11));
    for (i, r) in records.iter_mut().enumerate() {
        let e = &mut r.eligibility;
        let pick = |n: usize| (i * 7 + n * 13) % 5;
        e.age_min = [None, Some(12), Some(18), Some(21), None][pick(0)];
        e.age_max = (pick(1) == 0).then_some(17);
        if pick(2) == 1 {
            e.formats = vec![FormatAgeLimits {
                delivery: Term::Known(Delivery::GroupWork),
                age_min: Some(21),
                age_max: None,
            }];
        }
        fn some_of<T>(all: Vec<T>, k: usize) -> Option<Vec<T>> {
            (k > 0).then(|| all.into_iter().skip(k - 1).step_by(2).collect())
        }
        e.genders = some_of(Gender::all(), pick(3));
        e.serves = some_of(AskingFor::all(), pick(4));
        e.situations = some_of(Situation::all(), pick(5));
        e.justice_stages = some_of(JusticeStage::all(), pick(6));
        e.anonymous = [None, Some(true), Some(false), Some(true), None][pick(7)];
        e.remote = [None, Some(true), Some(false), None, Some(false)][pick(8)];
        e.languages = some_of(
            ["en", "de"]
                .iter()
                .filter_map(|l| Language::from_id(l))
                .collect(),
            pick(9),
        );
        if pick(10) == 2 {
            r.countries = Country::from_id("DE")
                .map(Term::Known)
                .into_iter()
                .collect();
        }
        if i % 17 == 3 {
            r.title = "Fictional Shared Title".into();
        }
    }
    records
}

fn signposting_profiles() -> Vec<preventory_core::matching::Profile> {
    use preventory_core::eligibility::{AskingFor, JusticeStage, Situation};
    use preventory_core::matching::Profile;
    use preventory_core::vocab::{Country, Gender, Language, Vocabulary};
    vec![
        Profile::default(),
        Profile {
            age: Some(19),
            gender: Some(Gender::Male),
            asking_for: Some(AskingFor::ForSelf),
            situations: vec![Situation::ViewingCsam],
            justice_stage: Some(JusticeStage::ConvictedCommunity),
            country: Country::from_id("GB"),
            language: Language::from_id("en"),
            needs_anonymity: Some(false),
            remote_only: Some(false),
        },
        Profile {
            needs_anonymity: Some(true),
            remote_only: Some(true),
            country: Country::from_id("DE"),
            ..Profile::default()
        },
        // Closed to almost everything, so relaxations are given.
        Profile {
            age: Some(3),
            gender: Some(Gender::Female),
            needs_anonymity: Some(true),
            remote_only: Some(true),
            language: Language::from_id("cy"),
            ..Profile::default()
        },
    ]
}

/// The index's signposting, from its precompiled keys and title order, is the matching
/// engine's over the same records, after edits and when reopened from disk too.
#[test]
fn signposting_over_the_index_is_the_engine_over_the_records() {
    use preventory_core::matching::{self, SignpostOptions};
    fn check(idx: &SearchIndex, records: &[Intervention]) {
        let views: Vec<Intervention> = records.iter().map(Intervention::matching_view).collect();
        for profile in signposting_profiles() {
            for limit in [Some(0), Some(1), Some(7), None] {
                let options = SignpostOptions { limit };
                let ours = idx
                    .signpost(&SearchRequest::default(), &profile, &options)
                    .unwrap_or_else(|e| panic!("{e}"));
                let engine = matching::signpost_with(&profile, &views, &options);
                assert_eq!(ours, engine, "{profile:?}, limit {limit:?}");
            }
        }
    }
    let mut records = signposting_records();
    let relaxed = matching::signpost(&signposting_profiles()[3], &records);
    assert!(!relaxed.relaxations.is_empty(), "{:?}", relaxed.counts);

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("index");
    let idx = SearchIndex::open_or_build(&path, || Ok::<_, Infallible>(published(&records)))
        .unwrap_or_else(|e| panic!("{e}"));
    check(&idx, &records);

    // A removal leaves a hole; an edit and a new record change titles and keys.
    let gone = records.remove(5).slug;
    assert!(idx.remove(&gone).unwrap_or_else(|e| panic!("{e}")));
    records[0].title = "Aaa First Now".into();
    records[0].eligibility.anonymous = Some(true);
    let mut new = records[1].clone();
    new.slug = "a-new-record".into();
    records.push(new);
    let changed = [records[0].clone(), records[records.len() - 1].clone()];
    idx.upsert(&published(&changed))
        .unwrap_or_else(|e| panic!("{e}"));
    check(&idx, &records);
    drop(idx);

    let idx = SearchIndex::open_or_build(&path, || Ok::<_, Infallible>(Vec::new()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.origin(), &IndexOrigin::Opened);
    check(&idx, &records);
}

/// The fictional collection with "mock-helpline" discontinued and the rest published.
fn with_discontinued_helpline() -> Vec<Listing> {
    fictional()
        .into_iter()
        .map(|r| {
            if r.slug == "mock-helpline" {
                Listing::discontinued(r)
            } else {
                Listing::published(r)
            }
        })
        .collect()
}

/// A discontinued service is kept and marked, but a search nobody widened does not find it,
/// by its words, its facets or any order; asked for, it is found and marked.
#[test]
fn discontinued_records_are_found_only_when_asked_for_and_marked() {
    let idx =
        SearchIndex::in_memory(&with_discontinued_helpline()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.len(), 6);
    assert!(idx.contains("mock-helpline"));

    assert_eq!(find(&idx, "helpline"), Vec::<String>::new());
    for sort in Sort::ALL {
        let r = run(&idx, &SearchRequest::default().sorted(sort).page(1, 100));
        assert_eq!(r.total, 5, "{sort:?}");
        assert!(!slugs(&r).contains(&"mock-helpline"), "{sort:?}");
        assert!(r.results.iter().all(|h| !h.discontinued), "{sort:?}");
    }
    let phone = SearchRequest::default().filter(Facet::Delivery, "phone");
    assert_eq!(run(&idx, &phone).total, 0);

    let wide = SearchRequest::new("helpline").with_discontinued(true);
    let r = run(&idx, &wide);
    assert_eq!(slugs(&r), vec!["mock-helpline"]);
    assert!(r.results[0].discontinued);
    assert_eq!(run(&idx, &phone.clone().with_discontinued(true)).total, 1);
    for sort in Sort::ALL {
        let r = run(
            &idx,
            &SearchRequest::default()
                .sorted(sort)
                .page(1, 100)
                .with_discontinued(true),
        );
        assert_eq!(r.total, 6, "{sort:?}");
        let marked: Vec<&str> = r
            .results
            .iter()
            .filter(|h| h.discontinued)
            .map(|h| h.slug.as_str())
            .collect();
        assert_eq!(marked, vec!["mock-helpline"], "{sort:?}");
    }
}

/// Facet counts, gap maps and the count of old information leave discontinued records out
/// unless the request includes them.
#[test]
fn counts_and_gap_maps_leave_discontinued_records_out_by_default() {
    let listings = with_discontinued_helpline();
    let idx = SearchIndex::in_memory(&listings).unwrap_or_else(|e| panic!("{e}"));
    let published: Vec<&Intervention> = listings
        .iter()
        .filter(|l| l.status == preventory_search::Status::Published)
        .map(|l| &l.record)
        .collect();
    let everything: Vec<&Intervention> = listings.iter().map(|l| &l.record).collect();
    for (include, records) in [(false, &published), (true, &everything)] {
        for request in [
            SearchRequest::default(),
            SearchRequest::default().filter(Facet::Country, "GB"),
            SearchRequest::new("adults"),
        ] {
            let request = request.with_discontinued(include);
            let r = run(&idx, &request);
            let words: Vec<String> = find_all(&idx, &request.query);
            let matched: Vec<&Intervention> = records
                .iter()
                .copied()
                .filter(|rec| request.query.is_empty() || words.contains(&rec.slug))
                .collect();
            let expected = expected_counts(&matched, &request.filters);
            for (facet, counts) in &r.facets {
                for (id, n) in counts {
                    let want = expected[facet].get(id).copied().unwrap_or(0);
                    assert_eq!(*n, want, "{include} {request:?}: {facet}.{id}");
                }
            }
        }
    }
    let r = run(&idx, &SearchRequest::default().page(1, 0));
    assert_eq!(r.facets["delivery"]["phone"], 0);
    assert_eq!(r.facets["ratings"]["unrated"], 1);
    assert_eq!(r.facets["countries"]["GB"], 2);
    let r = run(
        &idx,
        &SearchRequest::default().page(1, 0).with_discontinued(true),
    );
    assert_eq!(r.facets["delivery"]["phone"], 1);
    assert_eq!(r.facets["ratings"]["unrated"], 2);
    assert_eq!(r.facets["countries"]["GB"], 3);

    let map = |include: bool| {
        idx.gap_map(
            &SearchRequest::default().with_discontinued(include),
            Facet::TargetGroup,
            Facet::PreventionLevel,
            100,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let narrow = map(false);
    assert_eq!(narrow.total, 5);
    assert!(narrow
        .cells
        .iter()
        .all(|c| !c.slugs.iter().any(|s| s == "mock-helpline")));
    let wide = map(true);
    assert_eq!(wide.total, 6);
    assert!(wide
        .cells
        .iter()
        .any(|c| c.slugs.iter().any(|s| s == "mock-helpline")));

    // Before June 2024: dated 2021-03, 2019 and 2021-11 (and the helpline's 2023-01 when
    // included); two records have no date.
    let june_2024 = 2024 * 12 + 5;
    let dated = |include: bool| {
        idx.count_dated_before(
            &SearchRequest::default().with_discontinued(include),
            june_2024,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(dated(false), (3, 2));
    assert_eq!(dated(true), (4, 2));
}

/// The slugs a search finds, discontinued records included.
fn find_all(index: &SearchIndex, q: &str) -> Vec<String> {
    slugs(&run(
        index,
        &SearchRequest::new(q).page(1, 100).with_discontinued(true),
    ))
    .into_iter()
    .map(String::from)
    .collect()
}

/// Signposting never offers a discontinued service, even to a request that includes them:
/// its answer is the engine's over the published records only.
#[test]
fn signposting_never_offers_discontinued_services() {
    use preventory_core::matching::{self, SignpostOptions};
    let listings = with_discontinued_helpline();
    let idx = SearchIndex::in_memory(&listings).unwrap_or_else(|e| panic!("{e}"));
    let published: Vec<Intervention> = listings
        .iter()
        .filter(|l| l.status == preventory_search::Status::Published)
        .map(|l| l.record.matching_view())
        .collect();
    let options = SignpostOptions::default();
    for profile in signposting_profiles() {
        for include in [false, true] {
            let request = SearchRequest::default().with_discontinued(include);
            let ours = idx
                .signpost(&request, &profile, &options)
                .unwrap_or_else(|e| panic!("{e}"));
            let engine = matching::signpost_with(&profile, &published, &options);
            assert_eq!(ours, engine, "{profile:?}");
            let offered = ours.results.iter().chain(&ours.helplines);
            assert!(
                offered
                    .map(|m| m.slug.as_str())
                    .all(|s| s != "mock-helpline"),
                "{profile:?}"
            );
        }
    }
    // The helpline is a helpline for everyone while it runs.
    idx.upsert(&[Listing::published(
        fictional()
            .into_iter()
            .find(|r| r.slug == "mock-helpline")
            .unwrap_or_else(|| panic!("no helpline")),
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    let now = idx
        .signpost(
            &SearchRequest::default(),
            &preventory_core::matching::Profile::default(),
            &options,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(now.results.iter().any(|m| m.slug == "mock-helpline"));
}

/// A status change is an upsert: published → discontinued → published moves the record in
/// and out of default searches; a status that is not public takes it out of the index.
#[test]
fn status_changes_are_upserts() {
    let idx = index(&fictional());
    let helpline = fictional()
        .into_iter()
        .find(|r| r.slug == "mock-helpline")
        .unwrap_or_else(|| panic!("no helpline"));
    assert_eq!(find(&idx, "helpline"), vec!["mock-helpline"]);
    idx.upsert(&[Listing::discontinued(helpline.clone())])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(find(&idx, "helpline"), Vec::<String>::new());
    assert_eq!(find_all(&idx, "helpline"), vec!["mock-helpline"]);
    assert_eq!(idx.len(), 6);
    idx.upsert(&[Listing::published(helpline.clone())])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(find(&idx, "helpline"), vec!["mock-helpline"]);
    for hidden in [
        preventory_search::Status::Draft,
        preventory_search::Status::InReview,
    ] {
        idx.upsert(&[Listing::new(helpline.clone(), hidden)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!idx.contains("mock-helpline"), "{hidden:?}");
        assert_eq!(find_all(&idx, "helpline"), Vec::<String>::new());
        assert_eq!(idx.len(), 5);
        idx.upsert(&[Listing::discontinued(helpline.clone())])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(find_all(&idx, "helpline"), vec!["mock-helpline"]);
    }
    // Several records taken out at once, in one commit; unknown and repeated slugs are
    // skipped.
    let removed = idx
        .remove_all(&[
            "mock-helpline",
            "sample-school-lessons",
            "no-such-record",
            "mock-helpline",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(removed, 2);
    assert_eq!(idx.len(), 4);
    assert!(!idx.contains("mock-helpline") && !idx.contains("sample-school-lessons"));
    assert_eq!(find_all(&idx, "lessons"), Vec::<String>::new());
    assert_eq!(
        idx.remove_all::<&str>(&[])
            .unwrap_or_else(|e| panic!("{e}")),
        0
    );

    // A build leaves records that are not public out.
    let mut listings = with_discontinued_helpline();
    listings[0].status = preventory_search::Status::Draft;
    let draft = listings[0].record.slug.clone();
    idx.rebuild(&listings).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.len(), 5);
    assert!(!idx.contains(&draft));
}

/// Over a larger collection, a default search gives what an index of the published records
/// alone gives (totals, counts and, in title order, the results), and a widened one what an
/// index of everything gives.
#[test]
fn a_default_search_is_a_search_of_the_published_records() {
    let records = synthetic_records(240, 23);
    let listings: Vec<Listing> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i % 3 == 0 {
                Listing::discontinued(r.clone())
            } else {
                Listing::published(r.clone())
            }
        })
        .collect();
    let mixed = SearchIndex::in_memory(&listings).unwrap_or_else(|e| panic!("{e}"));
    let only_published: Vec<Intervention> = listings
        .iter()
        .filter(|l| l.status == preventory_search::Status::Published)
        .map(|l| l.record.clone())
        .collect();
    let published_index = index(&only_published);
    let everything = index(&records);
    for request in [
        SearchRequest::default(),
        SearchRequest::new("programme"),
        SearchRequest::new("group work").filter(Facet::Gender, "male"),
        SearchRequest::default().filter(Facet::Country, "GB"),
        SearchRequest::new("progamme"),
    ] {
        for sort in [Sort::Title, Sort::Rating, Sort::Recent] {
            let request = request.clone().sorted(sort).page(1, 100);
            let ours = run(&mixed, &request);
            let theirs = run(&published_index, &request);
            assert_eq!(ours.total, theirs.total, "{request:?}");
            assert_eq!(ours.facets, theirs.facets, "{request:?}");
            assert_eq!(slugs(&ours), slugs(&theirs), "{request:?}");

            let wide = request.clone().with_discontinued(true);
            let ours = run(&mixed, &wide);
            let theirs = run(&everything, &request);
            assert_eq!(ours.total, theirs.total, "{wide:?}");
            assert_eq!(ours.facets, theirs.facets, "{wide:?}");
            assert_eq!(slugs(&ours), slugs(&theirs), "{wide:?}");
        }
    }
}

/// The status is kept on disk: a reopened index still leaves the discontinued record out of
/// default searches and marks it in wider ones.
#[test]
fn the_status_survives_reopening_an_index() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("index");
    let idx =
        SearchIndex::open_or_build(&path, || Ok::<_, Infallible>(with_discontinued_helpline()))
            .unwrap_or_else(|e| panic!("{e}"));
    // A change of status made through the index is kept too.
    let workshops = fictional()
        .into_iter()
        .find(|r| r.slug == "example-family-workshops")
        .unwrap_or_else(|| panic!("no workshops"));
    idx.upsert(&[Listing::discontinued(workshops)])
        .unwrap_or_else(|e| panic!("{e}"));
    drop(idx);

    let idx = SearchIndex::open_or_build(&path, || Ok::<_, Infallible>(Vec::new()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.origin(), &IndexOrigin::Opened);
    assert_eq!(idx.len(), 6);
    assert_eq!(find(&idx, "helpline"), Vec::<String>::new());
    assert_eq!(find(&idx, "workshops"), Vec::<String>::new());
    let r = run(
        &idx,
        &SearchRequest::default()
            .page(1, 100)
            .with_discontinued(true),
    );
    let mut marked: Vec<&str> = r
        .results
        .iter()
        .filter(|h| h.discontinued)
        .map(|h| h.slug.as_str())
        .collect();
    marked.sort_unstable();
    assert_eq!(marked, vec!["example-family-workshops", "mock-helpline"]);
    assert_eq!(run(&idx, &SearchRequest::default()).total, 4);
}

/// A cached answer without discontinued records is never served to a request that includes
/// them, nor the other way round.
#[test]
fn the_result_cache_tells_the_two_searches_apart() {
    let idx =
        SearchIndex::in_memory(&with_discontinued_helpline()).unwrap_or_else(|e| panic!("{e}"));
    assert!(idx.enable_result_cache(16));
    for _ in 0..2 {
        assert_eq!(run(&idx, &SearchRequest::new("helpline")).total, 0);
        assert_eq!(
            run(
                &idx,
                &SearchRequest::new("helpline").with_discontinued(true)
            )
            .total,
            1
        );
    }
    let stats = idx.cache_stats().unwrap_or_default();
    assert_eq!((stats.misses, stats.hits), (2, 2), "{stats:?}");
}
