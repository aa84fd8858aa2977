//! The criteria, one function each: a verdict from the profile and the record, and, when
//! asked for, the reason in plain words.
//!
//! These functions are the definition of every verdict and write the reasons of the records
//! shown. The cheap pass that ranks every record restates them over precompiled keys
//! (`key.rs`), because walking each record's vectors here costs too much at 100,000
//! records; property tests hold the two to the same verdicts.

use super::profile::Profile;
use super::{Criterion, Nearness, Verdict, CRITERIA};
use crate::eligibility::{AskingFor, Cost, JusticeStage, ReferralRoute, Situation};
use crate::record::Intervention;
use crate::vocab::{Delivery, Gender, Language, Term, Vocabulary};

/// Whether to write the reasons' words. Ranking 100,000 records must not build 100,000
/// sentences nobody reads.
#[derive(Debug, Clone, Copy)]
pub(super) struct Explain(pub(super) bool);

impl Explain {
    fn say(self, text: impl FnOnce() -> String) -> String {
        if self.0 {
            text()
        } else {
            String::new()
        }
    }
}

/// One criterion's verdict and its words (empty when not asked for).
#[derive(Debug)]
pub(super) struct Check {
    pub(super) verdict: Verdict,
    pub(super) text: String,
}

impl Check {
    fn new(verdict: Verdict, text: String) -> Check {
        Check { verdict, text }
    }
}

/// Every criterion's check, in [`CRITERIA`] order; `None` where the criterion does not apply
/// (a need the person did not state).
pub(super) type Checks = [Option<Check>; CRITERIA.len()];

/// Every criterion checked, in [`CRITERIA`] order.
pub(super) fn check_all(p: &Profile, r: &Intervention, ex: Explain) -> Checks {
    CRITERIA.map(|c| check_one(c, p, r, ex))
}

/// The order of the former cheap pass: the criteria quickest to check first, age (which looks
/// at every format) last, so that most records that fail twice are set aside early. Kept for
/// the tests, which hold the keyed pass to the answers of this one.
#[cfg(test)]
const CHEAP_ORDER: [Criterion; CRITERIA.len()] = [
    Criterion::Gender,
    Criterion::AskingFor,
    Criterion::JusticeStage,
    Criterion::Situation,
    Criterion::Anonymity,
    Criterion::Remote,
    Criterion::Country,
    Criterion::Language,
    Criterion::Age,
];

/// The verdicts of the former cheap pass, indexed by criterion (tests only, see
/// [`CHEAP_ORDER`]).
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub(super) struct Verdicts {
    /// Verdicts by `Criterion as usize`; `None` where the criterion does not apply, or was not
    /// checked because two others had failed already.
    pub(super) by_criterion: [Option<Verdict>; CRITERIA.len()],
    /// How many criteria fail: 0, 1, or 2 meaning "two or more" (checking stops there, as
    /// nothing needs more: the status is settled and no single relaxation would help).
    pub(super) fails: u8,
}

/// Only the verdicts, without words: the former cheap pass, straight from the record (tests
/// only, see [`CHEAP_ORDER`]).
#[cfg(test)]
pub(super) fn verdicts(p: &Profile, r: &Intervention) -> Verdicts {
    let mut out = Verdicts {
        by_criterion: [None; CRITERIA.len()],
        fails: 0,
    };
    for c in CHEAP_ORDER {
        let verdict = check_one(c, p, r, Explain(false)).map(|c| c.verdict);
        out.by_criterion[c as usize] = verdict;
        if verdict == Some(Verdict::Fails) {
            out.fails += 1;
            if out.fails == 2 {
                break;
            }
        }
    }
    out
}

fn check_one(c: Criterion, p: &Profile, r: &Intervention, ex: Explain) -> Option<Check> {
    match c {
        Criterion::Age => Some(age(p, r, ex)),
        Criterion::Gender => Some(gender(p, r, ex)),
        Criterion::AskingFor => Some(asking_for(p, r, ex)),
        Criterion::Situation => Some(situation(p, r, ex)),
        Criterion::JusticeStage => Some(justice_stage(p, r, ex)),
        Criterion::Country => Some(country(p, r, ex)),
        Criterion::Language => Some(language(p, r, ex)),
        Criterion::Anonymity => anonymity(p, r, ex),
        Criterion::Remote => remote(p, r, ex),
    }
}

