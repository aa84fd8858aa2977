//! Schemas of the API's JSON documents that are not built from types of this crate.
//!
//! The record's JSON form belongs to `preventory-core`, which knows nothing of OpenAPI, so it
//! is described here by mirror types that list the same fields with the types they serialise
//! as. A test (`tests/openapi.rs`) serialises real records and compares their keys with
//! these schemas, so a field added to the record and forgotten here fails the build's tests.
//!
//! None of these types is ever built: they exist only for their schemas.

#![allow(dead_code)]

use preventory_core::eligibility::{AskingFor, JusticeStage, Situation};
use preventory_core::matching::{Criterion, Nearness, Status, Verdict};
use preventory_core::vocab::{Country, Gender, Language};
use preventory_core::Vocabulary;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// An RFC 9457 problem document, the body of every API error (`application/problem+json`).
#[derive(ToSchema)]
#[schema(
    example = json!({
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "page must be a whole number of 1 or more"
    })
)]
pub(crate) struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[schema(example = "about:blank")]
    r#type: String,
    /// The status's reason phrase, e.g. `Not Found`.
    title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    status: u16,
    /// What went wrong, in plain words; never internal details.
    detail: String,
}

/// An intervention: a programme, service or resource that aims to prevent child sexual
/// abuse, as the public may see it.
///
/// Facet values are ids: a vocabulary id, or `other:<text>` for a value kept verbatim.
#[derive(ToSchema)]
#[schema(as = Intervention)]
pub(crate) struct InterventionRecord {
    /// Short, stable, URL-safe name.
    slug: String,
    /// The name people know it by.
    title: String,
    /// One or two sentences saying what it is.
    summary: Option<String>,
    /// Set when something in the record could not be determined and an editor must look.
    needs_review: bool,
    /// Every target group over all facet rows, sorted, without duplicates.
    target_groups: Vec<String>,
    /// Every prevention level over all facet rows.
    prevention_levels: Vec<String>,
    /// Every age group over all facet rows.
    age_groups: Vec<String>,
    /// Every gender over all facet rows.
    genders: Vec<String>,
    /// Every type of intervention over all facet rows and `intervention_types`.
    delivery: Vec<String>,
    /// Every sub-group over all facet rows.
    subgroups: Vec<String>,
    /// Every language over all facet rows.
    languages: Vec<String>,
    /// Countries where it is offered, where stated.
    countries: Vec<String>,
    /// Facet combinations, like the database's own filter rows.
    facet_rows: Vec<FacetRowSchema>,
    /// The record's "Type of intervention" list, which may stand apart from its facet rows.
    intervention_types: Vec<String>,
    /// Narrative sections by key (`target_population`, `delivery_organisation`,
    /// `mode_and_context`, `staff_expertise`, `intensity`, `description`, `evaluation`, or a
    /// slug of another heading); the values are plain text.
    sections: BTreeMap<String, String>,
    /// Works cited.
    references: Vec<ReferenceSchema>,
    /// How to reach it.
    contact: ContactSchema,
    /// Evidence rating id (`effective`, `promising`, `prudent`, `pioneering`); null is "not
    /// rated", never a low rating.
    rating: Option<String>,
    /// When the information was last confirmed: `YYYY-MM` or `YYYY`.
    #[schema(pattern = r"^[0-9]{4}(-[0-9]{2})?$")]
    information_correct_at: Option<String>,
    /// Who it can take.
    eligibility: EligibilitySchema,
    /// The studies behind the rating; left out when none are recorded.
    studies: Vec<StudySchema>,
    /// Why the rating differs from the one the studies suggest, as an editor wrote it; left
    /// out when not given.
    rating_justification: Option<String>,
    /// Present (and true) when the intervention is deemed critical by international treaties,
    /// which supports a Prudent rating on its own.
    critical_by_treaty: bool,
}

