//! Paths into a JSON document, and finding the field a refused definition's
//! message is about.
//!
//! serde gives the path where decoding stopped. For a definition checked as a
//! whole once it is read (a graph, a catalog, a calendar, a policy), that is
//! the definition itself. Each locator here reads the definition's fields as
//! written, runs the same check through the public builders to get the typed
//! error, and, when that error's message is the one decoding gave, maps it to
//! the field at fault in the input's own positions. A locator that can't read
//! the value, or gets another message, says nothing, and the path stays where
//! serde left it.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{NaiveDate, Weekday};
use serde::Deserialize;
use serde_json::Value;

use crate::calendar::{
    Arrangement, ArrangementNotice, CalendarError, DayRun, OfficeHours, OfficePeriod, WorkCalendar,
};
use crate::catalog::{ApprovalItem, CaseKind, CatalogError, DepartmentId, ItemCode, ItemType};
use crate::escalation::{
    Action, Cadence, EscalationError, EscalationPolicy, Level, Meetings, Rule, RuleId, SubjectKind,
    Trigger,
};
use crate::graph::{ApprovalGraph, GraphError, Stage, Step, StepId};
use crate::limit::{SpecialProcedure, TimeLimit};

/// One step of a path: a field of an object or a position in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Segment {
    Field(String),
    Index(usize),
}

/// A path from the root of a document: `steps[3].join.k`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Path(Vec<Segment>);

impl Path {
    /// The path serde_path_to_error tracked.
    pub(super) fn from_serde(path: &serde_path_to_error::Path) -> Path {
        use serde_path_to_error::Segment as S;
        Path(
            path.iter()
                .map(|s| match s {
                    S::Seq { index } => Segment::Index(*index),
                    S::Map { key } => Segment::Field(key.clone()),
                    S::Enum { variant } => Segment::Field(variant.clone()),
                    S::Unknown => Segment::Field("?".to_owned()),
                })
                .collect(),
        )
    }

    fn field(mut self, name: &str) -> Path {
        self.0.push(Segment::Field(name.to_owned()));
        self
    }

    fn index(mut self, i: usize) -> Path {
        self.0.push(Segment::Index(i));
        self
    }

    fn join(mut self, other: Path) -> Path {
        self.0.extend(other.0);
        self
    }

    /// The segments from the root.
    pub(super) fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// The path one segment further down.
    pub(super) fn child(mut self, segment: Segment) -> Path {
        self.0.push(segment);
        self
    }