// Every value of the closed vocabularies, as constants: `Vocabulary::all` allocates, and the
// cheap pass asks "does the service take everyone?" once per record. A test checks these
// against `all()` so a new value cannot be forgotten here.
pub(super) const GENDERS: [Gender; 2] = [Gender::Male, Gender::Female];
pub(super) const ASKING_FOR: [AskingFor; 3] = [
    AskingFor::ForSelf,
    AskingFor::SomeoneElse,
    AskingFor::Client,
];
pub(super) const SITUATIONS: [Situation; 5] = [
    Situation::SexualThoughts,
    Situation::ViewingCsam,
    Situation::OnlineSolicitation,
    Situation::ContactOffending,
    Situation::HarmfulSexualBehaviour,
];
pub(super) const JUSTICE_STAGES: [JusticeStage; 7] = [
    JusticeStage::NoInvolvement,
    JusticeStage::PreArrest,
    JusticeStage::UnderInvestigation,
    JusticeStage::Charged,
    JusticeStage::ConvictedCustody,
    JusticeStage::ConvictedCommunity,
    JusticeStage::AfterSentence,
];

/// A list the service states. An empty list says nothing (no service takes nobody), so it is
/// unknown like a missing one.
pub(super) fn stated<T>(list: &Option<Vec<T>>) -> Option<&[T]> {
    list.as_deref().filter(|l| !l.is_empty())
}

fn covers_all<T: PartialEq>(list: &[T], every: &[T]) -> bool {
    every.iter().all(|v| list.contains(v))
}

// ---------------------------------------------------------------------------------------
// Age, per delivery format.

/// Age limits as stated; either end may be missing.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub(super) min: Option<u8>,
    pub(super) max: Option<u8>,
}

impl Limits {
    pub(super) fn is_stated(self) -> bool {
        self.min.is_some() || self.max.is_some()
    }

    fn verdict(self, age: u8) -> Verdict {
        if !self.is_stated() {
            Verdict::Unknown
        } else if self.min.is_some_and(|m| age < m) || self.max.is_some_and(|m| age > m) {
            Verdict::Fails
        } else {
            // A stated minimum without a maximum (or the reverse) is taken as open-ended,
            // which is how services write "from 17".
            Verdict::Fits
        }
    }

    fn words(self) -> String {
        match (self.min, self.max) {
            (Some(min), Some(max)) if min == max => format!("only {min}-year-olds"),
            (Some(min), Some(max)) => format!("{min}–{max}"),
            (Some(min), None) => format!("{min}+"),
            (None, Some(max)) => format!("up to {max}"),
            (None, None) => "no stated age range".to_string(),
        }
    }
}

/// Every delivery format the record names, possibly repeated: those with age limits of their
/// own first, in their order, then the facet rows', then the record's type list.
pub(super) fn delivery_terms(r: &Intervention) -> impl Iterator<Item = &Term<Delivery>> + Clone {
    r.eligibility
        .formats
        .iter()
        .map(|f| &f.delivery)
        .chain(r.facet_rows.iter().flat_map(|row| row.delivery.iter()))
        .chain(r.intervention_types.iter())
}

/// The record's delivery formats, each once, in [`delivery_terms`] order. Records name a
/// handful, so looking back over the earlier ones costs less than building a set.
fn candidate_formats(r: &Intervention) -> impl Iterator<Item = &Term<Delivery>> {
    let all = delivery_terms(r);
    all.clone()
        .enumerate()
        .filter(move |(i, t)| !all.clone().take(*i).any(|u| u == *t))
        .map(|(_, t)| t)
}

/// The age limits of one format: its own, with the service's overall limits filling a
/// missing end.
pub(super) fn limits_for(r: &Intervention, t: &Term<Delivery>) -> Limits {
    let e = &r.eligibility;
    match e.formats.iter().find(|f| &f.delivery == t) {
        Some(f) => Limits {
            min: f.age_min.or(e.age_min),
            max: f.age_max.or(e.age_max),
        },
        None => Limits {
            min: e.age_min,
            max: e.age_max,
        },
    }
}

pub(super) fn overall_limits(r: &Intervention) -> Limits {
    Limits {
        min: r.eligibility.age_min,
        max: r.eligibility.age_max,
    }
}

/// The name of a format in a sentence ("the group format").
fn format_name(t: &Term<Delivery>) -> String {
    match t {
        Term::Known(Delivery::IndividualWork) => "one-to-one".to_string(),
        Term::Known(Delivery::GroupWork) => "group".to_string(),
        Term::Known(d) => d.label().to_lowercase(),
        Term::Other(text) => text.clone(),
    }
}

