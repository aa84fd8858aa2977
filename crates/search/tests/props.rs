//! No text is an invalid query: whatever people type, the search answers or says the query is
//! too long, and never panics.

mod common;

use preventory_search::{Facet, SearchError, SearchIndex, SearchRequest, Sort};
use proptest::prelude::*;
use std::sync::OnceLock;

fn shared() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut records = common::fictional();
        records.extend(common::examples());
        SearchIndex::in_memory(&common::published(&records)).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn check(request: &SearchRequest) -> Result<(), TestCaseError> {
    match shared().search(request) {
        Ok(r) => {
            prop_assert!(r.results.len() <= r.total);
            prop_assert_eq!(r.facets.len(), Facet::ALL.len());
        }
        Err(SearchError::BadQuery(_)) => {
            let words = request.query.split_whitespace().count();
            prop_assert!(
                request.query.chars().count() > 500 || words > 32 || request.query.len() > 64
            );
        }
        Err(e) => prop_assert!(false, "{:?}: {}", request.query, e),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_is_answered(q in ".{0,120}") {
        check(&SearchRequest::new(q))?;
    }

    #[test]
    fn query_syntax_is_answered(q in r#"[a-z"':()^~*+\-!\[\]{}\\/ ]{0,60}"#) {
        check(&SearchRequest::new(q))?;
    }

    #[test]
    fn words_sorts_and_pages_are_answered(
        words in proptest::collection::vec("[a-z]{1,12}|\"[a-z ]{0,20}\"|programme|child|porn|csam", 0..8),
        sort in 0usize..4,
        page in 0usize..5,
        per_page in 0usize..150,
        gender in proptest::option::of("male|female|other:x"),
    ) {
        let mut request = SearchRequest::new(words.join(" "))
            .sorted(Sort::ALL[sort])
            .page(page, per_page);
        if let Some(g) = gender {
            request = request.filter(Facet::Gender, g);
        }
        check(&request)?;
    }
}
