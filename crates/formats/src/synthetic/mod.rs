//! Synthetic records: clearly fictional interventions written in the seed text format, for
//! tests, benchmarks and demonstrations (`preventory gen`).
//!
//! The files imitate the real database export closely, including its untidiness: optional
//! "Database Filters" marker and summary, facet lines with or without bullets and with fields
//! missing or reordered, heading variants, references without a heading, contact blocks in
//! several shapes, "Image result for …" junk, and ratings and dates in varying case and order.
//! Facet words come from the core vocabularies (labels or aliases), with the occasional checked
//! typo or unknown value, so every file exercises the importer's tolerance.
//!
//! Nothing in them is real: names say "Fictional" or "Example", places and streets are
//! invented, phone numbers come from the Ofcom ranges reserved for drama (01632 960xxx,
//! 07700 900xxx, 0808 157 0xxx), email addresses are at example.org or example.net and web
//! addresses at example.org or example.com.
//!
//! Generation is deterministic: file `i` of a seed is always the same text, whatever the
//! count, because each file draws from its own ChaCha8 stream.

mod labels;
mod prose;

use labels::{Labels, AGE, DELIVERY, FACETS, GENDER, LANGUAGE, LEVEL, SUBGROUP, TARGET};
use preventory_core::slug::slugify;
use prose::{pick, Bank, Context};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// One generated record in the seed text format, with the file name to save it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticFile {
    /// `000042_fictional-….txt`: the zero-padded index, then the title's slug. Sorting the
    /// names gives generation order.
    pub file_name: String,
    /// The record's text, as the database's text export would have it.
    pub text: String,
}

/// Generates `count` fictional records from `seed`. The same seed always gives the same
/// files; titles and file names are unique within a run.
pub fn generate(count: usize, seed: u64) -> Vec<SyntheticFile> {
    stream(count, seed).collect()
}

/// The records [`generate`] returns, one at a time, so that large runs need not be held in
/// memory.
pub fn stream(count: usize, seed: u64) -> impl ExactSizeIterator<Item = SyntheticFile> {
    let width = index_width(count);
    (0..count).map(move |index| file_with_width(index, width, seed))
}

/// Record number `index` of a run of `count` records from `seed`, on its own (the same as
/// element `index` of [`generate`]`(count, seed)`), so runs can be split across threads.
pub fn file(index: usize, count: usize, seed: u64) -> SyntheticFile {
    file_with_width(index, index_width(count), seed)
}

/// Writes `count` fictional records from `seed` into `dir` (created if missing), one file
/// each, and returns how many were written.
pub fn write_all(count: usize, seed: u64, dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut written = 0;
    for file in stream(count, seed) {
        std::fs::write(dir.join(&file.file_name), file.text.as_bytes())?;
        written += 1;
    }
    Ok(written)
}

/// Digits in a zero-padded index: six, or more for runs of a million records or more.
fn index_width(count: usize) -> usize {
    let last = count.saturating_sub(1);
    let digits = last.checked_ilog10().map_or(1, |d| d as usize + 1);
    digits.max(6)
}

fn file_with_width(index: usize, width: usize, seed: u64) -> SyntheticFile {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64);
    let number = format!("{index:0width$}");
    let (title, text) = Record::new(&mut rng, &number).write(&mut rng);
    let file_name = format!("{number}_{}.txt", slugify(&title));
    SyntheticFile { file_name, text }
}

/// One facet line's worth of values, as indices into the vocabularies of [`Labels`].
#[derive(Clone, Default)]
struct Row {
    values: [Vec<usize>; FACETS],
}

/// How the file lays out what comes under the facet heading.
enum FacetBody {
    /// Facet lines.
    Lines,
    /// A line of prevention levels, then facet lines without them.
    LevelLine,
    /// One sentence of prose instead of facet lines.
    Prose,
    /// Nothing.
    Empty,
}

