//! The facet vocabularies of the intervention database (target group, prevention level, age
//! group, gender, type of intervention, sub-group), with the labels the real database uses.

use super::vocabulary;

vocabulary! {
    /// Who an intervention is aimed at (the Smallbone focus of prevention).
    TargetGroup, "target_group" {
        PotentialOffenders => "potential_offenders", "(Potential) Offenders",
            ["Potential Offenders", "Offenders", "Potential offenders and offenders", "People who have offended or may offend"];
        CommunitiesAndFamilies => "communities_and_families", "Communities and Families",
            ["Communities", "Families", "Families and Communities", "Communities & Families"];
        ChildrenAndYoungPeople => "children_and_young_people", "Children and Young People (Victims)",
            ["Children and Young People", "Victims", "Children & Young People (Victims)", "Children and young people (potential victims)"];
        SituationsAndPlaces => "situations_and_places", "Situations/Places",
            ["Situations and Places", "Situations", "Places", "Situations & Places"];
        AdditionalResource => "additional_resource", "Additional Resource",
            ["Additional Resources", "Resource", "Resources"];
    }
}

vocabulary! {
    /// Primary (before any harm), secondary (people at risk) or tertiary (after offending).
    PreventionLevel, "prevention_level" {
        Primary => "primary", "Primary prevention", ["Primary"];
        Secondary => "secondary", "Secondary prevention", ["Secondary"];
        Tertiary => "tertiary", "Tertiary prevention", ["Tertiary"];
    }
}

vocabulary! {
    /// The age bands the database filters by.
    AgeGroup, "age_group" {
        YoungChildren => "young_children", "Young Children (0-5 years)", ["Young Children", "Young Children (0-5)"];
        Children => "children", "Children (6-11 years)", ["Children", "Children (6-11)"];
        YoungPeople => "young_people", "Young People (12-17 years)", ["Young People", "Young People (12-17)", "Adolescents"];
        YoungAdults => "young_adults", "Young Adults (18-20 years)", ["Young Adults", "Young Adults (18-20)"];
        Adults => "adults", "Adults (21+ years)", ["Adults", "Adults (21+)", "Adult"];
    }
}

vocabulary! {
    /// The genders a service is for.
    Gender, "gender" {
        Male => "male", "Male", ["Males", "Men", "Man", "Boys"];
        Female => "female", "Female", ["Females", "Women", "Woman", "Girls"];
    }
}

vocabulary! {
    /// How an intervention is delivered (the database's "Type of intervention").
    Delivery, "delivery" {
        GroupWork => "group_work", "Group work", ["Groupwork", "Group", "Group sessions", "Group therapy"];
        IndividualWork => "individual_work", "Individual work", ["One to one", "One-to-one", "1:1", "Individual", "Individual sessions", "Individual therapy"];
        Counselling => "counselling", "Counselling", ["Counseling", "Therapy", "Psychotherapy"];
        Phone => "phone", "Phone", ["Telephone", "Helpline", "Phone helpline", "Telephone helpline", "Phone line"];
        Online => "online", "Online", ["Internet", "Web", "Web-based", "Online chat", "Chat", "Email"];
        OnlineApp => "online_app", "Online/App", ["App", "Online app", "Mobile app", "Online / App"];
        ClassroomSetting => "classroom_setting", "Classroom setting", ["Classroom", "Classroom based", "School lessons"];
        PublicEducation => "public_education", "Public education", ["Public awareness", "Awareness campaign", "Public campaign", "Campaign"];
        Theatrical => "theatrical", "Theatrical", ["Theatre", "Theater", "Drama"];
        SelfHelp => "self_help", "Self-help", ["Self help", "Self-help resources"];
        Training => "training", "Training", ["Training for professionals", "Professional training"];
        PeerSupport => "peer_support", "Peer support", ["Support group", "Peer support group"];
        Residential => "residential", "Residential", ["Residential treatment", "Inpatient"];
        Medication => "medication", "Medication", ["Pharmacological treatment", "Pharmacological"];
    }
}

vocabulary! {
    /// Narrower groups or settings within a target group.
    Subgroup, "subgroup" {
        InternetRelatedOnly => "internet_related_only", "Internet-related only", ["Internet related only", "Internet-related", "Internet offenders", "Online only"];
        SchoolsAndYouthOrganisations => "schools_and_youth_organisations",
            "Schools and other organisations working with children and young people",
            ["Schools", "Schools and youth organisations", "Youth organisations"];
        ParentsAndCarers => "parents_and_carers", "Parents and carers", ["Parents", "Carers", "Parents & carers"];
        Professionals => "professionals", "Professionals", ["Practitioners", "Professionals working with children"];
        PeopleWithIntellectualDisabilities => "people_with_intellectual_disabilities",
            "People with intellectual disabilities", ["Intellectual disabilities", "Learning disabilities", "People with learning disabilities"];
        SportsOrganisations => "sports_organisations", "Sports clubs and organisations", ["Sports", "Sports clubs", "Sport"];
        FaithOrganisations => "faith_organisations", "Faith organisations", ["Faith communities", "Churches", "Religious organisations"];
        OnlinePlatforms => "online_platforms", "Online platforms and technology companies", ["Online platforms", "Technology companies", "Tech industry"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{MatchQuality, Vocabulary};

    #[test]
    fn database_labels_map_exactly() {
        let cases: &[(&str, &str)] = &[
            ("(Potential) Offenders", "potential_offenders"),
            ("Communities and Families", "communities_and_families"),
            (
                "Children and Young People (Victims)",
                "children_and_young_people",
            ),
            ("Situations/Places", "situations_and_places"),
            ("Additional Resource", "additional_resource"),
        ];
        for (label, id) in cases {
            let (v, q) = TargetGroup::match_label(label).expect(label);
            assert_eq!(v.id(), *id);
            assert_eq!(q, MatchQuality::Exact);
        }
        for (label, id) in [
            ("Young Children (0-5 years)", "young_children"),
            ("Children (6-11 years)", "children"),
            ("Young People (12-17 years)", "young_people"),
            ("Young Adults (18-20 years)", "young_adults"),
            ("Adults (21+ years)", "adults"),
            ("Young People", "young_people"),
            ("Adults", "adults"),
            ("adults  (21+ YEARS)", "adults"),
        ] {
            assert_eq!(AgeGroup::match_label(label).map(|m| m.0.id()), Some(id));
        }
        assert_eq!(
            Subgroup::match_label("Internet-related only").map(|m| m.0),
            Some(Subgroup::InternetRelatedOnly)
        );
        assert_eq!(
            Subgroup::match_label(
                "Schools and other organisations working with children and young people"
            )
            .map(|m| m.0),
            Some(Subgroup::SchoolsAndYouthOrganisations)
        );
    }

    #[test]
    fn small_typos_are_tolerated_but_flagged() {
        let (v, q) = AgeGroup::match_label("Aduls (21+ years)").expect("typo");
        assert_eq!(v, AgeGroup::Adults);
        assert_eq!(q, MatchQuality::Fuzzy);
        let (v, q) = Delivery::match_label("Individual Wrok").expect("typo");
        assert_eq!(v, Delivery::IndividualWork);
        assert_eq!(q, MatchQuality::Fuzzy);
    }

    #[test]
    fn unrelated_words_do_not_match() {
        assert!(Delivery::match_label("Horse riding").is_none());
        assert!(Gender::match_label("Mild").is_none());
        assert!(TargetGroup::match_label("English").is_none());
    }
}
