//! The edit form as the template shows it: parts (sections of the page) holding labelled
//! controls and rows, built from the posted shape ([`FormData`]) and the problems found.
//!
//! Every control has a label, an id made from its field name (never from record text), a
//! hint where the format is not obvious, and, when something is wrong with it, a message
//! tied to it by `aria-describedby`. The template only lays these out; it decides nothing.

use super::codec::{
    section_name, FieldError, FACET, FORMAT, ORDER, OTHER, OTHER_SECTION, REFERENCE, STUDY,
};
use super::data::{field_id, outcome_list, row_name, FormData, STATED_NONE, TICKED};
use preventory_core::eligibility::{AskingFor, Cost, JusticeStage, ReferralRoute, Situation};
use preventory_core::evidence::{
    Direction, Magnitude, OutcomeKind, StudyDesign, StudyQuality, StudyScope,
};
use preventory_core::record::section;
use preventory_core::vocab::{
    AgeGroup, Country, Delivery, Gender, Language, PreventionLevel, Subgroup, TargetGroup,
};
use preventory_core::{Rating, Vocabulary};

/// What every control has.
pub(crate) struct Field {
    /// The element id (`field-{name}`).
    pub id: String,
    /// The form field name.
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    /// What is wrong with it, if anything.
    pub error: Option<String>,
}

impl Field {
    /// The ids of the hint and the error message, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

/// A one-line text box.
pub(crate) struct TextBox {
    pub field: Field,
    pub value: String,
    /// For numbers and dates: a short box.
    pub short: bool,
}

/// A multi-line text box.
pub(crate) struct TextArea {
    pub field: Field,
    pub value: String,
    pub rows: u8,
}

/// One checkbox.
pub(crate) struct CheckBox {
    pub field: Field,
    pub value: &'static str,
    pub checked: bool,
}

/// A select.
pub(crate) struct SelectBox {
    pub field: Field,
    pub options: Vec<Choice>,
}

/// A group of checkboxes in a fieldset; the hidden `order` keeps the record's own order.
pub(crate) struct CheckGroup {
    pub field: Field,
    pub boxes: Vec<Choice>,
    pub order_name: String,
    pub order: String,
}

/// An option of a select or a box of a group.
pub(crate) struct Choice {
    /// The box's element id (unused for options).
    pub id: String,
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Text shown but not editable (the slug of an existing record).
pub(crate) struct Fixed {
    pub label: String,
    pub value: String,
}

/// One control of the form.
pub(crate) enum Widget {
    Text(TextBox),
    Area(TextArea),
    Check(CheckBox),
    Select(SelectBox),
    Checks(CheckGroup),
    Fixed(Fixed),
    /// A hidden field: a list's row count.
    Hidden(String, String),
}

/// A submit button that shows the form again with one more blank row (nothing is saved).
pub(crate) struct AddButton {
    pub value: String,
    pub label: String,
}

/// A row of a list (a facet row, a study, …), shown as a fieldset.
pub(crate) struct Row {
    pub legend: String,
    pub widgets: Vec<Widget>,
    /// Rows inside this one (a study's outcomes).
    pub children: Vec<Row>,
    pub add: Option<AddButton>,
}

/// A section of the form, under its own heading.
pub(crate) struct Part {
    /// The heading's id.
    pub id: &'static str,
    pub heading: &'static str,
    pub intro: Option<String>,
    pub widgets: Vec<Widget>,
    pub rows: Vec<Row>,
    pub add: Option<AddButton>,
}

/// The value of an "Add another row" button for `list`.
pub(super) fn add_action(list: &str) -> String {
    format!("add:{list}")
}

/// Builds controls from the form's values and problems.
struct Builder<'a> {
    d: &'a FormData,
    errors: &'a [FieldError],
}

fn options<T: Vocabulary>(empty: Option<&str>) -> Vec<(String, String)> {
    empty
        .map(|label| (String::new(), label.to_string()))
        .into_iter()
        .chain(
            T::all()
                .into_iter()
                .map(|v| (v.id().to_string(), v.label().to_string())),
        )
        .collect()
}

impl Builder<'_> {
    fn field(&self, name: &str, label: &str, hint: Option<&str>) -> Field {
        Field {
            id: field_id(name),
            name: name.to_string(),
            label: label.to_string(),
            hint: hint.map(str::to_string),
            error: self
                .errors
                .iter()
                .find(|e| e.name == name)
                .map(|e| e.message.clone()),
        }
    }

