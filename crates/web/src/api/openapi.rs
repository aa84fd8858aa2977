//! The OpenAPI 3.1 document of the JSON API, generated from the handlers' annotations and the
//! response types, and served at `/api/v1/openapi.json`.
//!
//! Only the document is served: no interactive viewer, nothing loaded from other hosts, and
//! no `servers` entry, so clients resolve the paths against the address they fetched it from.

use super::schema::Problem;
use super::{FACET_PARAMETERS, LIST_PARAMETERS};
use crate::search_params::{DEFAULT_PER_PAGE, INCLUDE_DISCONTINUED, INCLUDE_PARAM};
use axum::http::header;
use axum::response::IntoResponse;
use preventory_core::Facet;
use preventory_search::{Sort, MAX_PER_PAGE};
use std::sync::OnceLock;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{Deprecated, RefOr, Required};
use utoipa::{IntoParams, Modify, OpenApi};

/// The API's description: its paths, and the schemas they use.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Preventory API",
        version = "1",
        description = "Read-only access to the public view of Preventory's records of \
            child-sexual-abuse prevention interventions, search over them, and signposting \
            (which changes nothing and stores nothing). Errors are RFC 9457 problem documents \
            (`application/problem+json`).",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        super::list,
        super::record,
        super::evidence,
        super::gaps::gap_map,
        super::gaps::gaps,
        super::signpost::signpost,
        openapi_document
    ),
    components(schemas(Problem)),
    modifiers(&EveryFieldIsPresent),
    tags(
        (name = "interventions", description = "Intervention records and search"),
        (name = "gaps", description = "The gap map and the gaps of the collection"),
        (name = "signposting", description = "From what is known about a person to the \
            services whose published criteria they meet, with reasons. Not an assessment of \
            risk: each service decides whom it can help."),
    ),
)]
struct ApiDoc;

/// Marks every property of every schema as required, except those in
/// [`OMITTED_WHEN_EMPTY`] and those of [`REQUEST_BODIES`]: the API's documents otherwise never
/// leave a field out (an unknown value is `null`, an empty list `[]`).
struct EveryFieldIsPresent;

/// Schemas of request bodies, whose fields may all be left out.
const REQUEST_BODIES: &[&str] = &["SignpostRequest"];

/// Fields left out of a document when they are empty, by schema: the evidence fields, so that
/// a record without studies reads as it did before studies existed, and a study lists only
/// what its source states.
const OMITTED_WHEN_EMPTY: &[(&str, &[&str])] = &[
    (
        "Intervention",
        &["studies", "rating_justification", "critical_by_treaty"],
    ),
    (
        "Study",
        &[
            "evaluates",
            "meta_analysis",
            "sample_size",
            "country",
            "population",
            "follow_up_months",
            "quality",
            "quality_note",
            "summary",
            "outcomes",
        ],
    ),
    (
        "Outcome",
        &["significant", "magnitude", "effect_size", "note"],
    ),
];

impl Modify for EveryFieldIsPresent {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for (name, schema) in components.schemas.iter_mut() {
            let optional: &[&str] = OMITTED_WHEN_EMPTY
                .iter()
                .find(|(schema, _)| schema == name)
                .map_or(&[], |(_, fields)| fields);
            if REQUEST_BODIES.contains(&name.as_str()) {
                continue;
            }
            if let RefOr::T(Schema::Object(object)) = schema {
                object.required = object
                    .properties
                    .keys()
                    .filter(|k| !optional.contains(&k.as_str()))
                    .cloned()
                    .collect();
            }
        }
    }
}

/// The query parameters of `GET /api/v1/interventions`, exactly [`LIST_PARAMETERS`].
pub(crate) struct ListParams;

/// A query parameter that is optional.
fn query_parameter(name: &str, description: String) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
}

/// The description of a facet parameter: what it filters by and its known values.
fn facet_description(facet: Facet) -> String {
    let known = facet
        .known_values()
        .iter()
        .map(|(id, _)| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{}: keep records with any of these values (repeat the parameter for several; \
         several facets must all match). Known values: {known}; or `other:<text>` for a \
         value kept verbatim.",
        facet.label()
    )
}

