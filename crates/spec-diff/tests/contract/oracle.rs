//! The differential oracle for the wire columns: every schema edit of the edit space
//! ([`crate::edit_space`]) is held to instances. At the edit's schema root (its component, or
//! the inline `schema` of its body, parameter or header), in each direction spec-diff reported
//! a change in (both when it reported none), instances are built from the old and from the new
//! schema (`schema_instances`: a satisfying instance and every probe pair of each side, since
//! one side's breaking instance may be the other's valid one) and each is validated against
//! both versions:
//!
//! - response: valid under the new and refused by the old breaks clients (they read what the
//!   old schema promised); valid under the old and refused by the new, servers (what they send
//!   no longer conforms);
//! - request: valid under the old and refused by the new breaks clients (what they send is now
//!   refused); valid under the new and refused by the old, servers (they must accept it).
//!
//! The client column means "the generated clients and any client that follows the spec".
//! **Fails**: a column spec-diff calls compatible that an instance shows broken, unless
//! [`EXCEPTIONS`] lists the kind as a deliberate tolerance with its reason. **Reported only**
//! (counted per kind, direction and column): a column spec-diff calls breaking that no instance
//! witnesses. Instances judge validity alone; several breaks are about meaning (a `default`
//! changes what an absent member means, `readOnly` in a request asks clients to stop sending a
//! member, a rewritten `pattern` is breaking because two patterns cannot be compared), and the
//! builder does not reach every value (nested `oneOf` alternatives, members behind a `$ref`,
//! repeated array items), so an unwitnessed break is a limit of the instances, not of the rule.
//!
//! The generated clients' other tolerance, `null` in an optional member read as absent, needs
//! no exception: spec-diff's client column also speaks for clients that follow the spec, which
//! refuse a `null` the old schema did not allow, so `nullable-added` in a response is breaking
//! for clients and the instances agree.
//!
//! The test prints how many schema edits it checked and how many it built no instance for, and
//! holds the checked share to [`FLOOR_PERCENT`].

use std::collections::BTreeMap;

use schema_instances::{probes, valid, Validator, Walk};
use serde_json::Value;
use spec_diff::{diff, Change, Direction, Kind, Severity};
use spec_model::Spec;

use crate::edit_space::{documents, edits_of, location, Edit, Part};

/// The share of schema edits for which instances must be built.
const FLOOR_PERCENT: f64 = 80.0;

/// A wire column of spec-diff's impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Column {
    Client,
    Server,
}

impl Column {
    fn of(self, change: &Change) -> Severity {
        match self {
            Column::Client => change.impact.client,
            Column::Server => change.impact.server,
        }
    }
}

/// A deliberate tolerance: an instance shows the column broken, and spec-diff calls it
/// compatible because of what the generated clients do.
struct Exception {
    kind: Kind,
    direction: Direction,
    column: Column,
    reason: &'static str,
}

/// Why a new optional property is compatible although instances show otherwise.
const UNDECLARED_MEMBERS: &str = "a new optional property constrains a member the old schema left undeclared (e.g. `null` or a number there): what a side sent under an undeclared name was never part of the contract (rules.rs, `optional_addition`)";

/// Every tolerance the oracle accepts, with its reason.
const EXCEPTIONS: &[Exception] = &[
    Exception {
        kind: Kind::EnumValueAdded,
        direction: Direction::Response,
        column: Column::Client,
        reason: "open enums: the generated clients read an unknown value as `Unknown(String)`",
    },
    Exception {
        kind: Kind::PropertyAdded,
        direction: Direction::Response,
        column: Column::Server,
        reason: UNDECLARED_MEMBERS,
    },
    Exception {
        kind: Kind::PropertyAdded,
        direction: Direction::Request,
        column: Column::Client,
        reason: UNDECLARED_MEMBERS,
    },
];

/// One version of the schema at a root, in one direction: its validator and the instances
/// built from it.
struct Version {
    validator: Validator,
    instances: Vec<Value>,
}

