//! Tests over fictional records modelled on the issue's examples, and properties over
//! arbitrary profiles and eligibilities.

use super::criteria::{self, ASKING_FOR, GENDERS, JUSTICE_STAGES, SITUATIONS};
use super::key::CompiledProfile;
use super::*;
use crate::eligibility::{
    AskingFor, Cost, Eligibility, FormatAgeLimits, JusticeStage, ReferralRoute, Situation,
};
use crate::record::FacetRow;
use crate::vocab::{Country, Gender, Language, Vocabulary};
use proptest::prelude::*;

fn known<T>(values: &[T]) -> Vec<Term<T>>
where
    T: Clone,
{
    values.iter().cloned().map(Term::Known).collect()
}

fn record(
    slug: &str,
    title: &str,
    delivery: &[Delivery],
    eligibility: Eligibility,
) -> Intervention {
    Intervention {
        slug: slug.into(),
        title: title.into(),
        facet_rows: vec![FacetRow {
            delivery: known(delivery),
            ..FacetRow::default()
        }],
        countries: vec![Term::Known(gb())],
        eligibility,
        ..Intervention::default()
    }
}

fn gb() -> Country {
    Country::from_id("GB").expect("GB")
}

fn de() -> Country {
    Country::from_id("DE").expect("DE")
}

fn english() -> Language {
    Language::from_id("en").expect("en")
}

const CONVICTED: [JusticeStage; 2] = [
    JusticeStage::ConvictedCustody,
    JusticeStage::ConvictedCommunity,
];

/// Men convicted of internet offences; one-to-one from 17, group from 21.
fn internet_programme() -> Intervention {
    let mut r = record(
        "fictional-internet-programme",
        "Fictional Internet Offending Programme",
        &[Delivery::GroupWork, Delivery::IndividualWork],
        Eligibility {
            age_min: Some(17),
            formats: vec![
                FormatAgeLimits {
                    delivery: Term::Known(Delivery::GroupWork),
                    age_min: Some(21),
                    age_max: None,
                },
                FormatAgeLimits {
                    delivery: Term::Known(Delivery::IndividualWork),
                    age_min: Some(17),
                    age_max: None,
                },
            ],
            genders: Some(vec![Gender::Male]),
            serves: Some(vec![AskingFor::Client]),
            situations: Some(vec![Situation::ViewingCsam, Situation::OnlineSolicitation]),
            justice_stages: Some(CONVICTED.to_vec()),
            referral_routes: Some(vec![ReferralRoute::Mandated, ReferralRoute::Agency]),
            anonymous: Some(false),
            remote: Some(false),
            languages: Some(vec![english()]),
            ..Eligibility::default()
        },
    );
    r.rating = Some(Rating::Promising);
    r
}

/// Men 21+, IQ 80+, convicted.
fn groupwork_programme() -> Intervention {
    let mut r = record(
        "fictional-groupwork-programme",
        "Fictional Groupwork Programme",
        &[Delivery::GroupWork],
        Eligibility {
            age_min: Some(21),
            genders: Some(vec![Gender::Male]),
            iq_min: Some(80),
            serves: Some(vec![AskingFor::Client]),
            situations: Some(vec![
                Situation::ViewingCsam,
                Situation::OnlineSolicitation,
                Situation::ContactOffending,
            ]),
            justice_stages: Some(CONVICTED.to_vec()),
            anonymous: Some(false),
            remote: Some(false),
            languages: Some(vec![english()]),
            exclusions: vec!["People who deny their offence".into()],
            ..Eligibility::default()
        },
    );
    r.rating = Some(Rating::Effective);
    r
}

/// Self-referral, any gender, for people not known to the justice system, anonymous, by
/// phone and online.
fn counselling_service() -> Intervention {
    record(
        "fictional-counselling",
        "Fictional Confidential Counselling",
        &[Delivery::Counselling, Delivery::Phone, Delivery::Online],
        Eligibility {
            age_min: Some(18),
            genders: Some(GENDERS.to_vec()),
            serves: Some(vec![AskingFor::ForSelf, AskingFor::SomeoneElse]),
            situations: Some(vec![Situation::SexualThoughts, Situation::ViewingCsam]),
            justice_stages: Some(vec![JusticeStage::NoInvolvement, JusticeStage::PreArrest]),
            referral_routes: Some(vec![ReferralRoute::SelfReferral]),
            anonymous: Some(true),
            cost: Some(vec![Cost::Free]),
            remote: Some(true),
            languages: Some(vec![english()]),
            ..Eligibility::default()
        },
    )
}

/// For partners and family members of people arrested, charged or convicted.
fn family_service() -> Intervention {
    let mut r = record(
        "fictional-family-support",
        "Fictional Family Support",
        &[Delivery::GroupWork, Delivery::IndividualWork],
        Eligibility {
            age_min: Some(18),
            genders: Some(GENDERS.to_vec()),
            serves: Some(vec![AskingFor::SomeoneElse]),
            situations: Some(SITUATIONS.to_vec()),
            justice_stages: Some(JUSTICE_STAGES[2..].to_vec()),
            anonymous: Some(false),
            remote: Some(false),
            languages: Some(vec![english()]),
            ..Eligibility::default()
        },
    );
    r.rating = Some(Rating::Pioneering);
    r
}