    fn text(&self, name: &str, label: &str, hint: Option<&str>) -> Widget {
        Widget::Text(TextBox {
            field: self.field(name, label, hint),
            value: self.d.get(name).to_string(),
            short: false,
        })
    }

    fn short(&self, name: &str, label: &str, hint: Option<&str>) -> Widget {
        Widget::Text(TextBox {
            field: self.field(name, label, hint),
            value: self.d.get(name).to_string(),
            short: true,
        })
    }

    fn area(&self, name: &str, label: &str, hint: Option<&str>, rows: u8) -> Widget {
        Widget::Area(TextArea {
            field: self.field(name, label, hint),
            value: self.d.get(name).to_string(),
            rows,
        })
    }

    fn check(&self, name: &str, label: &str, hint: Option<&str>) -> Widget {
        Widget::Check(CheckBox {
            field: self.field(name, label, hint),
            value: TICKED,
            checked: self.d.filled(name),
        })
    }

    fn select(
        &self,
        name: &str,
        label: &str,
        hint: Option<&str>,
        choices: Vec<(String, String)>,
    ) -> Widget {
        let current = self.d.get(name);
        // A value sent that is not among the choices (a crafted form) is not kept silently.
        Widget::Select(SelectBox {
            field: self.field(name, label, hint),
            options: choices
                .into_iter()
                .map(|(value, label)| Choice {
                    id: String::new(),
                    selected: value == current,
                    value,
                    label,
                })
                .collect(),
        })
    }

    fn checks(
        &self,
        name: &str,
        legend: &str,
        hint: Option<&str>,
        choices: Vec<(String, String)>,
    ) -> Widget {
        let ticked = self.d.all(name);
        let field = self.field(name, legend, hint);
        Widget::Checks(CheckGroup {
            boxes: choices
                .into_iter()
                .enumerate()
                .map(|(k, (value, label))| Choice {
                    id: format!("{}-{k}", field.id),
                    selected: ticked.contains(&value),
                    value,
                    label,
                })
                .collect(),
            order_name: format!("{name}{ORDER}"),
            order: self.d.get(&format!("{name}{ORDER}")).to_string(),
            field,
        })
    }

    /// A vocabulary value: a select, and a box for a value outside the list.
    fn term<T: Vocabulary>(&self, name: &str, label: &str, empty: &str) -> [Widget; 2] {
        [
            self.select(name, label, None, options::<T>(Some(empty))),
            self.text(
                &format!("{name}{OTHER}"),
                &format!("{label}: another value, not in the list"),
                Some("Leave empty when the list has it."),
            ),
        ]
    }

    /// Values of a vocabulary: boxes, and a text box for values outside the list.
    fn terms<T: Vocabulary>(&self, name: &str, legend: &str) -> [Widget; 2] {
        [
            self.checks(name, legend, None, options::<T>(None)),
            self.area(
                &format!("{name}{OTHER}"),
                &format!("{legend}: other values, not in the list"),
                Some("One a line."),
                2,
            ),
        ]
    }

    /// A list that may be unknown: boxes and "none of these".
    fn list<T: Vocabulary>(&self, name: &str, legend: &str) -> Widget {
        let mut choices = options::<T>(None);
        choices.push((
            STATED_NONE.to_string(),
            "None of these (stated)".to_string(),
        ));
        self.checks(
            name,
            legend,
            Some("Leave every box unticked when this is not known."),
            choices,
        )
    }

    fn yes_no(&self, name: &str, label: &str) -> Widget {
        self.select(
            name,
            label,
            None,
            vec![
                (String::new(), "Not known".into()),
                ("yes".into(), "Yes".into()),
                ("no".into(), "No".into()),
            ],
        )
    }

    fn count(&self, list: &str) -> (usize, Widget) {
        let rows = self.d.count(list);
        (
            rows,
            Widget::Hidden(format!("{list}-count"), rows.to_string()),
        )
    }
}

