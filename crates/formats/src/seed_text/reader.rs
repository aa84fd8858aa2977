//! The reader proper: splits a file into blocks by heading, then reads each block.

use super::citation;
use super::contact;
use super::facets;
use super::headings::{self, Heading, HeadingMatch};
use super::lines::{self, Line};
use super::{ParseError, ParsedRecord, Warning};
use preventory_core::record::section;
use preventory_core::slug::slugify;
use preventory_core::vocab::{without_parentheses, Country, PreventionLevel, Term, Vocabulary};
use preventory_core::{Intervention, PartialDate, Rating};

/// Key under which facets written as prose are kept, so no text is lost.
pub(super) const FACETS_AS_WRITTEN: &str = "facets_as_written";

/// Longest first line still taken as a title.
const MAX_TITLE_CHARS: usize = 200;

/// Where a run of lines belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Region {
    Preamble,
    Summary,
    Types,
    Facets,
    Section(String),
    References,
    Contact,
}

/// A run of non-blank lines, and how many blank lines came before it.
struct Paragraph {
    lines: Vec<Line>,
    blanks_before: usize,
}

impl Paragraph {
    fn first_line(&self) -> usize {
        self.lines.first().map_or(0, |l| l.no)
    }

    fn joined(&self, separator: &str) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(separator)
    }
}

fn paragraphs(lines: &[Line]) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut current: Vec<Line> = Vec::new();
    let mut blanks = 0;
    let mut blanks_before = 0;
    for line in lines {
        if line.is_blank() {
            if !current.is_empty() {
                out.push(Paragraph {
                    lines: std::mem::take(&mut current),
                    blanks_before,
                });
            }
            blanks += 1;
        } else {
            if current.is_empty() {
                blanks_before = blanks;
            }
            blanks = 0;
            current.push(line.clone());
        }
    }
    if !current.is_empty() {
        out.push(Paragraph {
            lines: current,
            blanks_before,
        });
    }
    out
}

/// Everything gathered while reading one file.
struct Reader<'a> {
    source_name: &'a str,
    record: Intervention,
    warnings: Vec<Warning>,
    pending_levels: Vec<PreventionLevel>,
    pending_levels_line: usize,
    has_evaluation_heading: bool,
    facets_heading_line: Option<usize>,
    rating_line: Option<usize>,
    date_line: Option<usize>,
    contact_lines: Vec<Line>,
}

fn warn(warnings: &mut Vec<Warning>, line: usize, field: &str, message: impl Into<String>) {
    warnings.push(Warning {
        line,
        field: field.to_string(),
        message: message.into(),
    });
}

/// Words that mark a paragraph as being about evaluation.
const EVALUATION_WORDS: [&str; 12] = [
    "evaluat",
    "reconvict",
    "reoffend",
    "re-offend",
    "recidivism",
    "outcome",
    "effectiveness",
    "research",
    "study",
    "studies",
    "meta-analy",
    "trial",
];

fn is_about_evaluation(text: &str) -> bool {
    let lower = text.to_lowercase();
    EVALUATION_WORDS.iter().any(|w| lower.contains(w))
}

/// Phrases that say a record has no references.
pub(super) fn says_no_references(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.starts_with("no references") || lower.starts_with("none") || lower == "n/a"
}

pub(super) fn read(source_name: &str, text: &str) -> Result<ParsedRecord, ParseError> {
    let all = lines::split(text);
    if all.iter().all(Line::is_blank) {
        return Err(ParseError {
            line: 1,
            field: "file".into(),
            message: "the file is empty".into(),
        });
    }
    let mut reader = Reader {
        source_name,
        record: Intervention::default(),
        warnings: Vec::new(),
        pending_levels: Vec::new(),
        pending_levels_line: 0,
        has_evaluation_heading: false,
        facets_heading_line: None,
        rating_line: None,
        date_line: None,
        contact_lines: Vec::new(),
    };
    let body = reader.take_anywhere_lines(&all)?;
    let blocks = reader.split_blocks(&body)?;
    for (region, region_lines) in blocks {
        reader.read_block(region, &region_lines);
    }
    reader.finish()
}

