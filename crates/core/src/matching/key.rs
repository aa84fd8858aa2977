//! The cheap pass, compiled: each record's eligibility reduced once to a [`MatchKey`] of
//! bitmasks and small classes, and each profile to tables holding the verdict for every class,
//! so judging a record is a few table look-ups and bit tests, with no allocation, no walking
//! of the record's vectors and no comparing of strings.
//!
//! The verdict functions here restate the criteria of `criteria.rs` (which stay the
//! definition, and alone write the reasons) over what the key keeps. The property tests hold
//! the two to the same verdict on every criterion for arbitrary records and profiles.

use super::criteria::{self, Languages, Limits, ASKING_FOR, GENDERS, JUSTICE_STAGES, SITUATIONS};
use super::profile::Profile;
use super::{Criterion, Nearness, Status, Verdict, CRITERIA};
use crate::rating::Rating;
use crate::record::Intervention;
use crate::vocab::{Country, Language, Term};

/// A set of small numbers (vocabulary positions, ages), one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Bitset<const WORDS: usize>([u64; WORDS]);

impl<const WORDS: usize> Bitset<WORDS> {
    const EMPTY: Self = Bitset([0; WORDS]);

    fn insert(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// Inserts `lo..=hi` (nothing when `lo > hi`) a word at a time.
    fn insert_range(&mut self, lo: usize, hi: usize) {
        for (w, word) in self.0.iter_mut().enumerate() {
            let (start, end) = (lo.max(w * 64), hi.min(w * 64 + 63));
            if start <= end {
                let ones = u64::MAX >> (63 - (end - start));
                *word |= ones << (start - w * 64);
            }
        }
    }

    fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }
}

/// Words of a bitset over every country, and over every language: sized from the tables, so
/// a longer vocabulary needs no change here.
const COUNTRY_WORDS: usize = Country::COUNT.div_ceil(64);
const LANGUAGE_WORDS: usize = Language::COUNT.div_ceil(64);
/// Words of a bitset over every age a profile can give (`u8`).
const AGE_WORDS: usize = (u8::MAX as usize + 1) / 64;

/// How many classes of record each table distinguishes; powers of two, so an index masked
/// with `len - 1` needs no bounds check and cannot panic.
const GENDER_CLASSES: usize = 1 << GENDERS.len();
const ASKING_FOR_CLASSES: usize = 1 << ASKING_FOR.len();
const SITUATION_CLASSES: usize = 1 << SITUATIONS.len();
const JUSTICE_STAGE_CLASSES: usize = 1 << JUSTICE_STAGES.len();
// The masks of these lists are `u8`s: a vocabulary outgrowing them must widen them.
const _: () = assert!(
    GENDERS.len() <= 8
        && ASKING_FOR.len() <= 8
        && SITUATIONS.len() <= 8
        && JUSTICE_STAGES.len() <= 8
);
/// [`said`] of whether help is anonymous.
const ANONYMITY_CLASSES: usize = 4;
/// [`said`] of whether remote use is possible, and a bit for a remote delivery format.
const REMOTE_CLASSES: usize = 8;
/// [`MatchKey::places`], shifted left by one for whether the person's country is listed.
const COUNTRY_CLASSES: usize = 32;
/// [`MatchKey::languages_class`], shifted left by one for whether the person's language is
/// offered.
const LANGUAGE_CLASSES: usize = 8;
/// Whether some format has no stated age range, shifted left by one for whether some stated
/// range takes the person's age.
const AGE_CLASSES: usize = 4;

/// A record's eligibility compiled for the cheap pass: what every criterion, the order and
/// the helpline list need, in a few dozen bytes and no pointers. Make it once per record with
/// [`MatchKey::of`] (the search catalogue does so when it indexes a record) and pass it to
/// [`super::signpost_keyed`] with that record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MatchKey {
    /// Every age some delivery format's stated limits take.
    ages: Bitset<AGE_WORDS>,
    /// Positions of the countries listed as known vocabulary values.
    countries: Bitset<COUNTRY_WORDS>,
    /// Positions of the languages the service works in, as [`Languages`] finds them.
    languages: Bitset<LANGUAGE_WORDS>,
    /// Genders accepted, a bit per [`GENDERS`] position; 0 when not stated.
    genders: u8,
    /// Who may ask, a bit per [`ASKING_FOR`] position; 0 when not stated.
    serves: u8,
    /// Situations worked with, a bit per [`SITUATIONS`] position; 0 when not stated.
    situations: u8,
    /// Justice stages taken, a bit per [`JUSTICE_STAGES`] position; 0 when not stated.
    justice_stages: u8,
    /// 1 when some delivery format (or the service, without formats) states no age range.
    age_open: u8,
    /// [`said`] of `eligibility.anonymous`.
    anonymous: u8,
    /// [`said`] of `eligibility.remote`, plus 4 when some delivery format is remote by
    /// nature.
    remote: u8,
    /// [`said`] of `eligibility.remote`, plus 4 when countries are listed at all, plus 8
    /// when one is a place the vocabulary does not know.
    places: u8,
    /// 1 when the service says which languages it works in, plus 2 when one of them is
    /// written in words the vocabulary does not know.
    languages_class: u8,
    /// Anonymous help by phone or online.
    helpline: bool,
    /// [`Rating::strength_rank`]; not rated sorts after every rating.
    strength: u8,
}

