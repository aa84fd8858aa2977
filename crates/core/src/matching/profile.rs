//! The profile: what someone tells the signposting tool about the person who needs help.

use crate::eligibility::{AskingFor, JusticeStage, Situation};
use crate::vocab::{Country, Gender, Language};
use serde::{Deserialize, Deserializer, Serialize};

/// What is known about the person help is sought for, as given on a signposting form or to
/// `POST /api/v1/signpost`. Every field may be left out: `None` (or no situations) means
/// "not said", which never rules a service out — it makes the answer "possibly eligible"
/// where the service has a criterion about it.
///
/// Age, gender, situations and justice stage describe the person concerned: the person
/// themselves, or, when family or a professional is asking, the person they ask about.
///
/// Unknown field names and unknown ids are errors when read from JSON, so a typing mistake
/// is reported instead of silently widening the answer. The profile is personal: nothing in
/// this crate stores or logs it, and adapters must not either.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    /// Age in years.
    pub age: Option<u8>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Who is asking: the person themselves, someone close to them, or a professional.
    pub asking_for: Option<AskingFor>,
    /// Every situation that applies; empty when not said.
    #[serde(deserialize_with = "null_as_empty")]
    pub situations: Vec<Situation>,
    /// Where the person stands with the justice system.
    pub justice_stage: Option<JusticeStage>,
    /// The country the person lives in.
    pub country: Option<Country>,
    /// The language the person needs help in.
    pub language: Option<Language>,
    /// `Some(true)` when the person needs help without giving their name.
    pub needs_anonymity: Option<bool>,
    /// `Some(true)` when only help by phone or online will do.
    pub remote_only: Option<bool>,
}

impl Profile {
    /// True when nothing at all has been said.
    pub fn is_unknown(&self) -> bool {
        *self == Profile::default()
    }
}

/// `"situations": null` means "not said", like leaving the field out.
fn null_as_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Situation>, D::Error> {
    Ok(Option::<Vec<Situation>>::deserialize(deserializer)?.unwrap_or_default())
}
