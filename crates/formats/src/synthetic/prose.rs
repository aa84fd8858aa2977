//! Phrase banks for synthetic records: invented names, places and organisations, and neutral,
//! professional sentences for each section. Everything here is fictional; nothing names a real
//! person, organisation, street or service.

use rand::seq::SliceRandom;
use rand::Rng;

/// Invented places. None is a real town.
pub(super) const PLACES: &[&str] = &[
    "Exampletown",
    "Examplebury",
    "Fictionshire",
    "Fictionford",
    "Sampleby",
    "Samplewick",
    "Mockhaven",
    "Mockridge Vale",
    "Placeholder Bay",
    "Dummyport",
    "Imaginaria",
    "Inventon-on-Sea",
    "Loremouth",
    "Ipsum Cross",
    "Notwhere Heath",
];

/// First words of programme names.
pub(super) const THEMES: &[&str] = &[
    "Harbour Support",
    "Safer Futures",
    "Bright Paths",
    "Steady Ground",
    "Open Door",
    "Safe Lines",
    "Clear Horizons",
    "Kind Minds",
    "Lantern",
    "Keystone",
    "Turning Tide",
    "Compass",
    "Waypoint",
    "Safe Harbour",
    "Fresh Start",
    "Signpost",
];

/// What kind of thing a programme is, as in its name.
pub(super) const KINDS: &[&str] = &[
    "Programme",
    "Service",
    "Project",
    "Helpline",
    "Initiative",
    "Group",
    "Toolkit",
    "Campaign",
    "Course",
];

/// Organisation name patterns; `{place}` is filled in. Every one says it is fictional.
const ORGANISATIONS: &[&str] = &[
    "{place} Fictional Prevention Trust",
    "Example Families Network ({place})",
    "The Imaginary Support Collective",
    "Fictional Probation Service of {place}",
    "{place} Example Health Board",
    "Example Child Safety Foundation",
    "The Fictional Centre for Safer Communities",
    "{place} Example Youth Partnership",
];

/// Invented streets.
const STREETS: &[&str] = &[
    "Imaginary Lane",
    "Fictional Road",
    "Specimen Street",
    "Placeholder Avenue",
    "Example Terrace",
    "Mock Court",
    "Sample Row",
    "Invention Place",
];

/// Invented districts for the second address line.
const DISTRICTS: &[&str] = &[
    "Old Example Quarter",
    "Fiction Park",
    "Sampleby Green",
    "Upper Mockhaven",
    "Placeholder Docks",
];

/// Invented surnames for citations.
const SURNAMES: &[&str] = &[
    "Examplar",
    "Fictor",
    "Sampleton",
    "Mockett",
    "Placeholm",
    "Testwell",
    "Inventis",
    "Dummond",
    "Loremson",
    "Ipsumova",
    "Notreal",
    "Fabrica",
    "Imaginato",
    "Pretendo",
    "Madeupson",
];

/// Invented journals.
const JOURNALS: &[&str] = &[
    "Journal of Example Studies",
    "Fictional Review of Prevention Research",
    "International Journal of Imaginary Criminology",
    "Example Quarterly",
    "Placeholder Journal of Child Protection",
];

/// The people a programme is for, as a phrase.
const POPULATIONS: &[&str] = &[
    "adults who are worried about their sexual thoughts about children",
    "men who have been convicted of offences involving child sexual abuse material",
    "young people who have displayed harmful sexual behaviour",
    "parents and carers who want to keep children safe",
    "professionals working with children and young people",
    "family members of people who have been arrested for online offences",
    "adults who have been arrested for online sexual offences",
    "people at risk of sexually harming a child",
];

/// One-sentence summaries.
const SUMMARIES: &[&str] = &[
    "A fictional {kind} for {pop} in {place}.",
    "An example service offering confidential support to {pop}.",
    "A made-up {kind} used as test data, aimed at {pop}.",
    "An invented community {kind} in {place} for {pop}, delivered by {org}.",
];

/// Sentences used instead of facet lines under the facet heading.
const FACET_PROSE: &[&str] = &[
    "This service is for adult men and women at risk of offending.",
    "This fictional service is for young people aged 12 to 17 and their families.",
    "The programme is open to parents, carers and professionals in {place}.",
    "This service is for adults who are concerned about their own online behaviour.",
];