impl Version {
    fn of(spec: &Spec, root: &str, direction: Direction, parameter: bool) -> Version {
        let flow = flow(direction);
        let mut instances: Vec<Value> = Vec::new();
        let mut keep = |value: Value| {
            if !instances.contains(&value) {
                instances.push(value);
            }
        };
        let node = spec.document.pointer(root);
        if let Some(value) = node.and_then(|n| valid(spec, n, flow)) {
            keep(value);
        }
        // The builder takes a union's first alternative and the probe does not walk
        // alternatives: an instance of each, so that a member added or removed can show.
        let alternatives = ["oneOf", "anyOf"]
            .iter()
            .filter_map(|key| node?.get(*key)?.as_array())
            .flatten();
        for alternative in alternatives {
            if let Some(value) = valid(spec, alternative, flow) {
                keep(value);
            }
        }
        let walk = Walk {
            direction: flow,
            parameter,
        };
        for probe in probes(spec, root, walk).unwrap_or_default() {
            keep(probe.valid);
            if let Some(invalid) = probe.invalid {
                keep(invalid);
            }
        }
        Version {
            validator: Validator::convert(spec, root, flow),
            instances,
        }
    }
}

fn flow(direction: Direction) -> schema_instances::Direction {
    match direction {
        Direction::Request => schema_instances::Direction::Request,
        Direction::Response => schema_instances::Direction::Response,
    }
}

/// Which column an instance valid (or not) under the old and the new schema shows broken.
fn broken(direction: Direction, old: bool, new: bool) -> Option<Column> {
    match (direction, old, new) {
        (Direction::Response, false, true) | (Direction::Request, true, false) => {
            Some(Column::Client)
        }
        (Direction::Response, true, false) | (Direction::Request, false, true) => {
            Some(Column::Server)
        }
        _ => None,
    }
}

/// The schema an edit's instances are built at: the component, or the inline `schema` of a
/// body, parameter or header (the edit generator does not follow `$ref`s below it).
fn schema_root(pointer: &str) -> String {
    let segments: Vec<&str> = pointer.split('/').collect();
    let end = if pointer.starts_with("/components/schemas/") {
        4
    } else {
        segments
            .iter()
            .position(|s| *s == "schema")
            .map_or(segments.len(), |i| i + 1)
    };
    segments[..end].join("/")
}

/// What the instances showed for one edit in one direction.
enum Observed {
    /// No validator compiled, or no instance is valid under either version.
    NoInstance(String),
    /// Per column, an instance that shows it broken.
    Witnesses(BTreeMap<Column, (Value, bool)>),
}

fn observe(old: &Version, new: &Version, direction: Direction) -> Observed {
    let mut witnesses = BTreeMap::new();
    let mut built = false;
    for instance in old.instances.iter().chain(&new.instances) {
        let (old_ok, new_ok) = match (
            old.validator.satisfied(instance),
            new.validator.satisfied(instance),
        ) {
            (Ok(o), Ok(n)) => (o, n),
            (Err(e), _) | (_, Err(e)) => {
                let e: String = e.chars().take(100).collect();
                return Observed::NoInstance(format!("a schema does not compile: {e}"));
            }
        };
        built |= old_ok || new_ok;
        if let Some(column) = broken(direction, old_ok, new_ok) {
            witnesses
                .entry(column)
                .or_insert_with(|| (instance.clone(), old_ok));
        }
    }
    if built {
        Observed::Witnesses(witnesses)
    } else {
        Observed::NoInstance("no instance is valid under either version".to_owned())
    }
}

/// The counts the test prints.
#[derive(Default)]
struct Tally {
    generated: usize,
    schema: usize,
    other: usize,
    checked: usize,
    no_instance: usize,
    /// Why no instance was built, per reason.
    no_instance_reasons: BTreeMap<String, usize>,
    excused: BTreeMap<&'static str, usize>,
    /// Edits with a breaking column no instance witnessed, by (kind, direction, column).
    unwitnessed: BTreeMap<(String, Direction, Column), usize>,
    disagreements: Vec<String>,
}