/// "the group format takes 21+, the one-to-one format takes 17+", or "the service takes 18+".
fn limits_words(r: &Intervention) -> String {
    let e = &r.eligibility;
    if e.formats.is_empty() {
        return format!("the service takes {}", overall_limits(r).words());
    }
    let mut parts = Vec::new();
    let mut others = false;
    for t in candidate_formats(r) {
        if e.formats.iter().any(|f| &f.delivery == t) {
            let limits = limits_for(r, t);
            parts.push(if limits.is_stated() {
                format!("the {} format takes {}", format_name(t), limits.words())
            } else {
                format!("the {} format has no stated age range", format_name(t))
            });
        } else {
            others = true;
        }
    }
    if others {
        let overall = overall_limits(r);
        parts.push(if overall.is_stated() {
            format!("its other formats take {}", overall.words())
        } else {
            "its other formats have no stated age range".to_string()
        });
    }
    parts.join(", ")
}

fn age(p: &Profile, r: &Intervention, ex: Explain) -> Check {
    let e = &r.eligibility;
    let Some(age) = p.age else {
        let stated = overall_limits(r).is_stated()
            || e.formats
                .iter()
                .any(|f| f.age_min.is_some() || f.age_max.is_some());
        let text = if stated {
            ex.say(|| format!("You did not give an age; {}", limits_words(r)))
        } else {
            ex.say(|| "You did not give an age, and the service does not state an age range".into())
        };
        return Check::new(Verdict::Unknown, text);
    };
    if e.formats.is_empty() {
        let verdict = overall_limits(r).verdict(age);
        let text = match verdict {
            Verdict::Unknown => ex.say(|| "The service does not state an age range".into()),
            _ => ex.say(|| format!("{age}: {}", limits_words(r))),
        };
        return Check::new(verdict, text);
    }
    let (mut fit, mut unknown) = (false, false);
    // Repeated formats change neither "any fits" nor "any unknown", so no need to skip them.
    for t in delivery_terms(r) {
        match limits_for(r, t).verdict(age) {
            Verdict::Fits => fit = true,
            Verdict::Unknown => unknown = true,
            Verdict::Fails => {}
        }
    }
    let verdict = if fit {
        Verdict::Fits
    } else if unknown {
        Verdict::Unknown
    } else {
        Verdict::Fails
    };
    let text = ex.say(|| {
        let tail = match verdict {
            Verdict::Fails => "no format fits".to_string(),
            v => {
                let names: Vec<String> = candidate_formats(r)
                    .filter(|t| limits_for(r, t).verdict(age) == v)
                    .map(format_name)
                    .collect();
                let verb = match (v, names.len()) {
                    (Verdict::Unknown, _) => "may fit",
                    (_, 1) => "fits",
                    _ => "fit",
                };
                format!("{} {verb}", join(&names, ", ", " and "))
            }
        };
        format!("{age}: {} — {tail}", limits_words(r))
    });
    Check::new(verdict, text)
}

/// The formats that may suit the person: every format whose age limits do not exclude them
/// (a format with no stated range may well suit them, so it is not dropped in favour of one
/// whose range is known), narrowed to phone and online ones when they need remote help and
/// the service offers such formats.
pub(super) fn fitting_formats(p: &Profile, r: &Intervention) -> Vec<Term<Delivery>> {
    let mut formats: Vec<&Term<Delivery>> = match p.age {
        None => candidate_formats(r).collect(),
        Some(age) => candidate_formats(r)
            .filter(|t| limits_for(r, t).verdict(age) != Verdict::Fails)
            .collect(),
    };
    if p.remote_only == Some(true) || reached_only_remotely(p, r) {
        // Only when some format is remote by nature: a service that says it works remotely
        // may well run its one-to-one sessions by video, so nothing is dropped otherwise.
        if formats.iter().any(|t| is_remote_format(t)) {
            formats.retain(|t| is_remote_format(t));
        }
    }
    formats.into_iter().cloned().collect()
}

// ---------------------------------------------------------------------------------------
// Gender, who is asking, situations, justice stage.