/// One evaluation study. Fields the source does not state are left out.
#[derive(ToSchema)]
#[schema(as = Study)]
pub(crate) struct StudySchema {
    /// Short id, unique within the intervention (e.g. `hanson-2009`).
    id: String,
    /// The citation.
    reference: String,
    /// Design on the review's Table 1 hierarchy of evidence.
    #[schema(inline)]
    design: StudyDesignId,
    /// `general_approach` when the study evaluated the approach the intervention follows,
    /// not the intervention itself (such evidence supports Prudent at most); left out for
    /// `this_intervention`.
    evaluates: Option<String>,
    /// Present (and true) when the study pools several studies (a meta-analysis).
    meta_analysis: bool,
    /// Number of participants.
    sample_size: Option<u32>,
    /// Country, ISO 3166-1 alpha-2, or `other:<text>`.
    country: Option<String>,
    /// Who took part.
    population: Option<String>,
    /// Length of follow-up in months.
    follow_up_months: Option<u32>,
    /// Quality judgement: `high`, `moderate` or `low`; absent when not judged.
    quality: Option<String>,
    /// What the quality judgement rests on.
    quality_note: Option<String>,
    /// The findings in a sentence.
    summary: Option<String>,
    /// What was measured and found.
    outcomes: Vec<OutcomeSchema>,
}

/// A study design id, strongest evidence first.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub(crate) enum StudyDesignId {
    /// Randomised controlled trial.
    Rct,
    /// Controlled cohort study, including quasi-experimental designs.
    ControlledCohort,
    /// Uncontrolled cohort study (pre/post measures).
    UncontrolledCohort,
    /// Case study, qualitative or descriptive study.
    CaseQualitativeDescriptive,
    /// Expert opinion; no evaluation.
    ExpertOpinion,
}

/// One outcome a study measured, and what it found.
#[derive(ToSchema)]
#[schema(as = Outcome)]
pub(crate) struct OutcomeSchema {
    /// What was measured: `sexual_reoffending`, `any_reoffending`, `dynamic_risk_factors`,
    /// `psychological_wellbeing`, `knowledge`, `attitudes`, `help_seeking`, `disclosure`, or
    /// `other:<text>`.
    outcome: String,
    /// `positive`, `none`, `negative` or `mixed`.
    direction: String,
    /// Whether the result was statistically significant; absent when not reported.
    significant: Option<bool>,
    /// `small`, `moderate` or `large`, where it can be judged.
    magnitude: Option<String>,
    /// The effect as reported.
    effect_size: Option<String>,
    /// Anything else worth knowing.
    note: Option<String>,
}

/// One combination of facets: a target group at a prevention level, for these ages and
/// genders, delivered so, in these languages.
#[derive(ToSchema)]
#[schema(as = FacetRow)]
pub(crate) struct FacetRowSchema {
    /// Whom the row is aimed at; null when the source did not say.
    target_group: Option<String>,
    /// Prevention level; null when the source did not say.
    prevention_level: Option<String>,
    /// Age groups served.
    age_groups: Vec<String>,
    /// Genders served.
    genders: Vec<String>,
    /// Types of intervention.
    delivery: Vec<String>,
    /// Narrower groups or settings.
    subgroups: Vec<String>,
    /// Languages of delivery.
    languages: Vec<String>,
}

/// A cited work. `text` is always the citation as written; the parts are filled where the
/// citation's shape allows.
#[derive(ToSchema)]
#[schema(as = Reference)]
pub(crate) struct ReferenceSchema {
    /// The citation exactly as written.
    text: String,
    /// Authors, one entry each ("Hanson, R. K.").
    authors: Vec<String>,
    /// Year of publication.
    year: Option<u16>,
    /// Title of the work.
    title: Option<String>,
}

/// How to reach the service.
#[derive(ToSchema)]
#[schema(as = Contact)]
pub(crate) struct ContactSchema {
    /// The organisation to contact.
    organisation: Option<String>,
    /// Postal address, lines joined by newlines; null when confidential.
    address: Option<String>,
    /// When true the address is for staff only and is never given here.
    address_confidential: bool,
    /// Telephone numbers as written.
    phones: Vec<String>,
    /// Email addresses.
    emails: Vec<String>,
    /// Web addresses as written.
    websites: Vec<String>,
    /// Other lines of the contact block (e.g. charity numbers), kept verbatim.
    notes: Vec<String>,
}