/// The form's parts. `new` shows the slug as a box (it names the record from then on);
/// `suggestion` is the rating the recorded studies suggest, in words.
pub(super) fn parts(d: &FormData, errors: &[FieldError], new: bool, suggestion: &str) -> Vec<Part> {
    let b = Builder { d, errors };
    vec![
        about(&b, new),
        facets(&b),
        sections(&b),
        evidence(&b, suggestion),
        references(&b),
        contact(&b),
        eligibility(&b),
    ]
}

fn about(b: &Builder, new: bool) -> Part {
    let slug = if new {
        b.text(
            "slug",
            "Slug",
            Some("The record's address: lowercase letters, digits and single hyphens. Leave empty to make one from the title. It cannot be changed later."),
        )
    } else {
        Widget::Fixed(Fixed {
            label: "Slug".into(),
            value: b.d.get("slug").to_string(),
        })
    };
    Part {
        id: "part-about",
        heading: "About the record",
        intro: None,
        widgets: vec![
            slug,
            b.text("title", "Title", None),
            b.area(
                "summary",
                "Summary",
                Some("One or two sentences saying what it is."),
                3,
            ),
            b.short(
                "information_correct_at",
                "Information correct at",
                Some("When the provider last confirmed it: a year (2024) or a year and month (2024-03)."),
            ),
            b.check(
                "needs_review",
                "Needs an editor's review",
                Some("Tick when something in the record could not be determined."),
            ),
        ],
        rows: Vec::new(),
        add: None,
    }
}

fn facets(b: &Builder) -> Part {
    let mut widgets = Vec::new();
    widgets.extend(b.terms::<Delivery>("intervention_types", "Types of intervention"));
    widgets.extend(b.terms::<Country>("countries", "Countries where it is offered"));
    let (count, hidden) = b.count(FACET);
    widgets.push(hidden);
    let rows = (0..count)
        .map(|i| {
            let n = |field: &str| row_name(FACET, i, field);
            let mut w = Vec::new();
            w.extend(b.term::<TargetGroup>(&n("target_group"), "Target group", "Not stated"));
            w.extend(b.term::<PreventionLevel>(
                &n("prevention_level"),
                "Prevention level",
                "Not stated",
            ));
            w.extend(b.terms::<AgeGroup>(&n("age_groups"), "Age groups"));
            w.extend(b.terms::<Gender>(&n("genders"), "Genders"));
            w.extend(b.terms::<Delivery>(&n("delivery"), "Type of intervention"));
            w.extend(b.terms::<Subgroup>(&n("subgroups"), "Sub-groups"));
            w.extend(b.terms::<Language>(&n("languages"), "Languages"));
            Row {
                legend: format!("Facet row {}", i + 1),
                widgets: w,
                children: Vec::new(),
                add: None,
            }
        })
        .collect();
    Part {
        id: "part-facets",
        heading: "Who it is for and how it is delivered",
        intro: Some("Each facet row is one combination, like a row of the database's filter table. A row left empty is removed.".into()),
        widgets,
        rows,
        add: Some(AddButton {
            value: add_action(FACET),
            label: "Add another facet row".into(),
        }),
    }
}

fn sections(b: &Builder) -> Part {
    let mut widgets: Vec<Widget> = section::KNOWN
        .iter()
        .map(|(key, heading)| {
            b.area(
                &section_name(key),
                heading,
                None,
                if *key == section::DESCRIPTION { 10 } else { 5 },
            )
        })
        .collect();
    let (count, hidden) = b.count(OTHER_SECTION);
    widgets.push(hidden);
    let rows = (0..count)
        .map(|i| Row {
            legend: format!("Section under another heading {}", i + 1),
            widgets: vec![
                b.text(&row_name(OTHER_SECTION, i, "key"), "Heading", None),
                b.area(
                    &row_name(OTHER_SECTION, i, "text"),
                    "Text",
                    Some("Empty the text to remove the section."),
                    5,
                ),
            ],
            children: Vec::new(),
            add: None,
        })
        .collect();
    Part {
        id: "part-sections",
        heading: "Sections",
        intro: Some("Paragraphs are separated by a blank line; lines starting with \u{201c}- \u{201d} make a list. An empty box leaves the section out.".into()),
        widgets,
        rows,
        add: Some(AddButton {
            value: add_action(OTHER_SECTION),
            label: "Add a section under another heading".into(),
        }),
    }
}

