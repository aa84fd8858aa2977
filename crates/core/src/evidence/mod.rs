//! Evidence as data: the studies behind an intervention's rating, and a pure rule engine
//! ([`assess`]) that suggests a rating from them and explains it.
//!
//! A record's rating stays the editors' decision. The engine makes the grounds visible: which
//! study meets or misses which bar, what would lift the rating, and which results warn of harm
//! or no effect. Where the record's rating differs from the suggestion, [`compare`] says how,
//! and the record's `rating_justification` says why.

mod assess;
mod outcome;
mod study;

pub use assess::{
    assess, compare, Assessment, EvidenceAmount, EvidenceWarning, OutcomeEvidence,
    RatingDifference, Reason, Shortfall, WarningKind,
};
pub use outcome::{Direction, Magnitude, Outcome, OutcomeKind};
pub use study::{Study, StudyDesign, StudyQuality, StudyScope};

#[cfg(test)]
mod tests;