    /// The value this path leads to in `root`.
    pub(super) fn find<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        self.0.iter().try_fold(root, |v, s| match s {
            Segment::Field(name) => v.get(name),
            Segment::Index(i) => v.get(i),
        })
    }

    /// Extends the path down to the field the message is about, when the
    /// value it leads to is a definition refused as a whole; gives back the
    /// message, less the position a catalog puts in front ("items[2]: "),
    /// which the path now says.
    pub(super) fn refine<'m>(&mut self, root: &Value, message: &'m str) -> &'m str {
        let Some(value) = self.find(root) else { return message };
        match locate(value, message) {
            Some((rest, message)) => {
                self.0.extend(rest.0);
                message
            }
            None => message,
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str(".");
        }
        for (n, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Field(name) if is_identifier(name) => {
                    if n > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Segment::Field(name) => write!(f, "[{}]", quoted(name))?,
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// Whether a field is written bare in a path: an ASCII identifier,
/// `[A-Za-z_][A-Za-z0-9_]*`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `name` as a JSON string, quotes included.
fn quoted(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The path, inside `value`, of the field `message` is about, and the
/// message to keep.
fn locate<'m>(value: &Value, message: &'m str) -> Option<(Path, &'m str)> {
    if let Some(found) = catalog(value, message) {
        return Some(found);
    }
    let locators: [fn(&Value, &str) -> Option<Path>; 7] =
        [graph, item, calendar, office_hours, overlay, policy, arrangement];
    locators.iter().find_map(|locator| locator(value, message)).map(|path| (path, message))
}

/// The position of the `n`-th (from 0) element of `list` whose `key` is `id`.
fn position(list: &Value, key: &str, id: &str, n: usize) -> Option<usize> {
    let list = list.as_array()?;
    list.iter()
        .enumerate()
        .filter(|(_, v)| v.get(key).and_then(Value::as_str) == Some(id))
        .nth(n)
        .map(|(i, _)| i)
}

/// The position of `item` in the list `value`, compared as JSON.
fn index_of(value: Option<&Value>, item: &Value) -> Option<usize> {
    value?.as_array()?.iter().position(|v| v == item)
}

// ---------------------------------------------------------------------------
// Graphs.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GraphForm {
    name: String,
    start: StepId,
    #[serde(default)]
    stages: Vec<Stage>,
    steps: Vec<Step>,
}

fn graph(value: &Value, message: &str) -> Option<Path> {
    let form = GraphForm::deserialize(value).ok()?;
    let mut builder = ApprovalGraph::builder(form.name, form.start);
    for stage in form.stages {
        builder = builder.stage(stage);
    }
    for step in form.steps {
        builder = builder.step(step);
    }
    let err = builder.build().err()?;
    if err.to_string() != message {
        return None;
    }
    let steps = &value["steps"];
    let step = |id: &StepId| {
        position(steps, "id", id.as_str(), 0).map(|i| Path::default().field("steps").index(i))
    };
    let path = match &err {
        GraphError::Empty | GraphError::TooManySteps { .. } => Path::default().field("steps"),
        GraphError::DuplicateStep { step: id, .. } => {
            let i = position(steps, "id", id.as_str(), 1)?;
            Path::default().field("steps").index(i).field("id")
        }
        GraphError::DuplicateStage { stage, .. } => {
            let i = position(&value["stages"], "id", stage.as_str(), 1)?;
            Path::default().field("stages").index(i).field("id")
        }
        GraphError::UnknownStep { step: missing, referenced_by, .. } => {
            let at = step(referenced_by)?;
            let after = at.find(value).and_then(|s| s.get("after"));
            let k = index_of(after, &Value::from(missing.as_str()))?;
            at.field("after").index(k)
        }
        GraphError::UnknownStage { step: id, .. }
        | GraphError::StartNotInFirstStage { step: id, .. } => step(id)?.field("stage"),
        GraphError::UnknownStart { .. } => Path::default().field("start"),
        GraphError::StartHasPredecessors { step: id, .. }
        | GraphError::Unreachable { step: id, .. } => step(id)?.field("after"),
        GraphError::Cycle { steps: ids, .. } => step(ids.first()?)?.field("after"),
        GraphError::JoinTooLarge { step: id, .. } | GraphError::JoinZero { step: id, .. } => {
            step(id)?.field("join").field("k")
        }
        GraphError::LimitNotWorkingDays { step: id, .. } => step(id)?.field("limit").field("unit"),
        GraphError::InvalidFallback { step: id, .. } => step(id)?.field("fallback"),
        _ => return None,
    };
    Some(path)
}

// ---------------------------------------------------------------------------
// Approval items and catalogs.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemForm {
    code: ItemCode,
    name: String,
    item_type: ItemType,
    department: DepartmentId,
    case_kind: CaseKind,
    statutory: TimeLimit,
    promised: TimeLimit,
    #[serde(default)]
    reference: Option<TimeLimit>,
    #[serde(default)]
    special_procedures: BTreeSet<SpecialProcedure>,
    #[serde(default)]
    extension: Option<TimeLimit>,
    #[serde(default)]
    delivery: Option<TimeLimit>,
}

fn item(value: &Value, message: &str) -> Option<Path> {
    let form = ItemForm::deserialize(value).ok()?;
    let mut builder = ApprovalItem::builder(form.code, form.name, form.department)
        .item_type(form.item_type)
        .case_kind(form.case_kind)
        .statutory(form.statutory)
        .promised(form.promised);
    if let Some(reference) = form.reference {
        builder = builder.reference(reference);
    }
    for procedure in form.special_procedures {
        builder = builder.special_procedure(procedure);
    }
    if let Some(extension) = form.extension {
        builder = builder.extension(extension);
    }
    if let Some(delivery) = form.delivery {
        builder = builder.delivery(delivery);
    }
    let err = builder.build().err()?;
    if err.to_string() != message {
        return None;
    }
    let path = Path::default();
    Some(match &err {
        CatalogError::EmptyName { .. } => path.field("name"),
        CatalogError::PromisedExceedsStatutory { .. } | CatalogError::InstantNotSameDay { .. } => {
            path.field("promised").field("amount")
        }
        CatalogError::UnitMismatch { field, .. } => path.field(field.as_str()).field("unit"),
        CatalogError::ExtensionNotWorkingDays { .. } => path.field("extension").field("unit"),
        CatalogError::DeliveryNotWorkingDays { .. } => path.field("delivery").field("unit"),
        _ => return None,
    })
}

fn catalog<'m>(value: &Value, message: &'m str) -> Option<(Path, &'m str)> {
    let items = value.get("items")?.as_array()?;
    // The catalog names the item's position itself: "items[2]: ...".
    let rest = message.strip_prefix("items[")?;
    let (index, rest) = rest.split_once("]: ")?;
    let index: usize = index.parse().ok()?;
    let entry = items.get(index)?;
    let at = Path::default().field("items").index(index);
    match serde_path_to_error::deserialize::<_, ApprovalItem>(entry) {
        Err(err) => {
            let inner = Path::from_serde(err.path());
            let inner_message = err.inner().to_string();
            let deeper = inner.find(entry).and_then(|v| locate_item(v, &inner_message));
            Some((at.join(inner).join(deeper.unwrap_or_default()), rest))
        }
        Ok(_) if rest.starts_with("duplicate item code") => Some((at.field("code"), rest)),
        Ok(_) => Some((at, rest)),
    }
}

