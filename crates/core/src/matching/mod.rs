//! Signposting: from what someone says about a person's situation to the services whose
//! published criteria that person meets, with the reasons in plain words.
//!
//! **This is not a risk assessment.** It compares a [`Profile`] with the eligibility criteria
//! services publish ([`crate::Eligibility`]) and nothing else. It judges nobody's risk, needs or
//! suitability, and it refers nobody: every service decides for itself whom it can help.
//! Every answer carries [`NOTICE`], which says so to the people reading it.
//!
//! # How a service is judged
//!
//! Each [`Criterion`] gets a [`Verdict`]:
//!
//! - `fits` when what the person said (or, for something they did not say, every possible
//!   answer) meets what the service states;
//! - `fails` only when both sides are known and they do not meet. Something the person did
//!   not say never rules a service out;
//! - `unknown` otherwise: the service does not say, or the person did not and the service has
//!   a criterion about it. Unknown is never silently "yes" or "no".
//!
//! Needs (anonymity, remote help) apply only when the person states them. The [`Status`] is
//! `ineligible` when any criterion fails, else `possibly_eligible` when any is unknown, else
//! `eligible`. Requirements the profile does not ask about (IQ, learning needs, stated
//! exclusions) are listed as [`Match::notes`] and change no status.
//!
//! Because each verdict depends only on its own part of the profile, saying more about the
//! person can turn `possibly_eligible` into `eligible` or `ineligible`, but never turns an
//! `ineligible` service into an eligible one.
//!
//! Pure: no I/O. The profile is only read; nothing here keeps or logs it.

mod criteria;
mod key;
mod profile;
#[cfg(test)]
mod tests;

pub use key::MatchKey;
pub use profile::Profile;

use crate::rating::Rating;
use crate::record::Intervention;
use crate::vocab::{vocabulary, Delivery, Term};
use key::CompiledProfile;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// What every answer says to the people reading it: this is signposting, not an assessment,
/// and the service decides.
pub const NOTICE: &str = "These results are signposting based on the eligibility criteria that \
services publish. They are not an assessment of risk or of anyone's needs, and they are not a \
referral. Each service decides for itself whom it can help, so please contact the service to \
check.";

vocabulary! {
    /// How far a person meets a service's published criteria. Not a judgement of the person.
    Status, "status" {
        /// Every criterion fits.
        Eligible => "eligible", "Eligible";
        /// No criterion fails, but at least one is not known.
        PossiblyEligible => "possibly_eligible", "Possibly eligible";
        /// At least one criterion fails.
        Ineligible => "ineligible", "Not eligible";
    }
}

vocabulary! {
    /// The verdict on one criterion.
    Verdict, "verdict" {
        /// The person meets the criterion.
        Fits => "fits", "Fits";
        /// Not known: the service does not say, or the person did not.
        Unknown => "unknown", "Not known";
        /// The person does not meet the criterion.
        Fails => "fails", "Does not fit";
    }
}

vocabulary! {
    /// A criterion services publish and a profile can be compared with.
    Criterion, "criterion" {
        /// Age, per delivery format where limits differ.
        Age => "age", "Age";
        /// Gender.
        Gender => "gender", "Gender";
        /// Who is asking: the person, someone close to them, a professional.
        AskingFor => "asking_for", "Who is asking";
        /// The situations the service works with.
        Situation => "situation", "Situation";
        /// Where the person stands with the justice system.
        JusticeStage => "justice_stage", "Justice stage";
        /// Where the service is offered, and whether it can be used remotely from elsewhere.
        Country => "country", "Country";
        /// The language of the help.
        Language => "language", "Language";
        /// Help without giving a name, when the person needs it.
        Anonymity => "anonymity", "Anonymity";
        /// Help by phone or online, when the person can use nothing else.
        Remote => "remote", "Remote help";
    }
}