fn evidence(b: &Builder, suggestion: &str) -> Part {
    let (count, hidden) = b.count(STUDY);
    let rows = (0..count)
        .map(|i| {
            let n = |field: &str| row_name(STUDY, i, field);
            let mut w = vec![
                b.text(
                    &n("id"),
                    "Short name",
                    Some("Unique within this record, e.g. example-2019."),
                ),
                b.area(&n("reference"), "Reference, as written", None, 2),
                b.select(
                    &n("design"),
                    "Design",
                    None,
                    options::<StudyDesign>(Some("Choose a design")),
                ),
                b.select(
                    &n("evaluates"),
                    "What it evaluated",
                    None,
                    options::<StudyScope>(None),
                ),
                b.check(
                    &n("meta_analysis"),
                    "A meta-analysis of several studies",
                    None,
                ),
                b.short(
                    &n("sample_size"),
                    "Participants",
                    Some("A whole number; empty when not stated."),
                ),
            ];
            w.extend(b.term::<Country>(&n("country"), "Country", "Not stated"));
            w.extend([
                b.area(&n("population"), "Who took part", None, 2),
                b.short(&n("follow_up_months"), "Follow-up, in months", None),
                b.select(
                    &n("quality"),
                    "Quality",
                    None,
                    options::<StudyQuality>(Some("Not judged")),
                ),
                b.area(&n("quality_note"), "Why the quality was judged so", None, 2),
                b.area(&n("summary"), "Findings in a sentence", None, 2),
            ]);
            let list = outcome_list(i);
            let (outcomes, hidden) = b.count(&list);
            w.push(hidden);
            let children = (0..outcomes)
                .map(|j| {
                    let n = |field: &str| row_name(&list, j, field);
                    let mut w = Vec::new();
                    w.extend(b.term::<OutcomeKind>(&n("outcome"), "What was measured", "Choose"));
                    w.extend([
                        b.select(
                            &n("direction"),
                            "Direction",
                            None,
                            options::<Direction>(Some("Choose")),
                        ),
                        b.select(
                            &n("significant"),
                            "Statistically significant",
                            None,
                            vec![
                                (String::new(), "Not reported".into()),
                                ("yes".into(), "Yes".into()),
                                ("no".into(), "No".into()),
                            ],
                        ),
                        b.select(
                            &n("magnitude"),
                            "Size of the effect",
                            None,
                            options::<Magnitude>(Some("Not described")),
                        ),
                        b.text(&n("effect_size"), "Effect as reported", None),
                        b.text(&n("note"), "Note", None),
                    ]);
                    Row {
                        legend: format!("Study {}, outcome {}", i + 1, j + 1),
                        widgets: w,
                        children: Vec::new(),
                        add: None,
                    }
                })
                .collect();
            Row {
                legend: format!("Study {}", i + 1),
                widgets: w,
                children,
                add: Some(AddButton {
                    value: add_action(&list),
                    label: format!("Add another outcome to study {}", i + 1),
                }),
            }
        })
        .collect();
    Part {
        id: "part-evidence",
        heading: "Evidence and rating",
        intro: Some(format!(
            "{suggestion} If the rating you choose differs, say why under \u{201c}Reason for the rating\u{201d}: the reason is shown publicly beside it."
        )),
        widgets: vec![
            b.select("rating", "Rating", None, options::<Rating>(Some("Not rated"))),
            b.check(
                "critical_by_treaty",
                "Deemed critical by international treaties",
                Some("Makes the intervention Prudent at least, whatever the studies show."),
            ),
            b.area("rating_justification", "Reason for the rating", None, 3),
            hidden,
        ],
        rows,
        add: Some(AddButton {
            value: add_action(STUDY),
            label: "Add another study".into(),
        }),
    }
}