fn locate_item(value: &Value, message: &str) -> Option<Path> {
    item(value, message)
}

fn overlay(value: &Value, message: &str) -> Option<Path> {
    let holidays = Vec::<NaiveDate>::deserialize(value.get("holidays")?).ok()?;
    let working = Vec::<NaiveDate>::deserialize(value.get("working_days")?).ok()?;
    // A set, so that locating stays linear in the lists' lengths.
    let holidays: BTreeSet<NaiveDate> = holidays.into_iter().collect();
    let i = working.iter().position(|date| {
        holidays.contains(date)
            && CalendarError::OverlayConflict { date: *date }.to_string() == message
    })?;
    Some(Path::default().field("working_days").index(i))
}

// ---------------------------------------------------------------------------
// Arrangements.

fn arrangement(value: &Value, message: &str) -> Option<Path> {
    let year = i32::deserialize(value.get("year")?).ok()?;
    let off = match value.get("off") {
        Some(v) => Vec::<DayRun>::deserialize(v).ok()?,
        None => Vec::new(),
    };
    let days = match value.get("make_up_days") {
        Some(v) => Vec::<NaiveDate>::deserialize(v).ok()?,
        None => Vec::new(),
    };
    let notices = match value.get("notices") {
        Some(v) => Vec::<ArrangementNotice>::deserialize(v).ok()?,
        None => Vec::new(),
    };
    let err = Arrangement::new(year, off.iter().copied(), days.iter().copied())
        .and_then(|a| notices.iter().try_fold(a, |a, n| a.with_notice(n.clone())))
        .err()?;
    if err.to_string() != message {
        return None;
    }
    let day_at = |date: &NaiveDate| {
        let i = days.iter().position(|d| d == date)?;
        Some(Path::default().field("make_up_days").index(i))
    };
    match &err {
        CalendarError::UnsupportedYear { .. } => Some(Path::default().field("year")),
        CalendarError::ArrangementDateOutsideYear { date, .. } => day_at(date).or_else(|| {
            let i = off.iter().position(|r| r.first() == *date || r.last() == *date)?;
            Some(Path::default().field("off").index(i))
        }),
        CalendarError::MakeUpDayNotWeekend { date, .. }
        | CalendarError::HolidayAndMakeUpDay { date } => day_at(date),
        CalendarError::NoticeAfterYear { number, issued, .. } => {
            let i =
                notices.iter().position(|n| n.number() == number && n.issued() == Some(*issued))?;
            Some(Path::default().field("notices").index(i))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Calendars.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarForm {
    first_year: i32,
    last_year: i32,
    #[serde(default = "weekend")]
    weekend: Vec<Weekday>,
    #[serde(default)]
    holidays: Vec<NaiveDate>,
    #[serde(default)]
    make_up_days: Vec<NaiveDate>,
    #[serde(default)]
    office_hours: OfficeHours,
    #[serde(default)]
    #[allow(dead_code)] // read so that the form accepts it; checked by decoding
    utc_offset: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)] // read so that the form accepts it; checked by decoding
    published_through: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)] // read so that the form accepts it; checked by decoding
    arrangements: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)] // read so that the form accepts it; checked by decoding
    agency_day_end: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)] // read so that the form accepts it; checked by decoding
    applicant_day_end: Option<Value>,
}

fn weekend() -> Vec<Weekday> {
    vec![Weekday::Sat, Weekday::Sun]
}

fn calendar(value: &Value, message: &str) -> Option<Path> {
    let form = CalendarForm::deserialize(value).ok()?;
    let err = WorkCalendar::builder(form.first_year..=form.last_year)
        .weekend(form.weekend)
        .holidays(form.holidays)
        .make_up_days(form.make_up_days)
        .office_hours(form.office_hours)
        .build()
        .err()?;
    if err.to_string() != message {
        return None;
    }
    let date_in = |list: &str, date: &NaiveDate| {
        let i = index_of(value.get(list), &Value::from(date.to_string()))?;
        Some(Path::default().field(list).index(i))
    };
    match &err {
        CalendarError::EmptyYears { .. }
        | CalendarError::TooManyYears { .. }
        | CalendarError::UnsupportedYear { .. } => Some(Path::default().field("last_year")),
        CalendarError::HolidayAndMakeUpDay { date, .. }
        | CalendarError::MakeUpDayNotWeekend { date, .. } => date_in("make_up_days", date),
        CalendarError::DateOutOfRange { date, .. } => {
            date_in("holidays", date).or_else(|| date_in("make_up_days", date))
        }
        _ => None,
    }
}