/// Everything decided about a record before it is written out.
struct Record {
    /// The first line: "Fictional …" or "Example …", ending with the zero-padded index.
    title: String,
    /// Slug of the programme's name, for email and web addresses.
    slug: String,
    /// What the prose talks about.
    ctx: Context,
    /// The facet combinations the facet lines show.
    rows: Vec<Row>,
    /// Whole-file spacing: generous files have runs of blank lines (like the StopSO record).
    airy: bool,
    /// How many sentences and paragraphs sections get: 0, 1 or 2.
    verbosity: usize,
    /// Bullet used by lists in sections.
    bullet: &'static str,
}

impl Record {
    fn new(rng: &mut ChaCha8Rng, number: &str) -> Record {
        let theme = pick(rng, prose::THEMES);
        let kind = pick(rng, prose::KINDS);
        let ctx = Context::new(rng, theme, kind);
        let prefix = if rng.gen_bool(0.6) {
            "Fictional"
        } else {
            "Example"
        };
        let title = match rng.gen_range(0..3) {
            0 => format!("{prefix} {theme} {kind} {number}"),
            1 => format!("{prefix} {} {theme} {kind} {number}", ctx.place),
            _ => format!("{prefix} {theme} {kind} ({}) {number}", ctx.place),
        };
        let slug = slugify(&format!("{theme} {kind}"));
        let rows = rows(rng, labels::labels());
        let verbosity = match rng.gen_range(0..20) {
            0..=6 => 0,
            7..=15 => 1,
            _ => 2,
        };
        Record {
            title,
            slug,
            ctx,
            rows,
            airy: rng.gen_bool(0.12),
            verbosity,
            bullet: if rng.gen_bool(0.6) {
                "  \u{2022} "
            } else {
                "- "
            },
        }
    }

    /// The record as text; returns the title too.
    fn write(self, rng: &mut ChaCha8Rng) -> (String, String) {
        let labels = labels::labels();
        let mut doc = Doc::new(self.airy);

        // Blank or whitespace-only lines before the title, sometimes.
        if rng.gen_bool(0.12) {
            doc.text
                .push_str(pick(rng, &[" \n\n\n", "\n", "\n\n", "  \n\n", "\t\n"]));
        }
        doc.block(rng).push_str(&self.title);

        let marker = rng.gen_bool(0.7);
        if marker {
            doc.block(rng).push_str("Database Filters");
        }
        // Summary: under a heading, unlabelled after the marker, or none.
        let roll = rng.gen_range(0..100);
        if roll < 35 {
            doc.block(rng).push_str("Summary");
            prose::summary(doc.block(rng), &self.ctx, rng);
        } else if marker && roll < 65 {
            if rng.gen_bool(0.5) {
                doc.extra_blank();
            }
            prose::summary(doc.block(rng), &self.ctx, rng);
        }

        // Type of intervention.
        if rng.gen_bool(0.55) {
            doc.block(rng).push_str("Type of intervention");
            let mut types: Vec<usize> = self
                .rows
                .iter()
                .flat_map(|r| r.values[DELIVERY].iter().copied())
                .collect();
            types.sort_unstable();
            types.dedup();
            if types.is_empty() {
                types.push(rng.gen_range(0..labels.facets[DELIVERY].labels.len()));
            }
            if types.len() > 1 && rng.gen_bool(0.3) {
                let case = if rng.gen_bool(0.5) {
                    Case::Title
                } else {
                    Case::AsIs
                };
                for &t in &types {
                    let out = doc.block(rng);
                    term(out, labels, DELIVERY, t, case, rng);
                }
            } else {
                let case = if rng.gen_bool(0.6) {
                    Case::Sentence
                } else {
                    Case::AsIs
                };
                let out = doc.block(rng);
                for (i, &t) in types.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    term(
                        out,
                        labels,
                        DELIVERY,
                        t,
                        if i == 0 { Case::AsIs } else { case },
                        rng,
                    );
                }
            }
        }