impl Reader<'_> {
    /// Handles the lines that may stand anywhere (rating, date, junk) and returns the rest,
    /// with those lines blanked so paragraph structure stays as it was.
    fn take_anywhere_lines(&mut self, all: &[Line]) -> Result<Vec<Line>, ParseError> {
        let mut rest = Vec::with_capacity(all.len());
        for line in all {
            let text = line.text.as_str();
            if let Some(value) = lines::rating_value(text) {
                if value.split_whitespace().count() <= 3 {
                    self.take_rating(line.no, value)?;
                    rest.push(blank(line.no));
                    continue;
                }
            }
            if let Some(value) = lines::information_date(text) {
                self.take_date(line.no, value)?;
                rest.push(blank(line.no));
                continue;
            }
            if lines::is_junk(text) {
                warn(
                    &mut self.warnings,
                    line.no,
                    "text",
                    format!("dropped web-page debris {text:?}"),
                );
                rest.push(blank(line.no));
                continue;
            }
            rest.push(line.clone());
        }
        Ok(rest)
    }

    fn take_rating(&mut self, line: usize, value: &str) -> Result<(), ParseError> {
        let value = value.trim_end_matches('.').trim();
        let error = |message: String| ParseError {
            line,
            field: "rating".into(),
            message,
        };
        let rating = match Rating::match_label(value) {
            Some((r, preventory_core::vocab::MatchQuality::Exact)) => r,
            Some((r, preventory_core::vocab::MatchQuality::Fuzzy)) => {
                warn(
                    &mut self.warnings,
                    line,
                    "rating",
                    format!("read {value:?} as {:?} (looks like a typo)", r.label()),
                );
                r
            }
            None if value.is_empty() => {
                return Err(error("the rating line gives no rating".into()))
            }
            None => {
                return Err(error(format!(
                "{value:?} is not a rating; expected Effective, Promising, Prudent or Pioneering"
            )))
            }
        };
        match (self.record.rating, self.rating_line) {
            (Some(previous), Some(previous_line)) if previous != rating => Err(error(format!(
                "rating {:?} contradicts {:?} on line {previous_line}",
                rating.label(),
                previous.label()
            ))),
            _ => {
                self.record.rating = Some(rating);
                self.rating_line = Some(line);
                Ok(())
            }
        }
    }

    fn take_date(&mut self, line: usize, value: &str) -> Result<(), ParseError> {
        let date = PartialDate::parse_prose(value).map_err(|e| ParseError {
            line,
            field: "information_correct_at".into(),
            message: format!("cannot read the date: {e}"),
        })?;
        match (self.record.information_correct_at, self.date_line) {
            (Some(previous), Some(previous_line)) if previous != date => Err(ParseError {
                line,
                field: "information_correct_at".into(),
                message: format!("date {date} contradicts {previous} on line {previous_line}"),
            }),
            _ => {
                self.record.information_correct_at = Some(date);
                self.date_line = Some(line);
                Ok(())
            }
        }
    }

    /// Finds the title and cuts the rest into blocks at each recognised heading.
    fn split_blocks(&mut self, body: &[Line]) -> Result<Vec<(Region, Vec<Line>)>, ParseError> {
        let Some(first) = body.iter().position(|l| !l.is_blank()) else {
            return Err(ParseError {
                line: 1,
                field: "file".into(),
                message: "the file holds only a rating, a date or page debris, not a record".into(),
            });
        };
        let first_line = &body[first];
        let mut start = first;
        let title_is_heading = headings::recognise(&first_line.text).is_some();
        let title_is_facets = first_line.text.contains('|');
        let title_is_prose = first_line.text.chars().count() > MAX_TITLE_CHARS;
        if title_is_heading || title_is_facets || title_is_prose {
            self.record.needs_review = true;
            warn(
                &mut self.warnings,
                first_line.no,
                "title",
                "the record has no title line; an editor must give it one",
            );
        } else {
            self.record.title = first_line.text.clone();
            start = first + 1;
        }

        let mut known_heading_seen = false;
        let mut blocks: Vec<(Region, Vec<Line>)> = vec![(Region::Preamble, Vec::new())];
        for line in &body[start..] {
            if let Some((heading, quality)) = headings::recognise(&line.text) {
                known_heading_seen = true;
                if quality == HeadingMatch::Typo {
                    warn(
                        &mut self.warnings,
                        line.no,
                        "sections",
                        format!("read heading {:?} despite a typo", line.text),
                    );
                }
                let region = match heading {
                    Heading::DatabaseFilters => Region::Preamble,
                    Heading::Summary => Region::Summary,
                    Heading::InterventionTypes => Region::Types,
                    Heading::Facets => {
                        self.facets_heading_line.get_or_insert(line.no);
                        Region::Facets
                    }
                    Heading::Section(key) => {
                        if key == section::EVALUATION {
                            self.has_evaluation_heading = true;
                        }
                        Region::Section(key.to_string())
                    }
                    Heading::References => Region::References,
                    Heading::Contact => Region::Contact,
                };
                blocks.push((region, Vec::new()));
                continue;
            }
            if let Some((_, block)) = blocks.last_mut() {
                block.push(line.clone());
            }
        }
        let has_facet_line = body.iter().any(|l| l.text.contains('|'));
        if !known_heading_seen && !has_facet_line {
            return Err(ParseError {
                line: first_line.no,
                field: "file".into(),
                message: "no known section heading or facet line: this does not look like an intervention record".into(),
            });
        }
        Ok(blocks)
    }

    fn read_block(&mut self, region: Region, block: &[Line]) {
        match region {
            Region::Preamble | Region::Summary => self.read_summary_like(block),
            Region::Types => self.read_types(block),
            Region::Facets => self.read_facets(block),
            Region::Section(key) => self.read_narrative(key, block),
            Region::References => self.read_references(block, true),
            Region::Contact => self.contact_lines.extend(block.iter().cloned()),
        }
    }

    /// Handles a facet line or a levels line wherever it stands; false if the line is neither.
    fn try_facet_line(&mut self, line: &Line) -> bool {
        let text = lines::strip_bullet(&line.text).unwrap_or(&line.text);
        if let Some(levels) = facets::levels_line(text) {
            self.pending_levels = levels;
            self.pending_levels_line = line.no;
            return true;
        }
        if text.contains('|') {
            let rows = facets::facet_line(text, &self.pending_levels, line.no, &mut self.warnings);
            self.record.facet_rows.extend(rows);
            return true;
        }
        false
    }

    fn read_summary_like(&mut self, block: &[Line]) {
        for paragraph in paragraphs(block) {
            let mut prose = Vec::new();
            for line in &paragraph.lines {
                if !self.try_facet_line(line) {
                    prose.push(lines::normalise_bullet(&line.text));
                }
            }
            if !prose.is_empty() {
                let text = prose.join("\n");
                self.record.summary = Some(match self.record.summary.take() {
                    Some(existing) => format!("{existing}\n\n{text}"),
                    None => text,
                });
            }
        }
    }

    fn read_types(&mut self, block: &[Line]) {
        for line in block.iter().filter(|l| !l.is_blank()) {
            if self.try_facet_line(line) {
                continue;
            }
            let text = lines::strip_bullet(&line.text).unwrap_or(&line.text);
            let types = facets::intervention_types(text, line.no, &mut self.warnings);
            for t in types {
                if !self.record.intervention_types.contains(&t) {
                    self.record.intervention_types.push(t);
                }
            }
        }
    }

    fn read_facets(&mut self, block: &[Line]) {
        for paragraph in paragraphs(block) {
            let mut prose = Vec::new();
            for line in &paragraph.lines {
                if self.try_facet_line(line) {
                    continue;
                }
                let text = lines::strip_bullet(&line.text).unwrap_or(&line.text);
                if facets::is_bare_facet_line(text) {
                    let rows =
                        facets::facet_line(text, &self.pending_levels, line.no, &mut self.warnings);
                    self.record.facet_rows.extend(rows);
                } else {
                    prose.push(line.text.clone());
                }
            }
            if !prose.is_empty() {
                let text = prose.join("\n");
                warn(
                    &mut self.warnings,
                    paragraph.first_line(),
                    "facet_rows",
                    format!(
                        "facets are given as prose, not as a facet line; kept under sections.{FACETS_AS_WRITTEN} for an editor"
                    ),
                );
                self.record.needs_review = true;
                append_section(&mut self.record, FACETS_AS_WRITTEN, &text);
            }
        }
    }

    /// A narrative section. Headings the export lost are recovered where the text shows them:
    /// an evaluation after a wide gap, citations, a contact label, an unknown short heading.
    fn read_narrative(&mut self, mut key: String, block: &[Line]) {
        let paragraphs = paragraphs(block);
        let mut index = 0;
        while index < paragraphs.len() {
            let paragraph = &paragraphs[index];
            let first = &paragraph.lines[0];
            let text = paragraph.joined("\n");
            if contact::starts_contact(&first.text) {
                warn(
                    &mut self.warnings,
                    first.no,
                    "contact",
                    "contact details found without their heading",
                );
                for p in &paragraphs[index..] {
                    self.contact_lines.extend(p.lines.iter().cloned());
                    self.contact_lines
                        .push(blank(p.lines.last().map_or(0, |l| l.no)));
                }
                return;
            }
            let first_text = lines::strip_bullet(&first.text).unwrap_or(&first.text);
            if citation::looks_like_citation(first_text) {
                warn(
                    &mut self.warnings,
                    first.no,
                    "references",
                    "references found without their heading (recognised by their citation shape)",
                );
                let rest: Vec<Line> = paragraphs[index..]
                    .iter()
                    .flat_map(|p| {
                        let mut ls = p.lines.clone();
                        ls.push(blank(p.lines.last().map_or(0, |l| l.no)));
                        ls
                    })
                    .collect();
                self.read_references(&rest, false);
                return;
            }
            if key == section::DESCRIPTION
                && !self.has_evaluation_heading
                && paragraph.blanks_before >= 2
                && index > 0
                && is_about_evaluation(&text)
            {
                warn(
                    &mut self.warnings,
                    first.no,
                    "sections.evaluation",
                    "the evaluation heading is missing; text from here on, after a gap, reads as evaluation and is kept under sections.evaluation",
                );
                key = section::EVALUATION.to_string();
                self.has_evaluation_heading = true;
            }
            let next_exists = index + 1 < paragraphs.len();
            // A section cannot open with a heading of its own: a short first line there is
            // content (a name, a label), not a lost heading.
            if paragraph.lines.len() == 1
                && index > 0
                && next_exists
                && paragraph.blanks_before >= 1
                && headings::looks_like_unknown_heading(&first.text)
            {
                let new_key = slugify(&first.text).replace('-', "_");
                if !new_key.is_empty() {
                    warn(
                        &mut self.warnings,
                        first.no,
                        &format!("sections.{new_key}"),
                        format!(
                            "{:?} is not a known heading; its text is kept under sections.{new_key}",
                            first.text
                        ),
                    );
                    key = new_key;
                    index += 1;
                    continue;
                }
            }
            let normalised: Vec<String> = paragraph
                .lines
                .iter()
                .map(|l| lines::normalise_bullet(&l.text))
                .collect();
            append_section(&mut self.record, &key, &normalised.join("\n"));
            index += 1;
        }
    }

    /// One reference per bullet, or per paragraph of plain lines.
    fn read_references(&mut self, block: &[Line], under_heading: bool) {
        let mut current: Vec<String> = Vec::new();
        let mut contact_from: Option<usize> = None;
        let flush = |current: &mut Vec<String>, record: &mut Intervention| {
            if !current.is_empty() {
                let text = current.join(" ");
                current.clear();
                if !says_no_references(&text) {
                    record.references.push(citation::parse_reference(&text));
                }
            }
        };
        for (i, line) in block.iter().enumerate() {
            if line.is_blank() {
                flush(&mut current, &mut self.record);
                continue;
            }
            if contact::starts_contact(&line.text) {
                contact_from = Some(i);
                break;
            }
            match lines::strip_bullet(&line.text) {
                Some(item) => {
                    flush(&mut current, &mut self.record);
                    current.push(item.to_string());
                }
                None => current.push(line.text.clone()),
            }
        }
        flush(&mut current, &mut self.record);
        if let Some(i) = contact_from {
            if under_heading {
                warn(
                    &mut self.warnings,
                    block[i].no,
                    "contact",
                    "contact details found without their heading",
                );
            }
            self.contact_lines.extend(block[i..].iter().cloned());
        }
    }

    fn finish(mut self) -> Result<ParsedRecord, ParseError> {
        let contact_lines = std::mem::take(&mut self.contact_lines);
        self.record.contact = contact::read(&contact_lines, &mut self.warnings);
        self.infer_countries(&contact_lines);

        if self.record.facet_rows.is_empty() && !self.pending_levels.is_empty() {
            let line = self.pending_levels_line;
            for level in self.pending_levels.clone() {
                self.record.facet_rows.push(preventory_core::FacetRow {
                    prevention_level: Some(Term::Known(level)),
                    ..Default::default()
                });
            }
            warn(
                &mut self.warnings,
                line,
                "facet_rows",
                "only prevention levels are given; the other facets are left empty for an editor",
            );
        }
        if self.record.facet_rows.is_empty() {
            self.record.needs_review = true;
            let already_said = self.warnings.iter().any(|w| w.field == "facet_rows");
            if !already_said {
                warn(
                    &mut self.warnings,
                    self.facets_heading_line.unwrap_or(1),
                    "facet_rows",
                    "no facet line found; facets are left empty for an editor",
                );
            }
        }
        if self
            .record
            .facet_rows
            .iter()
            .any(|r| r.target_group.is_none() || r.prevention_level.is_none())
        {
            self.record.needs_review = true;
        }

        let from_title = slugify(&self.record.title);
        self.record.slug = if from_title.is_empty() {
            let stem = self
                .source_name
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(self.source_name);
            let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
            let stem_slug = slugify(stem);
            if stem_slug.is_empty() {
                "untitled".to_string()
            } else {
                slugify(&format!("untitled {stem_slug}"))
            }
        } else {
            from_title
        };
        self.warnings.sort_by_key(|w| w.line);
        Ok(ParsedRecord {
            record: self.record,
            warnings: self.warnings,
        })
    }

    /// Countries named in the contact block. A country on a line of its own is stated; one
    /// that ends a name or an address part ("Stop It Now Scotland", "StopSO UK") is inferred,
    /// and said so. Parts that start with a number are street lines ("102 Petty France") and
    /// are not read for countries.
    fn infer_countries(&mut self, contact_lines: &[Line]) {
        for line in contact_lines.iter().filter(|l| !l.is_blank()) {
            let text = line.text.trim_end_matches([',', '.']);
            if let Some(country) = Country::match_exact(text) {
                push_country(&mut self.record, country);
                continue;
            }
            let value = contact::labelled(text).map_or(text, |(_, v)| v);
            let without_asides = without_parentheses(value);
            for part in without_asides.split(',').map(str::trim) {
                if part.starts_with(|c: char| c.is_ascii_digit()) || part.contains('@') {
                    continue;
                }
                let Some(country) = Country::all().into_iter().find(|country| {
                    std::iter::once(country.label())
                        .chain(country.aliases().iter().copied())
                        .any(|name| ends_with_word(part, name))
                }) else {
                    continue;
                };
                let term = Term::Known(country);
                if !self.record.countries.contains(&term) {
                    warn(
                        &mut self.warnings,
                        line.no,
                        "countries",
                        format!(
                            "country {} inferred from {part:?}; an editor may confirm it",
                            country.id()
                        ),
                    );
                    self.record.countries.push(term);
                }
            }
        }
    }
}

/// Whether `text` ends with `name` as a whole word, same capitals (so "US" is not found in
/// "Campus").
fn ends_with_word(text: &str, name: &str) -> bool {
    let text = text.trim();
    text.strip_suffix(name)
        .is_some_and(|before| before.is_empty() || before.ends_with(|c: char| !c.is_alphanumeric()))
}

fn push_country(record: &mut Intervention, country: Country) {
    let term = Term::Known(country);
    if !record.countries.contains(&term) {
        record.countries.push(term);
    }
}

fn append_section(record: &mut Intervention, key: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    record
        .sections
        .entry(key.to_string())
        .and_modify(|existing| {
            existing.push_str("\n\n");
            existing.push_str(text);
        })
        .or_insert_with(|| text.to_string());
}

fn blank(no: usize) -> Line {
    Line {
        no,
        text: String::new(),
    }
}