fn all_records() -> Vec<Intervention> {
    vec![
        internet_programme(),
        groupwork_programme(),
        counselling_service(),
        family_service(),
    ]
}

fn man_19_convicted() -> Profile {
    Profile {
        age: Some(19),
        gender: Some(Gender::Male),
        asking_for: Some(AskingFor::Client),
        situations: vec![Situation::ViewingCsam],
        justice_stage: Some(JusticeStage::ConvictedCommunity),
        country: Some(gb()),
        language: Some(english()),
        ..Profile::default()
    }
}

fn woman_30_thoughts() -> Profile {
    Profile {
        age: Some(30),
        gender: Some(Gender::Female),
        asking_for: Some(AskingFor::ForSelf),
        situations: vec![Situation::SexualThoughts],
        justice_stage: Some(JusticeStage::NoInvolvement),
        country: Some(gb()),
        language: Some(english()),
        ..Profile::default()
    }
}

fn partner_of_arrested_man() -> Profile {
    Profile {
        asking_for: Some(AskingFor::SomeoneElse),
        situations: vec![Situation::ViewingCsam],
        justice_stage: Some(JusticeStage::UnderInvestigation),
        country: Some(gb()),
        language: Some(english()),
        ..Profile::default()
    }
}

fn find<'a>(answer: &'a Signposting, slug: &str) -> &'a Match {
    answer
        .results
        .iter()
        .find(|m| m.slug == slug)
        .unwrap_or_else(|| panic!("{slug} missing from the results"))
}

fn failing(m: &Match) -> Vec<Criterion> {
    m.reasons
        .iter()
        .filter(|r| r.verdict == Verdict::Fails)
        .map(|r| r.criterion)
        .collect()
}

fn text(m: &Match, c: Criterion) -> &str {
    m.reason(c).map(|r| r.text.as_str()).unwrap_or_default()
}

/// (profile, slug, status, failing criteria, formats) over the four example records.
#[test]
fn the_issue_examples() {
    use Criterion as C;
    use Status::*;
    let individual = Term::Known(Delivery::IndividualWork);
    type Row = (
        &'static str,
        Profile,
        &'static str,
        Status,
        Vec<Criterion>,
        Option<Vec<Term<Delivery>>>,
    );
    let table: Vec<Row> = vec![
        (
            "19-year-old man convicted of an internet offence",
            man_19_convicted(),
            "fictional-internet-programme",
            Eligible,
            vec![],
            Some(vec![individual.clone()]),
        ),
        (
            "19-year-old man: groupwork is 21+",
            man_19_convicted(),
            "fictional-groupwork-programme",
            Ineligible,
            vec![C::Age],
            Some(vec![]),
        ),
        (
            "19-year-old man: counselling is for people not known to the justice system",
            man_19_convicted(),
            "fictional-counselling",
            Ineligible,
            vec![C::AskingFor, C::JusticeStage],
            None,
        ),
        (
            "30-year-old woman with sexual thoughts: counselling",
            woman_30_thoughts(),
            "fictional-counselling",
            Eligible,
            vec![],
            None,
        ),
        (
            "30-year-old woman: the internet programme",
            woman_30_thoughts(),
            "fictional-internet-programme",
            Ineligible,
            vec![C::Gender, C::AskingFor, C::Situation, C::JusticeStage],
            None,
        ),
        (
            "30-year-old woman: the groupwork programme",
            woman_30_thoughts(),
            "fictional-groupwork-programme",
            Ineligible,
            vec![C::Gender, C::AskingFor, C::Situation, C::JusticeStage],
            None,
        ),
        (
            "partner of an arrested man: the family service",
            partner_of_arrested_man(),
            "fictional-family-support",
            PossiblyEligible,
            vec![],
            None,
        ),
        (
            "partner of an arrested man: counselling is closed by the justice stage alone",
            partner_of_arrested_man(),
            "fictional-counselling",
            Ineligible,
            vec![C::JusticeStage],
            None,
        ),
    ];
    let records = all_records();
    for (case, profile, slug, status, fails, formats) in table {
        let answer = signpost(&profile, &records);
        let m = find(&answer, slug);
        assert_eq!(m.status, status, "{case}: {m:#?}");
        assert_eq!(failing(m), fails, "{case}: {m:#?}");
        if let Some(formats) = formats {
            assert_eq!(m.formats, formats, "{case}");
        }
        // Each answer agrees with judging the record on its own.
        let records_alone: Vec<&Intervention> = records.iter().filter(|r| r.slug == slug).collect();
        assert_eq!(&match_one(&profile, records_alone[0]), m, "{case}");
    }
}

