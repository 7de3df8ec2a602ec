//! Making names and labels safe for Mermaid's `stateDiagram-v2` grammar.
//!
//! The grammar reads a state id as a run of characters other than `:`,
//! whitespace, `-` and `{`, and an edge label as the rest of the line after
//! ` : ` up to the next `:`, `;` or newline. Its lexer takes the first rule
//! that matches, so an id starting with `default` or equal to a keyword
//! followed by a space (`state`, `note`, `class`, ...) is read as that
//! keyword.

use std::collections::{BTreeMap, BTreeSet};

/// Keywords that the lexer recognises at the start of a token when a space
/// or colon follows (compared in lowercase).
const KEYWORDS: [&str; 8] =
    ["state", "note", "class", "classdef", "scale", "acctitle", "accdescr", "statediagram"];

/// A Mermaid-safe id for each state, from its name: ASCII letters, digits
/// and underscores, never a keyword, distinct for distinct states. Names
/// that are already safe keep their ids; a name that had to be cleaned up
/// takes a numeric suffix if its cleaned form is taken.
pub(super) fn state_ids<S: Copy + Ord>(
    states: impl IntoIterator<Item = (S, &'static str)>,
) -> BTreeMap<S, String> {
    let states: Vec<(S, &str, String)> =
        states.into_iter().map(|(state, name)| (state, name, clean_id(name))).collect();
    let mut used = BTreeSet::new();
    let mut ids = BTreeMap::new();
    for (state, name, base) in &states {
        if base == name && used.insert(base.clone()) {
            ids.insert(*state, base.clone());
        }
    }
    for (state, _, base) in &states {
        if ids.contains_key(state) {
            continue;
        }
        let mut id = base.clone();
        let mut n = 2_u32;
        while used.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        used.insert(id.clone());
        ids.insert(*state, id);
    }
    ids
}

fn clean_id(name: &str) -> String {
    let mut id: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    let lower = id.to_ascii_lowercase();
    if id.is_empty() || lower.starts_with("default") || KEYWORDS.contains(&lower.as_str()) {
        id.insert(0, '_');
    }
    id
}

/// Edge-label text with the characters that would end the label replaced:
/// `:` and `;` by their full-width forms (natural in Chinese text), line
/// breaks and other control characters by spaces.
pub(super) fn label(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ':' => '：',
            ';' => '；',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A state description for `state "..." as id`: without double quotes,
/// which would end it, or line breaks.
pub(super) fn description(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_cleaned_and_keywords_avoided() {
        assert_eq!(clean_id("in_review"), "in_review");
        assert_eq!(clean_id("in-review"), "in_review");
        assert_eq!(clean_id("in review: late"), "in_review__late");
        assert_eq!(clean_id("审查"), "__");
        assert_eq!(clean_id(""), "_");
        assert_eq!(clean_id("state"), "_state");
        assert_eq!(clean_id("Note"), "_Note");
        assert_eq!(clean_id("defaulted"), "_defaulted");
        assert_eq!(clean_id("stated"), "stated");
        assert_eq!(clean_id("noted"), "noted");
    }

    #[test]
    fn ids_are_distinct_and_safe_names_keep_theirs() {
        let ids = state_ids([(1, "a-b"), (2, "a_b"), (3, "a b"), (4, "a_b_2"), (5, "a_b")]);
        assert_eq!(ids[&2], "a_b");
        assert_eq!(ids[&4], "a_b_2");
        assert_eq!(ids[&1], "a_b_3");
        assert_eq!(ids[&3], "a_b_4");
        assert_eq!(ids[&5], "a_b_5");
        let distinct: BTreeSet<_> = ids.values().collect();
        assert_eq!(distinct.len(), ids.len());
    }

    #[test]
    fn labels_cannot_end_early() {
        assert_eq!(label("art. 32: late; again\nnext"), "art. 32： late； again next");
        assert_eq!(description("the \"open\" state\r\n"), "the 'open' state  ");
    }
}
