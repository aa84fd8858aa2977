//! Charts as inline SVG, drawn on the server: the gap map's bubbles and bar charts of counts.
//!
//! The page's CSP allows no inline styles, so colours come from classes in `site.css`, and
//! positions from SVG attributes (`x`, `cx`, `r`…), which are attributes, not styles. Every
//! chart is `role="img"` with a `<title>` and a `<desc>`, and every number it shows is also
//! in text or a table beside it: the drawing is never the only way to read them.

use preventory_core::gaps::{GapMap, RatingCounts};
use preventory_core::{Facet, Rating, Vocabulary};

/// A line, for the grid.
pub(crate) struct Line {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub class: &'static str,
}

/// A rectangle: a bar.
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub class: &'static str,
}

/// A circle: a bubble, or the outline that marks a gap.
pub(crate) struct Circle {
    pub cx: f64,
    pub cy: f64,
    pub r: f64,
    pub class: &'static str,
    /// What it stands for, as a tooltip for pointer users.
    pub title: String,
}

/// One or more lines of text.
pub(crate) struct Text {
    pub x: f64,
    pub y: f64,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    pub class: &'static str,
    pub lines: Vec<String>,
}

/// A whole chart, drawn in this order: lines, rectangles, circles, texts.
pub(crate) struct Svg {
    /// Prefix of the ids of its `<title>` and `<desc>`, unique on the page.
    pub id: &'static str,
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub desc: String,
    pub lines: Vec<Line>,
    pub rects: Vec<Rect>,
    pub circles: Vec<Circle>,
    pub texts: Vec<Text>,
}

/// The distance between lines of text, in SVG units.
pub(crate) const LINE_HEIGHT: f64 = 15.0;

/// Rounds to one decimal, so the markup stays short.
fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// `text` broken into at most `max_lines` lines of at most `width` characters, the last one
/// ending in "…" when the text does not fit.
pub(crate) fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut cut = false;
    for word in text.split_whitespace() {
        let word: String = if word.chars().count() > width {
            cut = true;
            word.chars()
                .take(width.saturating_sub(1))
                .collect::<String>()
                + "…"
        } else {
            word.to_string()
        };
        let len = current.chars().count();
        if len == 0 {
            current = word;
        } else if len + 1 + word.chars().count() <= width {
            current.push(' ');
            current.push_str(&word);
        } else {
            lines.push(std::mem::take(&mut current));
            current = word;
        }
        if lines.len() == max_lines {
            cut = true;
            break;
        }
    }
    if !current.is_empty() && lines.len() < max_lines {
        lines.push(current);
    }
    if cut {
        if let Some(last) = lines.last_mut() {
            if !last.ends_with('…') {
                let keep = width.saturating_sub(1).min(last.chars().count());
                *last = last.chars().take(keep).collect::<String>() + "…";
            }
        }
    }
    lines
}

/// The CSS class of a rating's colour (`unrated` for none).
pub(crate) fn rating_class(rating: Option<Rating>) -> &'static str {
    match rating {
        Some(Rating::Effective) => "fill-effective",
        Some(Rating::Promising) => "fill-promising",
        Some(Rating::Prudent) => "fill-prudent",
        Some(Rating::Pioneering) => "fill-pioneering",
        None => "fill-unrated",
    }
}

/// A rating's name, "Not rated" for none.
pub(crate) fn rating_name(rating: Option<Rating>) -> &'static str {
    rating.map_or("Not rated", |r| r.label())
}

/// "1 intervention", "3 interventions".
pub(crate) fn interventions(n: usize) -> String {
    if n == 1 {
        "1 intervention".to_string()
    } else {
        format!("{n} interventions")
    }
}

/// The ratings present, strongest first, in words ("2 Promising, 1 Not rated").
pub(crate) fn rating_words(counts: &RatingCounts) -> Vec<String> {
    counts
        .entries()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(id, n)| format!("{n} {}", Facet::Rating.label_of(id)))
        .collect()
}

// The gap map's layout, in SVG units.
const MAP_LABEL_WIDTH: f64 = 210.0;
const MAP_HEAD_HEIGHT: f64 = 52.0;
const MAP_COL_WIDTH: f64 = 150.0;
const MAP_ROW_HEIGHT: f64 = 72.0;
const MAP_MAX_RADIUS: f64 = 27.0;
const MAP_MIN_RADIUS: f64 = 4.0;
const MAP_GAP_RADIUS: f64 = 12.0;