fn genders_words(accepted: &[Gender]) -> String {
    if covers_all(accepted, &GENDERS) {
        "Open to males and females".to_string()
    } else {
        let names: Vec<&str> = GENDERS
            .iter()
            .filter(|g| accepted.contains(g))
            .map(|g| match g {
                Gender::Male => "males",
                Gender::Female => "females",
            })
            .collect();
        format!("Only for {}", join(&names, ", ", " and "))
    }
}

fn gender(p: &Profile, r: &Intervention, ex: Explain) -> Check {
    match (p.gender, stated(&r.eligibility.genders)) {
        (Some(g), Some(accepted)) => {
            let verdict = if accepted.contains(&g) {
                Verdict::Fits
            } else {
                Verdict::Fails
            };
            let text = ex.say(|| {
                format!(
                    "{}; you said: {}",
                    genders_words(accepted),
                    g.label().to_lowercase()
                )
            });
            Check::new(verdict, text)
        }
        (Some(_), None) => Check::new(
            Verdict::Unknown,
            ex.say(|| "The service does not say which genders it accepts".into()),
        ),
        (None, Some(accepted)) if covers_all(accepted, &GENDERS) => {
            Check::new(Verdict::Fits, ex.say(|| genders_words(accepted)))
        }
        (None, Some(accepted)) => Check::new(
            Verdict::Unknown,
            ex.say(|| format!("{}; you did not give a gender", genders_words(accepted))),
        ),
        (None, None) => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                "You did not give a gender, and the service does not say which genders it accepts"
                    .into()
            }),
        ),
    }
}

/// Labels with a lowercase first letter, for the middle of a sentence.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Labels of vocabulary values in a sentence, separated by semicolons because some labels
/// contain commas ("Convicted, in custody").
fn labels<T: Vocabulary>(values: &[T]) -> String {
    let mut names: Vec<String> = Vec::new();
    for v in values {
        let name = lower_first(v.label());
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join("; ")
}

fn asking_words(accepted: &[AskingFor]) -> String {
    format!("Takes enquiries from: {}", labels(accepted))
}

fn asker_words(a: AskingFor) -> &'static str {
    match a {
        AskingFor::ForSelf => "you are asking for yourself",
        AskingFor::SomeoneElse => "you are asking about someone close to you",
        AskingFor::Client => "you are asking as a professional",
    }
}

fn asking_for(p: &Profile, r: &Intervention, ex: Explain) -> Check {
    match (p.asking_for, stated(&r.eligibility.serves)) {
        (Some(a), Some(accepted)) => {
            let verdict = if accepted.contains(&a) {
                Verdict::Fits
            } else {
                Verdict::Fails
            };
            let text = ex.say(|| format!("{}; {}", asking_words(accepted), asker_words(a)));
            Check::new(verdict, text)
        }
        (Some(_), None) => Check::new(
            Verdict::Unknown,
            ex.say(|| "The service does not say whom it takes enquiries from".into()),
        ),
        (None, Some(accepted)) if covers_all(accepted, &ASKING_FOR) => {
            Check::new(Verdict::Fits, ex.say(|| asking_words(accepted)))
        }
        (None, Some(accepted)) => Check::new(
            Verdict::Unknown,
            ex.say(|| format!("{}; you did not say who is asking", asking_words(accepted))),
        ),
        (None, None) => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                "You did not say who is asking, and the service does not say whom it takes enquiries from"
                    .into()
            }),
        ),
    }
}

fn situation(p: &Profile, r: &Intervention, ex: Explain) -> Check {
    let given = p.situations.as_slice();
    match (given.is_empty(), stated(&r.eligibility.situations)) {
        (false, Some(served)) => {
            // A person may name several situations; a service working with any of them may
            // take them (what it will not take, it states as an exclusion).
            let covered = given.iter().any(|s| served.contains(s));
            if covered {
                let text = ex.say(|| {
                    let (yes, no): (Vec<Situation>, Vec<Situation>) =
                        given.iter().partition(|s| served.contains(s));
                    let mut text = format!("Works with: {}", labels(&yes));
                    if !no.is_empty() {
                        text.push_str(&format!("; does not list: {}", labels(&no)));
                    }
                    text
                });
                Check::new(Verdict::Fits, text)
            } else {
                let text = ex.say(|| {
                    format!(
                        "Works with: {}; you said: {}",
                        labels(served),
                        labels(given)
                    )
                });
                Check::new(Verdict::Fails, text)
            }
        }
        (false, None) => Check::new(
            Verdict::Unknown,
            ex.say(|| "The service does not say which situations it works with".into()),
        ),
        (true, Some(served)) if covers_all(served, &SITUATIONS) => Check::new(
            Verdict::Fits,
            ex.say(|| format!("Works with: {}", labels(served))),
        ),
        (true, Some(served)) => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                format!(
                    "Works with: {}; you did not say which situation applies",
                    labels(served)
                )
            }),
        ),
        (true, None) => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                "You did not say which situation applies, and the service does not say which situations it works with"
                    .into()
            }),
        ),
    }
}