/// Every criterion, in the order reasons are given (the [`Criterion`] vocabulary's order).
const CRITERIA: [Criterion; 9] = [
    Criterion::Age,
    Criterion::Gender,
    Criterion::AskingFor,
    Criterion::Situation,
    Criterion::JusticeStage,
    Criterion::Country,
    Criterion::Language,
    Criterion::Anonymity,
    Criterion::Remote,
];

impl Criterion {
    /// The opening of a relaxation, for people: "If age were not a barrier".
    pub fn if_relaxed(self) -> &'static str {
        match self {
            Criterion::Age => "If age were not a barrier",
            Criterion::Gender => "If gender were not a barrier",
            Criterion::AskingFor => "If who is asking were not a barrier",
            Criterion::Situation => "If the situation were not a barrier",
            Criterion::JusticeStage => "If the stage with the justice system were not a barrier",
            Criterion::Country => "If where you live were not a barrier",
            Criterion::Language => "If language were not a barrier",
            Criterion::Anonymity => "If staying anonymous were not needed",
            Criterion::Remote => "If help in person were possible",
        }
    }
}

vocabulary! {
    /// How near a service is to the person, the last thing results are ordered by.
    Nearness, "nearness" {
        /// Offered in the person's country.
        SameCountry => "same_country", "In your country";
        /// Can be used remotely from elsewhere.
        Remote => "remote", "Can be used remotely";
        /// Elsewhere, or not known.
        Other => "other", "Elsewhere or not known";
    }
}

/// One criterion's verdict and why, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionReason {
    /// The criterion.
    pub criterion: Criterion,
    /// Whether the person meets it.
    pub verdict: Verdict,
    /// Why, in plain words: "19: the group format takes 21+, the one-to-one format takes 17+
    /// — one-to-one fits".
    pub text: String,
}

/// How one service compares with a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    /// The service's slug.
    pub slug: String,
    /// The service's title.
    pub title: String,
    /// Eligible, possibly eligible or not eligible.
    pub status: Status,
    /// The service's evidence rating; `None` is "not rated". Used for ordering and shown
    /// beside the result.
    pub rating: Option<Rating>,
    /// How near the service is, used for ordering.
    pub nearness: Nearness,
    /// The delivery formats that suit the person (e.g. only one-to-one work when the group's
    /// age limit excludes them). Empty when the person is not eligible, or when the service
    /// names no formats.
    pub formats: Vec<Term<Delivery>>,
    /// One reason per criterion that applies, in [`Criterion`] order.
    pub reasons: Vec<CriterionReason>,
    /// What the service states that the profile does not ask about (an IQ requirement,
    /// exclusions, referral routes, cost), for information; no note changes the status.
    pub notes: Vec<String>,
}

impl Match {
    /// The reason given for one criterion, if it applies.
    pub fn reason(&self, criterion: Criterion) -> Option<&CriterionReason> {
        self.reasons.iter().find(|r| r.criterion == criterion)
    }
}

/// How many services have each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Eligible services.
    pub eligible: usize,
    /// Possibly eligible services.
    pub possibly_eligible: usize,
    /// Services the person is not eligible for.
    pub ineligible: usize,
}

/// A service that one relaxed criterion would open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedService {
    /// The service's slug.
    pub slug: String,
    /// The service's title.
    pub title: String,
    /// Its status if the criterion were not a barrier: `eligible` or `possibly_eligible`.
    pub status: Status,
}

/// The services that fail on one criterion alone, and so would open if it were relaxed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relaxation {
    /// The criterion that alone stands in the way.
    pub criterion: Criterion,
    /// The opening of the sentence for people: "If age were not a barrier".
    pub text: String,
    /// The services it would open, in result order (at most the answer's limit).
    pub services: Vec<OpenedService>,
    /// How many services it would open in all.
    pub total: usize,
}

