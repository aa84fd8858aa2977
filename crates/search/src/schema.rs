//! The index's schema: which parts of a record are searched, with which analyser, and what is
//! stored to rebuild the in-memory catalogue when an index is reopened.

use crate::catalogue::Registry;
use preventory_core::lifecycle::Status;
use preventory_core::matching::MatchKey;
use preventory_core::vocab::Vocabulary;
use preventory_core::{Facet, Intervention, PartialDate, Rating};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STORED,
    STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{Index, TantivyDocument};

/// The version of the on-disk layout: schema, analyser and stored fields. Bump it whenever any
/// of them changes, so existing indexes are rebuilt instead of misread.
pub const SCHEMA_VERSION: u32 = 4;

/// The fields of the schema, looked up once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// The slug, indexed whole so a record can be replaced or deleted.
    pub slug: Field,
    /// Dense document ordinal (fast field): the key of the in-memory catalogue.
    pub ord: Field,
    /// Searched title.
    pub title: Field,
    /// Searched summary.
    pub summary: Field,
    /// Searched sections, references, contact organisation and eligibility words.
    pub body: Field,
    /// Stored text snippets are cut from: summary and sections, in reading order.
    pub text: Field,
    /// Stored JSON of [`StoredMeta`].
    pub meta: Field,
}

/// Field boosts: a word in the title says more about a record than a word in its body.
pub(crate) const TITLE_BOOST: f32 = 3.0;
/// See [`TITLE_BOOST`].
pub(crate) const SUMMARY_BOOST: f32 = 2.0;
/// See [`TITLE_BOOST`].
pub(crate) const BODY_BOOST: f32 = 1.0;

/// Index settings: small doc-store blocks, because a page of results reads the stored text of
/// about twenty scattered records and each read decompresses a whole block.
pub(crate) fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: 4_096,
        ..tantivy::IndexSettings::default()
    }
}

pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Stems, word pairs and thesaurus concepts (see `derived`); positions for phrases of pairs.
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(crate::derived::TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let searched = TextOptions::default().set_indexing_options(indexing);
    let fields = Fields {
        slug: b.add_text_field("slug", STRING),
        ord: b.add_u64_field("ord", NumericOptions::default().set_fast()),
        title: b.add_text_field("title", searched.clone()),
        summary: b.add_text_field("summary", searched.clone()),
        body: b.add_text_field("body", searched),
        text: b.add_text_field("text", STORED),
        meta: b.add_text_field("meta", STORED),
    };
    (b.build(), fields)
}

/// Looks the fields up in an index opened from disk; `None` if the schema is not ours.
pub(crate) fn fields_of(schema: &Schema) -> Option<Fields> {
    let (expected, fields) = build_schema();
    if schema != &expected {
        return None;
    }
    Some(fields)
}

/// English words: split on anything but letters and digits, lowercased, accents folded,
/// Porter-stemmed ("treatments" → "treatment"), very long tokens dropped. Queries and snippets
/// use it as it is; the index tokenizer (`derived`) adds pairs and concepts to its output.
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Tokenizers are not stored with an index: every opened index needs them registered.
pub(crate) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        crate::derived::TOKENIZER,
        crate::derived::IndexTokenizer::new(crate::derived::Matcher::builtin()),
    );
}

/// What the catalogue needs of a record, stored with it so a reopened index needs no store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredMeta {
    pub ord: u32,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub rating: Option<String>,
    pub information_correct_at: Option<String>,
    /// Facet ids by `Facet::param()`.
    pub facets: BTreeMap<String, Vec<String>>,
    /// What signposting reads of the record ([`Intervention::matching_view`]).
    pub matching: Intervention,
    /// The record's lifecycle status id (`published` or `discontinued`), so a reopened index
    /// still knows which records to leave out of default searches.
    pub status: String,
}

/// A record as the catalogue holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocInfo {
    /// Shared with the catalogue's slug map.
    pub slug: std::sync::Arc<str>,
    pub title: String,
    /// The title in lower case: the key of the title order, made once.
    pub title_key: String,
    pub summary: Option<String>,
    pub rating: Option<Rating>,
    pub information_correct_at: Option<PartialDate>,
    /// Published or discontinued: only these are ever indexed.
    pub status: Status,
    /// Facet values as numbers of the registry, in `Facet::ALL` order: building postings then
    /// needs no hashing of strings.
    pub facets: Vec<Vec<u32>>,
    /// What signposting reads of the record.
    pub matching: Intervention,
    /// `matching` compiled for signposting's cheap pass. Made here, when a record is indexed
    /// or an index is opened, rather than stored: it is quick to make and so needs no
    /// change of the stored meta.
    pub match_key: MatchKey,
}