const TARGET_POPULATION: &[&str] = &[
    "{Name} is aimed at {pop} living in or near {place}.",
    "It is open to people aged {age} and over.",
    "Participants are usually referred by probation, health or social care professionals, although self-referral is also accepted.",
    "The service is intended for {pop} who want support to stay safe and to keep children safe.",
    "People with learning needs can take part, and materials are adapted where necessary.",
    "Family members and partners of people in the target group can also ask for support.",
    "People who are in crisis are first signposted to an appropriate mental health service.",
    "Young people aged 16 and 17 are accepted with the agreement of a parent or carer.",
    "Referrals are assessed within {n} working days of receipt.",
    "The fictional service area covers {place} and the surrounding villages of {place2}.",
    "Participants are expected to have some motivation to change, although this is explored during assessment.",
];

/// Bulleted list items after "… supports people who:".
const WHO_ITEMS: &[&str] = &[
    "are worried about their own sexual thoughts about children",
    "have viewed child sexual abuse material online",
    "have been arrested or convicted for an online offence",
    "are partners or family members of someone in these groups",
    "work with children and want advice about safeguarding",
    "have completed a custodial sentence and are returning to the community",
];

const DELIVERY_ORGANISATION: &[&str] = &[
    "{Name} is run by {org}, a fictional charity based in {place}.",
    "It is delivered in partnership with the {place2} Example Health Board.",
    "{org} is an invented organisation used for test data only.",
    "Local delivery is managed by a small team based in {place}.",
];

const MODE_AND_CONTEXT: &[&str] = &[
    "{Name} is delivered in a group setting by two facilitators, with no more than {n} participants per group.",
    "Sessions take place in community venues across {place}, and some are offered online through a secure video platform.",
    "Each session combines information sharing, guided discussion and practical exercises.",
    "Participants receive a workbook to use between sessions.",
    "One-to-one sessions are offered where group work is not suitable, using materials selected from the group programme.",
    "The approach is broadly cognitive-behavioural and focuses on strengths and future goals.",
    "Practitioners work closely with the referring agency and share progress reports with the participant\u{2019}s consent.",
    "Telephone and online support is available between sessions.",
    "The programme follows the risk, need and responsivity principles, so the amount of support matches the level of need.",
    "Interpreters can be arranged for participants who prefer to work in another language.",
    "Sessions are recorded for supervision purposes only when participants agree.",
];

const STAFF_EXPERTISE: &[&str] = &[
    "Facilitators come from a range of backgrounds, including social work, psychology, nursing and probation.",
    "All staff complete an induction of {n} days covering safeguarding, risk assessment and trauma-informed practice.",
    "Practitioners must be non-judgemental, empathic and skilled in facilitating groups.",
    "Staff receive monthly clinical supervision from a qualified psychologist.",
    "Volunteers who answer the helpline complete an accredited training course before taking calls.",
    "Experience of working with people who have committed sexual offences is desirable but not essential, as training is provided.",
    "Each facilitator is observed delivering sessions at least twice a year as part of quality assurance.",
    "Staff are expected to keep up to date with research on preventing child sexual abuse.",
];

const INTENSITY: &[&str] = &[
    "The group consists of {n} weekly sessions, each lasting two hours including a short break.",
    "Individual work can last between {n} and {m} sessions depending on need.",
    "Helpline calls last on average {m} minutes.",
    "The whole programme takes around {n} months to complete.",
    "Participants are expected to attend every session and to complete short tasks between sessions.",
    "Follow-up contact is offered at three and six months after the final session.",
    "The online course can be completed at the participant\u{2019}s own pace over {n} weeks.",
    "Group sessions are run as half-day sessions, totalling around {m} hours of contact time.",
];

const DESCRIPTION: &[&str] = &[
    "{Name} is a {kind} designed to help {pop} to understand their behaviour and to make safer choices.",
    "The programme aims to reduce the risk of harm to children by building coping skills, healthy relationships and a positive sense of self.",
    "Sessions explore the links between thoughts, feelings and behaviour, and introduce practical strategies for managing difficult emotions.",
    "Participants develop a personal safety plan that they review with a practitioner at the end of the programme.",
    "The programme includes information about the harm caused by viewing child sexual abuse material and about the law that applies to it.",
    "Family members are offered separate sessions so that they can support the participant and look after their own wellbeing.",
    "The service also provides information for professionals who want to refer someone or need advice.",
    "Materials were developed by {org} with input from practitioners and people with lived experience.",
    "The content is reviewed each year to reflect new research and feedback from participants.",
    "A short self-help guide is available for people who are not yet ready to contact the service.",
    "All contact with the service is confidential, within the limits set out in its safeguarding policy.",
    "Individual experiences of trauma are not explored in depth in the group; participants are supported to seek further help where needed.",
];

