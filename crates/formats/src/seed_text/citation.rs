//! Author–year citations: recognising their shape and reading authors, year and title.

use preventory_core::Reference;

/// Whether a token is a run of initials: "M.", "R. K.", "R.K.", "M", "J.-P.".
fn is_initials(token: &str) -> bool {
    let letters: Vec<char> = token.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && letters.len() <= 4
        && letters.iter().all(|c| c.is_uppercase())
        && token
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | ' ' | '-'))
        && (token.contains('.') || letters.len() == 1)
}

/// Whether a token can be a surname: capitalised words, hyphens and apostrophes.
fn is_surname(token: &str) -> bool {
    let first_upper = token.chars().next().is_some_and(char::is_uppercase);
    first_upper
        && token.split_whitespace().count() <= 3
        && token
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | ' ' | '‐'))
}

/// The year in the first "(YYYY)" / "(YYYYa)" / "(YYYY, Month)", with the byte range of the
/// parenthesis.
fn year_in_parentheses(text: &str) -> Option<(u16, usize, usize)> {
    let mut search_from = 0;
    while let Some(open_rel) = text[search_from..].find('(') {
        let open = search_from + open_rel;
        let close = text[open..].find(')').map(|c| open + c)?;
        let inside = &text[open + 1..close];
        let digits: String = inside.chars().take(4).collect();
        if digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()) {
            let rest = &inside[4..];
            if rest.is_empty()
                || rest.chars().all(|c| c.is_ascii_lowercase())
                || rest.starts_with(',')
            {
                if let Ok(year) = digits.parse::<u16>() {
                    return Some((year, open, close));
                }
            }
        }
        search_from = close + 1;
    }
    None
}

/// Splits an author list ("Barkham, M., Gilbert, N., & Twigg, E.") into authors.
fn authors_of(list: &str) -> Vec<String> {
    let unified = list
        .replace(", &", ",")
        .replace(",&", ",")
        .replace(" & ", ", ")
        .replace(" and ", ", ");
    let tokens: Vec<&str> = unified
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    let mut authors = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        if i + 1 < tokens.len() && is_initials(tokens[i + 1]) && !is_initials(token) {
            authors.push(format!("{}, {}", token, tokens[i + 1]));
            i += 2;
        } else {
            authors.push(token.to_string());
            i += 1;
        }
    }
    authors
}

/// Whether a paragraph has the shape of a reference-list entry: it opens with "Surname,
/// Initials" and has a year in parentheses early on. Prose that cites ("Hanson, Bourgon, &
/// Helmus (2009) found …") does not match, because its names carry no initials.
pub(super) fn looks_like_citation(text: &str) -> bool {
    let Some((_, open, _)) = year_in_parentheses(text) else {
        return false;
    };
    if open > 400 {
        return false;
    }
    let head = &text[..open];
    let mut tokens = head.split(',').map(str::trim);
    let (Some(first), Some(second)) = (tokens.next(), tokens.next()) else {
        return false;
    };
    let second = second
        .split(['&'])
        .next()
        .map(str::trim)
        .unwrap_or_default();
    is_surname(first) && is_initials(second)
}

/// Reads a citation. `text` is kept exactly; authors, year and title are filled where the
/// author–year shape allows.
pub(super) fn parse_reference(text: &str) -> Reference {
    let mut reference = Reference {
        text: text.to_string(),
        ..Reference::default()
    };
    let Some((year, open, close)) = year_in_parentheses(text) else {
        return reference;
    };
    let authors = text[..open].trim().trim_end_matches(',').trim();
    if authors.is_empty() || authors.chars().count() > 400 {
        return reference;
    }
    reference.year = Some(year);
    reference.authors = authors_of(authors);
    let after = text[close + 1..].trim_start_matches(['.', ',', ' ']);
    reference.title = title_of(after);
    reference
}

/// Abbreviations whose full stop does not end a title.
const ABBREVIATIONS: [&str; 9] = ["no", "vol", "pp", "ed", "eds", "p", "st", "dr", "vs"];

/// The title: text up to the first full stop that ends a sentence. A question mark followed
/// by a series name with numbers ("…? Home Office Research Study, no. 45") ends it too.
fn title_of(after: &str) -> Option<String> {
    let mut end = None;
    for (i, _) in after.match_indices(". ") {
        let word = after[..i]
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or_default()
            .to_lowercase();
        if ABBREVIATIONS.contains(&word.as_str()) || (word.len() == 1 && i > 0) {
            continue;
        }
        end = Some(i);
        break;
    }
    let candidate = match end {
        Some(i) => &after[..i],
        None => after.trim_end_matches('.'),
    };
    let candidate = match candidate.find("? ") {
        Some(q) if candidate[q..].chars().any(|c| c.is_ascii_digit()) => &candidate[..=q],
        _ => candidate,
    };
    let title = candidate.trim();
    if title.is_empty() {
        None
    } else {
        Some(title.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_shapes_are_recognised() {
        assert!(looks_like_citation("Barkham, M., Gilbert, N., Connell, J., Marshall, C., & Twigg, E. (2005). Suitability and utility. British Journal, 186, 239-246."));
        assert!(looks_like_citation(
            "Schmucker, M & Losel, F. (2009). A systematic review."
        ));
        assert!(looks_like_citation(
            "Mann, R.E., Hanson, R.K. & Thornton, D. (2010). Assessing risk."
        ));
        assert!(!looks_like_citation(
            "Hanson, Bourgon, Helmus, & Hodgson (2009) examined 23 studies."
        ));
        assert!(!looks_like_citation(
            "Hedderman and Sugg (1996) looked at two year reconviction rates."
        ));
        assert!(!looks_like_citation(
            "Stop It Now Scotland (The Lucy Faithfull Foundation)"
        ));
    }

    #[test]
    fn authors_year_and_title_are_read() {
        let r = parse_reference("Hanson, R.K., Bourgon, G., Helmus, L. & Hodgson, S. (2009). The principles of effective correctional treatment also apply to sexual offenders: A meta-analysis. Criminal Justice and Behavior, 36, 865-891.");
        assert_eq!(
            r.authors,
            ["Hanson, R.K.", "Bourgon, G.", "Helmus, L.", "Hodgson, S."]
        );
        assert_eq!(r.year, Some(2009));
        assert_eq!(
            r.title.as_deref(),
            Some("The principles of effective correctional treatment also apply to sexual offenders: A meta-analysis")
        );
        let r = parse_reference("Hedderman, C., & Sugg, D. (1996). Does treating sex offenders reduce re-offending? Home Office Research Study, no. 45. London: Home Office.");
        assert_eq!(
            r.title.as_deref(),
            Some("Does treating sex offenders reduce re-offending?")
        );
        let r = parse_reference("Middleton, D., Mandeville-Norden, R., & Hayes, E. (2009). Does treatment work with Internet sex offenders? Emerging findings from the internet sex offender treatment programme (i-SOTP). Journal of Sexual Aggression, 15, 5-19.");
        assert_eq!(
            r.authors,
            ["Middleton, D.", "Mandeville-Norden, R.", "Hayes, E."]
        );
        assert_eq!(r.title.as_deref(), Some("Does treatment work with Internet sex offenders? Emerging findings from the internet sex offender treatment programme (i-SOTP)"));
        let r = parse_reference("No year here, just words.");
        assert_eq!(r.year, None);
        assert!(r.authors.is_empty());
    }
}
