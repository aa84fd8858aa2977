//! Reading a search from a query string, shared by the results page and the API.
//!
//! The query string is read by hand into a multimap, because a facet may be repeated
//! (`gender=male&gender=female` means either) and every value must be checked: an unknown
//! facet value, a page of 0 or an unknown sort is a client error (400), never a 500.
//!
//! Discontinued services are left out of a search unless it says
//! `include=discontinued` ([`INCLUDE_PARAM`], [`INCLUDE_DISCONTINUED`]): the name says the
//! search is widened, never narrowed to discontinued services only. The search page's
//! checkbox "Include discontinued services" sends exactly this.

use crate::error::WebError;
use preventory_core::vocab::OTHER_PREFIX;
use preventory_core::Facet;
use preventory_search::{SearchRequest, Sort, MAX_PER_PAGE};
use std::collections::BTreeMap;

/// Results per page when the client does not say.
pub(crate) const DEFAULT_PER_PAGE: usize = 20;

/// The parameter that widens a search: `include=discontinued`.
pub(crate) const INCLUDE_PARAM: &str = "include";

/// The one value of [`INCLUDE_PARAM`]: discontinued services are searched too, and marked.
pub(crate) const INCLUDE_DISCONTINUED: &str = "discontinued";

/// The most facet values one request may filter by, so a request's size stays bounded.
const MAX_FILTER_VALUES: usize = 200;

/// What to do with parameter names that mean nothing here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnknownNames {
    /// Reject them (the API: a misspelt parameter should not silently be ignored).
    Reject,
    /// Ignore them (pages: shared links may carry extra parameters).
    Ignore,
}

/// A search as read from a query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchParams {
    /// The words searched for, trimmed.
    pub query: String,
    /// Selected facet values, each list sorted and without duplicates.
    pub filters: BTreeMap<Facet, Vec<String>>,
    /// The order.
    pub sort: Sort,
    /// The page, from 1.
    pub page: usize,
    /// Results per page.
    pub per_page: usize,
    /// Whether discontinued services are searched too (`include=discontinued`).
    pub include_discontinued: bool,
}

impl Default for SearchParams {
    fn default() -> Self {
        SearchParams {
            query: String::new(),
            filters: BTreeMap::new(),
            sort: Sort::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            include_discontinued: false,
        }
    }
}

fn bad(message: impl Into<String>) -> WebError {
    WebError::BadRequest(message.into())
}

/// Whether `id` can be a value of `facet`: a known id, or a verbatim `other:` value.
fn valid_value(facet: Facet, id: &str) -> bool {
    id.strip_prefix(OTHER_PREFIX)
        .is_some_and(|rest| !rest.trim().is_empty())
        || facet.known_values().iter().any(|(known, _)| *known == id)
}

