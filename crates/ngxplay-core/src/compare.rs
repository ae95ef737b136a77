//! Comparing two configs' results for the same requests: which requests would route differently after a change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::expect::{join_values, Field};
use crate::route::result::RouteResult;

/// The fields whose change counts as a different outcome, in the order they are reported: every expectation field
/// but `source`, which only restates where the others came from.
fn compared() -> impl Iterator<Item = Field> {
    Field::ALL.into_iter().filter(|f| *f != Field::Source)
}

/// One field that differs, written like expectation values (`none` for nothing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: Field,
    pub old: String,
    pub new: String,
}

/// One request and how its outcome compares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDiff {
    pub line: u32,
    pub request: String,
    /// Empty when the outcome is the same.
    pub changes: Vec<FieldChange>,
}

/// Every request line that has results in either set, in line order, with what changed.
pub fn compare(old: &[RouteResult], new: &[RouteResult]) -> Vec<RequestDiff> {
    // Results grouped by request line once, keeping each side's order within a line.
    let mut by_line: BTreeMap<u32, (Vec<&RouteResult>, Vec<&RouteResult>)> = BTreeMap::new();
    for r in old {
        by_line.entry(r.line).or_default().0.push(r);
    }
    for r in new {
        by_line.entry(r.line).or_default().1.push(r);
    }
    by_line
        .into_iter()
        .map(|(line, (a, b))| {
            let request = a.first().or(b.first()).map(|r| r.request.clone()).unwrap_or_default();
            let changes = compared()
                .filter_map(|field| {
                    let old = values(field, &a);
                    let new = values(field, &b);
                    (old != new).then_some(FieldChange { field, old, new })
                })
                .collect();
            RequestDiff { line, request, changes }
        })
        .collect()
}

/// A field's values over a line's responses: one value when they agree, else the sequence.
fn values(field: Field, results: &[&RouteResult]) -> String {
    let all: Vec<Option<String>> = results.iter().map(|r| field.actual(r)).collect();
    match all.first() {
        None => "no result".to_string(),
        Some(first) if all.iter().all(|v| v == first) => join_values(std::slice::from_ref(first)),
        Some(_) => join_values(&all),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::result::{BlockRef, UpstreamHit};

    fn result(line: u32, location: &str, upstream: Option<&str>, status: u16) -> RouteResult {
        RouteResult {
            line,
            request: format!("GET http://a/{line}"),
            status: Some(status),
            location_block: Some(BlockRef { label: location.into(), ..BlockRef::default() }),
            upstream: upstream.map(|u| UpstreamHit { upstream: u.into(), server: "10.0.0.1:80".into(), uri: "/".into(), ..UpstreamHit::default() }),
            ..RouteResult::default()
        }
    }

    #[test]
    fn reports_only_changed_fields() {
        let old = [result(1, "/api", Some("legacy"), 502), result(2, "/", None, 200)];
        let new = [result(1, "/api/", Some("api"), 200), result(2, "/", None, 200)];
        let diffs = compare(&old, &new);
        assert_eq!(diffs.len(), 2);
        let fields: Vec<Field> = diffs[0].changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, [Field::Location, Field::Upstream, Field::Status]);
        assert_eq!(diffs[0].changes[1].old, "legacy");
        assert_eq!(diffs[0].changes[1].new, "api");
        assert!(diffs[1].changes.is_empty());
    }

    #[test]
    fn a_missing_side_is_a_change() {
        let diffs = compare(&[result(3, "/", None, 200)], &[]);
        assert_eq!(diffs[0].changes[0].new, "no result");
    }

    #[test]
    fn absent_values_read_as_none() {
        let diffs = compare(&[result(1, "/", None, 200)], &[result(1, "/", Some("api"), 200)]);
        assert_eq!(diffs[0].changes[0].old, "none");
    }
}
