//! Structured eligibility: who a service can take. Unknown is always a value of its own
//! (`None`), never silently "yes" or "no".

use crate::vocab::{vocabulary, Delivery, Gender, Language, Term, Vocabulary};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Who is asking for help, and who a service accepts enquiries from.
    AskingFor, "asking_for" {
        /// The person themselves.
        ForSelf => "self", "The person themselves";
        /// Family members, partners and friends.
        SomeoneElse => "someone_else", "Family, partners and friends";
        /// A professional on someone's behalf.
        Client => "client", "Professionals on someone's behalf";
    }
}

vocabulary! {
    /// The situations a service works with.
    Situation, "situation" {
        SexualThoughts => "sexual_thoughts", "Sexual thoughts about children, without offending";
        ViewingCsam => "viewing_csam", "Viewing or sharing child sexual abuse material";
        OnlineSolicitation => "online_solicitation", "Online solicitation of children";
        ContactOffending => "contact_offending", "Contact sexual offending";
        HarmfulSexualBehaviour => "harmful_sexual_behaviour", "Harmful sexual behaviour by a young person";
    }
}

vocabulary! {
    /// Where a person stands with the justice system.
    JusticeStage, "justice_stage" {
        NoInvolvement => "none", "No involvement with the justice system";
        PreArrest => "pre_arrest", "Before any arrest";
        UnderInvestigation => "under_investigation", "Arrested or under investigation";
        Charged => "charged", "Charged, awaiting trial";
        ConvictedCustody => "convicted_custody", "Convicted, in custody";
        ConvictedCommunity => "convicted_community", "Convicted, in the community";
        AfterSentence => "after_sentence", "After the sentence has ended";
    }
}

vocabulary! {
    /// How people reach a service.
    ReferralRoute, "referral_route" {
        SelfReferral => "self", "Self-referral";
        Agency => "agency", "Referral by an agency";
        Mandated => "mandated", "Court or probation mandated";
    }
}

vocabulary! {
    /// What a service costs the person using it.
    Cost, "cost" {
        Free => "free", "Free";
        Paid => "paid", "Paid by the person";
        FundedByReferrer => "funded_by_referrer", "Funded by the referrer";
    }
}

vocabulary! {
    /// Ways into a service, derived from its eligibility: what someone not known to the
    /// justice system needs to know first. A search facet and a line of the gaps report.
    Access, "access" {
        /// People can contact the service themselves.
        SelfReferral => "self_referral", "Self-referral";
        /// People can get help without giving their name.
        Anonymous => "anonymous", "Anonymous help";
        /// People with no involvement with the justice system are accepted.
        NoJusticeInvolvement => "no_justice_involvement", "Open to people not involved with the justice system";
        /// An agency can refer people.
        AgencyReferral => "agency_referral", "Referral by an agency";
        /// A court or probation can mandate attendance.
        Mandated => "mandated", "Court or probation mandated";
    }
}

/// Age limits that apply to one delivery format only (e.g. one-to-one from 17, group from 21).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatAgeLimits {
    /// The delivery format these limits apply to.
    pub delivery: Term<Delivery>,
    /// Youngest age accepted in this format, when stated.
    #[serde(default)]
    pub age_min: Option<u8>,
    /// Oldest age accepted in this format, when stated.
    #[serde(default)]
    pub age_max: Option<u8>,
}

/// Who a service can take, as stated by the service. Every `None` means "not known".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Eligibility {
    /// Youngest age accepted in any format.
    pub age_min: Option<u8>,
    /// Oldest age accepted in any format.
    pub age_max: Option<u8>,
    /// Age limits that differ by delivery format.
    pub formats: Vec<FormatAgeLimits>,
    /// Genders accepted.
    pub genders: Option<Vec<Gender>>,
    /// Minimum IQ required (e.g. 80 for programmes needing the normal range).
    pub iq_min: Option<u8>,
    /// Learning-needs requirements or adaptations, in words.
    pub learning_needs: Option<String>,
    /// Whom the service accepts enquiries from.
    pub serves: Option<Vec<AskingFor>>,
    /// Situations the service works with.
    pub situations: Option<Vec<Situation>>,
    /// Justice stages accepted.
    pub justice_stages: Option<Vec<JusticeStage>>,
    /// Referral routes accepted.
    pub referral_routes: Option<Vec<ReferralRoute>>,
    /// Whether people can get help without giving their name.
    pub anonymous: Option<bool>,
    /// What using the service costs.
    pub cost: Option<Vec<Cost>>,
    /// Whether the service can be used remotely (phone, online).
    pub remote: Option<bool>,
    /// Areas where in-person help is offered, in words.
    pub in_person_areas: Option<Vec<String>>,
    /// Languages the service works in.
    pub languages: Option<Vec<Language>>,
    /// Exclusions the service states.
    pub exclusions: Vec<String>,
}

impl Eligibility {
    /// True when nothing at all is known.
    pub fn is_unknown(&self) -> bool {
        *self == Eligibility::default()
    }

    /// The ways into the service that the eligibility states, in vocabulary order. Unknown
    /// fields give nothing: a way is listed only when it is known to be open.
    pub fn access(&self) -> Vec<Access> {
        let routes = self.referral_routes.as_deref().unwrap_or_default();
        let stages = self.justice_stages.as_deref().unwrap_or_default();
        Access::all()
            .iter()
            .copied()
            .filter(|a| match a {
                Access::SelfReferral => routes.contains(&ReferralRoute::SelfReferral),
                Access::Anonymous => self.anonymous == Some(true),
                Access::NoJusticeInvolvement => stages.contains(&JusticeStage::NoInvolvement),
                Access::AgencyReferral => routes.contains(&ReferralRoute::Agency),
                Access::Mandated => routes.contains(&ReferralRoute::Mandated),
            })
            .collect()
    }
}