/// Sub-headings inside a description. None looks like a section heading.
const SUBHEADINGS: &[&str] = &[
    "Module overview",
    "Group sessions",
    "Individual sessions",
    "Support for families",
    "Follow-up support",
    "Session structure",
    "The Core Group",
    "One-to-one format",
];

/// Aims, as bulleted items.
const AIMS: &[&str] = &[
    "Increase motivation to change and set personal goals",
    "Understand the harm caused by child sexual abuse material",
    "Develop healthy coping strategies and problem-solving skills",
    "Build positive relationships and support networks",
    "Plan for a safe and fulfilling future",
    "Recognise warning signs and seek help early",
    "Manage strong feelings without harming others",
];

/// Modules, listed with a session count.
const MODULES: &[&str] = &[
    "Motivation to change",
    "Understanding behaviour",
    "Victim awareness and taking responsibility",
    "Emotional self-regulation",
    "Relationships and intimacy",
    "Relapse prevention and new life goals",
];

const EVALUATION: &[&str] = &[
    "{Name} has not yet been subject to an outcome evaluation.",
    "An internal review in {year} found that {pct}% of participants completed the programme.",
    "Participants complete questionnaires before and after the programme, and most report feeling more able to manage risky situations.",
    "A small fictional pilot study found improvements in self-reported wellbeing and reductions in shame {cit}.",
    "Research on similar programmes suggests that cognitive-behavioural approaches can reduce reoffending {cit}.",
    "A randomised trial is planned in partnership with the Example University of {place}.",
    "Feedback from referrers has been positive, although numbers are too small to draw firm conclusions.",
    "No evaluation of the helpline has been published to date.",
    "An independent evaluation is under way and is expected to report in {year2}.",
    "Large-scale reviews indicate that treatment following the risk, need and responsivity principles is associated with lower reconviction rates {cit}.",
];

/// Words for titles of cited works.
const STUDY_OPENINGS: &[&str] = &[
    "A fictional evaluation of",
    "Outcomes of",
    "An imaginary trial of",
    "Engagement and attrition in",
    "A placeholder review of",
    "Practitioner views on",
];

const STUDY_TOPICS: &[&str] = &[
    "community support for people at risk of offending",
    "helplines for people worried about their sexual thoughts",
    "group work with men convicted of offences involving child sexual abuse material",
    "school-based prevention lessons in an invented county",
    "support for families after an arrest",
    "online self-help for adults concerned about their behaviour",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The narrative sections, by which bank their sentences come from.
#[derive(Clone, Copy)]
pub(super) enum Bank {
    TargetPopulation,
    DeliveryOrganisation,
    ModeAndContext,
    StaffExpertise,
    Intensity,
    Description,
    Evaluation,
}

impl Bank {
    fn sentences(self) -> &'static [&'static str] {
        match self {
            Bank::TargetPopulation => TARGET_POPULATION,
            Bank::DeliveryOrganisation => DELIVERY_ORGANISATION,
            Bank::ModeAndContext => MODE_AND_CONTEXT,
            Bank::StaffExpertise => STAFF_EXPERTISE,
            Bank::Intensity => INTENSITY,
            Bank::Description => DESCRIPTION,
            Bank::Evaluation => EVALUATION,
        }
    }
}

/// What the sentences of one record talk about.
pub(super) struct Context {
    /// The programme's name without the "Fictional"/"Example" prefix or index.
    pub name: String,
    /// Lower-case kind ("programme").
    pub kind: String,
    /// The organisation that runs it.
    pub org: String,
    /// Where it is.
    pub place: &'static str,
    /// A second invented place.
    pub place2: &'static str,
    /// Whom it is for.
    pub pop: &'static str,
}

impl Context {
    /// An invented programme with a name made of `theme` and `kind`.
    pub fn new<R: Rng>(rng: &mut R, theme: &str, kind: &str) -> Context {
        let place = pick(rng, PLACES);
        let mut place2 = pick(rng, PLACES);
        if place2 == place {
            place2 =
                PLACES[(PLACES.iter().position(|p| *p == place).unwrap_or(0) + 1) % PLACES.len()];
        }
        let mut org = String::new();
        fill_into(&mut org, pick(rng, ORGANISATIONS), None, place, rng);
        Context {
            name: format!("{theme} {kind}"),
            kind: kind.to_lowercase(),
            org,
            place,
            place2,
            pop: pick(rng, POPULATIONS),
        }
    }
}

