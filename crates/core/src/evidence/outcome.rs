//! What a study measured and what it found: one [`Outcome`] per measure.

use crate::vocab::{vocabulary, Term};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What an outcome measures. Outcomes outside this list are kept verbatim as
    /// `other:…` terms, so a study is never forced into the wrong box.
    OutcomeKind, "outcome" {
        /// New sexual offences (charges, convictions or self-report).
        SexualReoffending => "sexual_reoffending", "Sexual reoffending",
            ["Sexual recidivism", "Sexual reconviction", "Sexual reoffence"];
        /// New offences of any kind.
        AnyReoffending => "any_reoffending", "Any reoffending",
            ["General recidivism", "Any recidivism", "Reoffending", "Recidivism"];
        /// Changeable risk factors (e.g. sexual preoccupation, emotional congruence with children).
        DynamicRiskFactors => "dynamic_risk_factors", "Dynamic risk factors",
            ["Dynamic risk", "Criminogenic needs"];
        /// Mental health and wellbeing.
        PsychologicalWellbeing => "psychological_wellbeing", "Psychological wellbeing",
            ["Wellbeing", "Well-being", "Mental health", "Psychological well-being"];
        /// Knowledge (e.g. of body safety or of the law).
        Knowledge => "knowledge", "Knowledge";
        /// Attitudes (e.g. towards abuse, victims or help).
        Attitudes => "attitudes", "Attitudes";
        /// Seeking help, or intending to.
        HelpSeeking => "help_seeking", "Help-seeking", ["Help seeking"];
        /// Children telling someone about abuse.
        Disclosure => "disclosure", "Disclosure";
    }
}

vocabulary! {
    /// Which way an outcome moved, judged against the intervention's aim (so fewer
    /// reoffences is `positive`).
    Direction, "direction" {
        /// The outcome improved.
        Positive => "positive", "Positive";
        /// No change, or no difference from the comparison group.
        NoEffect => "none", "No effect", ["No change", "No difference"];
        /// The outcome got worse: a possible harm.
        Negative => "negative", "Negative";
        /// Some measures improved and others did not, or got worse.
        Mixed => "mixed", "Mixed";
    }
}

vocabulary! {
    /// The size of an effect as the study (or a reviewer) describes it. Kept apart from how
    /// many studies there are, since a large effect in one study is not strong evidence.
    Magnitude, "magnitude" {
        /// A small effect.
        Small => "small", "Small";
        /// A moderate effect.
        Moderate => "moderate", "Moderate";
        /// A large effect.
        Large => "large", "Large";
    }
}

/// One measured result of a study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// What was measured.
    pub outcome: Term<OutcomeKind>,
    /// Which way it moved.
    pub direction: Direction,
    /// Whether the result was statistically significant; `None` when the study does not
    /// say, which never counts as significant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub significant: Option<bool>,
    /// The size of the effect, when described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub magnitude: Option<Magnitude>,
    /// The effect as reported (e.g. "8 percentage points lower sexual reconviction"),
    /// kept as text because studies report effects in too many ways to convert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect_size: Option<String>,
    /// Anything else a reader should know about this result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Outcome {
    /// A result with only what it measured and its direction, for building records in code.
    pub fn new(outcome: Term<OutcomeKind>, direction: Direction) -> Self {
        Outcome {
            outcome,
            direction,
            significant: None,
            magnitude: None,
            effect_size: None,
            note: None,
        }
    }

    /// True for a positive result that the study reports as statistically significant: the
    /// kind of result the Promising and Effective ratings need.
    pub fn is_significant_positive(&self) -> bool {
        self.direction == Direction::Positive && self.significant == Some(true)
    }
}