/// The answer to a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signposting {
    /// Every service (or the first [`SignpostOptions::limit`]), eligible first, then
    /// possibly eligible, then not eligible; within each, strongest evidence first (not
    /// rated last), then the person's country, then services usable remotely, then the rest,
    /// then by title.
    pub results: Vec<Match>,
    /// How many services have each status, whatever the limit.
    pub counts: StatusCounts,
    /// Only when no service is eligible or possibly eligible: for each criterion that alone
    /// stands in the way of some services, those services (each under its only failing
    /// criterion). Most services opened first.
    pub relaxations: Vec<Relaxation>,
    /// Anonymous help by phone or online that the person is not ineligible for, in result
    /// order. Always given; empty when none accepts the person.
    pub helplines: Vec<Match>,
    /// [`NOTICE`]: signposting from published criteria, not an assessment of risk.
    pub notice: &'static str,
}

impl Signposting {
    /// True when no service is eligible or possibly eligible.
    pub fn nothing_fits(&self) -> bool {
        self.counts.eligible == 0 && self.counts.possibly_eligible == 0
    }
}

/// How much of the answer to spell out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignpostOptions {
    /// At most this many results, helplines and services per relaxation are written out in
    /// full (the first ones in order); counts and totals still cover every service. `None`
    /// writes out every one. Every record is judged either way; the limit saves building
    /// the reasons of results nobody will read (for paging, ask for `offset + page size`).
    pub limit: Option<usize>,
}

fn status_of(verdicts: impl IntoIterator<Item = Verdict>) -> Status {
    let mut status = Status::Eligible;
    for v in verdicts {
        match v {
            Verdict::Fails => return Status::Ineligible,
            Verdict::Unknown => status = Status::PossiblyEligible,
            Verdict::Fits => {}
        }
    }
    status
}

/// Compares one service with a profile: its status, the formats that suit, and a reason per
/// criterion. Signposting only — see the [module documentation](self).
pub fn match_one(profile: &Profile, record: &Intervention) -> Match {
    let checks = criteria::check_all(profile, record, criteria::Explain(true));
    let status = status_of(checks.iter().flatten().map(|c| c.verdict));
    let formats = if status == Status::Ineligible {
        Vec::new()
    } else {
        criteria::fitting_formats(profile, record)
    };
    let reasons = CRITERIA
        .iter()
        .zip(checks)
        .filter_map(|(criterion, check)| {
            check.map(|c| CriterionReason {
                criterion: *criterion,
                verdict: c.verdict,
                text: c.text,
            })
        })
        .collect();
    Match {
        slug: record.slug.clone(),
        title: record.title.clone(),
        status,
        rating: record.rating,
        nearness: criteria::nearness(profile, record),
        formats,
        reasons,
        notes: criteria::notes(record),
    }
}

/// Compares every service with a profile and orders them, with relaxations when nothing fits
/// and the anonymous helplines that accept the person. Every result is written out in full;
/// see [`signpost_with`] to write out only the first ones. Signposting only — see the
/// [module documentation](self).
pub fn signpost<'a>(
    profile: &Profile,
    records: impl IntoIterator<Item = &'a Intervention>,
) -> Signposting {
    signpost_with(profile, records, &SignpostOptions::default())
}

/// [`signpost`], writing out at most `options.limit` results, helplines and services per
/// relaxation. Each record's [`MatchKey`] is made on the way and dropped once the record is
/// judged; a caller that judges the same records often keeps the keys and calls
/// [`signpost_keyed`] instead.
pub fn signpost_with<'a>(
    profile: &Profile,
    records: impl IntoIterator<Item = &'a Intervention>,
    options: &SignpostOptions,
) -> Signposting {
    let records = records.into_iter().map(|r| (MatchKey::of(r), r, 0));
    judge_and_write(profile, records, options)
}

/// A record with its [`MatchKey`], for [`signpost_keyed`].
#[derive(Debug, Clone, Copy)]
pub struct KeyedRecord<'a> {
    /// `MatchKey::of(record)`, made beforehand. A key of another record gives that record's
    /// verdicts in the cheap pass and so a wrong order and counts.
    pub key: &'a MatchKey,
    /// The record, read for the order's last tie-breaks and to write out the reasons.
    pub record: &'a Intervention,
    /// The record's place in the order of (title, slug) among the records passed, when the
    /// caller has one at hand: numbers that compare like (title, slug) do, and for records
    /// equal in both, like their places in the input. Saves comparing titles. 0 for every
    /// record when there is none: titles and slugs are then compared.
    pub title_order: u32,
}