fn stages_words(accepted: &[JusticeStage]) -> String {
    use JusticeStage::*;
    let convicted = [ConvictedCustody, ConvictedCommunity, AfterSentence];
    let not_known = [NoInvolvement, PreArrest];
    if covers_all(accepted, &JUSTICE_STAGES) {
        "Takes people at any stage with the justice system".to_string()
    } else if accepted.iter().all(|s| convicted.contains(s)) {
        if covers_all(accepted, &convicted) {
            "Only for people convicted of an offence".to_string()
        } else {
            format!(
                "Only for people convicted of an offence ({})",
                labels(accepted)
            )
        }
    } else if accepted.iter().all(|s| not_known.contains(s)) {
        if covers_all(accepted, &not_known) {
            "Only for people not known to the justice system".to_string()
        } else {
            format!(
                "Only for people not known to the justice system ({})",
                labels(accepted)
            )
        }
    } else if accepted.iter().all(|s| !not_known.contains(s))
        && covers_all(accepted, &JUSTICE_STAGES[not_known.len()..])
    {
        "Only for people arrested, charged or convicted".to_string()
    } else {
        format!("Takes people at these stages: {}", labels(accepted))
    }
}

fn justice_stage(p: &Profile, r: &Intervention, ex: Explain) -> Check {
    match (p.justice_stage, stated(&r.eligibility.justice_stages)) {
        (Some(s), Some(accepted)) => {
            let verdict = if accepted.contains(&s) {
                Verdict::Fits
            } else {
                Verdict::Fails
            };
            let text = ex.say(|| {
                format!(
                    "{}; you said: {}",
                    stages_words(accepted),
                    lower_first(s.label())
                )
            });
            Check::new(verdict, text)
        }
        (Some(_), None) => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                "The service does not say at which stages with the justice system it takes people"
                    .into()
            }),
        ),
        (None, Some(accepted)) if covers_all(accepted, &JUSTICE_STAGES) => {
            Check::new(Verdict::Fits, ex.say(|| stages_words(accepted)))
        }
        (None, Some(accepted)) => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                format!(
                    "{}; you did not say where things stand with the justice system",
                    stages_words(accepted)
                )
            }),
        ),
        (None, None) => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                "You did not say where things stand with the justice system, and the service does not say which stages it takes"
                    .into()
            }),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Country, language, anonymity, remote help.

/// Delivery formats that are remote by nature.
fn is_remote_format(t: &Term<Delivery>) -> bool {
    matches!(
        t,
        Term::Known(Delivery::Phone | Delivery::Online | Delivery::OnlineApp)
    )
}

pub(super) fn has_remote_delivery(r: &Intervention) -> bool {
    delivery_terms(r).any(is_remote_format)
}

fn offered_in(r: &Intervention) -> String {
    let names: Vec<&str> = r.countries.iter().map(Term::label).collect();
    format!("Offered in: {}", join(&names, ", ", " and "))
}

const REMOTE_ELSEWHERE: &str = "people elsewhere can use it remotely (by phone or online)";

/// True when the person lives outside the countries the service names but may use it
/// remotely: the service then suits them only by phone or online.
fn reached_only_remotely(p: &Profile, r: &Intervention) -> bool {
    p.country.is_some_and(|c| {
        !r.countries.is_empty()
            && !r.countries.iter().any(|t| t.known() == Some(&c))
            && r.eligibility.remote == Some(true)
    })
}