impl DocInfo {
    /// Whether the record is left out of searches nobody widened, and out of signposting.
    pub(crate) fn discontinued(&self) -> bool {
        !self.status.in_default_search()
    }

    pub(crate) fn from_meta(m: StoredMeta, registry: &mut Registry) -> DocInfo {
        let mut facets = m.facets;
        DocInfo {
            title_key: m.title.to_lowercase(),
            slug: m.slug.into(),
            title: m.title,
            summary: m.summary,
            rating: m.rating.as_deref().and_then(Rating::from_id),
            information_correct_at: m
                .information_correct_at
                .as_deref()
                .and_then(|d| PartialDate::parse_iso(d).ok()),
            // A status this program does not know can only come from a damaged meta: keep
            // the record, but out of default searches and signposting rather than in them.
            status: Status::from_id(&m.status)
                .filter(|s| s.is_public())
                .unwrap_or(Status::Discontinued),
            facets: Facet::ALL
                .iter()
                .enumerate()
                .map(|(fi, f)| {
                    facets
                        .remove(f.param())
                        .unwrap_or_default()
                        .iter()
                        .map(|id| registry.intern(fi, id))
                        .collect()
                })
                .collect(),
            match_key: MatchKey::of(&m.matching),
            matching: m.matching,
        }
    }
}

/// The summary and sections in reading order: where snippets come from.
pub(crate) fn snippet_text(r: &Intervention) -> String {
    let mut text = String::new();
    if let Some(s) = &r.summary {
        text.push_str(s.trim());
    }
    for (_, body) in r.sections_in_order() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(body.trim());
    }
    text
}

/// Words a record should be found by that its text may not say: how people can reach it.
/// People seeking help search for "self-referral" or "anonymous"; the structured eligibility
/// says so even where the prose does not.
fn eligibility_words(r: &Intervention) -> Vec<&'static str> {
    use preventory_core::eligibility::ReferralRoute;
    let mut out = Vec::new();
    if r.eligibility
        .referral_routes
        .as_ref()
        .is_some_and(|routes| routes.contains(&ReferralRoute::SelfReferral))
    {
        out.push("self-referral");
    }
    if r.eligibility.anonymous == Some(true) {
        out.push("anonymous");
    }
    out
}

/// The tantivy document for a record with its (public) status at an ordinal, and the record
/// as the catalogue holds it (its facet values interned in `registry`).
pub(crate) fn document(
    fields: &Fields,
    r: &Intervention,
    status: Status,
    ord: u32,
    registry: &mut Registry,
) -> (TantivyDocument, DocInfo) {
    let ids: Vec<Vec<String>> = Facet::ALL.iter().map(|f| f.ids_of(r)).collect();
    let meta = StoredMeta {
        ord,
        slug: r.slug.clone(),
        title: r.title.clone(),
        summary: r.summary.clone(),
        rating: r.rating.map(|x| x.id().to_string()),
        information_correct_at: r.information_correct_at.map(|d| d.to_string()),
        facets: Facet::ALL
            .iter()
            .zip(&ids)
            .map(|(f, ids)| (f.param().to_string(), ids.clone()))
            .collect(),
        matching: r.matching_view(),
        status: status.id().to_string(),
    };
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.slug, &r.slug);
    doc.add_u64(fields.ord, u64::from(ord));
    doc.add_text(fields.title, &r.title);
    if let Some(s) = &r.summary {
        doc.add_text(fields.summary, s);
    }
    let body = r
        .sections_in_order()
        .into_iter()
        .map(|(_, text)| text)
        .chain(r.references.iter().map(|x| x.text.as_str()))
        .chain(r.contact.organisation.as_deref())
        .chain(eligibility_words(r));
    for text in body {
        doc.add_text(fields.body, text);
    }
    doc.add_text(fields.text, snippet_text(r));
    // Strings, options and maps of strings always serialise.
    doc.add_text(
        fields.meta,
        serde_json::to_string(&meta).unwrap_or_default(),
    );
    (doc, DocInfo::from_meta(meta, registry))
}