impl<'a> KeyedRecord<'a> {
    /// A record and its key, without a title order.
    pub fn new(key: &'a MatchKey, record: &'a Intervention) -> KeyedRecord<'a> {
        KeyedRecord {
            key,
            record,
            title_order: 0,
        }
    }
}

/// [`signpost_with`] over records whose keys were made beforehand (the search catalogue
/// makes them once, when it indexes a record): the same answer, with the cheap pass down to
/// a few bit operations per record.
pub fn signpost_keyed<'a>(
    profile: &Profile,
    records: impl IntoIterator<Item = KeyedRecord<'a>>,
    options: &SignpostOptions,
) -> Signposting {
    let records = records
        .into_iter()
        .map(|k| (k.key, k.record, k.title_order));
    judge_and_write(profile, records, options)
}

/// The two passes. The cheap one judges every record from its key and keeps, for each list
/// the answer writes out, only its first `limit` records so far (a heap of at most `limit`),
/// so nothing in it grows with the number of records unless there is no limit. Then the
/// records kept are written out with [`match_one`].
fn judge_and_write<'a, K: Borrow<MatchKey>>(
    profile: &Profile,
    records: impl Iterator<Item = (K, &'a Intervention, u32)>,
    options: &SignpostOptions,
) -> Signposting {
    let limit = options.limit.unwrap_or(usize::MAX);
    let compiled = CompiledProfile::new(profile);
    let mut counts = StatusCounts::default();
    let mut results = First::new(limit);
    let mut helplines = First::new(limit);
    // Relaxations are given only when no record fits, so they are gathered only until one
    // does: the first that fits ends the gathering and frees what was gathered.
    let mut relaxing = Some(Relaxing::new(limit));
    for (index, (key, record, title_order)) in records.enumerate() {
        let key = key.borrow();
        let verdicts = key.judge(&compiled);
        let status = verdicts.status();
        let nearness = key.nearness(&compiled);
        let ranked = Ranked {
            key: Ranked::pack(status, key.strength(), nearness, title_order),
            status,
            index,
            record,
        };
        match status {
            Status::Eligible => counts.eligible += 1,
            Status::PossiblyEligible => counts.possibly_eligible += 1,
            Status::Ineligible => counts.ineligible += 1,
        }
        if status == Status::Ineligible {
            if let (Some(relaxing), Some((criterion, relaxed))) =
                (relaxing.as_mut(), verdicts.only_failure())
            {
                // Ordered by the status without the criterion first, then as results are
                // (every one of them is ineligible).
                relaxing.offer(
                    criterion,
                    Ranked {
                        key: Ranked::pack(relaxed, key.strength(), nearness, title_order),
                        status: relaxed,
                        ..ranked
                    },
                );
            }
        } else {
            relaxing = None;
            if key.is_helpline() {
                helplines.offer(ranked);
            }
        }
        results.offer(ranked);
    }

    let write_out = |first: First<'_>| {
        first
            .into_sorted()
            .into_iter()
            .map(|r| match_one(profile, r.record))
            .collect()
    };
    Signposting {
        helplines: write_out(helplines),
        results: write_out(results),
        counts,
        relaxations: relaxing.map_or_else(Vec::new, Relaxing::into_relaxations),
        notice: NOTICE,
    }
}

/// One record after the cheap pass: what ordering and writing out need.
#[derive(Debug, Clone, Copy)]
struct Ranked<'a> {
    /// Status, evidence, nearness and title order packed into one number (see
    /// [`Ranked::pack`]), so that most comparisons compare one integer and touch no record.
    key: u64,
    /// The status packed into `key`: the record's, or in a relaxation the one it would have.
    status: Status,
    /// Position in the input: the last tie-break, so the order is total and repeatable even
    /// for records with the same title and slug.
    index: usize,
    record: &'a Intervention,
}