/// An `Option<bool>` as a class: 0 not said, 1 yes, 2 no.
fn said(v: Option<bool>) -> u8 {
    match v {
        None => 0,
        Some(true) => 1,
        Some(false) => 2,
    }
}

/// The inverse of [`said`] (3, never made, reads as not said).
fn unsaid(class: usize) -> Option<bool> {
    match class & 3 {
        1 => Some(true),
        2 => Some(false),
        _ => None,
    }
}

/// The values of `list` as bits of their positions in `every`.
fn mask<T: PartialEq>(list: &[T], every: &[T]) -> u8 {
    let mut bits = 0;
    for (i, v) in every.iter().enumerate() {
        if list.contains(v) {
            bits |= 1 << i;
        }
    }
    bits
}

impl MatchKey {
    /// Compiles a record's eligibility. Costs about as much as judging the record once the
    /// old way; every later judgement against a profile is then a few bit operations.
    pub fn of(r: &Intervention) -> MatchKey {
        let e = &r.eligibility;

        let mut ages = Bitset::EMPTY;
        let mut age_open = false;
        let mut add = |l: Limits| {
            if l.is_stated() {
                // A missing end is open, as `Limits::verdict` reads it.
                let (min, max) = (l.min.unwrap_or(0), l.max.unwrap_or(u8::MAX));
                ages.insert_range(usize::from(min), usize::from(max));
            } else {
                age_open = true;
            }
        };
        if e.formats.is_empty() {
            add(criteria::overall_limits(r));
        } else {
            for t in criteria::delivery_terms(r) {
                add(criteria::limits_for(r, t));
            }
        }

        let mut countries = Bitset::EMPTY;
        let mut unknown_place = false;
        for t in &r.countries {
            match t {
                Term::Known(c) => countries.insert(c.index()),
                Term::Other(_) => unknown_place = true,
            }
        }

        let mut languages = Bitset::EMPTY;
        let languages_class = match Languages::of(r) {
            Languages::Stated(list) => {
                for l in list {
                    languages.insert(l.index());
                }
                1
            }
            Languages::Listed(r) => {
                let mut unrecognised = false;
                for t in r.facet_rows.iter().flat_map(|row| row.languages.iter()) {
                    match t {
                        Term::Known(l) => languages.insert(l.index()),
                        Term::Other(_) => unrecognised = true,
                    }
                }
                1 | (u8::from(unrecognised) << 1)
            }
            Languages::Unknown => 0,
        };

        MatchKey {
            ages,
            countries,
            languages,
            genders: mask(criteria::stated(&e.genders).unwrap_or_default(), &GENDERS),
            serves: mask(criteria::stated(&e.serves).unwrap_or_default(), &ASKING_FOR),
            situations: mask(
                criteria::stated(&e.situations).unwrap_or_default(),
                &SITUATIONS,
            ),
            justice_stages: mask(
                criteria::stated(&e.justice_stages).unwrap_or_default(),
                &JUSTICE_STAGES,
            ),
            age_open: u8::from(age_open),
            anonymous: said(e.anonymous),
            remote: said(e.remote) | (u8::from(criteria::has_remote_delivery(r)) << 2),
            places: said(e.remote)
                | (u8::from(!r.countries.is_empty()) << 2)
                | (u8::from(unknown_place) << 3),
            languages_class,
            helpline: criteria::is_helpline(r),
            strength: r.rating.map_or(u8::MAX, Rating::strength_rank),
        }
    }

    /// Anonymous help by phone or online.
    pub(super) fn is_helpline(&self) -> bool {
        self.helpline
    }

    /// [`Rating::strength_rank`] of the record's rating; `u8::MAX` when not rated.
    pub(super) fn strength(&self) -> u8 {
        self.strength
    }