impl SearchParams {
    /// Reads `raw` (the query string without `?`, or `None`).
    pub fn parse(raw: Option<&str>, unknown: UnknownNames) -> Result<SearchParams, WebError> {
        let mut params = SearchParams::default();
        let (mut seen_q, mut seen_sort, mut seen_page, mut seen_per_page, mut seen_include) =
            (false, false, false, false, false);
        let mut filter_values = 0usize;
        for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let once = |seen: &mut bool| {
                if std::mem::replace(seen, true) {
                    Err(bad(format!("the parameter {name} may be given only once")))
                } else {
                    Ok(())
                }
            };
            match name.as_ref() {
                "q" => {
                    once(&mut seen_q)?;
                    params.query = value.trim().to_string();
                }
                "sort" => {
                    once(&mut seen_sort)?;
                    params.sort = Sort::from_param(value.trim()).ok_or_else(|| {
                        bad("sort must be one of relevance, title, rating or recent")
                    })?;
                }
                "page" => {
                    once(&mut seen_page)?;
                    params.page = value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|p| *p >= 1)
                        .ok_or_else(|| bad("page must be a whole number of 1 or more"))?;
                }
                "per_page" => {
                    once(&mut seen_per_page)?;
                    params.per_page = value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                        .ok_or_else(|| {
                            bad(format!(
                                "per_page must be a whole number from 1 to {MAX_PER_PAGE}"
                            ))
                        })?;
                }
                INCLUDE_PARAM => {
                    once(&mut seen_include)?;
                    // An empty value is "not ticked", as for facets.
                    match value.trim() {
                        "" => {}
                        INCLUDE_DISCONTINUED => params.include_discontinued = true,
                        _ => {
                            return Err(bad(format!(
                                "{INCLUDE_PARAM} must be {INCLUDE_DISCONTINUED}"
                            )))
                        }
                    }
                }
                other => match Facet::from_param(other) {
                    Some(facet) => {
                        let value = value.trim();
                        if value.is_empty() {
                            continue;
                        }
                        if !valid_value(facet, value) {
                            return Err(bad(format!(
                                "a value given for {} is not one of its known values",
                                facet.param()
                            )));
                        }
                        filter_values += 1;
                        if filter_values > MAX_FILTER_VALUES {
                            return Err(bad(format!(
                                "at most {MAX_FILTER_VALUES} filter values may be given"
                            )));
                        }
                        params
                            .filters
                            .entry(facet)
                            .or_default()
                            .push(value.to_string());
                    }
                    None if unknown == UnknownNames::Ignore => {}
                    None => {
                        return Err(bad(format!(
                            "unknown parameter; the parameters are q, sort, page, per_page, \
                             {INCLUDE_PARAM} and {}",
                            Facet::ALL.map(Facet::param).join(", ")
                        )))
                    }
                },
            }
        }
        for values in params.filters.values_mut() {
            values.sort();
            values.dedup();
        }
        Ok(params)
    }

    /// The request for the search engine.
    pub fn request(&self) -> SearchRequest {
        SearchRequest {
            query: self.query.clone(),
            filters: self.filters.clone(),
            sort: self.sort,
            page: self.page,
            per_page: self.per_page,
            include_discontinued: self.include_discontinued,
        }
    }

    /// Whether any filter is selected.
    pub fn has_filters(&self) -> bool {
        self.filters.values().any(|v| !v.is_empty())
    }

    /// Whether `id` of `facet` is selected.
    pub fn is_selected(&self, facet: Facet, id: &str) -> bool {
        self.filters
            .get(&facet)
            .is_some_and(|ids| ids.iter().any(|i| i == id))
    }

    /// The `/search` address of this search on `page`, leaving out one filter value if
    /// `without` is given. Default values are left out, so addresses stay short.
    pub fn href(&self, page: usize, without: Option<(Facet, &str)>) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.query.is_empty() {
            out.append_pair("q", &self.query);
        }
        for (facet, ids) in &self.filters {
            for id in ids {
                if without != Some((*facet, id.as_str())) {
                    out.append_pair(facet.param(), id);
                }
            }
        }
        if self.include_discontinued {
            out.append_pair(INCLUDE_PARAM, INCLUDE_DISCONTINUED);
        }
        if self.sort != Sort::Relevance {
            out.append_pair("sort", self.sort.param());
        }
        if self.per_page != DEFAULT_PER_PAGE {
            out.append_pair("per_page", &self.per_page.to_string());
        }
        if page > 1 {
            out.append_pair("page", &page.to_string());
        }
        let query = out.finish();
        if query.is_empty() {
            "/search".to_string()
        } else {
            format!("/search?{query}")
        }
    }

    /// The address `path?q=…&<filters>`: the words and facet filters only, for another view
    /// of the same records (the gap map, the strategy matrix, the API). Those views count
    /// the running services, so `include` is left out too.
    pub fn filters_href(&self, path: &str) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.query.is_empty() {
            out.append_pair("q", &self.query);
        }
        for (facet, ids) in &self.filters {
            for id in ids {
                out.append_pair(facet.param(), id);
            }
        }
        let query = out.finish();
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<SearchParams, WebError> {
        SearchParams::parse(Some(raw), UnknownNames::Reject)
    }

    #[test]
    fn repeated_facets_are_kept_and_defaults_apply() {
        let p = parse(
            "q=help+me&gender=male&gender=female&gender=male&target_groups=potential_offenders",
        )
        .expect("parse");
        assert_eq!(p.query, "help me");
        assert_eq!(p.filters[&Facet::Gender], ["female", "male"]);
        assert_eq!(p.filters[&Facet::TargetGroup], ["potential_offenders"]);
        assert_eq!((p.page, p.per_page, p.sort), (1, 20, Sort::Relevance));
        assert_eq!(
            p.href(2, Some((Facet::Gender, "male"))),
            "/search?q=help+me&target_group=potential_offenders&gender=female&page=2"
        );
        assert_eq!(SearchParams::default().href(1, None), "/search");
        assert!(!p.include_discontinued && !p.request().include_discontinued);
    }

    #[test]
    fn include_discontinued_widens_the_search_and_stays_in_its_addresses() {
        let p = parse("q=help&include=discontinued&gender=male").expect("parse");
        assert!(p.include_discontinued);
        assert!(p.request().include_discontinued);
        assert_eq!(
            p.href(2, None),
            "/search?q=help&gender=male&include=discontinued&page=2"
        );
        // Other views count running services only.
        assert_eq!(p.filters_href("/gap-map"), "/gap-map?q=help&gender=male");
        // An unticked box sends nothing; an empty value is the same.
        assert!(!parse("include=").expect("parse").include_discontinued);
        for raw in [
            "include=published",
            "include=Discontinued",
            "include=discontinued&include=discontinued",
        ] {
            assert!(matches!(parse(raw), Err(WebError::BadRequest(_))), "{raw}");
        }
    }

    #[test]
    fn bad_parameters_are_client_errors() {
        for raw in [
            "page=0",
            "page=-1",
            "page=",
            "per_page=0",
            "per_page=101",
            "sort=xyz",
            "gender=nonsense",
            "colour=red",
            "q=a&q=b",
            "page=1&page=2",
        ] {
            assert!(matches!(parse(raw), Err(WebError::BadRequest(_))), "{raw}");
        }
        assert!(SearchParams::parse(Some("utm_source=x"), UnknownNames::Ignore).is_ok());
        assert!(parse("gender=&q=").is_ok());
        assert!(parse("country=other:Atlantis").is_ok());
    }
}