/// Who a service can take, as stated by the service. Every null means "not known".
#[derive(ToSchema)]
#[schema(as = Eligibility)]
pub(crate) struct EligibilitySchema {
    /// Youngest age accepted in any format.
    age_min: Option<u8>,
    /// Oldest age accepted in any format.
    age_max: Option<u8>,
    /// Age limits that differ by delivery format.
    formats: Vec<FormatAgeLimitsSchema>,
    /// Gender ids accepted.
    genders: Option<Vec<String>>,
    /// Minimum IQ required.
    iq_min: Option<u8>,
    /// Learning-needs requirements or adaptations, in words.
    learning_needs: Option<String>,
    /// Whom the service accepts enquiries from (`self`, `someone_else`, `client`).
    serves: Option<Vec<String>>,
    /// Situations the service works with (`sexual_thoughts`, `viewing_csam`,
    /// `online_solicitation`, `contact_offending`, `harmful_sexual_behaviour`).
    situations: Option<Vec<String>>,
    /// Justice stages accepted (`none`, `pre_arrest`, `under_investigation`, `charged`,
    /// `convicted_custody`, `convicted_community`, `after_sentence`).
    justice_stages: Option<Vec<String>>,
    /// Referral routes accepted (`self`, `agency`, `mandated`).
    referral_routes: Option<Vec<String>>,
    /// Whether people can get help without giving their name.
    anonymous: Option<bool>,
    /// What using the service costs (`free`, `paid`, `funded_by_referrer`).
    cost: Option<Vec<String>>,
    /// Whether the service can be used remotely (phone, online).
    remote: Option<bool>,
    /// Areas where in-person help is offered, in words.
    in_person_areas: Option<Vec<String>>,
    /// Language ids the service works in.
    languages: Option<Vec<String>>,
    /// Exclusions the service states.
    exclusions: Vec<String>,
}

/// Age limits that apply to one delivery format only (e.g. one-to-one from 17, group from 21).
#[derive(ToSchema)]
#[schema(as = FormatAgeLimits)]
pub(crate) struct FormatAgeLimitsSchema {
    /// The delivery format id these limits apply to.
    delivery: String,
    /// Youngest age accepted in this format, when stated.
    age_min: Option<u8>,
    /// Oldest age accepted in this format, when stated.
    age_max: Option<u8>,
}

/// The evidence behind one record's rating: the rating it carries beside the rating its
/// recorded studies suggest, and the grounds for the suggestion. The record's rating stays
/// the editors' decision; this makes the grounds visible.
#[derive(ToSchema)]
#[schema(as = Evidence)]
pub(crate) struct EvidenceSchema {
    /// The record's slug.
    slug: String,
    /// The record's rating; null is "not rated", never a low rating.
    rating: Option<RatingId>,
    /// The rating the recorded studies support by the published rules; null when no studies
    /// are recorded (and the intervention is not deemed critical by treaty).
    suggested: Option<RatingId>,
    /// The strongest design among the studies, on the Table 1 hierarchy of evidence; null
    /// when no studies are recorded.
    evidence_level: Option<StudyDesignId>,
    /// One reason per study, in the order recorded, then one for treaty status or for the
    /// absence of studies.
    reasons: Vec<ReasonSchema>,
    /// What evidence would lift the suggestion one level; null at `effective`.
    next_step: Option<String>,
    /// Harmful, null and mixed results, most serious first. They never lower or raise the
    /// suggestion: read them beside it.
    warnings: Vec<WarningSchema>,
    /// The evidence for each outcome measured.
    outcomes: Vec<OutcomeEvidenceSchema>,
    /// How the record's rating differs from the suggestion, explained; null when they agree.
    difference: Option<RatingDifferenceSchema>,
    /// The editors' written reason for the record's rating, when given.
    rating_justification: Option<String>,
}