        // Facet heading and what follows it.
        if rng.gen_bool(0.85) {
            doc.block(rng).push_str(if rng.gen_bool(0.5) {
                "Target groups, level of prevention and subgroups"
            } else {
                "Target group/s, level/s of prevention and sub-group/s:"
            });
            let body = match rng.gen_range(0..100) {
                0..=7 => FacetBody::Prose,
                8..=14 => FacetBody::Empty,
                15..=29 => FacetBody::LevelLine,
                _ => FacetBody::Lines,
            };
            match body {
                FacetBody::Prose => prose::facet_prose(doc.block(rng), &self.ctx, rng),
                FacetBody::Empty => {}
                FacetBody::LevelLine => {
                    level_line(doc.block(rng), &self.rows, rng);
                    let mut rows = self.rows.clone();
                    let drop_target = rng.gen_bool(0.5);
                    for row in &mut rows {
                        row.values[LEVEL].clear();
                        if drop_target {
                            row.values[TARGET].clear();
                        }
                    }
                    facet_lines(&mut doc, labels, &rows, rng);
                }
                FacetBody::Lines => facet_lines(&mut doc, labels, &self.rows, rng),
            }
        }

        self.sections(&mut doc, rng);
        self.references(&mut doc, rng);
        self.contact(&mut doc, rng);
        trailer(&mut doc, rng);

        if rng.gen_bool(0.3) {
            doc.text.push('\n');
        }
        (self.title, doc.text)
    }

    /// Paragraph counts and sentence counts grow with verbosity.
    fn paragraphs(&self, doc: &mut Doc, bank: Bank, max: usize, rng: &mut ChaCha8Rng) {
        let count = rng.gen_range(1..=(1 + self.verbosity).min(max).max(1));
        for _ in 0..count {
            let sentences = rng.gen_range(2..=3 + self.verbosity);
            prose::paragraph(doc.block(rng), bank, sentences, &self.ctx, rng);
        }
    }

    fn sections(&self, doc: &mut Doc, rng: &mut ChaCha8Rng) {
        doc.block(rng).push_str("Target population");
        self.paragraphs(doc, Bank::TargetPopulation, 2, rng);
        if rng.gen_bool(0.25) {
            prose::who_list(doc.block(rng), self.bullet, &self.ctx, rng);
        }

        doc.block(rng).push_str(match rng.gen_range(0..10) {
            0..=5 => "Delivery organisation",
            6..=8 => "Delivery organisation (e.g. LFF UK, Prison Service of England and Wales)",
            _ => "Delivery organisation\u{a0}",
        });
        // The organisation's name alone (as in real records), or as a sentence followed by
        // more: a bare name followed by a paragraph would read as a sub-heading.
        let more = rng.gen_bool(0.4);
        let out = doc.block(rng);
        out.push_str(&self.ctx.org);
        if more || rng.gen_bool(0.3) {
            out.push('.');
        }
        if more {
            let sentences = rng.gen_range(1..=2);
            prose::paragraph(
                doc.block(rng),
                Bank::DeliveryOrganisation,
                sentences,
                &self.ctx,
                rng,
            );
        }

        doc.block(rng).push_str("Mode and context of delivery");
        self.paragraphs(doc, Bank::ModeAndContext, 3, rng);

        if rng.gen_bool(0.96) {
            doc.block(rng).push_str(pick(
                rng,
                &[
                    "Level/Nature of staff expertise required",
                    "Level/nature of staff expertise required",
                    "Level/nature of staff expertise required (e.g. professional background)",
                    "Level/Nature of staff expertise required (e.g. professional background)",
                ],
            ));
            self.paragraphs(doc, Bank::StaffExpertise, 2, rng);
        }

        if rng.gen_bool(0.96) {
            doc.block(rng)
                .push_str("Intensity/extent of engagement with target group(s)");
            self.paragraphs(doc, Bank::Intensity, 2, rng);
        }

        doc.block(rng).push_str("Description of intervention");
        self.paragraphs(doc, Bank::Description, 2, rng);
        if rng.gen_bool(0.35) {
            prose::aims_list(doc.block(rng), self.bullet, rng);
        }
        if rng.gen_bool(0.3) {
            for _ in 0..rng.gen_range(1..=3) {
                prose::subheading_with_paragraph(doc.block(rng), &self.ctx, rng);
            }
        }
        if rng.gen_bool(0.2) {
            prose::modules_list(doc.block(rng), self.bullet, rng);
        }

        match rng.gen_range(0..100) {
            0..=54 => doc.block(rng).push_str("Evaluation"),
            55..=89 => doc.block(rng).push_str("Evaluations"),
            // No heading: the evaluation runs on after the description, as in some exports.
            _ => doc.extra_blank(),
        }
        self.paragraphs(doc, Bank::Evaluation, 3, rng);
    }

    fn references(&self, doc: &mut Doc, rng: &mut ChaCha8Rng) {
        let count = match rng.gen_range(0..100) {
            0..=14 => 0,
            _ => rng.gen_range(1..=3 + 2 * self.verbosity),
        };
        if count == 0 {
            doc.block(rng).push_str("References");
            doc.block(rng)
                .push_str("No references available at this time.");
            return;
        }
        if rng.gen_bool(0.85) {
            doc.block(rng).push_str("References");
        } else {
            // No heading: the citations follow after a wider gap, as in some exports.
            doc.extra_blank();
        }
        match rng.gen_range(0..10) {
            0..=3 => {
                let out = doc.block(rng);
                for i in 0..count {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str("  \u{2022} ");
                    prose::citation(out, self.ctx.place, rng);
                }
            }
            4..=5 => {
                let out = doc.block(rng);
                for i in 0..count {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str("- ");
                    prose::citation(out, self.ctx.place, rng);
                }
            }
            _ => {
                for _ in 0..count {
                    prose::citation(doc.block(rng), self.ctx.place, rng);
                }
            }
        }
    }

    fn contact(&self, doc: &mut Doc, rng: &mut ChaCha8Rng) {
        doc.block(rng).push_str("Contact details");
        if rng.gen_bool(0.9) {
            doc.block(rng).push_str(&self.ctx.org);
        }
        let mut items: Vec<String> = Vec::with_capacity(6);
        if rng.gen_bool(0.7) {
            let mut a = String::new();
            prose::address(&mut a, &self.ctx.org, rng);
            items.push(a);
        }
        if rng.gen_bool(0.85) {
            let number = prose::phone(rng);
            items.push(match rng.gen_range(0..10) {
                0..=5 => format!("Telephone: {number}"),
                _ => format!("Main switchboard\n{number}"),
            });
        }
        if rng.gen_bool(0.6) {
            let address = prose::email(&self.slug, rng);
            items.push(match rng.gen_range(0..3) {
                0 => format!("Email\n{address}"),
                1 => format!("Email: {address}"),
                _ => address,
            });
        }
        if rng.gen_bool(0.6) {
            let site = prose::website(&self.slug, rng);
            items.push(if rng.gen_bool(0.4) && !site.starts_with("https://") {
                format!("Website: {site}")
            } else if rng.gen_bool(0.5) {
                "Website: www.example.org".to_string()
            } else {
                site
            });
        }
        if rng.gen_bool(0.3) {
            items.push(format!("Image result for {}", self.ctx.org.to_lowercase()));
        }
        if rng.gen_bool(0.15) {
            items.push(format!(
                "{} is a fictional organisation created for test data.",
                self.ctx.org
            ));
        }
        items.shuffle(rng);
        for item in &items {
            doc.block(rng).push_str(item);
        }
    }
}

