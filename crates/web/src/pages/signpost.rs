//! The signposting forms and their answers: `/signpost` for practitioners (every criterion)
//! and `/help` for people looking for help for themselves (fewer, plainer questions).
//!
//! Both forms are server-rendered and work without JavaScript. They are sent with **POST**, so
//! the answers travel in the body: never in an address, so never in browser history, a
//! `Referer` or the access log (which records paths only). The answer page is
//! `Cache-Control: no-store` (the routes' layer, see [`crate::router`]) and nothing is kept on
//! the server: the profile lives for one request.
//!
//! No CSRF token: these forms change nothing and read nothing private. The site has no
//! sessions and sets no cookies, so a request forged by another site could do nothing but
//! show its own made-up answers to the person it was sent from, and that site cannot read the
//! page. `Origin`/`Sec-Fetch-Site` checks would protect nothing, and could turn away browsers
//! and privacy tools that leave those headers out.
//!
//! Every answer page says, before anything else, that this is signposting from published
//! criteria, not an assessment of risk, and that the service decides
//! ([`preventory_core::matching::NOTICE`]).

use super::search::HELP_SEARCH_HREF;
use super::{display_title, record_href, Chrome, ErrorLink, RatingView};
use crate::error::WebError;
use crate::profile_input::{self, FORM};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use preventory_core::eligibility::{AskingFor, JusticeStage, Situation};
use preventory_core::matching::{Match, Profile, Signposting, Status};
use preventory_core::vocab::{Country, Gender, Language};
use preventory_core::Vocabulary;

/// At most this many services per list are written out on the answer page; the counts cover
/// every service.
pub(crate) const PAGE_LIMIT: usize = 50;

/// The practitioners' form.
pub(crate) const PRACTITIONER_HREF: &str = "/signpost";

/// The form for people looking for help for themselves.
pub(crate) const SELF_HREF: &str = "/help";

/// Whom a form is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// Practitioners (and anyone asking about someone else): every criterion.
    Practitioner,
    /// Someone looking for help for themselves.
    Myself,
}

impl Audience {
    fn href(self) -> &'static str {
        match self {
            Audience::Practitioner => PRACTITIONER_HREF,
            Audience::Myself => SELF_HREF,
        }
    }

    fn chrome(self, title: &str) -> Chrome {
        let chrome = Chrome::new(title);
        match self {
            Audience::Practitioner => chrome.in_nav(PRACTITIONER_HREF),
            Audience::Myself => chrome,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The questions.

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A short text box (the age).
    Text,
    /// One of several, as radio buttons.
    Radios,
    /// Any of several, as checkboxes.
    Checkboxes,
    /// One of many, as a drop-down list.
    Select,
}

/// One possible answer.
struct Choice {
    /// The value sent; empty for "not known".
    value: String,
    label: String,
    checked: bool,
    /// The input's id (radios and checkboxes).
    id: String,
}

/// One question of a form, with the answer given so far.
struct Question {
    /// The field name, also the id of a text box or drop-down list.
    name: &'static str,
    /// The question: a legend or a label.
    legend: &'static str,
    /// The short name in the summary of answers.
    short: &'static str,
    hint: Option<&'static str>,
    kind: Kind,
    choices: Vec<Choice>,
    /// The text typed (text boxes).
    value: String,
    /// What is wrong with the answer, if anything.
    error: Option<String>,
}

impl Question {
    fn is_text(&self) -> bool {
        self.kind == Kind::Text
    }
    fn is_checkboxes(&self) -> bool {
        self.kind == Kind::Checkboxes
    }
    fn is_select(&self) -> bool {
        self.kind == Kind::Select
    }

    /// The ids the question's input points to with `aria-describedby`.
    fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }

    /// The answer in words, for the summary; `None` when not given.
    fn answer(&self) -> Option<String> {
        if self.kind == Kind::Text {
            let value = self.value.trim();
            return (!value.is_empty()).then(|| value.to_string());
        }
        let chosen: Vec<&str> = self
            .choices
            .iter()
            .filter(|c| c.checked && !c.value.is_empty())
            .map(|c| c.label.as_str())
            .collect();
        (!chosen.is_empty()).then(|| chosen.join("; "))
    }
}