/// A rating id, strongest evidence first.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub(crate) enum RatingId {
    /// At least two good experimental studies with a significant positive impact, or a
    /// good meta-analysis.
    Effective,
    /// One good experimental study with a significant positive impact.
    Promising,
    /// Qualitative or observational evidence, or deemed critical by international treaties.
    Prudent,
    /// New, or with limited evidence so far.
    Pioneering,
}

/// One step of the argument for the suggested rating.
#[derive(ToSchema)]
#[schema(as = EvidenceReason)]
pub(crate) struct ReasonSchema {
    /// The study's id; null for treaty status or the absence of studies.
    study: Option<String>,
    /// The highest rating this item supports on its own; null when it supports none.
    supports: Option<RatingId>,
    /// What keeps an experimental study from counting towards `promising`; empty otherwise.
    shortfalls: Vec<ShortfallId>,
    /// The reason in a sentence.
    text: String,
}

/// Why an experimental study does not count towards `promising`.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub(crate) enum ShortfallId {
    /// Its quality was judged low.
    LowQuality,
    /// Nobody has judged its quality.
    QualityNotJudged,
    /// Its positive results are not statistically significant.
    NotSignificant,
    /// It does not say whether its positive results are significant.
    SignificanceNotReported,
    /// It reports no positive result.
    NoPositiveResult,
    /// It evaluated the general approach, not this intervention.
    GeneralApproach,
}

/// A result to read beside the rating.
#[derive(ToSchema)]
#[schema(as = EvidenceWarning)]
pub(crate) struct WarningSchema {
    /// How serious it is.
    kind: WarningKindId,
    /// The id of the study that found it.
    study: String,
    /// The outcome concerned: an outcome id or `other:<text>`.
    outcome: String,
    /// The warning in a sentence.
    text: String,
}

/// A warning's kind, most serious first.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub(crate) enum WarningKindId {
    /// A significant negative result.
    Harm,
    /// A negative result that is not significant, or whose significance is not reported.
    PossibleHarm,
    /// An experimental study found no effect.
    NoEffect,
    /// A study reports mixed results.
    Mixed,
}

/// The evidence for one outcome across all studies. The direction counts count results (a
/// study may report one outcome twice); `studies` counts studies.
#[derive(ToSchema)]
#[schema(as = OutcomeEvidence)]
pub(crate) struct OutcomeEvidenceSchema {
    /// The outcome: an outcome id or `other:<text>`.
    outcome: String,
    /// How many studies report it.
    #[schema(minimum = 1)]
    studies: usize,
    /// One study or several; kept apart from the size of the effect.
    amount: EvidenceAmountId,
    /// The strongest design among those studies.
    strongest_design: StudyDesignId,
    /// Positive results reported as significant (a subset of `positive`).
    #[schema(minimum = 0)]
    positive_significant: usize,
    /// Positive results, significant or not.
    #[schema(minimum = 0)]
    positive: usize,
    /// Results showing no effect.
    #[schema(minimum = 0)]
    none: usize,
    /// Negative results.
    #[schema(minimum = 0)]
    negative: usize,
    /// Mixed results.
    #[schema(minimum = 0)]
    mixed: usize,
    /// Effect sizes as described, in study order.
    magnitudes: Vec<MagnitudeId>,
}

/// Whether an outcome rests on one study or several.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub(crate) enum EvidenceAmountId {
    /// One study reports the outcome.
    OneStudy,
    /// Two or more studies report it.
    SeveralStudies,
}

/// The size of an effect as described.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub(crate) enum MagnitudeId {
    /// A small effect.
    Small,
    /// A moderate effect.
    Moderate,
    /// A large effect.
    Large,
}