/// A random element of a non-empty bank.
pub(super) fn pick<'a, R: Rng>(rng: &mut R, bank: &[&'a str]) -> &'a str {
    bank.choose(rng).copied().unwrap_or("")
}

/// Appends `template` to `out` with its `{slots}` filled from `ctx` (or only `{place}` when
/// there is no context yet).
fn fill_into<R: Rng>(
    out: &mut String,
    template: &str,
    ctx: Option<&Context>,
    place: &str,
    rng: &mut R,
) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let key = &after[..close];
        match (key, ctx) {
            ("place", _) => out.push_str(place),
            ("Name", Some(c)) => {
                out.push_str("The ");
                out.push_str(&c.name);
            }
            ("name", Some(c)) => {
                out.push_str("the ");
                out.push_str(&c.name);
            }
            ("org", Some(c)) => out.push_str(&c.org),
            ("place2", Some(c)) => out.push_str(c.place2),
            ("pop", Some(c)) => out.push_str(c.pop),
            ("kind", Some(c)) => out.push_str(&c.kind),
            ("n", _) => out.push_str(pick(rng, &["five", "six", "eight", "ten", "12"])),
            ("m", _) => out.push_str(pick(rng, &["20", "30", "36", "45", "90"])),
            ("age", _) => out.push_str(pick(rng, &["16", "18", "21"])),
            ("year", _) => out.push_str(&rng.gen_range(2012..=2023).to_string()),
            ("year2", _) => out.push_str(&rng.gen_range(2025..=2028).to_string()),
            ("pct", _) => out.push_str(&rng.gen_range(55..=95).to_string()),
            ("cit", _) => in_text_citation(out, rng),
            _ => {
                out.push('{');
                out.push_str(key);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

/// Appends one sentence or phrase from `template`.
pub(super) fn fill<R: Rng>(out: &mut String, template: &str, ctx: &Context, rng: &mut R) {
    fill_into(out, template, Some(ctx), ctx.place, rng);
}

/// Appends a paragraph of `sentences` sentences drawn without repetition from `bank`.
pub(super) fn paragraph<R: Rng>(
    out: &mut String,
    bank: Bank,
    sentences: usize,
    ctx: &Context,
    rng: &mut R,
) {
    let all = bank.sentences();
    for (i, template) in all
        .choose_multiple(rng, sentences.min(all.len()))
        .enumerate()
    {
        if i > 0 {
            out.push(' ');
        }
        fill(out, template, ctx, rng);
    }
}

/// A one-sentence summary.
pub(super) fn summary<R: Rng>(out: &mut String, ctx: &Context, rng: &mut R) {
    let template = pick(rng, SUMMARIES);
    fill(out, template, ctx, rng);
}

/// A sentence standing where facet lines would be.
pub(super) fn facet_prose<R: Rng>(out: &mut String, ctx: &Context, rng: &mut R) {
    let template = pick(rng, FACET_PROSE);
    fill(out, template, ctx, rng);
}

/// "… supports people who:" followed by bulleted items.
pub(super) fn who_list<R: Rng>(out: &mut String, bullet: &str, ctx: &Context, rng: &mut R) {
    out.push_str("The ");
    out.push_str(&ctx.name);
    out.push_str(" supports people who:\n\n");
    let n = rng.gen_range(3..=5);
    for (i, item) in WHO_ITEMS.choose_multiple(rng, n).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(bullet);
        out.push_str(item);
    }
}

/// A sub-heading directly followed (no blank line) by a paragraph.
pub(super) fn subheading_with_paragraph<R: Rng>(out: &mut String, ctx: &Context, rng: &mut R) {
    out.push_str(pick(rng, SUBHEADINGS));
    out.push('\n');
    let n = rng.gen_range(2..=4);
    paragraph(out, Bank::Description, n, ctx, rng);
}

/// "The aims of the programme are to:" followed by bulleted aims.
pub(super) fn aims_list<R: Rng>(out: &mut String, bullet: &str, rng: &mut R) {
    out.push_str("The aims of the programme are to:\n\n");
    let n = rng.gen_range(3..=6);
    for (i, item) in AIMS.choose_multiple(rng, n).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(bullet);
        out.push_str(item);
    }
}