impl IntoParams for ListParams {
    fn into_params(_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        LIST_PARAMETERS
            .iter()
            .map(|&name| {
                let builder = match name {
                    "q" => query_parameter(
                        name,
                        "The words searched for. Empty or absent: browse every record.".into(),
                    )
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
                    "sort" => {
                        query_parameter(name, "The order of the results.".into()).schema(Some(
                            ObjectBuilder::new()
                                .schema_type(Type::String)
                                .enum_values(Some(Sort::ALL.map(Sort::param)))
                                .default(Some(Sort::Relevance.param().into())),
                        ))
                    }
                    "page" => query_parameter(name, "The page, from 1.".into()).schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(1))
                            .default(Some(1.into())),
                    )),
                    "per_page" => query_parameter(name, "Results per page.".into()).schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(1))
                            .maximum(Some(MAX_PER_PAGE as f64))
                            .default(Some(DEFAULT_PER_PAGE.into())),
                    )),
                    INCLUDE_PARAM => query_parameter(
                        name,
                        format!(
                            "`{INCLUDE_DISCONTINUED}`: also list services that no longer run \
                             (each hit's `status` says so), and count them in the facets. \
                             Absent: only services that run."
                        ),
                    )
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .enum_values(Some([INCLUDE_DISCONTINUED])),
                    )),
                    other => {
                        let facet = Facet::from_param(other).unwrap_or_else(|| {
                            unreachable!("LIST_PARAMETERS names only facets besides the five")
                        });
                        let alias = !FACET_PARAMETERS.contains(&other);
                        let description = if alias {
                            format!("Alias of `{}`.", facet.param())
                        } else {
                            facet_description(facet)
                        };
                        query_parameter(name, description)
                            .style(Some(ParameterStyle::Form))
                            .explode(Some(true))
                            .deprecated(alias.then_some(Deprecated::True))
                            .schema(Some(
                                ArrayBuilder::new()
                                    .items(ObjectBuilder::new().schema_type(Type::String)),
                            ))
                    }
                };
                builder.build()
            })
            .collect()
    }
}

/// The query parameters of `GET /api/v1/gap-map`, exactly
/// [`super::gaps::gap_map_parameters`]: the two axes, the slug limit, and the search words and
/// facet filters documented as for `GET /api/v1/interventions`.
pub(crate) struct GapMapParams;

impl IntoParams for GapMapParams {
    fn into_params(_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let shared = ListParams::into_params(|| None);
        let axes = preventory_core::gaps::AXES.map(Facet::param);
        let axis = |name: &str, default: Facet, what: &str| {
            query_parameter(
                name,
                format!("The facet along the {what}; it must differ from the other axis."),
            )
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(axes))
                    .default(Some(default.param().into())),
            ))
        };
        super::gaps::gap_map_parameters()
            .into_iter()
            .map(|name| match name {
                "rows" => axis(name, crate::gap_query::DEFAULT_ROWS, "rows").build(),
                "cols" => axis(name, crate::gap_query::DEFAULT_COLS, "columns").build(),
                "slugs" => query_parameter(
                    name,
                    "How many slugs each cell lists at most; longer lists are cut \
                     (`slugs_truncated` is then true)."
                        .into(),
                )
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0))
                        .maximum(Some(preventory_search::MAX_CELL_SLUGS as f64))
                        .default(Some(super::gaps::DEFAULT_SLUGS.into())),
                ))
                .build(),
                other => shared
                    .iter()
                    .find(|p| p.name == other)
                    .cloned()
                    .unwrap_or_else(|| unreachable!("{other} is a search parameter")),
            })
            .collect()
    }
}

/// The document as JSON, built once.
fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .unwrap_or_else(|e| unreachable!("an OpenAPI document always serialises: {e}"))
    })
}

/// `GET /api/v1/openapi.json`: this API's OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "openapiDocument",
    tag = "interventions",
    summary = "This document",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of this API",
            content_type = "application/json", body = Object),
    )
)]
pub(crate) async fn openapi_document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_and_lists_every_list_parameter() {
        let doc: serde_json::Value =
            serde_json::from_str(document_json()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc["openapi"], "3.1.0");
        let params = doc["paths"]["/api/v1/interventions"]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("no parameters"));
        let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names, LIST_PARAMETERS);
        for sort in Sort::ALL {
            assert!(Sort::from_param(sort.param()).is_some());
        }
    }
}