/// The values a form sent, by field name, in the order sent.
#[derive(Debug, Default)]
struct Answers(Vec<(String, String)>);

impl Answers {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The one value of a single-answer field; "" when not sent.
    fn single(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Choices for a closed list: "not known" first (the default, never a yes or a no), then
/// `(value, label)` pairs.
fn choices(
    name: &str,
    unknown: &str,
    options: Vec<(String, String)>,
    answers: &Answers,
) -> Vec<Choice> {
    let given: Vec<&str> = answers.values(name).collect();
    let mut out = Vec::with_capacity(options.len() + 1);
    if !unknown.is_empty() {
        out.push(Choice {
            value: String::new(),
            label: unknown.to_string(),
            checked: given.iter().all(|v| v.is_empty()),
            id: format!("{name}-unknown"),
        });
    }
    for (i, (value, label)) in options.into_iter().enumerate() {
        out.push(Choice {
            checked: given.contains(&value.as_str()),
            id: format!("{name}-{}", i + 1),
            value,
            label,
        });
    }
    out
}

fn vocabulary<V: Vocabulary>() -> Vec<(String, String)> {
    V::all()
        .iter()
        .map(|v| (v.id().to_string(), v.label().to_string()))
        .collect()
}

/// Countries or languages in alphabetical order of their names.
fn by_label<V: Vocabulary>() -> Vec<(String, String)> {
    let mut all = vocabulary::<V>();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    all
}

fn yes_no(yes: &str, no: &str) -> Vec<(String, String)> {
    vec![("yes".into(), yes.into()), ("no".into(), no.into())]
}

#[allow(clippy::too_many_arguments)]
fn question(
    name: &'static str,
    legend: &'static str,
    short: &'static str,
    hint: Option<&'static str>,
    kind: Kind,
    unknown: &str,
    options: Vec<(String, String)>,
    answers: &Answers,
) -> Question {
    Question {
        name,
        legend,
        short,
        hint,
        kind,
        choices: if kind == Kind::Text {
            Vec::new()
        } else {
            choices(name, unknown, options, answers)
        },
        value: if kind == Kind::Text {
            answers.single(name).to_string()
        } else {
            String::new()
        },
        error: None,
    }
}

/// The situations in plain words, for people asking for themselves.
fn situations_in_plain_words() -> Vec<(String, String)> {
    Situation::all()
        .into_iter()
        .map(|s| {
            let words = match s {
                Situation::SexualThoughts => {
                    "Sexual thoughts or feelings about children that I have not acted on"
                }
                Situation::ViewingCsam => {
                    "Looking at or sharing sexual images or videos of children"
                }
                Situation::OnlineSolicitation => "Talking to a child online in a sexual way",
                Situation::ContactOffending => "Sexual contact with a child",
                Situation::HarmfulSexualBehaviour => {
                    "I am under 18 and worried about my sexual behaviour towards other children"
                }
            };
            (s.id().to_string(), words.to_string())
        })
        .collect()
}

/// The answers to "Have you been in contact with the police or courts about this?" besides
/// "I'd rather not say": `no`, then justice stage ids.
fn police_answers() -> Vec<(String, String)> {
    let stage = |s: JusticeStage, words: &str| (s.id().to_string(), words.to_string());
    vec![
        ("no".into(), "No".into()),
        stage(
            JusticeStage::UnderInvestigation,
            "Yes: I have been arrested or I am under investigation",
        ),
        stage(
            JusticeStage::Charged,
            "Yes: I have been charged and I am waiting for a court case",
        ),
        stage(JusticeStage::ConvictedCustody, "Yes: I am in prison"),
        stage(
            JusticeStage::ConvictedCommunity,
            "Yes: I have been convicted and I am on probation, on licence or serving a community sentence",
        ),
        stage(
            JusticeStage::AfterSentence,
            "Yes: I was convicted and my sentence has ended",
        ),
    ]
}

fn questions(audience: Audience, answers: &Answers) -> Vec<Question> {
    use Kind::*;
    match audience {
        Audience::Practitioner => vec![
            question(
                "age",
                "Age of the person",
                "Age",
                Some("In years. Leave blank if not known."),
                Text,
                "",
                Vec::new(),
                answers,
            ),
            question(
                "gender",
                "Gender of the person",
                "Gender",
                None,
                Radios,
                "Not known or prefer not to say",
                vocabulary::<Gender>(),
                answers,
            ),
            question(
                "asking_for",
                "Who is asking?",
                "Who is asking",
                Some("Some services take enquiries only from the person themselves, or also from their family or from professionals."),
                Radios,
                "Not known or prefer not to say",
                vec![
                    (AskingFor::ForSelf.id().into(), "The person themselves".into()),
                    (
                        AskingFor::SomeoneElse.id().into(),
                        "A family member, partner or friend".into(),
                    ),
                    (
                        AskingFor::Client.id().into(),
                        "A professional, on the person's behalf".into(),
                    ),
                ],
                answers,
            ),
            question(
                "situations",
                "Situation",
                "Situation",
                Some("Tick every one that applies. Leave them all unticked if not known."),
                Checkboxes,
                "",
                vocabulary::<Situation>(),
                answers,
            ),
            question(
                "justice_stage",
                "Stage with the justice system",
                "Justice stage",
                Some("“Before any arrest” means the person has offended but has not been arrested; “No involvement” means no offence and no contact with the justice system."),
                Radios,
                "Not known or prefer not to say",
                vocabulary::<JusticeStage>(),
                answers,
            ),
            question(
                "country",
                "Country where the person lives",
                "Country",
                None,
                Select,
                "Not known or prefer not to say",
                by_label::<Country>(),
                answers,
            ),
            question(
                "language",
                "Language the person needs help in",
                "Language",
                None,
                Select,
                "Not known or prefer not to say",
                by_label::<Language>(),
                answers,
            ),
            question(
                "needs_anonymity",
                "Does the person need to stay anonymous?",
                "Needs to stay anonymous",
                Some("That is, to get help without giving their name."),
                Radios,
                "Not known or prefer not to say",
                yes_no("Yes", "No"),
                answers,
            ),
            question(
                "remote_only",
                "Can the person use only help by phone or online?",
                "Phone or online only",
                None,
                Radios,
                "Not known or prefer not to say",
                yes_no(
                    "Yes, only by phone or online",
                    "No, help in person is possible",
                ),
                answers,
            ),
        ],
        Audience::Myself => vec![
            question(
                "age",
                "How old are you?",
                "Age",
                Some("Optional. Some services work only with certain ages."),
                Text,
                "",
                Vec::new(),
                answers,
            ),
            question(
                "gender",
                "Your gender",
                "Gender",
                Some("Optional. Some services work only with men or only with women."),
                Radios,
                "I'd rather not say",
                vocabulary::<Gender>(),
                answers,
            ),
            question(
                "situations",
                "What would you like help with?",
                "Help with",
                Some("Tick any that apply, or none. You do not have to say."),
                Checkboxes,
                "",
                situations_in_plain_words(),
                answers,
            ),
            question(
                "police",
                "Have you been in contact with the police or courts about this?",
                "Police or courts",
                Some("Some services work only with people at a certain stage."),
                Radios,
                "I'd rather not say",
                police_answers(),
                answers,
            ),
            question(
                "country",
                "Which country do you live in?",
                "Country",
                None,
                Select,
                "I'd rather not say",
                by_label::<Country>(),
                answers,
            ),
            question(
                "language",
                "Which language would you like help in?",
                "Language",
                None,
                Select,
                "I'd rather not say",
                by_label::<Language>(),
                answers,
            ),
            question(
                "needs_anonymity",
                "Do you want to stay anonymous?",
                "Stay anonymous",
                Some("That is, get help without giving your name."),
                Radios,
                "Not sure",
                yes_no("Yes", "No, I can give my name"),
                answers,
            ),
            question(
                "remote_only",
                "Do you need help by phone or online only?",
                "Phone or online only",
                None,
                Radios,
                "Not sure",
                yes_no(
                    "Yes, by phone or online only",
                    "No, I could meet someone in person",
                ),
                answers,
            ),
        ],
    }
}

// ---------------------------------------------------------------------------------------
// From answers to a profile.

/// A form that cannot have come from our page as sent: an unknown value, or two where one is
/// expected. Answered with a plain 400 (a person using the form cannot cause it).
fn tampered(name: &str) -> WebError {
    WebError::BadRequest(format!(
        "The form could not be read: the answer to “{name}” is not one of its choices. Please start again."
    ))
}

/// The one answer to a single-answer question, as a vocabulary value; `None` for "not known".
fn one<V: Vocabulary>(answers: &Answers, name: &str) -> Result<Option<V>, WebError> {
    let mut values = answers.values(name);
    let value = values.next().unwrap_or("");
    if values.next().is_some() {
        return Err(tampered(name));
    }
    if value.is_empty() {
        return Ok(None);
    }
    V::from_id(value).map(Some).ok_or_else(|| tampered(name))
}

fn yes_no_answer(answers: &Answers, name: &str) -> Result<Option<bool>, WebError> {
    let mut values = answers.values(name);
    let value = values.next().unwrap_or("");
    if values.next().is_some() {
        return Err(tampered(name));
    }
    match value {
        "" => Ok(None),
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        _ => Err(tampered(name)),
    }
}

/// The youngest and oldest ages the forms take.
const AGES: std::ops::RangeInclusive<u8> = 1..=120;

/// The age typed, or the words for the error message.
fn age(answers: &Answers, audience: Audience) -> Result<Option<u8>, String> {
    let mut values = answers.values("age");
    let text = values.next().unwrap_or("").trim();
    let problem = || match audience {
        Audience::Practitioner => format!(
            "Enter the age as a whole number of years from {} to {}, like 19, or leave it blank",
            AGES.start(),
            AGES.end()
        ),
        Audience::Myself => "Enter your age as a whole number, like 19, or leave it blank".into(),
    };
    if values.next().is_some() {
        return Err(problem());
    }
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(problem());
    }
    match text.parse::<u8>() {
        Ok(age) if AGES.contains(&age) => Ok(Some(age)),
        _ => Err(problem()),
    }
}

/// Reads a form into a profile. `Ok(Err(message))` is an age to correct on the form; `Err` a
/// form that was not sent from our page.
fn profile(answers: &Answers, audience: Audience) -> Result<Result<Profile, String>, WebError> {
    let mut situations = Vec::new();
    for value in answers.values("situations") {
        let s = Situation::from_id(value).ok_or_else(|| tampered("situations"))?;
        if !situations.contains(&s) {
            situations.push(s);
        }
    }
    let mut profile = Profile {
        age: None,
        gender: one::<Gender>(answers, "gender")?,
        asking_for: None,
        situations,
        justice_stage: None,
        country: one::<Country>(answers, "country")?,
        language: one::<Language>(answers, "language")?,
        needs_anonymity: yes_no_answer(answers, "needs_anonymity")?,
        remote_only: yes_no_answer(answers, "remote_only")?,
    };
    match audience {
        Audience::Practitioner => {
            profile.asking_for = one::<AskingFor>(answers, "asking_for")?;
            profile.justice_stage = one::<JusticeStage>(answers, "justice_stage")?;
        }
        Audience::Myself => {
            profile.asking_for = Some(AskingFor::ForSelf);
            profile.justice_stage = police(answers, &profile.situations)?;
        }
    }
    Ok(age(answers, audience).map(|age| Profile { age, ..profile }))
}

/// "Have you been in contact with the police or courts about this?" as a justice stage. "No"
/// is `pre_arrest` (offended, not arrested) when something other than sexual thoughts was
/// ticked, and `none` (no offence, no involvement) otherwise: the stages' own definitions.
fn police(answers: &Answers, situations: &[Situation]) -> Result<Option<JusticeStage>, WebError> {
    let mut values = answers.values("police");
    let value = values.next().unwrap_or("");
    if values.next().is_some() {
        return Err(tampered("police"));
    }
    match value {
        "" => Ok(None),
        "no" if situations.iter().any(|s| *s != Situation::SexualThoughts) => {
            Ok(Some(JusticeStage::PreArrest))
        }
        "no" => Ok(Some(JusticeStage::NoInvolvement)),
        other if police_answers().iter().any(|(v, _)| v == other) => {
            Ok(JusticeStage::from_id(other))
        }
        _ => Err(tampered("police")),
    }
}

// ---------------------------------------------------------------------------------------
// The pages.

#[derive(Template)]
#[template(path = "signpost_form.html")]
struct FormPage {
    chrome: Chrome,
    myself: bool,
    action: &'static str,
    questions: Vec<Question>,
    errors: Vec<ErrorLink>,
    help_href: &'static str,
    other_href: &'static str,
}

impl FormPage {
    fn new(audience: Audience, answers: &Answers, age_error: Option<String>) -> FormPage {
        let mut questions = questions(audience, answers);
        let mut errors = Vec::new();
        if let Some(text) = age_error {
            if let Some(q) = questions.iter_mut().find(|q| q.name == "age") {
                errors.push(ErrorLink {
                    href: format!("#{}", q.name),
                    text: text.clone(),
                });
                q.error = Some(text);
            }
        }
        let title = match audience {
            Audience::Practitioner => "Find a service",
            Audience::Myself => "Find help for yourself",
        };
        let title = if errors.is_empty() {
            title.to_string()
        } else {
            format!("Error: {title}")
        };
        FormPage {
            chrome: audience.chrome(&title),
            myself: audience == Audience::Myself,
            action: audience.href(),
            questions,
            errors,
            help_href: HELP_SEARCH_HREF,
            other_href: match audience {
                Audience::Practitioner => SELF_HREF,
                Audience::Myself => PRACTITIONER_HREF,
            },
        }
    }
}

/// One criterion's reason, for people.
struct ReasonView {
    criterion: &'static str,
    /// The verdict id, used only as a CSS class.
    verdict_id: &'static str,
    verdict: &'static str,
    text: String,
}

/// One service in the answer.
struct ServiceView {
    href: String,
    title: String,
    rating: Option<RatingView>,
    formats: String,
    reasons: Vec<ReasonView>,
    notes: Vec<String>,
}

impl ServiceView {
    fn of(m: &Match) -> ServiceView {
        ServiceView {
            href: record_href(&m.slug),
            title: display_title(&m.title),
            rating: RatingView::of(m.rating),
            formats: m
                .formats
                .iter()
                .map(|f| f.label().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            reasons: m
                .reasons
                .iter()
                .map(|r| ReasonView {
                    criterion: r.criterion.label(),
                    verdict_id: r.verdict.id(),
                    verdict: r.verdict.label(),
                    text: r.text.clone(),
                })
                .collect(),
            notes: m.notes.clone(),
        }
    }
}

/// A service a relaxed criterion would open.
struct OpenedView {
    href: String,
    title: String,
    status: &'static str,
}

/// "If age were not a barrier: …"
struct RelaxationView {
    text: String,
    services: Vec<OpenedView>,
    /// How many more it would open than are listed.
    more: usize,
}

/// A group of results with one status.
struct Group {
    id: &'static str,
    heading: &'static str,
    explanation: &'static str,
    services: Vec<ServiceView>,
    /// How many services have this status in all (more than listed when cut at the limit).
    total: usize,
}

#[derive(Template)]
#[template(path = "signpost_results.html")]
struct ResultsPage {
    chrome: Chrome,
    myself: bool,
    notice: &'static str,
    start_again_href: &'static str,
    answers: Vec<(&'static str, String)>,
    /// The eligible and the possibly eligible services.
    groups: Vec<Group>,
    /// The services the person is not eligible for, shown collapsed.
    ineligible: Group,
    nothing_fits: bool,
    relaxations: Vec<RelaxationView>,
    helplines: Vec<ServiceView>,
    help_href: &'static str,
}

impl ResultsPage {
    fn new(audience: Audience, answers: &Answers, answer: Signposting) -> ResultsPage {
        let myself = audience == Audience::Myself;
        let group = |status: Status, heading, explanation, total| Group {
            id: status.id(),
            heading,
            explanation,
            services: answer
                .results
                .iter()
                .filter(|m| m.status == status)
                .map(ServiceView::of)
                .collect(),
            total,
        };
        let eligible = group(
            Status::Eligible,
            "Eligible",
            if myself {
                "By what these services publish, you meet every criterion checked here."
            } else {
                "By what these services publish, the person meets every criterion checked here."
            },
            answer.counts.eligible,
        );
        let possibly = group(
            Status::PossiblyEligible,
            "Possibly eligible",
            "Nothing rules these services out, but something is not known: either it was not said, or the service does not say. Check with the service.",
            answer.counts.possibly_eligible,
        );
        let ineligible = group(
            Status::Ineligible,
            "Not eligible",
            "By what these services publish, at least one criterion does not fit. The reasons say which.",
            answer.counts.ineligible,
        );
        let relaxations = answer
            .relaxations
            .iter()
            .map(|r| RelaxationView {
                text: r.text.clone(),
                services: r
                    .services
                    .iter()
                    .map(|s| OpenedView {
                        href: record_href(&s.slug),
                        title: display_title(&s.title),
                        status: match s.status {
                            Status::Eligible => "eligible",
                            _ => "possibly eligible",
                        },
                    })
                    .collect(),
                more: r.total.saturating_sub(r.services.len()),
            })
            .collect();
        let summary = questions(audience, answers)
            .into_iter()
            .filter_map(|q| q.answer().map(|a| (q.short, a)))
            .collect();
        ResultsPage {
            chrome: audience.chrome(if myself {
                "Services that may be able to help you"
            } else {
                "Services that may fit"
            }),
            myself,
            notice: answer.notice,
            start_again_href: audience.href(),
            answers: summary,
            nothing_fits: answer.nothing_fits(),
            groups: vec![eligible, possibly],
            ineligible,
            relaxations,
            helplines: answer.helplines.iter().map(ServiceView::of).collect(),
            help_href: HELP_SEARCH_HREF,
        }
    }
}

fn form(audience: Audience) -> Result<Html<String>, WebError> {
    Ok(Html(
        FormPage::new(audience, &Answers::default(), None).render()?,
    ))
}

async fn results(
    state: AppState,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
    audience: Audience,
) -> Result<Response, WebError> {
    profile_input::require_media_type(&headers, FORM)?;
    let body = profile_input::body(body)?;
    let answers = Answers(form_urlencoded::parse(&body).into_owned().collect());
    match profile(&answers, audience)? {
        Ok(profile) => {
            let answer = state.signpost(profile, PAGE_LIMIT).await?;
            let page = ResultsPage::new(audience, &answers, answer);
            Ok(Html(page.render()?).into_response())
        }
        Err(age_error) => {
            let page = FormPage::new(audience, &answers, Some(age_error));
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

/// `GET /signpost`: the practitioners' form.
pub(crate) async fn practitioner_form() -> Result<Html<String>, WebError> {
    form(Audience::Practitioner)
}

/// `POST /signpost`: the services that fit the practitioners' form's answers.
pub(crate) async fn practitioner_results(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    results(state, headers, body, Audience::Practitioner).await
}

/// `GET /help`: the form for people looking for help for themselves.
pub(crate) async fn self_form() -> Result<Html<String>, WebError> {
    form(Audience::Myself)
}

/// `POST /help`: the services that fit, for someone asking for themselves.
pub(crate) async fn self_results(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    results(state, headers, body, Audience::Myself).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        Answers(
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn read(pairs: &[(&str, &str)], audience: Audience) -> Profile {
        match profile(&answers(pairs), audience) {
            Ok(Ok(profile)) => profile,
            other => panic!("{pairs:?}: {other:?}"),
        }
    }

    #[test]
    fn an_empty_form_says_nothing() {
        assert!(read(&[], Audience::Practitioner).is_unknown());
        let blanks: Vec<(&str, &str)> = [
            "age",
            "gender",
            "asking_for",
            "justice_stage",
            "country",
            "language",
            "needs_anonymity",
            "remote_only",
        ]
        .iter()
        .map(|n| (*n, ""))
        .collect();
        assert!(read(&blanks, Audience::Practitioner).is_unknown());
        // Asking for oneself is the one thing the self-help form always says.
        let mine = read(&[("police", "")], Audience::Myself);
        assert_eq!(
            mine,
            Profile {
                asking_for: Some(AskingFor::ForSelf),
                ..Profile::default()
            }
        );
    }

    #[test]
    fn every_question_defaults_to_not_known() {
        for audience in [Audience::Practitioner, Audience::Myself] {
            for q in questions(audience, &Answers::default()) {
                assert!(q.answer().is_none(), "{}", q.name);
                if q.kind == Kind::Radios || q.kind == Kind::Select {
                    let checked: Vec<&Choice> = q.choices.iter().filter(|c| c.checked).collect();
                    assert_eq!(checked.len(), 1, "{}", q.name);
                    assert_eq!(checked[0].value, "", "{}", q.name);
                }
                if q.kind == Kind::Checkboxes {
                    assert!(q.choices.iter().all(|c| !c.checked), "{}", q.name);
                }
            }
        }
    }

    #[test]
    fn the_practitioner_form_reads_every_field() {
        let p = read(
            &[
                ("age", " 19 "),
                ("gender", "male"),
                ("asking_for", "client"),
                ("situations", "viewing_csam"),
                ("situations", "online_solicitation"),
                ("situations", "viewing_csam"),
                ("justice_stage", "convicted_community"),
                ("country", "GB"),
                ("language", "en"),
                ("needs_anonymity", "no"),
                ("remote_only", "yes"),
                ("unknown_field", "ignored"),
            ],
            Audience::Practitioner,
        );
        assert_eq!(p.age, Some(19));
        assert_eq!(p.gender, Some(Gender::Male));
        assert_eq!(p.asking_for, Some(AskingFor::Client));
        assert_eq!(
            p.situations,
            vec![Situation::ViewingCsam, Situation::OnlineSolicitation]
        );
        assert_eq!(p.justice_stage, Some(JusticeStage::ConvictedCommunity));
        assert_eq!(p.country.map(|c| c.id()), Some("GB"));
        assert_eq!(p.language.map(|l| l.id()), Some("en"));
        assert_eq!(p.needs_anonymity, Some(false));
        assert_eq!(p.remote_only, Some(true));
    }

    #[test]
    fn no_contact_with_the_police_is_read_by_what_was_ticked() {
        let thoughts = read(
            &[("situations", "sexual_thoughts"), ("police", "no")],
            Audience::Myself,
        );
        assert_eq!(thoughts.justice_stage, Some(JusticeStage::NoInvolvement));
        let nothing_ticked = read(&[("police", "no")], Audience::Myself);
        assert_eq!(
            nothing_ticked.justice_stage,
            Some(JusticeStage::NoInvolvement)
        );
        let images = read(
            &[
                ("situations", "sexual_thoughts"),
                ("situations", "viewing_csam"),
                ("police", "no"),
            ],
            Audience::Myself,
        );
        assert_eq!(images.justice_stage, Some(JusticeStage::PreArrest));
        let charged = read(&[("police", "charged")], Audience::Myself);
        assert_eq!(charged.justice_stage, Some(JusticeStage::Charged));
        // The practitioners' names mean nothing on the self-help form, and the reverse.
        let ignored = read(
            &[("justice_stage", "charged"), ("asking_for", "client")],
            Audience::Myself,
        );
        assert_eq!(ignored.justice_stage, None);
        assert_eq!(ignored.asking_for, Some(AskingFor::ForSelf));
        assert_eq!(
            read(&[("police", "charged")], Audience::Practitioner).justice_stage,
            None
        );
    }

    #[test]
    fn a_bad_age_is_a_message_for_the_form() {
        for bad in ["abc", "0", "121", "19.5", "-3", "1000", "١٩"] {
            match profile(&answers(&[("age", bad)]), Audience::Practitioner) {
                Ok(Err(message)) => assert!(message.starts_with("Enter the age"), "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        for good in ["1", "19", "120", "073"] {
            assert!(
                read(&[("age", good)], Audience::Myself).age.is_some(),
                "{good}"
            );
        }
    }

    #[test]
    fn values_no_page_sends_are_refused() {
        for pairs in [
            vec![("gender", "other")],
            vec![("gender", "male"), ("gender", "female")],
            vec![("situations", "nonsense")],
            vec![("country", "XX")],
            vec![("needs_anonymity", "true")],
            vec![("police", "none")],
        ] {
            let audience = if pairs[0].0 == "police" {
                Audience::Myself
            } else {
                Audience::Practitioner
            };
            assert!(
                matches!(
                    profile(&answers(&pairs), audience),
                    Err(WebError::BadRequest(_))
                ),
                "{pairs:?}"
            );
        }
    }
}