/// A sub-heading, "The modules are as follows:" and bulleted modules with session counts.
pub(super) fn modules_list<R: Rng>(out: &mut String, bullet: &str, rng: &mut R) {
    out.push_str(pick(
        rng,
        &["Group format", "One-to-one format", "Module overview"],
    ));
    out.push_str("\nThe modules are as follows:\n\n");
    let n = rng.gen_range(3..=MODULES.len());
    for (i, module) in MODULES[..n].iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(bullet);
        out.push_str(module);
        out.push_str(" \u{2013} ");
        let sessions = rng.gen_range(2..=10);
        out.push_str(&sessions.to_string());
        out.push_str(" sessions");
    }
}

/// An author as "Surname, A. B.".
fn author<R: Rng>(out: &mut String, rng: &mut R) {
    out.push_str(pick(rng, SURNAMES));
    out.push_str(", ");
    let initials = rng.gen_range(1..=2);
    for i in 0..initials {
        if i > 0 {
            out.push(' ');
        }
        out.push(char::from(b'A' + rng.gen_range(0..26u8)));
        out.push('.');
    }
}

/// A citation in author-year shape:
/// "Surname, A. B., & Other, C. (2015). Title of a fictional study. Journal, 12, 34-56."
pub(super) fn citation<R: Rng>(out: &mut String, place: &str, rng: &mut R) {
    let authors = rng.gen_range(1..=4);
    let oxford = rng.gen_bool(0.7);
    for i in 0..authors {
        if i > 0 {
            if i + 1 == authors {
                out.push_str(if oxford { ", & " } else { " & " });
            } else {
                out.push_str(", ");
            }
        }
        author(out, rng);
    }
    let year = rng.gen_range(1995..=2023).to_string();
    out.push_str(" (");
    out.push_str(&year);
    out.push_str("). ");
    out.push_str(pick(rng, STUDY_OPENINGS));
    out.push(' ');
    out.push_str(pick(rng, STUDY_TOPICS));
    out.push_str(". ");
    match rng.gen_range(0..10) {
        0..=5 => {
            out.push_str(pick(rng, JOURNALS));
            out.push_str(", ");
            out.push_str(&rng.gen_range(1..=40).to_string());
            if rng.gen_bool(0.3) {
                out.push('(');
                out.push_str(&rng.gen_range(1..=4).to_string());
                out.push(')');
            }
            out.push_str(", ");
            let first = rng.gen_range(1..=400);
            out.push_str(&first.to_string());
            out.push(if rng.gen_bool(0.8) { '-' } else { '\u{2013}' });
            out.push_str(&(first + rng.gen_range(8..=30)).to_string());
        }
        6..=7 => {
            out.push_str("(Report No. ");
            out.push_str(&year);
            out.push_str("-0");
            out.push_str(&rng.gen_range(1..=9).to_string());
            out.push_str("). ");
            out.push_str(place);
            out.push_str(": Fictional Research Unit");
        }
        _ => {
            out.push_str(place);
            out.push_str(": Example Press");
        }
    }
    // Some real citations lack the final full stop.
    if rng.gen_bool(0.85) {
        out.push('.');
    }
}

/// "(Surname, 2015)", "(Surname & Other, 2018)" or "(Surname et al., 2020)".
fn in_text_citation<R: Rng>(out: &mut String, rng: &mut R) {
    out.push('(');
    out.push_str(pick(rng, SURNAMES));
    match rng.gen_range(0..3) {
        0 => {}
        1 => {
            out.push_str(" & ");
            out.push_str(pick(rng, SURNAMES));
        }
        _ => out.push_str(" et al."),
    }
    out.push_str(", ");
    out.push_str(&rng.gen_range(1995..=2023).to_string());
    out.push(')');
}