#[test]
fn reasons_say_why_in_plain_words() {
    let records = all_records();
    let man = signpost(&man_19_convicted(), &records);
    assert_eq!(
        text(find(&man, "fictional-internet-programme"), Criterion::Age),
        "19: the group format takes 21+, the one-to-one format takes 17+ — one-to-one fits"
    );
    assert_eq!(
        text(find(&man, "fictional-groupwork-programme"), Criterion::Age),
        "19: the service takes 21+"
    );
    let woman = signpost(&woman_30_thoughts(), &records);
    assert_eq!(
        text(find(&woman, "fictional-internet-programme"), Criterion::JusticeStage),
        "Only for people convicted of an offence (convicted, in custody; convicted, in the community); you said: no involvement with the justice system"
    );
    assert_eq!(
        text(
            find(&woman, "fictional-internet-programme"),
            Criterion::Gender
        ),
        "Only for males; you said: female"
    );
    let young = Profile {
        age: Some(15),
        ..man_19_convicted()
    };
    let partner = signpost(&partner_of_arrested_man(), &records);
    assert_eq!(
        text(
            find(&partner, "fictional-family-support"),
            Criterion::JusticeStage
        ),
        "Only for people arrested, charged or convicted; you said: arrested or under investigation"
    );
    let m = match_one(&young, &internet_programme());
    assert_eq!(m.status, Status::Ineligible);
    assert_eq!(
        text(&m, Criterion::Age),
        "15: the group format takes 21+, the one-to-one format takes 17+ — no format fits"
    );
    assert!(m.formats.is_empty());

    let mut unknown_gender = internet_programme();
    unknown_gender.eligibility.genders = None;
    let m = match_one(&man_19_convicted(), &unknown_gender);
    assert_eq!(m.status, Status::PossiblyEligible);
    assert_eq!(
        text(&m, Criterion::Gender),
        "The service does not say which genders it accepts"
    );
    assert_eq!(
        m.reason(Criterion::Gender).map(|r| r.verdict),
        Some(Verdict::Unknown)
    );
}

#[test]
fn requirements_outside_the_profile_are_notes_not_verdicts() {
    let m = match_one(&man_19_convicted(), &groupwork_programme());
    assert!(m
        .notes
        .contains(&"Requires an IQ of 80 or more".to_string()));
    assert!(m
        .notes
        .contains(&"Stated exclusion: People who deny their offence".to_string()));
    let older = Profile {
        age: Some(25),
        ..man_19_convicted()
    };
    let m = match_one(&older, &groupwork_programme());
    assert_eq!(m.status, Status::Eligible, "{m:#?}");
    assert_eq!(m.formats, vec![Term::Known(Delivery::GroupWork)]);
    let m = match_one(&Profile::default(), &Intervention::default());
    assert!(m.notes[0].contains("has not published"), "{:?}", m.notes);
}

#[test]
fn results_come_in_status_evidence_nearness_title_order() {
    let answer = signpost(&man_19_convicted(), &all_records());
    let slugs: Vec<&str> = answer.results.iter().map(|m| m.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "fictional-internet-programme",  // eligible
            "fictional-groupwork-programme", // ineligible, effective
            "fictional-family-support",      // ineligible, pioneering
            "fictional-counselling",         // ineligible, not rated
        ]
    );
    assert_eq!(
        answer.counts,
        StatusCounts {
            eligible: 1,
            possibly_eligible: 0,
            ineligible: 3
        }
    );
    // Relaxations only when nothing fits.
    assert!(answer.relaxations.is_empty());

    // Same status and evidence: the person's country first, then remote, then the rest,
    // then by title.
    let profile = Profile {
        country: Some(de()),
        ..Profile::default()
    };
    let mut here = record("here", "Zeta", &[], Eligibility::default());
    here.countries = vec![Term::Known(de())];
    let mut remote = record("remote", "Alpha", &[], Eligibility::default());
    remote.eligibility.remote = Some(true);
    let elsewhere_b = record("elsewhere-b", "Beta", &[], Eligibility::default());
    let elsewhere_a = record("elsewhere-a", "Alpha", &[], Eligibility::default());
    let mut rated = record("rated", "Omega", &[], Eligibility::default());
    rated.rating = Some(Rating::Prudent);
    let answer = signpost(
        &profile,
        [&elsewhere_b, &remote, &here, &elsewhere_a, &rated],
    );
    let slugs: Vec<&str> = answer.results.iter().map(|m| m.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["rated", "here", "remote", "elsewhere-a", "elsewhere-b"]
    );
    assert!(answer
        .results
        .iter()
        .all(|m| m.status == Status::PossiblyEligible));
}

#[test]
fn the_partner_finds_the_family_service_or_an_explained_empty_answer() {
    let answer = signpost(&partner_of_arrested_man(), &all_records());
    assert_eq!(answer.results[0].slug, "fictional-family-support");
    assert!(!answer.nothing_fits());

    let without_family: Vec<Intervention> = all_records()
        .into_iter()
        .filter(|r| r.slug != "fictional-family-support")
        .collect();
    let answer = signpost(&partner_of_arrested_man(), &without_family);
    assert!(answer.nothing_fits());
    assert_eq!(answer.results.len(), 3);
    assert!(answer
        .results
        .iter()
        .all(|m| m.status == Status::Ineligible));
    assert_eq!(
        answer.relaxations,
        vec![Relaxation {
            criterion: Criterion::JusticeStage,
            text: "If the stage with the justice system were not a barrier".into(),
            services: vec![OpenedService {
                slug: "fictional-counselling".into(),
                title: "Fictional Confidential Counselling".into(),
                // The partner gave no age, so possibly.
                status: Status::PossiblyEligible,
            }],
            total: 1,
        }]
    );
    // Helplines accept the person or are not listed: none here.
    assert!(answer.helplines.is_empty());
    assert!(answer.notice.contains("not an assessment of risk"));
}

