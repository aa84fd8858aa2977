//! The database's evidence rating, on the INSPIRE-based scale.

use crate::vocab::vocabulary;

vocabulary! {
    /// How strong the evidence for an intervention is. A record without one is "not rated",
    /// which is a state of its own (`Option<Rating>::None`), never a low rating.
    Rating, "rating" {
        /// At least two good experimental or quasi-experimental studies with significant positive impact.
        Effective => "effective", "Effective";
        /// At least one good experimental or quasi-experimental study with significant positive impact.
        Promising => "promising", "Promising";
        /// Qualitative or observational evidence, or deemed critical by international treaties.
        Prudent => "prudent", "Prudent";
        /// New, or with limited evidence so far.
        Pioneering => "pioneering", "Pioneering";
    }
}

impl Rating {
    /// The criterion behind this rating, spelled out for people reading a record.
    pub fn criterion(self) -> &'static str {
        match self {
            Rating::Effective => "At least two high- or moderate-quality experimental or quasi-experimental studies show a significant positive impact, or a meta-analysis does.",
            Rating::Promising => "At least one high- or moderate-quality experimental or quasi-experimental study shows a significant positive impact.",
            Rating::Prudent => "Supported by qualitative or observational evidence, or deemed critical by international treaties.",
            Rating::Pioneering => "A new intervention, or one with limited evidence so far.",
        }
    }

    /// Rank from strongest (0) to weakest, for sorting by evidence.
    pub fn strength_rank(self) -> u8 {
        match self {
            Rating::Effective => 0,
            Rating::Promising => 1,
            Rating::Prudent => 2,
            Rating::Pioneering => 3,
        }
    }
}