    /// Every criterion's verdict against a compiled profile.
    #[inline]
    pub(super) fn judge(&self, p: &CompiledProfile) -> VerdictBits {
        let in_country = p.country.is_some_and(|c| self.countries.contains(c));
        let in_language = p.language.is_some_and(|l| self.languages.contains(l));
        let age_fits = p.age.is_some_and(|a| self.ages.contains(usize::from(a)));
        let age = usize::from(self.age_open) << 1 | usize::from(age_fits);
        let country = usize::from(self.places) << 1 | usize::from(in_country);
        let language = usize::from(self.languages_class) << 1 | usize::from(in_language);
        p.age_table[age & (AGE_CLASSES - 1)]
            | p.gender[usize::from(self.genders) & (GENDER_CLASSES - 1)]
            | p.asking_for[usize::from(self.serves) & (ASKING_FOR_CLASSES - 1)]
            | p.situation[usize::from(self.situations) & (SITUATION_CLASSES - 1)]
            | p.justice_stage[usize::from(self.justice_stages) & (JUSTICE_STAGE_CLASSES - 1)]
            | p.country_table[country & (COUNTRY_CLASSES - 1)]
            | p.language_table[language & (LANGUAGE_CLASSES - 1)]
            | p.anonymity[usize::from(self.anonymous) & (ANONYMITY_CLASSES - 1)]
            | p.remote[usize::from(self.remote) & (REMOTE_CLASSES - 1)]
    }

    /// How near the service is to the person, as [`criteria::nearness`] says.
    #[inline]
    pub(super) fn nearness(&self, p: &CompiledProfile) -> Nearness {
        if p.country.is_some_and(|c| self.countries.contains(c)) {
            Nearness::SameCountry
        } else if unsaid(usize::from(self.places)) == Some(true) {
            Nearness::Remote
        } else {
            Nearness::Other
        }
    }
}

/// Verdicts as bitmasks over the criteria (bit `Criterion as usize`). A criterion in neither
/// mask fits, or does not apply; verdicts on different criteria combine with `|`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct VerdictBits {
    unknown: u16,
    fails: u16,
}

impl std::ops::BitOr for VerdictBits {
    type Output = VerdictBits;

    #[inline]
    fn bitor(self, other: VerdictBits) -> VerdictBits {
        VerdictBits {
            unknown: self.unknown | other.unknown,
            fails: self.fails | other.fails,
        }
    }
}

impl VerdictBits {
    fn of(c: Criterion, verdict: Option<Verdict>) -> VerdictBits {
        let bit = 1 << (c as usize);
        match verdict {
            Some(Verdict::Unknown) => VerdictBits {
                unknown: bit,
                fails: 0,
            },
            Some(Verdict::Fails) => VerdictBits {
                unknown: 0,
                fails: bit,
            },
            Some(Verdict::Fits) | None => VerdictBits::default(),
        }
    }

    /// The status these verdicts give, as [`super::status_of`] does.
    #[inline]
    pub(super) fn status(self) -> Status {
        if self.fails != 0 {
            Status::Ineligible
        } else if self.unknown != 0 {
            Status::PossiblyEligible
        } else {
            Status::Eligible
        }
    }

    /// When exactly one criterion fails: that criterion, and the status the others give.
    #[inline]
    pub(super) fn only_failure(self) -> Option<(Criterion, Status)> {
        if self.fails.count_ones() != 1 {
            return None;
        }
        let criterion = *CRITERIA.get(self.fails.trailing_zeros() as usize)?;
        let rest = VerdictBits {
            unknown: self.unknown,
            fails: 0,
        };
        Some((criterion, rest.status()))
    }

    /// One criterion's verdict; `Fits` also for a criterion that does not apply.
    #[cfg(test)]
    pub(super) fn verdict(self, c: Criterion) -> Verdict {
        let bit = 1 << (c as usize);
        if self.fails & bit != 0 {
            Verdict::Fails
        } else if self.unknown & bit != 0 {
            Verdict::Unknown
        } else {
            Verdict::Fits
        }
    }
}

/// A profile compiled for the cheap pass, once per call: for each criterion, the verdict for
/// every class of record [`MatchKey`] distinguishes.
#[derive(Debug, Clone)]
pub(super) struct CompiledProfile {
    age: Option<u8>,
    /// Position of the person's country in the vocabulary.
    country: Option<usize>,
    /// Position of the person's language in the vocabulary.
    language: Option<usize>,
    age_table: [VerdictBits; AGE_CLASSES],
    gender: [VerdictBits; GENDER_CLASSES],
    asking_for: [VerdictBits; ASKING_FOR_CLASSES],
    situation: [VerdictBits; SITUATION_CLASSES],
    justice_stage: [VerdictBits; JUSTICE_STAGE_CLASSES],
    country_table: [VerdictBits; COUNTRY_CLASSES],
    language_table: [VerdictBits; LANGUAGE_CLASSES],
    anonymity: [VerdictBits; ANONYMITY_CLASSES],
    remote: [VerdictBits; REMOTE_CLASSES],
}

/// A table of `N` classes, each judged on one criterion.
fn table<const N: usize>(
    c: Criterion,
    judge: impl Fn(usize) -> Option<Verdict>,
) -> [VerdictBits; N] {
    std::array::from_fn(|class| VerdictBits::of(c, judge(class)))
}