#[test]
fn anonymous_helplines_that_accept_the_person_are_always_listed() {
    let answer = signpost(&woman_30_thoughts(), &all_records());
    let helplines: Vec<&str> = answer.helplines.iter().map(|m| m.slug.as_str()).collect();
    assert_eq!(helplines, ["fictional-counselling"]);
    // The internet programme is neither anonymous nor remote.
    let answer = signpost(&man_19_convicted(), &all_records());
    assert!(answer.helplines.is_empty(), "{:?}", answer.helplines);
    // Unknown profile: a helpline is possibly eligible, so listed.
    let answer = signpost(&Profile::default(), &all_records());
    assert_eq!(answer.helplines.len(), 1);
    // Anonymous but delivered only in person: not a helpline.
    let mut in_person = counselling_service();
    in_person.facet_rows[0].delivery = known(&[Delivery::GroupWork]);
    let answer = signpost(&Profile::default(), [&in_person]);
    assert!(answer.helplines.is_empty());
}

#[test]
fn country_and_remote_help() {
    let abroad = Profile {
        country: Some(de()),
        remote_only: Some(true),
        ..woman_30_thoughts()
    };
    let m = match_one(&abroad, &counselling_service());
    assert_eq!(m.status, Status::Eligible, "{m:#?}");
    assert!(
        text(&m, Criterion::Country).contains("people elsewhere can use it remotely"),
        "{}",
        text(&m, Criterion::Country)
    );
    assert_eq!(m.nearness, Nearness::Remote);
    // Only the phone and online formats suit someone abroad.
    assert_eq!(
        m.formats,
        vec![Term::Known(Delivery::Phone), Term::Known(Delivery::Online)]
    );
    let m = match_one(&abroad, &internet_programme());
    assert!(failing(&m).contains(&Criterion::Country));
    assert!(failing(&m).contains(&Criterion::Remote));

    // Remote unknown: not known whether people abroad can use it.
    let mut unstated = internet_programme();
    unstated.eligibility.remote = None;
    let m = match_one(&abroad, &unstated);
    assert_eq!(
        m.reason(Criterion::Country).map(|r| r.verdict),
        Some(Verdict::Unknown)
    );
    assert_eq!(
        m.reason(Criterion::Remote).map(|r| r.verdict),
        Some(Verdict::Unknown)
    );
}

#[test]
fn language_falls_back_on_the_facet_rows() {
    let mut r = counselling_service();
    r.eligibility.languages = None;
    let welsh = Language::from_id("cy").expect("cy");
    let profile = Profile {
        language: Some(welsh),
        ..Profile::default()
    };
    assert_eq!(
        match_one(&profile, &r)
            .reason(Criterion::Language)
            .map(|x| x.verdict),
        Some(Verdict::Unknown)
    );
    r.facet_rows[0].languages = vec![Term::Known(english())];
    let m = match_one(&profile, &r);
    assert_eq!(failing(&m), [Criterion::Language]);
    assert_eq!(
        text(&m, Criterion::Language),
        "Works in: English; you said: Welsh"
    );
    r.facet_rows[0]
        .languages
        .push(Term::Other("Cymraeg a Saesneg".into()));
    let m = match_one(&profile, &r);
    assert_eq!(
        m.reason(Criterion::Language).map(|x| x.verdict),
        Some(Verdict::Unknown)
    );
}

#[test]
fn anonymity_fails_only_when_refused() {
    let needs = Profile {
        needs_anonymity: Some(true),
        ..Profile::default()
    };
    let mut r = counselling_service();
    for (anonymous, verdict) in [
        (Some(true), Some(Verdict::Fits)),
        (None, Some(Verdict::Unknown)),
        (Some(false), Some(Verdict::Fails)),
    ] {
        r.eligibility.anonymous = anonymous;
        let m = match_one(&needs, &r);
        assert_eq!(m.reason(Criterion::Anonymity).map(|x| x.verdict), verdict);
    }
    // Not asked for: not a criterion at all.
    let m = match_one(&Profile::default(), &r);
    assert!(m.reason(Criterion::Anonymity).is_none());
}