/// The gap map as bubbles: one per cell, its area growing with the count, coloured by the
/// strongest rating present, with the count and that rating written beside it; an empty cell
/// is a dashed ring marked "Gap".
pub(crate) fn gap_map_svg(map: &GapMap) -> Svg {
    let (nrows, ncols) = (map.rows.len(), map.cols.len());
    let width = MAP_LABEL_WIDTH + MAP_COL_WIDTH * ncols as f64 + 8.0;
    let height = MAP_HEAD_HEIGHT + MAP_ROW_HEIGHT * nrows as f64 + 8.0;
    let max = map.max_count().max(1) as f64;
    let mut svg = Svg {
        id: "gap-map-chart",
        width,
        height,
        title: format!(
            "Gap map: {} by {}",
            map.row_facet.label(),
            map.col_facet.label().to_lowercase()
        ),
        desc: map_description(map),
        lines: Vec::new(),
        rects: Vec::new(),
        circles: Vec::new(),
        texts: Vec::new(),
    };
    for (j, col) in map.cols.iter().enumerate() {
        let x = MAP_LABEL_WIDTH + MAP_COL_WIDTH * j as f64;
        svg.texts.push(Text {
            x: r1(x + MAP_COL_WIDTH / 2.0),
            y: 18.0,
            anchor: "middle",
            class: "chart-label",
            lines: wrap(&map.col_facet.label_of(col), 18, 2),
        });
        svg.lines.push(Line {
            x1: x,
            y1: MAP_HEAD_HEIGHT,
            x2: x,
            y2: height - 8.0,
            class: "chart-grid",
        });
    }
    for (i, row) in map.rows.iter().enumerate() {
        let y = MAP_HEAD_HEIGHT + MAP_ROW_HEIGHT * i as f64;
        let label = wrap(&map.row_facet.label_of(row), 28, 2);
        let first_baseline =
            y + MAP_ROW_HEIGHT / 2.0 + 5.0 - LINE_HEIGHT * (label.len() as f64 - 1.0) / 2.0;
        svg.texts.push(Text {
            x: 4.0,
            y: r1(first_baseline),
            anchor: "start",
            class: "chart-label",
            lines: label,
        });
        svg.lines.push(Line {
            x1: 0.0,
            y1: y,
            x2: width - 8.0,
            y2: y,
            class: "chart-grid",
        });
        for (j, col) in map.cols.iter().enumerate() {
            let Some(cell) = map.cell(row, col) else {
                continue;
            };
            let x = MAP_LABEL_WIDTH + MAP_COL_WIDTH * j as f64;
            let cy = y + MAP_ROW_HEIGHT / 2.0;
            let cx = x + 8.0 + MAP_MAX_RADIUS;
            let place = format!(
                "{}, {}",
                map.row_facet.label_of(row),
                map.col_facet.label_of(col)
            );
            let text_x = x + 16.0 + 2.0 * MAP_MAX_RADIUS;
            if cell.count == 0 {
                svg.circles.push(Circle {
                    cx: r1(cx),
                    cy: r1(cy),
                    r: MAP_GAP_RADIUS,
                    class: "chart-gap",
                    title: format!("{place}: nothing recorded (a gap)"),
                });
                svg.texts.push(Text {
                    x: r1(text_x),
                    y: r1(cy - 3.0),
                    anchor: "start",
                    class: "chart-count",
                    lines: vec!["0".into(), "Gap".into()],
                });
            } else {
                let strongest = cell.by_rating.strongest();
                let r = (MAP_MAX_RADIUS * (cell.count as f64 / max).sqrt()).max(MAP_MIN_RADIUS);
                svg.circles.push(Circle {
                    cx: r1(cx),
                    cy: r1(cy),
                    r: r1(r),
                    class: rating_class(strongest),
                    title: format!(
                        "{place}: {}, strongest rating {}",
                        interventions(cell.count),
                        rating_name(strongest)
                    ),
                });
                svg.texts.push(Text {
                    x: r1(text_x),
                    y: r1(cy - 3.0),
                    anchor: "start",
                    class: "chart-count",
                    lines: vec![cell.count.to_string(), rating_name(strongest).to_string()],
                });
            }
        }
    }
    svg.lines.push(Line {
        x1: MAP_LABEL_WIDTH + MAP_COL_WIDTH * ncols as f64,
        y1: MAP_HEAD_HEIGHT,
        x2: MAP_LABEL_WIDTH + MAP_COL_WIDTH * ncols as f64,
        y2: height - 8.0,
        class: "chart-grid",
    });
    svg.lines.push(Line {
        x1: 0.0,
        y1: height - 8.0,
        x2: width - 8.0,
        y2: height - 8.0,
        class: "chart-grid",
    });
    svg
}