/// How a record's rating differs from the suggestion.
#[derive(ToSchema)]
#[schema(as = RatingDifference)]
pub(crate) struct RatingDifferenceSchema {
    /// The record's rating; null is "not rated".
    given: Option<RatingId>,
    /// The suggested rating; null when no studies are recorded.
    suggested: Option<RatingId>,
    /// The difference explained in a sentence or two.
    text: String,
}

// ---------------------------------------------------------------------------------------
// Signposting: `POST /api/v1/signpost`.

/// A string schema whose values are exactly a core vocabulary's ids, built from the
/// vocabulary itself so that the document cannot list a value the API refuses or leave out
/// one it sends. With `labelled`, the description also gives each id's label.
fn vocabulary_schema<V: Vocabulary>(
    description: &str,
    labelled: bool,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    let values = V::all();
    let mut description = description.to_string();
    if labelled {
        let labels: Vec<String> = values
            .iter()
            .map(|v| format!("`{}`: {}", v.id(), v.label()))
            .collect();
        description.push_str(" Values: ");
        description.push_str(&labels.join("; "));
        description.push('.');
    }
    utoipa::openapi::RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values.iter().map(Vocabulary::id)))
            .description(Some(description))
            .build(),
    ))
}

/// Declares a schema-only type for a core vocabulary (see [`vocabulary_schema`]).
macro_rules! vocabulary_id {
    ($(#[doc = $doc:literal])+ $name:ident, $vocabulary:ty, $labelled:literal) => {
        $(#[doc = $doc])+
        pub(crate) struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: &[&str] = &[$($doc),+];
                let description = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
                vocabulary_schema::<$vocabulary>(&description, $labelled)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

vocabulary_id! {
    /// A gender id.
    GenderId, Gender, true
}
vocabulary_id! {
    /// Who is asking: the person themselves (`self`), family, partners and friends
    /// (`someone_else`), or a professional on the person's behalf (`client`).
    AskingForId, AskingFor, true
}
vocabulary_id! {
    /// A situation id.
    SituationId, Situation, true
}
vocabulary_id! {
    /// Where the person stands with the justice system. `none` is no offence and no
    /// involvement; `pre_arrest` is someone who has offended but has not been arrested.
    JusticeStageId, JusticeStage, true
}
vocabulary_id! {
    /// A country: its ISO 3166-1 alpha-2 code.
    CountryId, Country, false
}
vocabulary_id! {
    /// A language: its ISO 639-1 code.
    LanguageId, Language, false
}
vocabulary_id! {
    /// How far a person meets a service's published criteria; not a judgement of the person.
    StatusId, Status, true
}
vocabulary_id! {
    /// The verdict on one criterion. `fails` only when both the person and the service have
    /// said something and it does not meet; `unknown` when either has not.
    VerdictId, Verdict, true
}
vocabulary_id! {
    /// A criterion services publish and a profile is compared with.
    CriterionId, Criterion, true
}
vocabulary_id! {
    /// How near the service is to the person, the last thing results are ordered by.
    NearnessId, Nearness, true
}

/// What is known about the person help is sought for. Every field may be left out or
/// `null`: not known, which never rules a service out. Age, gender, situations and justice
/// stage describe the person concerned, also when family or a professional is asking.
#[derive(ToSchema)]
#[schema(as = SignpostRequest)]
pub(crate) struct SignpostRequestSchema {
    /// Age in years.
    #[schema(minimum = 0, maximum = 255)]
    age: Option<u8>,
    /// Gender.
    gender: Option<GenderId>,
    /// Who is asking.
    asking_for: Option<AskingForId>,
    /// Every situation that applies; empty or `null` when not said.
    situations: Option<Vec<SituationId>>,
    /// Where the person stands with the justice system.
    justice_stage: Option<JusticeStageId>,
    /// The country the person lives in.
    country: Option<CountryId>,
    /// The language the person needs help in.
    language: Option<LanguageId>,
    /// `true` when the person needs help without giving their name. `false` and `null` set no
    /// requirement.
    needs_anonymity: Option<bool>,
    /// `true` when only help by phone or online will do. `false` and `null` set no
    /// requirement.
    remote_only: Option<bool>,
}

/// The answer to a profile. Signposting from the criteria services publish, not an
/// assessment of risk or of anyone's needs, and not a referral: each service decides.
#[derive(ToSchema)]
#[schema(as = Signposting)]
pub(crate) struct SignpostingSchema {
    /// The services, eligible first, then possibly eligible, then not eligible; within each,
    /// strongest evidence first (not rated last), then the person's country, then services
    /// usable remotely, then by title. At most `limit` are written out.
    results: Vec<SignpostResultSchema>,
    /// How many services have each status, over every service whatever the limit.
    counts: StatusCountsSchema,
    /// Only when no service is eligible or possibly eligible: for each criterion that alone
    /// stands in the way of some services, those services. Most services opened first.
    relaxations: Vec<RelaxationSchema>,
    /// Anonymous help by phone or online that the person is not ineligible for, in result
    /// order; empty when none accepts them.
    helplines: Vec<SignpostResultSchema>,
    /// What every answer says to the people reading it: signposting from published criteria,
    /// not an assessment of risk; the service decides.
    notice: String,
    /// At most this many results, helplines and services per relaxation are written out.
    #[schema(minimum = 1)]
    limit: usize,
}

/// How one service compares with the profile.
#[derive(ToSchema)]
#[schema(as = SignpostResult)]
pub(crate) struct SignpostResultSchema {
    /// The service's slug; the record is at `/api/v1/interventions/{slug}`.
    slug: String,
    /// The service's title.
    title: String,
    /// Eligible, possibly eligible or not eligible.
    status: StatusId,
    /// The service's evidence rating; null is "not rated", never a low rating.
    rating: Option<RatingId>,
    /// How near the service is to the person.
    nearness: NearnessId,
    /// Ids of the delivery formats that suit the person (e.g. only `individual_work` when the
    /// group's age limit excludes them), or `other:<text>`. Empty when the person is not
    /// eligible, or when the service names no formats.
    formats: Vec<String>,
    /// One reason per criterion that applies, in criterion order. `anonymity` and `remote`
    /// apply only when the profile asks for them.
    reasons: Vec<CriterionReasonSchema>,
    /// What the service states that the profile does not ask about (an IQ requirement,
    /// exclusions, referral routes, cost), for information; no note changes the status.
    notes: Vec<String>,
}

/// One criterion's verdict and why.
#[derive(ToSchema)]
#[schema(as = CriterionReason)]
pub(crate) struct CriterionReasonSchema {
    /// The criterion.
    criterion: CriterionId,
    /// Whether the person meets it.
    verdict: VerdictId,
    /// Why, in plain words.
    text: String,
}

/// How many services have each status.
#[derive(ToSchema)]
#[schema(as = StatusCounts)]
pub(crate) struct StatusCountsSchema {
    /// Eligible services.
    #[schema(minimum = 0)]
    eligible: usize,
    /// Possibly eligible services.
    #[schema(minimum = 0)]
    possibly_eligible: usize,
    /// Services the person is not eligible for.
    #[schema(minimum = 0)]
    ineligible: usize,
}

/// The services that fail on one criterion alone, and so would open if it were relaxed.
#[derive(ToSchema)]
#[schema(as = Relaxation)]
pub(crate) struct RelaxationSchema {
    /// The criterion that alone stands in the way.
    criterion: CriterionId,
    /// The opening of the sentence for people: "If age were not a barrier".
    text: String,
    /// The services it would open, in result order (at most `limit`).
    services: Vec<OpenedServiceSchema>,
    /// How many services it would open in all.
    #[schema(minimum = 1)]
    total: usize,
}

/// A service one relaxed criterion would open.
#[derive(ToSchema)]
#[schema(as = OpenedService)]
pub(crate) struct OpenedServiceSchema {
    /// The service's slug.
    slug: String,
    /// The service's title.
    title: String,
    /// Its status if the criterion were not a barrier: `eligible` or `possibly_eligible`.
    status: StatusId,
}