fn country(p: &Profile, r: &Intervention, ex: Explain) -> Check {
    let listed = &r.countries;
    let remote = r.eligibility.remote;
    let Some(c) = p.country else {
        return match (listed.is_empty(), remote) {
            (true, Some(true)) => Check::new(
                Verdict::Fits,
                ex.say(|| {
                    "The service does not say where it is based, but people anywhere can use it remotely (by phone or online)".into()
                }),
            ),
            (false, Some(true)) => Check::new(
                Verdict::Fits,
                ex.say(|| format!("{}; {REMOTE_ELSEWHERE}", offered_in(r))),
            ),
            (false, _) => Check::new(
                Verdict::Unknown,
                ex.say(|| format!("{}; you did not say where you live", offered_in(r))),
            ),
            (true, _) => Check::new(
                Verdict::Unknown,
                ex.say(|| {
                    "You did not say where you live, and the service does not say where it is offered".into()
                }),
            ),
        };
    };
    if listed.iter().any(|t| t.known() == Some(&c)) {
        return Check::new(
            Verdict::Fits,
            ex.say(|| format!("{}; you said: {}", offered_in(r), c.label())),
        );
    }
    if remote == Some(true) {
        let text = if listed.is_empty() {
            ex.say(|| {
                format!(
                    "The service does not say where it is based, but {REMOTE_ELSEWHERE}; you said: {}",
                    c.label()
                )
            })
        } else {
            ex.say(|| {
                format!(
                    "{}; {REMOTE_ELSEWHERE}; you said: {}",
                    offered_in(r),
                    c.label()
                )
            })
        };
        return Check::new(Verdict::Fits, text);
    }
    if listed.is_empty() {
        return Check::new(
            Verdict::Unknown,
            ex.say(|| "The service does not say where it is offered".into()),
        );
    }
    if listed.iter().any(|t| t.known().is_none()) {
        // A place the vocabulary does not know ("Flanders") may lie in the person's country.
        return Check::new(
            Verdict::Unknown,
            ex.say(|| {
                format!(
                    "{}; check whether this includes {}",
                    offered_in(r),
                    c.label()
                )
            }),
        );
    }
    match remote {
        Some(false) => Check::new(
            Verdict::Fails,
            ex.say(|| {
                format!(
                    "{}, and not remotely; you said: {}",
                    offered_in(r),
                    c.label()
                )
            }),
        ),
        _ => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                format!(
                    "{}; you said: {}; the service does not say whether people elsewhere can use it remotely",
                    offered_in(r),
                    c.label()
                )
            }),
        ),
    }
}

/// The languages a service works in: those its eligibility states, else those of its facet
/// rows (the database's "languages of delivery").
pub(super) enum Languages<'a> {
    Stated(&'a [Language]),
    Listed(&'a Intervention),
    Unknown,
}

impl Languages<'_> {
    pub(super) fn of(r: &Intervention) -> Languages<'_> {
        if let Some(stated) = stated(&r.eligibility.languages) {
            Languages::Stated(stated)
        } else if r.facet_rows.iter().any(|row| !row.languages.is_empty()) {
            Languages::Listed(r)
        } else {
            Languages::Unknown
        }
    }

    fn contains(&self, language: Language) -> bool {
        match self {
            Languages::Stated(list) => list.contains(&language),
            Languages::Listed(r) => r
                .facet_rows
                .iter()
                .flat_map(|row| row.languages.iter())
                .any(|t| t.known() == Some(&language)),
            Languages::Unknown => false,
        }
    }

    /// True when some language is written in words the vocabulary does not know.
    fn has_unrecognised(&self) -> bool {
        match self {
            Languages::Listed(r) => r
                .facet_rows
                .iter()
                .flat_map(|row| row.languages.iter())
                .any(|t| t.known().is_none()),
            _ => false,
        }
    }

    fn words(&self) -> String {
        let names: Vec<String> = match self {
            Languages::Stated(list) => {
                let mut names: Vec<String> = Vec::new();
                for l in *list {
                    if !names.iter().any(|n| n == l.label()) {
                        names.push(l.label().to_string());
                    }
                }
                names
            }
            Languages::Listed(r) => r.languages().iter().map(|t| t.label().into()).collect(),
            Languages::Unknown => Vec::new(),
        };
        format!("Works in: {}", join(&names, ", ", " and "))
    }
}