impl CompiledProfile {
    pub(super) fn new(p: &Profile) -> CompiledProfile {
        let situations = mask(&p.situations, &SITUATIONS);
        let gender = mask(p.gender.as_slice(), &GENDERS);
        let asking_for = mask(p.asking_for.as_slice(), &ASKING_FOR);
        let stage = mask(p.justice_stage.as_slice(), &JUSTICE_STAGES);
        let needs_anonymity = p.needs_anonymity == Some(true);
        let remote_only = p.remote_only == Some(true);
        CompiledProfile {
            age: p.age,
            country: p.country.map(Country::index),
            language: p.language.map(Language::index),
            age_table: table(Criterion::Age, |class| {
                Some(age(p.age, class & 1 == 1, class & 2 == 2))
            }),
            gender: table(Criterion::Gender, |stated| {
                Some(listed(gender, stated as u8, &GENDERS))
            }),
            asking_for: table(Criterion::AskingFor, |stated| {
                Some(listed(asking_for, stated as u8, &ASKING_FOR))
            }),
            situation: table(Criterion::Situation, |stated| {
                Some(listed(situations, stated as u8, &SITUATIONS))
            }),
            justice_stage: table(Criterion::JusticeStage, |stated| {
                Some(listed(stage, stated as u8, &JUSTICE_STAGES))
            }),
            country_table: table(Criterion::Country, |class| {
                Some(country(
                    p.country.is_some(),
                    class & 1 == 1,
                    unsaid(class >> 1),
                    class & 8 == 8,
                    class & 16 == 16,
                ))
            }),
            language_table: table(Criterion::Language, |class| {
                Some(language(
                    p.language.is_some(),
                    class & 2 == 2,
                    class & 1 == 1,
                    class & 4 == 4,
                ))
            }),
            anonymity: table(Criterion::Anonymity, |class| {
                anonymity(needs_anonymity, unsaid(class))
            }),
            remote: table(Criterion::Remote, |class| {
                remote(remote_only, unsaid(class), class & 4 == 4)
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The criteria over classes. Each mirrors its function in `criteria.rs`.

/// Age: `fits` when some stated range takes the person's age, `open` when some format (or
/// the service) states none.
fn age(age: Option<u8>, fits: bool, open: bool) -> Verdict {
    match age {
        None => Verdict::Unknown,
        Some(_) if fits => Verdict::Fits,
        Some(_) if open => Verdict::Unknown,
        Some(_) => Verdict::Fails,
    }
}

/// Gender, who is asking, situations and justice stage: what the person said (bits of
/// positions in `every`, 0 when not said) against what the service states (likewise, 0 when
/// not stated). Any value in common fits.
fn listed<T>(said: u8, stated: u8, every: &[T]) -> Verdict {
    let all = ((1u16 << every.len()) - 1) as u8;
    if said != 0 {
        if stated == 0 {
            Verdict::Unknown
        } else if said & stated != 0 {
            Verdict::Fits
        } else {
            Verdict::Fails
        }
    } else if stated == all {
        Verdict::Fits
    } else {
        Verdict::Unknown
    }
}

/// Country: whether the person gave one and it is listed, whether the service can be used
/// remotely, whether it lists countries at all and whether one is unrecognised.
fn country(
    given: bool,
    in_list: bool,
    remote: Option<bool>,
    listed: bool,
    unrecognised: bool,
) -> Verdict {
    if in_list || remote == Some(true) {
        Verdict::Fits
    } else if !given || !listed || unrecognised {
        Verdict::Unknown
    } else if remote == Some(false) {
        Verdict::Fails
    } else {
        Verdict::Unknown
    }
}

/// Language: whether the person gave one, whether the service says which it works in,
/// whether the person's is one, and whether one is unrecognised.
fn language(given: bool, stated: bool, in_list: bool, unrecognised: bool) -> Verdict {
    if !given || !stated {
        Verdict::Unknown
    } else if in_list {
        Verdict::Fits
    } else if unrecognised {
        // Words the vocabulary does not know may name the person's language.
        Verdict::Unknown
    } else {
        Verdict::Fails
    }
}

/// Anonymity, a criterion only when the person needs it.
fn anonymity(needs: bool, anonymous: Option<bool>) -> Option<Verdict> {
    needs.then_some(match anonymous {
        Some(true) => Verdict::Fits,
        Some(false) => Verdict::Fails,
        None => Verdict::Unknown,
    })
}

/// Remote help, a criterion only when the person needs it; a remote delivery format settles
/// what the eligibility leaves unsaid.
fn remote(needs: bool, remote: Option<bool>, remote_delivery: bool) -> Option<Verdict> {
    needs.then_some(match remote {
        Some(true) => Verdict::Fits,
        Some(false) => Verdict::Fails,
        None if remote_delivery => Verdict::Fits,
        None => Verdict::Unknown,
    })
}