/// How delivery words are capitalised.
#[derive(Clone, Copy)]
enum Case {
    /// As the vocabulary spells it.
    AsIs,
    /// Every word capitalised ("Individual Work").
    Title,
    /// All lower case ("individual work"), for the second and later items of a list.
    Sentence,
}

/// Appends one facet value: its label, an alias, or now and then a checked typo.
fn term(
    out: &mut String,
    labels: &Labels,
    facet: usize,
    index: usize,
    case: Case,
    rng: &mut ChaCha8Rng,
) {
    let words = &labels.facets[facet];
    let roll = rng.gen_range(0..100);
    let typos = &words.typos[index];
    let aliases = &words.aliases[index];
    let text: &str = if roll < 3 && !typos.is_empty() {
        &typos[rng.gen_range(0..typos.len())]
    } else if roll < 25 && !aliases.is_empty() {
        aliases[rng.gen_range(0..aliases.len())]
    } else {
        words.labels[index]
    };
    match case {
        Case::AsIs => out.push_str(text),
        Case::Sentence => out.extend(text.chars().flat_map(char::to_lowercase)),
        Case::Title => {
            let mut start = true;
            for c in text.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = c == ' ' || c == '(';
            }
        }
    }
}

/// The facet rows of a record: one to four combinations sharing most of their values.
fn rows(rng: &mut ChaCha8Rng, labels: &Labels) -> Vec<Row> {
    let count = match rng.gen_range(0..20) {
        0..=11 => 1,
        12..=16 => 2,
        17..=18 => 3,
        _ => 4,
    };
    let size = |facet: usize| labels.facets[facet].labels.len();
    let mut base = Row::default();
    // Ages: a run of neighbouring bands.
    let ages = size(AGE);
    let first = rng.gen_range(0..ages);
    let len = rng.gen_range(1..=3).min(ages - first);
    base.values[AGE] = (first..first + len).collect();
    base.values[GENDER] = match rng.gen_range(0..10) {
        0..=3 => vec![0],
        4 => vec![1],
        _ => vec![0, 1],
    };
    base.values[GENDER].retain(|g| *g < size(GENDER));
    let mut delivery: Vec<usize> = (0..size(DELIVERY)).collect();
    delivery.shuffle(rng);
    delivery.truncate(rng.gen_range(1..=3));
    delivery.sort_unstable();
    base.values[DELIVERY] = delivery;
    if rng.gen_bool(0.3) {
        let mut subgroups: Vec<usize> = (0..size(SUBGROUP)).collect();
        subgroups.shuffle(rng);
        subgroups.truncate(rng.gen_range(1..=2));
        subgroups.sort_unstable();
        base.values[SUBGROUP] = subgroups;
    }
    base.values[LANGUAGE] = if rng.gen_bool(0.95) {
        vec![labels.english]
    } else {
        Vec::new()
    };
    if rng.gen_bool(0.2) || base.values[LANGUAGE].is_empty() {
        if let Some(&other) = labels.common_languages.choose(rng) {
            base.values[LANGUAGE].push(other);
        }
    }
    let mut rows = Vec::with_capacity(count);
    for _ in 0..count {
        let mut row = base.clone();
        row.values[TARGET] = vec![rng.gen_range(0..size(TARGET))];
        row.values[LEVEL] = vec![rng.gen_range(0..size(LEVEL))];
        rows.push(row);
    }
    rows
}

