//! Records for the search tests: hand-made fictional ones, the four real examples, and
//! synthetic ones from the formats crate.

#![allow(dead_code)]

use preventory_core::eligibility::ReferralRoute;
use preventory_core::vocab::{
    AgeGroup, Country, Delivery, Gender, Language, PreventionLevel, TargetGroup, Term, Vocabulary,
};
use preventory_core::{FacetRow, Intervention, PartialDate, Rating};
use preventory_formats::{seed_text, synthetic};
use preventory_search::Listing;
use std::collections::BTreeMap;

/// The four example records in `data/examples`, parsed.
pub fn examples() -> Vec<Intervention> {
    let files: [(&str, &[u8]); 4] = [
        (
            "000.txt",
            include_bytes!("../../../../data/examples/000_539f00f589d4a362.txt"),
        ),
        (
            "001.txt",
            include_bytes!("../../../../data/examples/001_327a9cf11ad9e4a1.txt"),
        ),
        (
            "002.txt",
            include_bytes!("../../../../data/examples/002_2adcaa1ea715119c.txt"),
        ),
        (
            "003.txt",
            include_bytes!("../../../../data/examples/003_872480d8329dbb3f.txt"),
        ),
    ];
    files
        .iter()
        .map(|(name, bytes)| {
            seed_text::parse(name, bytes)
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .record
        })
        .collect()
}

/// `n` synthetic fictional records.
pub fn synthetic_records(n: usize, seed: u64) -> Vec<Intervention> {
    synthetic::generate(n, seed)
        .into_iter()
        .map(|f| {
            seed_text::parse(&f.file_name, f.text.as_bytes())
                .unwrap_or_else(|e| panic!("{}: {e}", f.file_name))
                .record
        })
        .collect()
}

/// The records as published listings, the way the index takes them.
pub fn published(records: &[Intervention]) -> Vec<Listing> {
    records.iter().cloned().map(Listing::published).collect()
}

/// A hand-made fictional record.
pub struct Fiction {
    pub record: Intervention,
}

impl Fiction {
    pub fn new(slug: &str, title: &str) -> Fiction {
        Fiction {
            record: Intervention {
                slug: slug.into(),
                title: title.into(),
                ..Intervention::default()
            },
        }
    }

    pub fn summary(mut self, s: &str) -> Fiction {
        self.record.summary = Some(s.into());
        self
    }

    pub fn section(mut self, key: &str, text: &str) -> Fiction {
        self.record.sections.insert(key.into(), text.into());
        self
    }

    pub fn rating(mut self, r: Option<Rating>) -> Fiction {
        self.record.rating = r;
        self
    }

    pub fn date(mut self, d: &str) -> Fiction {
        self.record.information_correct_at = PartialDate::parse_iso(d).ok();
        self
    }

    pub fn self_referral(mut self) -> Fiction {
        self.record.eligibility.referral_routes = Some(vec![ReferralRoute::SelfReferral]);
        self
    }

    pub fn row(
        mut self,
        target: TargetGroup,
        level: PreventionLevel,
        genders: &[Gender],
        delivery: &[Delivery],
    ) -> Fiction {
        self.record.facet_rows.push(FacetRow {
            target_group: Some(Term::Known(target)),
            prevention_level: Some(Term::Known(level)),
            age_groups: vec![Term::Known(AgeGroup::Adults)],
            genders: genders.iter().map(|g| Term::Known(*g)).collect(),
            delivery: delivery.iter().map(|d| Term::Known(*d)).collect(),
            subgroups: vec![],
            languages: Language::from_id("en")
                .map(Term::Known)
                .into_iter()
                .collect(),
        });
        self
    }

    pub fn country(mut self, code: &str) -> Fiction {
        if let Some(c) = Country::from_id(code) {
            self.record.countries.push(Term::Known(c));
        }
        self
    }