fn references(b: &Builder) -> Part {
    let (count, hidden) = b.count(REFERENCE);
    let rows = (0..count)
        .map(|i| {
            let n = |field: &str| row_name(REFERENCE, i, field);
            Row {
                legend: format!("Reference {}", i + 1),
                widgets: vec![
                    b.area(&n("text"), "Citation, as written", None, 3),
                    b.area(
                        &n("authors"),
                        "Authors",
                        Some("One a line, e.g. Example, A."),
                        2,
                    ),
                    b.short(&n("year"), "Year", None),
                    b.text(&n("title"), "Title of the work", None),
                ],
                children: Vec::new(),
                add: None,
            }
        })
        .collect();
    Part {
        id: "part-references",
        heading: "References",
        intro: Some("A reference left empty is removed.".into()),
        widgets: vec![hidden],
        rows,
        add: Some(AddButton {
            value: add_action(REFERENCE),
            label: "Add another reference".into(),
        }),
    }
}

fn contact(b: &Builder) -> Part {
    Part {
        id: "part-contact",
        heading: "Contact",
        intro: None,
        widgets: vec![
            b.text(
                "contact-organisation",
                "Organisation",
                Some("Providers may only edit records of their own organisation."),
            ),
            b.area("contact-address", "Postal address", None, 4),
            b.check(
                "contact-address_confidential",
                "The address is confidential: staff only",
                Some("It is then left out of public pages, the API and exports."),
            ),
            b.area("contact-phones", "Phone numbers", Some("One a line."), 2),
            b.area("contact-emails", "Email addresses", Some("One a line."), 2),
            b.area("contact-websites", "Websites", Some("One a line."), 2),
            b.area(
                "contact-notes",
                "Other contact lines",
                Some("One a line, e.g. a charity number."),
                2,
            ),
        ],
        rows: Vec::new(),
        add: None,
    }
}

fn eligibility(b: &Builder) -> Part {
    let (count, hidden) = b.count(FORMAT);
    let rows = (0..count)
        .map(|i| {
            let n = |field: &str| row_name(FORMAT, i, field);
            let mut w = Vec::new();
            w.extend(b.term::<Delivery>(&n("delivery"), "Format", "Choose"));
            w.push(b.short(&n("age_min"), "Youngest age in this format", None));
            w.push(b.short(&n("age_max"), "Oldest age in this format", None));
            Row {
                legend: format!("Ages for one format {}", i + 1),
                widgets: w,
                children: Vec::new(),
                add: None,
            }
        })
        .collect();
    Part {
        id: "part-eligibility",
        heading: "Eligibility",
        intro: Some("Leave a question unanswered when it is not known: unknown is never taken as yes or no.".into()),
        widgets: vec![
            b.short("elig-age_min", "Youngest age accepted", None),
            b.short("elig-age_max", "Oldest age accepted", None),
            b.list::<Gender>("elig-genders", "Genders accepted"),
            b.short("elig-iq_min", "Minimum IQ required", None),
            b.area("elig-learning_needs", "Learning needs: requirements or adaptations", None, 2),
            b.list::<AskingFor>("elig-serves", "Accepts enquiries from"),
            b.list::<Situation>("elig-situations", "Situations it works with"),
            b.list::<JusticeStage>("elig-justice_stages", "Justice stages accepted"),
            b.list::<ReferralRoute>("elig-referral_routes", "Referral routes"),
            b.yes_no("elig-anonymous", "Help without giving a name"),
            b.list::<Cost>("elig-cost", "Cost"),
            b.yes_no("elig-remote", "Can be used remotely (phone, online)"),
            b.area("elig-in_person_areas", "Areas with in-person help", Some("One a line; leave empty when not known."), 2),
            b.check("elig-in_person_areas-none", "No in-person help (stated)", None),
            b.list::<Language>("elig-languages", "Languages it works in"),
            b.area("elig-exclusions", "Exclusions stated by the service", Some("One a line."), 2),
            hidden,
        ],
        rows,
        add: Some(AddButton {
            value: add_action(FORMAT),
            label: "Add ages for another format".into(),
        }),
    }
}