/// The gap map in a few sentences, for the drawing's `<desc>`.
fn map_description(map: &GapMap) -> String {
    let empty = map
        .cells
        .iter()
        .filter(|c| c.count == 0)
        .map(|c| {
            format!(
                "{} with {}",
                map.row_facet.label_of(&c.row),
                map.col_facet.label_of(&c.col)
            )
        })
        .collect::<Vec<_>>();
    let mut desc = format!(
        "Bubble chart of {} across {} rows and {} columns. The area of each bubble grows with \
         the number of interventions; its colour shows the strongest evidence rating among \
         them, which is also written beside it. The same numbers are in the table below.",
        interventions(map.total),
        map.rows.len(),
        map.cols.len()
    );
    if empty.is_empty() {
        desc.push_str(" No cell is empty.");
    } else {
        desc.push_str(&format!(
            " {} empty {} marked as gaps: {}.",
            empty.len(),
            if empty.len() == 1 {
                "cell is"
            } else {
                "cells are"
            },
            empty.join("; ")
        ));
    }
    desc
}

/// One bar of a bar chart.
pub(crate) struct Bar {
    pub label: String,
    pub count: usize,
    pub class: &'static str,
}

const BAR_LABEL_WIDTH: f64 = 250.0;
const BAR_MAX_WIDTH: f64 = 300.0;
const BAR_ROW_HEIGHT: f64 = 40.0;
const BAR_HEIGHT: f64 = 24.0;

/// A horizontal bar chart, one bar per item, with the count written after each bar.
pub(crate) fn bar_chart(id: &'static str, title: &str, desc: &str, bars: &[Bar]) -> Svg {
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let height = BAR_ROW_HEIGHT * bars.len() as f64 + 8.0;
    let mut svg = Svg {
        id,
        width: BAR_LABEL_WIDTH + BAR_MAX_WIDTH + 60.0,
        height,
        title: title.to_string(),
        desc: format!(
            "{desc} {}.",
            bars.iter()
                .map(|b| format!("{}: {}", b.label, b.count))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        lines: vec![Line {
            x1: BAR_LABEL_WIDTH,
            y1: 0.0,
            x2: BAR_LABEL_WIDTH,
            y2: height - 4.0,
            class: "chart-axis",
        }],
        rects: Vec::new(),
        circles: Vec::new(),
        texts: Vec::new(),
    };
    for (i, bar) in bars.iter().enumerate() {
        let top = BAR_ROW_HEIGHT * i as f64 + 4.0;
        let centre = top + BAR_ROW_HEIGHT / 2.0;
        let label = wrap(&bar.label, 34, 2);
        let first_baseline = centre + 5.0 - LINE_HEIGHT * (label.len() as f64 - 1.0) / 2.0;
        svg.texts.push(Text {
            x: BAR_LABEL_WIDTH - 8.0,
            y: r1(first_baseline),
            anchor: "end",
            class: "chart-label",
            lines: label,
        });
        let width = if bar.count == 0 {
            0.0
        } else {
            (BAR_MAX_WIDTH * bar.count as f64 / max).max(2.0)
        };
        if width > 0.0 {
            svg.rects.push(Rect {
                x: BAR_LABEL_WIDTH,
                y: r1(centre - BAR_HEIGHT / 2.0),
                width: r1(width),
                height: BAR_HEIGHT,
                class: bar.class,
            });
        }
        svg.texts.push(Text {
            x: r1(BAR_LABEL_WIDTH + width + 6.0),
            y: r1(centre + 5.0),
            anchor: "start",
            class: "chart-count",
            lines: vec![bar.count.to_string()],
        });
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_marks_cuts() {
        assert_eq!(wrap("Primary prevention", 18, 2), ["Primary prevention"]);
        assert_eq!(
            wrap("Children and Young People (Victims)", 18, 2),
            ["Children and Young", "People (Victims)"]
        );
        let cut = wrap("one two three four five six seven", 9, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        assert!(cut.iter().all(|l| l.chars().count() <= 9), "{cut:?}");
        assert_eq!(wrap("", 10, 2), Vec::<String>::new());
        assert_eq!(wrap("abcdefghijkl", 5, 1), ["abcd…"]);
    }

    #[test]
    fn bars_scale_to_the_largest_count() {
        let bars = [
            Bar {
                label: "A".into(),
                count: 4,
                class: "fill-effective",
            },
            Bar {
                label: "B".into(),
                count: 0,
                class: "fill-unrated",
            },
            Bar {
                label: "C".into(),
                count: 2,
                class: "fill-unrated",
            },
        ];
        let svg = bar_chart("t", "Title", "Desc.", &bars);
        assert_eq!(svg.rects.len(), 2, "no bar for a zero");
        assert_eq!(svg.rects[0].width, BAR_MAX_WIDTH);
        assert_eq!(svg.rects[1].width, BAR_MAX_WIDTH / 2.0);
        assert!(svg.desc.contains("A: 4; B: 0; C: 2"), "{}", svg.desc);
    }
}