    pub fn other_gender(mut self, text: &str) -> Fiction {
        if let Some(row) = self.record.facet_rows.last_mut() {
            row.genders.push(Term::Other(text.into()));
        }
        self
    }

    pub fn build(self) -> Intervention {
        self.record
    }
}

/// A small fictional collection with known text, facets, ratings and dates.
pub fn fictional() -> Vec<Intervention> {
    use Delivery::*;
    use Gender::*;
    use PreventionLevel::*;
    use TargetGroup::*;
    vec![
        Fiction::new(
            "fictional-treatment-programme",
            "Fictional Treatment Programme",
        )
        .summary("An invented group treatment for adults in Exampletown.")
        .section(
            "description",
            "Sessions follow a cognitive-behavioural treatment model.",
        )
        .rating(Some(Rating::Effective))
        .date("2021-03")
        .row(PotentialOffenders, Tertiary, &[Male], &[GroupWork])
        .country("GB")
        .build(),
        Fiction::new("example-family-workshops", "Example Family Workshops")
            .summary("Invented workshops for parents and carers in Sampleby.")
            .section(
                "description",
                "Parents learn about safe families. The workshops mention treatment only once.",
            )
            .rating(Some(Rating::Promising))
            .date("2019")
            .row(
                CommunitiesAndFamilies,
                Primary,
                &[Male, Female],
                &[GroupWork, PublicEducation],
            )
            .country("IE")
            .build(),
        Fiction::new("mock-helpline", "Mock Helpline")
            .summary(
                "A fictional confidential helpline for adults worried about their own thoughts.",
            )
            .section(
                "mode_and_context",
                "Calls are anonymous. People can use it through self-referral.",
            )
            .rating(None)
            .date("2023-01")
            .row(
                PotentialOffenders,
                Secondary,
                &[Male, Female],
                &[Phone, Online],
            )
            .country("GB")
            .self_referral()
            .build(),
        Fiction::new("sample-school-lessons", "Sample School Lessons")
            .summary("Invented classroom lessons on body safety in Mockhaven.")
            .section(
                "description",
                "Teachers deliver six lessons on group work and safe adults.",
            )
            .rating(Some(Rating::Pioneering))
            .row(
                ChildrenAndYoungPeople,
                Primary,
                &[Female],
                &[ClassroomSetting],
            )
            .other_gender("Non-binary pupils")
            .country("NL")
            .build(),
        Fiction::new("placeholder-group-work", "placeholder group work")
            .summary("Fictional work in a group, for staff.")
            .section(
                "description",
                "Work with a group of staff on safeguarding. The programme is short.",
            )
            .rating(Some(Rating::Prudent))
            .date("2021-11")
            .row(SituationsAndPlaces, Primary, &[Male, Female], &[Training])
            .country("GB")
            .build(),
        Fiction::new("dummy-progamme-typo", "Dummy Outreach")
            .summary("An invented outreach progamme (sic) for young adults.")
            .rating(None)
            .row(PotentialOffenders, Secondary, &[Male], &[IndividualWork])
            .country("DE")
            .build(),
    ]
}

/// Facet counts computed the slow way, straight from the records with `Facet::ids_of`:
/// each facet counts the records matching every other facet's filter.
pub fn expected_counts(
    records: &[&Intervention],
    filters: &BTreeMap<preventory_core::Facet, Vec<String>>,
) -> BTreeMap<&'static str, BTreeMap<String, usize>> {
    use preventory_core::Facet;
    let passes = |r: &Intervention, except: Option<Facet>| {
        filters.iter().all(|(f, ids)| {
            Some(*f) == except || ids.is_empty() || f.ids_of(r).iter().any(|id| ids.contains(id))
        })
    };
    let mut out = BTreeMap::new();
    for f in Facet::ALL {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for r in records.iter().filter(|r| passes(r, Some(f))) {
            for id in f.ids_of(r) {
                *counts.entry(id).or_default() += 1;
            }
        }
        out.insert(f.plural(), counts);
    }
    out
}