/// One more blank row in every list (and in every study's outcomes), as a fresh form shows.
pub(super) fn add_blank_rows(d: &mut FormData) {
    let studies = d.count(STUDY) + 1;
    for list in [FACET, OTHER_SECTION, REFERENCE, STUDY, FORMAT] {
        d.set_count(list, d.count(list) + 1);
    }
    for i in 0..studies {
        let list = outcome_list(i);
        d.set_count(&list, d.count(&list) + 1);
    }
}

/// Adds a blank row to the list an "Add another row" button named; false when the value
/// names no list of the form.
pub(super) fn add_row(d: &mut FormData, action: &str) -> bool {
    let Some(list) = action.strip_prefix("add:") else {
        return false;
    };
    let known = [FACET, OTHER_SECTION, REFERENCE, STUDY, FORMAT].contains(&list)
        || list
            .strip_prefix("study-")
            .and_then(|rest| rest.strip_suffix("-outcome"))
            .and_then(|i| i.parse::<usize>().ok())
            .is_some_and(|i| i < d.count(STUDY));
    if !known {
        return false;
    }
    let rows = d.count(list);
    d.set_count(list, rows + 1);
    if list == STUDY {
        // A new study starts with a blank outcome row.
        let outcomes = outcome_list(rows);
        d.set_count(&outcomes, d.count(&outcomes).max(1));
    }
    true
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::admin::records::codec::{parse, to_form};

    /// What a browser sends for these parts: every box's value, ticked boxes, chosen
    /// options and hidden fields.
    pub(crate) fn submitted(parts: &[Part]) -> FormData {
        fn widgets(out: &mut FormData, widgets: &[Widget]) {
            for w in widgets {
                match w {
                    Widget::Text(t) => out.push(&t.field.name, t.value.clone()),
                    Widget::Area(t) => out.push(&t.field.name, t.value.clone()),
                    Widget::Check(c) => {
                        if c.checked {
                            out.push(&c.field.name, c.value)
                        }
                    }
                    Widget::Select(s) => {
                        let chosen = s.options.iter().find(|o| o.selected).or(s.options.first());
                        if let Some(o) = chosen {
                            out.push(&s.field.name, o.value.clone());
                        }
                    }
                    Widget::Checks(g) => {
                        for b in g.boxes.iter().filter(|b| b.selected) {
                            out.push(&g.field.name, b.value.clone());
                        }
                        out.push(&g.order_name, g.order.clone());
                    }
                    Widget::Fixed(_) => {}
                    Widget::Hidden(name, value) => out.push(name, value.clone()),
                }
            }
        }
        fn walk_rows(out: &mut FormData, rows: &[Row]) {
            for row in rows {
                widgets(out, &row.widgets);
                walk_rows(out, &row.children);
            }
        }
        let mut out = FormData::default();
        for part in parts {
            widgets(&mut out, &part.widgets);
            walk_rows(&mut out, &part.rows);
        }
        out
    }

    #[test]
    fn a_form_sent_untouched_gives_the_record_back() {
        for (_, record) in preventory_formats::examples::records().expect("examples") {
            let mut d = to_form(&record);
            add_blank_rows(&mut d);
            let mut sent = submitted(&parts(&d, &[], false, ""));
            sent.set("slug", record.slug.clone());
            let parsed = parse(&sent);
            // The only complaint allowed: a rating that differs from the studies' suggestion
            // without a reason, which an editor's save must supply (imports need not).
            let needs_reason = preventory_core::validation::rating_needs_justification(&record);
            assert!(
                parsed
                    .errors
                    .iter()
                    .all(|e| needs_reason && e.name == "rating_justification"),
                "{}: {:?}",
                record.slug,
                parsed.errors
            );
            assert_eq!(parsed.record, record, "{}", record.slug);
        }
    }

    #[test]
    fn only_the_lists_of_the_form_take_rows() {
        let mut d = FormData::default();
        d.set_count(STUDY, 2);
        assert!(add_row(&mut d, "add:study-1-outcome"));
        assert_eq!(d.count("study-1-outcome"), 1);
        assert!(!add_row(&mut d, "add:study-2-outcome"));
        assert!(!add_row(&mut d, "add:anything"));
        assert!(add_row(&mut d, "add:study"));
        assert_eq!(d.count(STUDY), 3);
        assert_eq!(d.count("study-2-outcome"), 1);
    }
}