/// A postal address: "12 Imaginary Lane," and so on, lines joined by newlines, or on one
/// line after "Address: ".
pub(super) fn address<R: Rng>(out: &mut String, org: &str, rng: &mut R) {
    let number = rng.gen_range(1..=250).to_string();
    let street = pick(rng, STREETS);
    let postcode = postcode(rng);
    if rng.gen_bool(0.25) {
        out.push_str("Address: ");
        out.push_str(org);
        out.push_str(", ");
        out.push_str(&number);
        out.push(' ');
        out.push_str(street);
        out.push_str(", Exampletown, ");
        out.push_str(&postcode);
        return;
    }
    let comma = if rng.gen_bool(0.5) { "," } else { "" };
    out.push_str(&number);
    out.push(' ');
    out.push_str(street);
    out.push_str(comma);
    if rng.gen_bool(0.5) {
        out.push('\n');
        out.push_str(pick(rng, DISTRICTS));
        out.push_str(comma);
    }
    out.push_str("\nExampletown");
    out.push_str(comma);
    out.push('\n');
    out.push_str(&postcode);
    if rng.gen_bool(0.4) {
        out.push_str("\nUnited Kingdom");
    }
}

/// A postcode in an area that does not exist ("ZZ" is no UK postcode area).
fn postcode<R: Rng>(rng: &mut R) -> String {
    format!(
        "ZZ{} {}{}{}",
        rng.gen_range(1..=99),
        rng.gen_range(0..=9),
        char::from(b'A' + rng.gen_range(0..26u8)),
        char::from(b'A' + rng.gen_range(0..26u8))
    )
}

/// A telephone number from the Ofcom ranges reserved for drama and fiction.
pub(super) fn phone<R: Rng>(rng: &mut R) -> String {
    let n: u32 = rng.gen_range(0..1000);
    match rng.gen_range(0..8) {
        0 | 1 => format!("01632 960{n:03}"),
        2 => format!("01632 960 {n:03}"),
        3 => format!("(44) 01632 960{n:03}"),
        4 => format!("+44 1632 960{n:03}"),
        5 => format!("07700 900{n:03}"),
        6 => format!("07700 900 {n:03}"),
        _ => format!("0808 157 0{n:03}"),
    }
}

/// An email address at example.org or example.net.
pub(super) fn email<R: Rng>(slug: &str, rng: &mut R) -> String {
    let local = pick(
        rng,
        &["info", "help", "referrals", "contact", "enquiries", slug],
    );
    let domain = if rng.gen_bool(0.6) {
        "example.org"
    } else {
        "example.net"
    };
    format!("{local}@{domain}")
}

/// A web address at example.org or example.com, or a subdomain of them.
pub(super) fn website<R: Rng>(slug: &str, rng: &mut R) -> String {
    match rng.gen_range(0..5) {
        0 => "www.example.org".to_string(),
        1 => format!("https://www.example.org/{slug}"),
        2 => format!("https://{slug}.example.com"),
        3 => format!("https://www.example.com/services/{slug}/contact"),
        _ => format!("{slug}.example.org"),
    }
}

/// "March 2021".
pub(super) fn month_year<R: Rng>(rng: &mut R) -> String {
    format!("{} {}", pick(rng, &MONTHS), rng.gen_range(2014..=2024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_only_use_known_slots() {
        let known = [
            "place", "Name", "name", "org", "place2", "pop", "kind", "n", "m", "age", "year",
            "year2", "pct", "cit",
        ];
        let banks: [&[&str]; 10] = [
            TARGET_POPULATION,
            DELIVERY_ORGANISATION,
            MODE_AND_CONTEXT,
            STAFF_EXPERTISE,
            INTENSITY,
            DESCRIPTION,
            EVALUATION,
            SUMMARIES,
            FACET_PROSE,
            ORGANISATIONS,
        ];
        for bank in banks {
            for template in bank {
                let mut rest = *template;
                while let Some(open) = rest.find('{') {
                    let close = rest[open..].find('}').map(|c| open + c);
                    let Some(close) = close else {
                        panic!("unclosed slot in {template}")
                    };
                    let key = &rest[open + 1..close];
                    assert!(known.contains(&key), "unknown slot {key} in {template}");
                    rest = &rest[close + 1..];
                }
            }
        }
    }

    #[test]
    fn sentence_banks_use_current_terminology() {
        let banned = ["child porn", "kiddie", "paedophile ring"];
        for bank in [
            TARGET_POPULATION,
            DELIVERY_ORGANISATION,
            MODE_AND_CONTEXT,
            STAFF_EXPERTISE,
            INTENSITY,
            DESCRIPTION,
            EVALUATION,
            WHO_ITEMS,
            AIMS,
        ] {
            for s in bank {
                for b in banned {
                    assert!(!s.to_lowercase().contains(b), "{s}");
                }
            }
        }
    }
}