/// "Primary Secondary & Tertiary prevention": the rows' levels on a line of their own.
fn level_line(out: &mut String, rows: &[Row], rng: &mut ChaCha8Rng) {
    const WORDS: [&str; 3] = ["Primary", "Secondary", "Tertiary"];
    let mut levels: Vec<usize> = rows
        .iter()
        .flat_map(|r| r.values[LEVEL].iter().copied())
        .filter(|l| *l < WORDS.len())
        .collect();
    if rng.gen_bool(0.4) {
        levels.push(rng.gen_range(0..WORDS.len()));
    }
    levels.sort_unstable();
    levels.dedup();
    for (i, level) in levels.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == levels.len() { " & " } else { " " });
        }
        out.push_str(WORDS[*level]);
    }
    out.push_str(" prevention");
}

/// Facet lines, fields separated by " | ", with a bullet or without, fields sometimes
/// missing or reordered.
fn facet_lines(doc: &mut Doc, labels: &Labels, rows: &[Row], rng: &mut ChaCha8Rng) {
    let bullet = match rng.gen_range(0..20) {
        0..=9 => "  \u{2022} ",
        10..=12 => "- ",
        _ => "",
    };
    // Bulleted lines sit together; bare lines sometimes have blank lines between them.
    let together = !bullet.is_empty() || rng.gen_bool(0.5);
    let reorder = rng.gen_bool(0.08);
    let missing: [bool; FACETS] = [
        rng.gen_bool(0.08),
        rng.gen_bool(0.08),
        rng.gen_bool(0.1),
        rng.gen_bool(0.1),
        rng.gen_bool(0.1),
        false,
        rng.gen_bool(0.15),
    ];
    let delivery_case = if rng.gen_bool(0.6) {
        Case::Sentence
    } else {
        Case::AsIs
    };
    let mut out = String::new();
    for (n, row) in rows.iter().enumerate() {
        if n > 0 {
            out.push('\n');
            if !together {
                out.push('\n');
            }
        }
        let mut order: Vec<usize> = (0..FACETS)
            .filter(|&f| !row.values[f].is_empty() && !missing[f])
            .collect();
        if order.len() < 2 {
            order = (0..FACETS).filter(|&f| !row.values[f].is_empty()).collect();
        }
        if reorder {
            order.shuffle(rng);
        }
        out.push_str(bullet);
        for (i, &facet) in order.iter().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            field(
                &mut out,
                labels,
                facet,
                &row.values[facet],
                delivery_case,
                rng,
            );
        }
    }
    doc.block(rng).push_str(&out);
}