fn language(p: &Profile, r: &Intervention, ex: Explain) -> Check {
    let offered = Languages::of(r);
    match (p.language, &offered) {
        (None, Languages::Unknown) => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                "You did not say which language you need, and the service does not say which languages it works in".into()
            }),
        ),
        (None, _) => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                format!(
                    "{}; you did not say which language you need",
                    offered.words()
                )
            }),
        ),
        (Some(_), Languages::Unknown) => Check::new(
            Verdict::Unknown,
            ex.say(|| "The service does not say which languages it works in".into()),
        ),
        (Some(l), _) if offered.contains(l) => Check::new(
            Verdict::Fits,
            ex.say(|| format!("{}; you said: {}", offered.words(), l.label())),
        ),
        (Some(l), _) if offered.has_unrecognised() => Check::new(
            Verdict::Unknown,
            ex.say(|| {
                format!(
                    "{}; check whether this includes {}",
                    offered.words(),
                    l.label()
                )
            }),
        ),
        (Some(l), _) => Check::new(
            Verdict::Fails,
            ex.say(|| format!("{}; you said: {}", offered.words(), l.label())),
        ),
    }
}

fn anonymity(p: &Profile, r: &Intervention, ex: Explain) -> Option<Check> {
    // A need not stated is no need: the criterion applies only when anonymity is asked for.
    if p.needs_anonymity != Some(true) {
        return None;
    }
    Some(match r.eligibility.anonymous {
        Some(true) => Check::new(
            Verdict::Fits,
            ex.say(|| "Help is available without giving your name".into()),
        ),
        Some(false) => Check::new(
            Verdict::Fails,
            ex.say(|| {
                "Help is not available without giving your name; you said you need to stay anonymous"
                    .into()
            }),
        ),
        None => Check::new(
            Verdict::Unknown,
            ex.say(|| "The service does not say whether help can be anonymous".into()),
        ),
    })
}

fn remote(p: &Profile, r: &Intervention, ex: Explain) -> Option<Check> {
    if p.remote_only != Some(true) {
        return None;
    }
    Some(match r.eligibility.remote {
        Some(true) => Check::new(
            Verdict::Fits,
            ex.say(|| "Can be used remotely (by phone or online)".into()),
        ),
        Some(false) => Check::new(
            Verdict::Fails,
            ex.say(|| "Not offered remotely; you asked for help by phone or online only".into()),
        ),
        // A phone line or an online service is remote whatever the eligibility leaves unsaid.
        None if has_remote_delivery(r) => Check::new(
            Verdict::Fits,
            ex.say(|| "Offers help by phone or online".into()),
        ),
        None => Check::new(
            Verdict::Unknown,
            ex.say(|| "The service does not say whether it can be used remotely".into()),
        ),
    })
}

// ---------------------------------------------------------------------------------------
// Nearness, helplines, notes.

/// How near the service is to the person, for ordering.
pub(super) fn nearness(p: &Profile, r: &Intervention) -> Nearness {
    if p.country
        .is_some_and(|c| r.countries.iter().any(|t| t.known() == Some(&c)))
    {
        Nearness::SameCountry
    } else if r.eligibility.remote == Some(true) {
        Nearness::Remote
    } else {
        Nearness::Other
    }
}

/// True for anonymous help by phone or online.
pub(super) fn is_helpline(r: &Intervention) -> bool {
    r.eligibility.anonymous == Some(true) && has_remote_delivery(r)
}

/// What the service states that the profile does not ask about: requirements, exclusions,
/// referral routes and cost. Information only; no note changes a status.
pub(super) fn notes(r: &Intervention) -> Vec<String> {
    let e = &r.eligibility;
    let mut notes = Vec::new();
    if e.is_unknown() {
        notes.push(
            "The service has not published here whom it can take; contact it to ask".to_string(),
        );
    }
    if let Some(iq) = e.iq_min {
        notes.push(format!("Requires an IQ of {iq} or more"));
    }
    if let Some(needs) = e.learning_needs.as_deref().map(str::trim) {
        if !needs.is_empty() {
            notes.push(format!("Learning needs: {needs}"));
        }
    }
    for exclusion in &e.exclusions {
        let exclusion = exclusion.trim();
        if !exclusion.is_empty() {
            notes.push(format!("Stated exclusion: {exclusion}"));
        }
    }
    if let Some(routes) = stated(&e.referral_routes) {
        notes.push(format!(
            "Referral routes: {}",
            labels::<ReferralRoute>(routes)
        ));
    }
    if let Some(cost) = stated(&e.cost) {
        notes.push(format!("Cost: {}", labels::<Cost>(cost)));
    }
    notes
}

/// Words joined for a sentence: "a", "a and b", "a, b and c".
pub(super) fn join<S: AsRef<str>>(items: &[S], sep: &str, last: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == items.len() { last } else { sep });
        }
        out.push_str(item.as_ref());
    }
    out
}