fn office_hours(value: &Value, message: &str) -> Option<Path> {
    let periods = Vec::<OfficePeriod>::deserialize(value).ok()?;
    let err = OfficeHours::new(periods.iter().copied()).err()?;
    if err.to_string() != message {
        return None;
    }
    match err {
        CalendarError::OverlappingOfficeHours { second, .. } => {
            let i = periods.iter().position(|p| *p == second)?;
            Some(Path::default().index(i))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Escalation policies.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyForm {
    rules: Vec<RuleForm>,
    #[serde(default)]
    meetings: Meetings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleForm {
    id: String,
    trigger: Trigger,
    level: String,
    action: String,
    #[serde(default = "all_subjects")]
    subjects: BTreeSet<SubjectKind>,
}

fn all_subjects() -> BTreeSet<SubjectKind> {
    SubjectKind::ALL.into_iter().collect()
}

fn policy(value: &Value, message: &str) -> Option<Path> {
    let form = PolicyForm::deserialize(value).ok()?;
    let rule_at = |i: usize| Path::default().field("rules").index(i);
    let mut rules = Vec::with_capacity(form.rules.len());
    for (i, raw) in form.rules.iter().enumerate() {
        let level = Level::deserialize(Value::from(raw.level.as_str()));
        let action = Action::deserialize(Value::from(raw.action.as_str()));
        if level.is_err() && message.contains(&format!("unknown level {:?}", raw.level)) {
            return Some(rule_at(i).field("level"));
        }
        if action.is_err() && message.contains(&format!("unknown action {:?}", raw.action)) {
            return Some(rule_at(i).field("action"));
        }
        let id = RuleId::new(&raw.id).ok()?;
        rules.push(
            Rule::new(id, raw.trigger, level.ok()?, action.ok()?)
                .for_subjects(raw.subjects.iter().copied()),
        );
    }
    let err = EscalationPolicy::new(rules, form.meetings).err()?;
    if err.to_string() != message {
        return None;
    }
    let rule = |id: &RuleId, n| position(&value["rules"], "id", id.as_str(), n).map(rule_at);
    match &err {
        EscalationError::DuplicateRule { rule: id, .. } => Some(rule(id, 1)?.field("id")),
        EscalationError::NeverFires { rule: id, .. } => Some(rule(id, 0)?.field("subjects")),
        EscalationError::PercentOutOfRange { rule: id, .. }
        | EscalationError::ThresholdsOutOfOrder { rule: id, .. } => {
            Some(rule(id, 0)?.field("trigger").field("percent"))
        }
        EscalationError::InvalidCadence { .. } => {
            let meetings = value.get("meetings")?;
            ["routine", "thematic", "joint", "tea"].into_iter().find_map(|name| {
                let cadence = Cadence::deserialize(meetings.get(name)?).ok()?;
                let fault = cadence.check().err()?;
                (fault.to_string() == message)
                    .then(|| Path::default().field("meetings").field(name))
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segments: &[Segment]) -> String {
        Path(segments.to_vec()).to_string()
    }

    fn field(name: &str) -> Segment {
        Segment::Field(name.to_owned())
    }

    #[test]
    fn identifiers_are_written_bare_and_the_root_as_a_dot() {
        assert_eq!(path(&[]), ".");
        assert_eq!(
            path(&[field("steps"), Segment::Index(3), field("join"), field("k")]),
            "steps[3].join.k"
        );
        assert_eq!(path(&[Segment::Index(1), field("_a9")]), "[1]._a9");
    }

    #[test]
    fn other_fields_are_written_in_brackets_as_json_strings() {
        assert_eq!(path(&[field("")]), r#"[""]"#);
        assert_eq!(path(&[field("a"), field("")]), r#"a[""]"#);
        assert_eq!(path(&[field("a.b")]), r#"["a.b"]"#);
        assert_eq!(path(&[field("a"), field("[0]")]), r#"a["[0]"]"#);
        assert_eq!(path(&[field("]"), field("b")]), r#"["]"].b"#);
        assert_eq!(path(&[field(r#"say "hi"\"#)]), r#"["say \"hi\"\\"]"#);
        assert_eq!(path(&[field("a\nb\u{1}")]), r#"["a\nb\u0001"]"#);
        assert_eq!(path(&[field("XK-1"), field("9a")]), r#"["XK-1"]["9a"]"#);
        // Identifiers are ASCII: other letters are quoted, as written.
        assert_eq!(path(&[field("items"), field("名称")]), r#"items["名称"]"#);
        // Distinct paths stay distinct.
        assert_ne!(path(&[field("a.b")]), path(&[field("a"), field("b")]));
        assert_ne!(path(&[field("a[0]")]), path(&[field("a"), Segment::Index(0)]));
    }
}