/// One field of a facet line: its values separated by ", " (genders sometimes by " & "), now
/// and then with an unknown value after the known ones.
fn field(
    out: &mut String,
    labels: &Labels,
    facet: usize,
    values: &[usize],
    delivery_case: Case,
    rng: &mut ChaCha8Rng,
) {
    let separator = if facet == GENDER && rng.gen_bool(0.4) {
        " & "
    } else {
        ", "
    };
    for (i, &value) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        let case = if facet == DELIVERY && i > 0 {
            delivery_case
        } else {
            Case::AsIs
        };
        term(out, labels, facet, value, case, rng);
    }
    let unknown = &labels.facets[facet].unknown;
    if !unknown.is_empty() && rng.gen_bool(0.04) {
        out.push_str(", ");
        out.push_str(unknown[rng.gen_range(0..unknown.len())]);
    }
}

/// The rating and the "information correct at" date, in either order, each sometimes absent.
fn trailer(doc: &mut Doc, rng: &mut ChaCha8Rng) {
    let rating = if rng.gen_bool(0.8) {
        let label = pick(rng, &["Effective", "Promising", "Prudent", "Pioneering"]);
        Some(match rng.gen_range(0..20) {
            0..=9 => format!("RATING: {label}"),
            10..=12 => format!("RATING:  {label}"),
            13..=14 => format!("RATING:\u{a0}\u{a0}{label}"),
            15..=17 => format!("Rating: {}", label.to_lowercase()),
            _ => format!("Rating: {label}"),
        })
    } else {
        None
    };
    let date = if rng.gen_bool(0.75) {
        Some(match rng.gen_range(0..10) {
            0..=4 => format!("Information correct at {}", prose::month_year(rng)),
            5..=7 => format!("INFORMATION CORRECT AT {}", rng.gen_range(2014..=2024)),
            _ => format!("Information correct at {}", rng.gen_range(2014..=2024)),
        })
    } else {
        None
    };
    let (first, second) = if rng.gen_bool(0.5) {
        (rating, date)
    } else {
        (date, rating)
    };
    for line in [first, second].into_iter().flatten() {
        doc.block(rng).push_str(&line);
    }
}

/// The text being written, block by block, with blank lines between blocks.
struct Doc {
    text: String,
    airy: bool,
    /// Whether a block has been written (whitespace before the title does not count).
    started: bool,
    /// Whether the next block gets one more blank line than usual.
    wide: bool,
}

impl Doc {
    fn new(airy: bool) -> Doc {
        Doc {
            text: String::with_capacity(6 * 1024),
            airy,
            started: false,
            wide: false,
        }
    }

    /// Starts a new block (after the blank lines that separate blocks) and returns the text
    /// to write it into.
    fn block(&mut self, rng: &mut ChaCha8Rng) -> &mut String {
        if self.started {
            let blank_lines = if self.airy {
                rng.gen_range(1..=3)
            } else if rng.gen_bool(0.1) {
                2
            } else {
                1
            };
            let blank_lines = if self.wide {
                blank_lines.max(2)
            } else {
                blank_lines
            };
            for _ in 0..=blank_lines {
                self.text.push('\n');
            }
        }
        self.wide = false;
        self.started = true;
        &mut self.text
    }

    /// Makes the next gap at least two blank lines wide, as where a heading is missing.
    fn extra_blank(&mut self) {
        self.wide = true;
    }
}