impl Ranked<'_> {
    /// Status, then strength of evidence (not rated last), then nearness, then the caller's
    /// title order (0 when it has none); the most significant first.
    fn pack(status: Status, strength: u8, nearness: Nearness, title_order: u32) -> u64 {
        (status as u64) << 44
            | u64::from(strength) << 36
            | (nearness as u64) << 32
            | u64::from(title_order)
    }
}

/// Result order: status, evidence, nearness, title, slug, input position.
impl Ord for Ranked<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .cmp(&other.key)
            .then_with(|| self.record.title.cmp(&other.record.title))
            .then_with(|| self.record.slug.cmp(&other.record.slug))
            .then(self.index.cmp(&other.index))
    }
}

impl PartialOrd for Ranked<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked<'_> {}

/// The first `limit` records offered, in result order.
///
/// Until `limit` records are offered they are only gathered, and sorted at the end: with no
/// limit, or more than there are records, that is one sort, cheaper than a heap. Once there
/// are `limit` of them they become a max-heap whose top is the last one kept, so each record
/// that comes after it costs one comparison and no allocation.
enum First<'a> {
    Gathering { limit: usize, kept: Vec<Ranked<'a>> },
    Full(BinaryHeap<Ranked<'a>>),
}

impl<'a> First<'a> {
    fn new(limit: usize) -> First<'a> {
        First::Gathering {
            limit,
            kept: Vec::new(),
        }
    }

    #[inline]
    fn offer(&mut self, r: Ranked<'a>) {
        match self {
            First::Gathering { limit, kept } => {
                if kept.len() < *limit {
                    kept.push(r);
                    if kept.len() == *limit {
                        *self = First::Full(BinaryHeap::from(std::mem::take(kept)));
                    }
                }
            }
            First::Full(heap) => {
                if let Some(mut last) = heap.peek_mut() {
                    if r < *last {
                        *last = r;
                    }
                }
            }
        }
    }

    /// The records kept, first first.
    fn into_sorted(self) -> Vec<Ranked<'a>> {
        match self {
            First::Gathering { mut kept, .. } => {
                kept.sort_unstable();
                kept
            }
            First::Full(heap) => heap.into_sorted_vec(),
        }
    }
}

/// The services each criterion alone rules out, while no service fits.
struct Relaxing<'a> {
    /// By criterion: how many services it alone rules out, and the first of them.
    opened: [(usize, First<'a>); CRITERIA.len()],
}

impl<'a> Relaxing<'a> {
    fn new(limit: usize) -> Relaxing<'a> {
        Relaxing {
            opened: std::array::from_fn(|_| (0, First::new(limit))),
        }
    }

    fn offer(&mut self, criterion: Criterion, r: Ranked<'a>) {
        if let Some((total, first)) = self.opened.get_mut(criterion as usize) {
            *total += 1;
            first.offer(r);
        }
    }

    /// One relaxation per criterion that rules services out alone, most services opened
    /// first.
    fn into_relaxations(self) -> Vec<Relaxation> {
        let mut relaxations: Vec<Relaxation> = CRITERIA
            .iter()
            .zip(self.opened)
            .filter(|(_, (total, _))| *total > 0)
            .map(|(criterion, (total, first))| Relaxation {
                criterion: *criterion,
                text: criterion.if_relaxed().to_string(),
                services: first
                    .into_sorted()
                    .into_iter()
                    .map(|r| OpenedService {
                        slug: r.record.slug.clone(),
                        title: r.record.title.clone(),
                        status: r.status,
                    })
                    .collect(),
                total,
            })
            .collect();
        // Stable: equal totals keep the criteria's order.
        relaxations.sort_by_key(|r| std::cmp::Reverse(r.total));
        relaxations
    }
}