#[test]
fn profiles_read_from_json_strictly() {
    let p: Profile = serde_json::from_str(
        r#"{"age": 19, "gender": "male", "asking_for": "client", "situations": ["viewing_csam"],
            "justice_stage": "convicted_community", "country": "GB", "language": "en",
            "needs_anonymity": false, "remote_only": null}"#,
    )
    .expect("valid profile");
    assert_eq!(
        p,
        Profile {
            needs_anonymity: Some(false),
            ..man_19_convicted()
        }
    );
    let p: Profile = serde_json::from_str(r#"{"situations": null}"#).expect("null situations");
    assert!(p.is_unknown());
    let p: Profile = serde_json::from_str("{}").expect("empty profile");
    assert!(p.is_unknown());
    for (json, expected) in [
        (r#"{"asking_for": "myself"}"#, "myself"),
        (r#"{"situations": ["thoughts"]}"#, "thoughts"),
        (r#"{"justice_stage": "arrested"}"#, "arrested"),
        (r#"{"gender": "other"}"#, "other"),
        (r#"{"country": "XX"}"#, "XX"),
        (r#"{"agee": 19}"#, "agee"),
        (r#"{"age": 300}"#, "300"),
    ] {
        let err = serde_json::from_str::<Profile>(json)
            .err()
            .unwrap_or_else(|| panic!("{json} accepted"));
        assert!(err.to_string().contains(expected), "{json}: {err}");
    }
    let ids = serde_json::to_value(Profile {
        asking_for: Some(AskingFor::ForSelf),
        justice_stage: Some(JusticeStage::NoInvolvement),
        ..Profile::default()
    })
    .unwrap_or_default();
    assert_eq!(ids["asking_for"], "self");
    assert_eq!(ids["justice_stage"], "none");
}

#[test]
fn results_serialise_with_the_issue_ids() {
    let answer = signpost(&man_19_convicted(), &all_records());
    let json = serde_json::to_value(&answer).unwrap_or_default();
    let first = &json["results"][0];
    assert_eq!(first["status"], "eligible");
    assert_eq!(first["formats"], serde_json::json!(["individual_work"]));
    assert_eq!(first["reasons"][0]["criterion"], "age");
    assert_eq!(first["reasons"][0]["verdict"], "fits");
    assert_eq!(json["results"][1]["status"], "ineligible");
    assert_eq!(json["notice"], NOTICE);
    let back: Match = serde_json::from_value(first.clone()).expect("a match reads back");
    assert_eq!(back, answer.results[0]);
}

#[test]
fn the_constant_lists_hold_every_value() {
    assert_eq!(GENDERS.to_vec(), Gender::all());
    assert_eq!(ASKING_FOR.to_vec(), AskingFor::all());
    assert_eq!(SITUATIONS.to_vec(), Situation::all());
    assert_eq!(JUSTICE_STAGES.to_vec(), JusticeStage::all());
    assert_eq!(CRITERIA.to_vec(), Criterion::all());
    for (i, c) in CRITERIA.iter().enumerate() {
        assert_eq!(*c as usize, i);
    }
    let ids: Vec<&str> = Status::all().iter().map(|s| s.id()).collect();
    assert_eq!(ids, ["eligible", "possibly_eligible", "ineligible"]);
}

#[test]
fn a_limit_writes_out_the_first_results_only() {
    let records = all_records();
    let all = signpost(&man_19_convicted(), &records);
    for limit in 0..=5 {
        let some = signpost_with(
            &man_19_convicted(),
            &records,
            &SignpostOptions { limit: Some(limit) },
        );
        assert_eq!(some.results, all.results[..limit.min(4)], "limit {limit}");
        assert_eq!(some.counts, all.counts);
    }
}

#[test]
fn notice_uses_current_terminology() {
    let lower = NOTICE.to_lowercase();
    assert!(lower.contains("not an assessment of risk"));
    assert!(lower.contains("each service decides"));
    for old in ["child porn", "paedophil", "pedophil"] {
        assert!(!lower.contains(old));
    }
}

// ---------------------------------------------------------------------------------------
// Properties.

fn pick<T: Clone + std::fmt::Debug + 'static>(values: Vec<T>) -> impl Strategy<Value = T> {
    proptest::sample::select(values)
}

fn some_of<T: Clone + std::fmt::Debug + 'static>(
    values: Vec<T>,
) -> impl Strategy<Value = Option<Vec<T>>> {
    proptest::option::of(proptest::collection::vec(pick(values), 0..4))
}

fn age() -> impl Strategy<Value = Option<u8>> {
    proptest::option::of(prop_oneof![0u8..=30, any::<u8>()])
}

fn delivery() -> impl Strategy<Value = Term<Delivery>> {
    prop_oneof![
        4 => pick(Delivery::all()).prop_map(Term::Known),
        1 => "[a-z]{1,6}".prop_map(Term::Other),
    ]
}

fn few_countries() -> Vec<Country> {
    ["GB", "DE", "FR"]
        .iter()
        .filter_map(|c| Country::from_id(c))
        .collect()
}

fn few_languages() -> Vec<Language> {
    ["en", "de", "cy"]
        .iter()
        .filter_map(|l| Language::from_id(l))
        .collect()
}

fn profile() -> impl Strategy<Value = Profile> {
    (
        age(),
        proptest::option::of(pick(Gender::all())),
        proptest::option::of(pick(AskingFor::all())),
        proptest::collection::vec(pick(Situation::all()), 0..3),
        proptest::option::of(pick(JusticeStage::all())),
        proptest::option::of(pick(few_countries())),
        proptest::option::of(pick(few_languages())),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(
                age,
                gender,
                asking_for,
                situations,
                justice_stage,
                country,
                language,
                needs_anonymity,
                remote_only,
            )| Profile {
                age,
                gender,
                asking_for,
                situations,
                justice_stage,
                country,
                language,
                needs_anonymity,
                remote_only,
            },
        )
}

fn eligibility() -> impl Strategy<Value = Eligibility> {
    let format =
        (delivery(), age(), age()).prop_map(|(delivery, age_min, age_max)| FormatAgeLimits {
            delivery,
            age_min,
            age_max,
        });
    (
        (
            age(),
            age(),
            proptest::collection::vec(format, 0..3),
            some_of(Gender::all()),
            proptest::option::of(any::<u8>()),
            some_of(AskingFor::all()),
            some_of(Situation::all()),
            some_of(JusticeStage::all()),
        ),
        (
            some_of(ReferralRoute::all()),
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
            some_of(few_languages()),
            proptest::collection::vec("[a-z ]{0,8}", 0..2),
        ),
    )
        .prop_map(
            |(
                (age_min, age_max, formats, genders, iq_min, serves, situations, justice_stages),
                (referral_routes, anonymous, remote, languages, exclusions),
            )| Eligibility {
                age_min,
                age_max,
                formats,
                genders,
                iq_min,
                serves,
                situations,
                justice_stages,
                referral_routes,
                anonymous,
                remote,
                languages,
                exclusions,
                ..Eligibility::default()
            },
        )
}

fn intervention() -> impl Strategy<Value = Intervention> {
    (
        "[A-C][a-c]{0,2}",
        eligibility(),
        proptest::collection::vec(delivery(), 0..4),
        proptest::collection::vec(
            prop_oneof![
                3 => pick(few_languages()).prop_map(Term::Known),
                1 => "[a-z]{1,5}".prop_map(Term::Other),
            ],
            0..3,
        ),
        proptest::collection::vec(
            prop_oneof![
                3 => pick(few_countries()).prop_map(Term::Known),
                1 => "[a-z]{1,5}".prop_map(Term::Other),
            ],
            0..3,
        ),
        proptest::option::of(pick(Rating::all())),
    )
        .prop_map(
            |(title, eligibility, delivery, languages, countries, rating)| Intervention {
                slug: String::new(),
                title,
                facet_rows: vec![FacetRow {
                    delivery,
                    languages,
                    ..FacetRow::default()
                }],
                countries,
                rating,
                eligibility,
                ..Intervention::default()
            },
        )
}

/// Records with distinct slugs, so an order over them is fully observable.
fn interventions() -> impl Strategy<Value = Vec<Intervention>> {
    proptest::collection::vec(intervention(), 0..8).prop_map(|mut records| {
        for (i, r) in records.iter_mut().enumerate() {
            r.slug = format!("r{i}");
        }
        records
    })
}

/// `narrow` with every field `base` leaves unknown and `mask` selects taken from `values`.
fn narrowed(base: &Profile, values: &Profile, mask: u16) -> Profile {
    let mut p = base.clone();
    let on = |bit: u16| mask & (1 << bit) != 0;
    if p.age.is_none() && on(0) {
        p.age = values.age;
    }
    if p.gender.is_none() && on(1) {
        p.gender = values.gender;
    }
    if p.asking_for.is_none() && on(2) {
        p.asking_for = values.asking_for;
    }
    if p.situations.is_empty() && on(3) {
        p.situations = values.situations.clone();
    }
    if p.justice_stage.is_none() && on(4) {
        p.justice_stage = values.justice_stage;
    }
    if p.country.is_none() && on(5) {
        p.country = values.country;
    }
    if p.language.is_none() && on(6) {
        p.language = values.language;
    }
    if p.needs_anonymity.is_none() && on(7) {
        p.needs_anonymity = values.needs_anonymity;
    }
    if p.remote_only.is_none() && on(8) {
        p.remote_only = values.remote_only;
    }
    p
}

fn order_key(m: &Match) -> (Status, u8, Nearness, String, String) {
    (
        m.status,
        m.rating.map_or(u8::MAX, Rating::strength_rank),
        m.nearness,
        m.title.clone(),
        m.slug.clone(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_and_agrees_with_itself(p in profile(), records in interventions()) {
        let answer = signpost(&p, &records);
        prop_assert_eq!(answer.results.len(), records.len());
        for m in &answer.results {
            let r = records.iter().find(|r| r.slug == m.slug).expect("known slug");
            prop_assert_eq!(&match_one(&p, r), m);
            let verdicts = m.reasons.iter().map(|r| r.verdict);
            prop_assert_eq!(status_of(verdicts), m.status);
            prop_assert!(m.reasons.iter().all(|r| !r.text.is_empty()));
            if m.status == Status::Ineligible {
                prop_assert!(m.formats.is_empty());
            }
        }
        for h in &answer.helplines {
            prop_assert!(h.status != Status::Ineligible);
        }
        if !answer.nothing_fits() {
            prop_assert!(answer.relaxations.is_empty());
        }
        for relaxation in &answer.relaxations {
            for opened in &relaxation.services {
                let m = answer.results.iter().find(|m| m.slug == opened.slug).expect("listed");
                prop_assert_eq!(failing(m), vec![relaxation.criterion]);
                prop_assert!(opened.status != Status::Ineligible);
            }
        }
    }

    #[test]
    fn with_everything_unknown_nothing_is_ineligible(records in interventions()) {
        let answer = signpost(&Profile::default(), &records);
        prop_assert!(answer.results.iter().all(|m| m.status != Status::Ineligible));
        prop_assert_eq!(answer.counts.ineligible, 0);
    }

    #[test]
    fn narrowing_never_opens_what_was_closed(
        base in profile(),
        values in profile(),
        mask in any::<u16>(),
        r in intervention(),
    ) {
        let before = match_one(&base, &r);
        let after = match_one(&narrowed(&base, &values, mask), &r);
        // Every criterion that failed still fails, so `ineligible` stays `ineligible`.
        for c in failing(&before) {
            prop_assert!(failing(&after).contains(&c), "{:?} no longer fails: {:#?}", c, after);
        }
        if before.status == Status::Ineligible {
            prop_assert_eq!(after.status, Status::Ineligible);
        }
        // And what fitted still fits: saying more only resolves what was not known.
        for reason in before.reasons.iter().filter(|r| r.verdict == Verdict::Fits) {
            prop_assert_eq!(
                after.reason(reason.criterion).map(|r| r.verdict),
                Some(Verdict::Fits)
            );
        }
    }

    #[test]
    fn order_is_total_and_does_not_depend_on_the_input_order(
        p in profile(),
        records in interventions(),
        limit in 0usize..10,
    ) {
        let forward = signpost(&p, &records);
        let backward = signpost(&p, records.iter().rev());
        prop_assert_eq!(&forward.results, &backward.results);
        prop_assert_eq!(&forward.helplines, &backward.helplines);
        prop_assert_eq!(&forward.relaxations, &backward.relaxations);
        let keys: Vec<_> = forward.results.iter().map(order_key).collect();
        prop_assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{:?}", keys);
        let limited = signpost_with(&p, &records, &SignpostOptions { limit: Some(limit) });
        let n = limit.min(records.len());
        prop_assert_eq!(&limited.results[..], &forward.results[..n]);
        prop_assert_eq!(
            &limited.helplines[..],
            &forward.helplines[..limit.min(forward.helplines.len())]
        );
    }
}

// ---------------------------------------------------------------------------------------
// The keyed cheap pass against the former one.

/// The former signposting, judging every record straight from the record with
/// `criteria::verdicts`, sorting in full and relaxing from the verdicts kept: what the keyed
/// pass must answer to the letter.
mod reference {
    use super::super::criteria;
    use super::super::*;

    struct Ranked<'a> {
        record: &'a Intervention,
        index: usize,
        verdicts: criteria::Verdicts,
        status: Status,
        strength: u8,
        nearness: Nearness,
    }

    impl<'a> Ranked<'a> {
        fn new(profile: &Profile, record: &'a Intervention, index: usize) -> Ranked<'a> {
            let verdicts = criteria::verdicts(profile, record);
            Ranked {
                record,
                index,
                status: status_of(verdicts.by_criterion.iter().flatten().copied()),
                verdicts,
                strength: record.rating.map_or(u8::MAX, Rating::strength_rank),
                nearness: criteria::nearness(profile, record),
            }
        }

        fn order(&self, other: &Self) -> Ordering {
            self.status
                .cmp(&other.status)
                .then(self.strength.cmp(&other.strength))
                .then(self.nearness.cmp(&other.nearness))
                .then_with(|| self.record.title.cmp(&other.record.title))
                .then_with(|| self.record.slug.cmp(&other.record.slug))
                .then(self.index.cmp(&other.index))
        }
    }

    fn first_in_order<T>(items: &mut Vec<T>, limit: usize, cmp: impl Fn(&T, &T) -> Ordering) {
        items.sort_by(&cmp);
        items.truncate(limit);
    }

    pub(super) fn signpost_with<'a>(
        profile: &Profile,
        records: impl IntoIterator<Item = &'a Intervention>,
        options: &SignpostOptions,
    ) -> Signposting {
        let limit = options.limit.unwrap_or(usize::MAX);
        let mut ranked: Vec<Ranked<'a>> = records
            .into_iter()
            .enumerate()
            .map(|(index, record)| Ranked::new(profile, record, index))
            .collect();
        let mut counts = StatusCounts::default();
        for r in &ranked {
            match r.status {
                Status::Eligible => counts.eligible += 1,
                Status::PossiblyEligible => counts.possibly_eligible += 1,
                Status::Ineligible => counts.ineligible += 1,
            }
        }
        let mut helplines: Vec<&Ranked<'a>> = ranked
            .iter()
            .filter(|r| r.status != Status::Ineligible && criteria::is_helpline(r.record))
            .collect();
        first_in_order(&mut helplines, limit, |a, b| a.order(b));
        let helplines = helplines
            .iter()
            .map(|r| match_one(profile, r.record))
            .collect();
        let relaxations = if counts.eligible == 0 && counts.possibly_eligible == 0 {
            relaxations(&ranked, limit)
        } else {
            Vec::new()
        };
        first_in_order(&mut ranked, limit, Ranked::order);
        let results = ranked
            .iter()
            .map(|r| match_one(profile, r.record))
            .collect();
        Signposting {
            results,
            counts,
            relaxations,
            helplines,
            notice: NOTICE,
        }
    }

    fn relaxations(ranked: &[Ranked<'_>], limit: usize) -> Vec<Relaxation> {
        let mut opened: [Vec<(Status, &Ranked<'_>)>; CRITERIA.len()] = Default::default();
        for r in ranked.iter().filter(|r| r.verdicts.fails == 1) {
            let by_criterion = &r.verdicts.by_criterion;
            if let Some(only) = by_criterion.iter().position(|v| *v == Some(Verdict::Fails)) {
                let rest = by_criterion
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != only)
                    .filter_map(|(_, v)| *v);
                opened[only].push((status_of(rest), r));
            }
        }
        let mut relaxations: Vec<Relaxation> = CRITERIA
            .iter()
            .zip(opened)
            .filter(|(_, services)| !services.is_empty())
            .map(|(criterion, mut services)| {
                let total = services.len();
                first_in_order(&mut services, limit, |a, b| {
                    a.0.cmp(&b.0).then_with(|| a.1.order(b.1))
                });
                Relaxation {
                    criterion: *criterion,
                    text: criterion.if_relaxed().to_string(),
                    services: services
                        .into_iter()
                        .map(|(status, r)| OpenedService {
                            slug: r.record.slug.clone(),
                            title: r.record.title.clone(),
                            status,
                        })
                        .collect(),
                    total,
                }
            })
            .collect();
        relaxations.sort_by_key(|r| std::cmp::Reverse(r.total));
        relaxations
    }
}

/// Records that may repeat a title, or a title and a slug, so every tie-break of the order
/// is exercised.
fn records_with_ties() -> impl Strategy<Value = Vec<Intervention>> {
    (
        interventions(),
        proptest::collection::vec((any::<usize>(), any::<usize>(), any::<bool>()), 0..4),
    )
        .prop_map(|(mut records, copies)| {
            let n = records.len();
            if n > 0 {
                for (from, to, slug_too) in copies {
                    let (title, slug) = (
                        records[from % n].title.clone(),
                        records[from % n].slug.clone(),
                    );
                    records[to % n].title = title;
                    if slug_too {
                        records[to % n].slug = slug;
                    }
                }
            }
            records
        })
}

/// A title order as the search catalogue makes it: each record's place in (title, slug, input
/// position) order.
fn title_orders(records: &[Intervention]) -> Vec<u32> {
    let mut by_title: Vec<usize> = (0..records.len()).collect();
    by_title.sort_by(|&a, &b| {
        (&records[a].title, &records[a].slug, a).cmp(&(&records[b].title, &records[b].slug, b))
    });
    let mut orders = vec![0; records.len()];
    for (place, &i) in by_title.iter().enumerate() {
        orders[i] = place as u32 + 1;
    }
    orders
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every criterion's verdict from the key is the criterion's own, whatever the record and
    /// the profile; so are nearness, evidence and being a helpline.
    #[test]
    fn keyed_verdicts_are_the_criteria_verdicts(p in profile(), r in intervention()) {
        let key = MatchKey::of(&r);
        let compiled = CompiledProfile::new(&p);
        let bits = key.judge(&compiled);
        let checks = criteria::check_all(&p, &r, criteria::Explain(false));
        for (c, check) in CRITERIA.iter().zip(&checks) {
            let expected = check.as_ref().map_or(Verdict::Fits, |c| c.verdict);
            prop_assert_eq!(bits.verdict(*c), expected, "{:?}: {:?} {:#?}", c, p, r);
        }
        prop_assert_eq!(bits.status(), status_of(checks.iter().flatten().map(|c| c.verdict)));
        prop_assert_eq!(key.nearness(&compiled), criteria::nearness(&p, &r));
        prop_assert_eq!(key.is_helpline(), criteria::is_helpline(&r));
        prop_assert_eq!(key.strength(), r.rating.map_or(u8::MAX, Rating::strength_rank));
    }

    /// The whole answer, keyed or not, with or without a title order, is the former pass's to
    /// the letter: results, order, counts, relaxations and helplines.
    #[test]
    fn keyed_answers_are_the_former_answers(
        p in profile(),
        records in records_with_ties(),
        limit in proptest::option::of(0usize..6),
    ) {
        let options = SignpostOptions { limit };
        let expected = reference::signpost_with(&p, &records, &options);
        prop_assert_eq!(&signpost_with(&p, &records, &options), &expected);
        let keys: Vec<MatchKey> = records.iter().map(MatchKey::of).collect();
        let keyed = keys.iter().zip(&records).map(|(k, r)| KeyedRecord::new(k, r));
        prop_assert_eq!(&signpost_keyed(&p, keyed, &options), &expected);
        let orders = title_orders(&records);
        let ordered = keys
            .iter()
            .zip(&records)
            .zip(&orders)
            .map(|((key, record), &title_order)| KeyedRecord { key, record, title_order });
        prop_assert_eq!(&signpost_keyed(&p, ordered, &options), &expected);
    }

    /// The same when nothing fits, where relaxations are given: every record closed to the
    /// profile on some criterion.
    #[test]
    fn keyed_relaxations_are_the_former_relaxations(
        records in records_with_ties(),
        limit in proptest::option::of(0usize..4),
    ) {
        let p = Profile {
            age: Some(15),
            needs_anonymity: Some(true),
            remote_only: Some(true),
            ..man_19_convicted()
        };
        let mut records = records;
        for (i, r) in records.iter_mut().enumerate() {
            // Closed on one or two criteria, so some records open with one relaxed.
            r.eligibility.anonymous = Some(false);
            if i % 2 == 0 {
                r.eligibility.genders = Some(vec![Gender::Female]);
            }
        }
        let options = SignpostOptions { limit };
        let expected = reference::signpost_with(&p, &records, &options);
        prop_assert!(expected.nothing_fits());
        prop_assert_eq!(&signpost_with(&p, &records, &options), &expected);
        let keys: Vec<MatchKey> = records.iter().map(MatchKey::of).collect();
        let orders = title_orders(&records);
        let ordered = keys
            .iter()
            .zip(&records)
            .zip(&orders)
            .map(|((key, record), &title_order)| KeyedRecord { key, record, title_order });
        prop_assert_eq!(&signpost_keyed(&p, ordered, &options), &expected);
    }
}