#[test]
fn every_schema_edit_agrees_with_the_instances_that_tell_old_from_new() {
    let mut tally = Tally::default();
    for (file, spec) in documents() {
        let mut edited = spec.clone();
        let mut old_versions: BTreeMap<(String, Direction), Version> = BTreeMap::new();
        for edit in edits_of(&spec.document) {
            tally.generated += 1;
            if edit.part != Part::Schema {
                tally.other += 1;
                continue;
            }
            tally.schema += 1;
            edited.document = edit.new.clone();
            check(&file, &spec, &edited, &edit, &mut old_versions, &mut tally);
        }
    }
    let percent = 100.0 * tally.checked as f64 / tally.schema.max(1) as f64;
    println!(
        "oracle: {} edits generated, {} schema edits ({} others not checked: media types, headers, parameters), every schema edit tried: {} checked, {} with no instance built ({percent:.1}% checked); {} disagreements",
        tally.generated,
        tally.schema,
        tally.other,
        tally.checked,
        tally.no_instance,
        tally.disagreements.len()
    );
    for (why, count) in &tally.no_instance_reasons {
        println!("  no instance in {count} (edit, direction) pairs: {why}");
    }
    for (reason, count) in &tally.excused {
        println!("  excused {count}: {reason}");
    }
    for ((kind, direction, column), count) in &tally.unwitnessed {
        println!(
            "  unwitnessed {count}: {kind} ({}) breaks {column:?} per spec-diff, no instance shows it",
            direction.as_str()
        );
    }
    assert!(
        tally.disagreements.is_empty(),
        "{} disagreements:\n{}",
        tally.disagreements.len(),
        tally.disagreements.join("\n")
    );
    assert!(
        percent >= FLOOR_PERCENT,
        "only {percent:.1}% of schema edits checked (floor {FLOOR_PERCENT}%)"
    );
}

/// Holds one schema edit to its instances, in every direction it matters in.
fn check(
    file: &str,
    old_spec: &Spec,
    new_spec: &Spec,
    edit: &Edit,
    old_versions: &mut BTreeMap<(String, Direction), Version>,
    tally: &mut Tally,
) {
    let changes = diff(&old_spec.document, &new_spec.document).unwrap();
    let mut directions: Vec<Direction> = changes.iter().map(|c| c.direction).collect();
    directions.sort();
    directions.dedup();
    if directions.is_empty() {
        directions = vec![Direction::Request, Direction::Response];
    }
    let root = schema_root(&edit.pointer);
    let parameter = matches!(location(&edit.pointer), "parameter" | "response header");
    let mut checked = true;
    for direction in directions {
        let old = old_versions
            .entry((root.clone(), direction))
            .or_insert_with(|| Version::of(old_spec, &root, direction, parameter));
        let new = Version::of(new_spec, &root, direction, parameter);
        let witnesses = match observe(old, &new, direction) {
            Observed::Witnesses(witnesses) => witnesses,
            Observed::NoInstance(why) => {
                *tally.no_instance_reasons.entry(why).or_default() += 1;
                checked = false;
                continue;
            }
        };
        let here: Vec<&Change> = changes
            .iter()
            .filter(|c| c.direction == direction)
            .collect();
        for column in [Column::Client, Column::Server] {
            let breaking: Vec<&Change> = here
                .iter()
                .copied()
                .filter(|c| column.of(c) == Severity::Breaking)
                .collect();
            match (witnesses.get(&column), breaking.is_empty()) {
                (Some((instance, valid_under_old)), true) => {
                    let exception = EXCEPTIONS.iter().find(|e| {
                        e.direction == direction
                            && e.column == column
                            && here.iter().any(|c| c.kind == e.kind)
                    });
                    match exception {
                        Some(e) => *tally.excused.entry(e.reason).or_default() += 1,
                        None => tally.disagreements.push(disagreement(
                            file,
                            edit,
                            direction,
                            column,
                            &here,
                            instance,
                            *valid_under_old,
                        )),
                    }
                }
                (None, false) => {
                    let mut kinds: Vec<&str> = breaking.iter().map(|c| c.kind.name()).collect();
                    kinds.sort();
                    kinds.dedup();
                    for kind in kinds {
                        let key = (kind.to_owned(), direction, column);
                        *tally.unwitnessed.entry(key).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
    }
    if checked {
        tally.checked += 1;
    } else {
        tally.no_instance += 1;
    }
}

fn disagreement(
    file: &str,
    edit: &Edit,
    direction: Direction,
    column: Column,
    changes: &[&Change],
    instance: &Value,
    valid_under_old: bool,
) -> String {
    let kinds: Vec<&str> = changes.iter().map(|c| c.kind.name()).collect();
    let (accepts, refuses) = if valid_under_old {
        ("old", "new")
    } else {
        ("new", "old")
    };
    let mut shown = instance.to_string();
    if shown.chars().count() > 200 {
        shown = format!("{}…", shown.chars().take(200).collect::<String>());
    }
    format!(
        "{file} #{}: {} {} ({}): spec-diff calls {column:?} compatible ({kinds:?}), but the {accepts} schema accepts and the {refuses} refuses {shown}",
        edit.pointer,
        edit.keyword,
        edit.change,
        direction.as_str()
    )
}
