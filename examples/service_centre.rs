//! The crate's main example: a county administrative service centre (行政服务
//! 中心) over January–April 2022, on the real 2022 calendar, with everything
//! run through shenpi's machines and summed up the way a city reports its
//! approval reform (DOMAIN §1: "186 matters, promised 3.21 working days on
//! average, handled in 0.21").
//!
//! **The caseload is synthetic.** A small seeded generator (splitmix64, in
//! this file) makes several hundred applications over a catalog of
//! real-world item types in thirteen departments: most instant (即办件) or
//! handled within hours, some with a correction notice (补正), some
//! suspended for a special procedure the item allows (art. 45), a rare
//! extension (art. 42), a few late and a couple past the statutory limit.
//! The same seed gives the same output on every run; no figure is real.
//! Besides the cases there are four key projects (重点项目) with agents
//! (代办员) running parallel-approval graphs, one of them stalled on an
//! environmental review, and a dozen tickets at the "can't get it done"
//! window (办不成事窗口).
//!
//! Every application is driven through [`Case`] commands by actors in their
//! roles (applicant or agent, window clerk, reviewer, department head);
//! every project through [`GraphRun`] commands; every ticket through
//! [`Ticket`] commands. Then the decided cases, runs and tickets feed the
//! report: the city's table, the department ranking with its laggards, and
//! the open escalations of the default policy at 17:00 on Friday 29 April
//! 2022, the last working day of the period. The report is written as JSON
//! and the promised-versus-actual chart per department as SVG under
//! `target/service_centre/` (or `$CARGO_TARGET_DIR/service_centre/`).
//!
//! Run with `cargo run --example service_centre`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta};
use serde::Serialize;
use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, Decision};
use shenpi::catalog::{ApprovalItem, CaseKind, Catalog, DepartmentId, ItemCode};
use shenpi::escalation::{EscalationPolicy, Level, Notice, Supervised, SupervisionLog};
use shenpi::graph::{ApprovalGraph, RunCommand, RunEvent, Stage, StageId, Step, StepId};
use shenpi::limit::{LimitUnit, SpecialProcedure, SuspensionKind, TimeLimit};
use shenpi::machine::{Actor, ActorId, Role};
use shenpi::project::{BattleMap, KeyProject, ProjectId, ProjectLevel};
use shenpi::report::{
    CaseFacts, CaseReport, DateRange, GroupBy, GroupKey, Indicator, Laggards, Placement, Ranking,
    RankingSpec, ReportRow, ReportSpec, ReportSummary, RunReport, RunSummary, TicketReport,
    TicketSummary,
};
use shenpi::ticket::{
    Assignment, Owner, Ticket, TicketClass, TicketCommand, TicketContext, TicketEvent, TicketId,
    TicketSource,
};

type Error = Box<dyn std::error::Error>;
type Instant = DateTime<FixedOffset>;

/// The generator's seed: change it for another (equally synthetic) season.
const SEED: u64 = 20_220_104;

/// The end of the period, when the open work is looked at: Friday 29 April
/// 2022, 17:00, the last working day before the Labour Day holiday.
const END: &str = "2022-04-29T17:00:00+08:00";

/// Seconds in a working day of the centre's office hours (08:30–12:00,
/// 14:30–17:30).
const DAY: f64 = 6.5 * 3600.0;

// ---------------------------------------------------------------------------
// A small deterministic generator (splitmix64): no `rand` crate needed.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A number in `low..high`.
    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        // 53 random bits give a float in [0, 1).
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        low + unit * (high - low)
    }

    /// True `per_mille` times in a thousand.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

// ---------------------------------------------------------------------------
// The departments and the catalog.

/// A department: short code, name, how fast it works (a multiplier on
/// handling time) and how often it runs late (per mille of its cases).
struct Dept {
    code: &'static str,
    name: &'static str,
    pace: f64,
    late_per_mille: u64,
}

const DEPTS: [Dept; 13] = [
    Dept { code: "SC", name: "市场监管局", pace: 0.6, late_per_mille: 5 },
    Dept { code: "ZR", name: "自然资源局", pace: 1.4, late_per_mille: 45 },
    Dept { code: "ZJ", name: "住建局", pace: 1.3, late_per_mille: 30 },
    Dept { code: "HJ", name: "生态环境局", pace: 1.2, late_per_mille: 25 },
    Dept { code: "JT", name: "交通运输局", pace: 0.8, late_per_mille: 10 },
    Dept { code: "GA", name: "公安局", pace: 0.5, late_per_mille: 5 },
    Dept { code: "RS", name: "人社局", pace: 0.6, late_per_mille: 5 },
    Dept { code: "WJ", name: "卫健委", pace: 0.9, late_per_mille: 10 },
    Dept { code: "JY", name: "教育局", pace: 1.2, late_per_mille: 15 },
    Dept { code: "MZ", name: "民政局", pace: 1.0, late_per_mille: 30 },
    Dept { code: "SW", name: "税务局", pace: 0.4, late_per_mille: 3 },
    Dept { code: "YB", name: "医保局", pace: 0.5, late_per_mille: 5 },
    Dept { code: "FG", name: "发改局", pace: 0.5, late_per_mille: 5 },
];

/// One row of the catalog: department index, name, statutory, promised and
/// reference (provincial) limits, the art. 45 procedures its cases may use,
/// and how often it is applied for (a weight).
struct ItemRow {
    dept: usize,
    name: &'static str,
    statutory: TimeLimit,
    promised: TimeLimit,
    reference: TimeLimit,
    procedures: &'static [SpecialProcedure],
    weight: u64,
}

/// The catalog. Statutory limits follow the law where one is cited: the
/// Administrative Licensing Law's 20 working days (art. 42) for licences
/// without their own; 市场主体登记管理条例 art. 19 (3 working days);
/// 不动产登记暂行条例 art. 20 (30 working days); 建设工程消防设计审查验收管理
/// 暂行规定 (15 working days); 建筑工程施工许可管理办法 art. 5 (7 days) and
/// 环境影响评价法 art. 22 (30 days for a report form), both natural days.
/// The other limits, and every promised and reference limit, are
/// illustrative values of the kind county catalogs publish. A promise of 0
/// working days is an instant item (即办件), decided the same day.
fn catalog_rows() -> Vec<ItemRow> {
    use SpecialProcedure::{ExpertReview, Hearing, Inspection, Testing};
    let wd = TimeLimit::working_days;
    let nd = TimeLimit::natural_days;
    let row = |dept, name, statutory, promised, reference, procedures, weight| ItemRow {
        dept,
        name,
        statutory,
        promised,
        reference,
        procedures,
        weight,
    };
    vec![
        row(0, "个体工商户设立登记", wd(3), wd(0), wd(1), &[], 30),
        row(0, "企业设立登记", wd(3), wd(1), wd(2), &[], 18),
        row(0, "食品经营许可", wd(20), wd(5), wd(10), &[Inspection], 16),
        row(0, "药品零售企业许可", wd(20), wd(10), wd(15), &[Inspection], 4),
        row(0, "特种设备使用登记", wd(15), wd(3), wd(5), &[], 4),
        row(1, "不动产转移登记", wd(30), wd(3), wd(5), &[], 22),
        row(1, "不动产抵押登记", wd(30), wd(1), wd(3), &[], 10),
        row(1, "建设用地规划许可证核发", wd(20), wd(3), wd(7), &[], 4),
        row(1, "建设工程规划许可证核发", wd(20), wd(5), wd(10), &[ExpertReview, Hearing], 5),
        row(1, "建设项目用地预审与选址意见书", wd(20), wd(7), wd(10), &[], 2),
        row(2, "建筑工程施工许可证核发", nd(7), nd(3), nd(5), &[], 5),
        row(2, "建设工程消防设计审查", wd(15), wd(5), wd(10), &[ExpertReview], 4),
        row(2, "建设工程消防验收", wd(15), wd(7), wd(10), &[Testing], 3),
        row(2, "商品房预售许可", wd(10), wd(3), wd(7), &[], 2),
        row(2, "城镇污水排入排水管网许可", wd(20), wd(3), wd(7), &[], 3),
        row(3, "建设项目环境影响报告表审批", nd(30), nd(10), nd(20), &[ExpertReview], 4),
        row(3, "排污许可证核发", wd(20), wd(5), wd(10), &[Inspection], 4),
        row(4, "道路货物运输经营许可", wd(20), wd(3), wd(10), &[], 6),
        row(4, "道路运输证配发", wd(5), wd(0), wd(1), &[], 8),
        row(4, "公路超限运输许可", wd(15), wd(2), wd(5), &[], 3),
        row(5, "户口迁移（迁入）", wd(20), wd(1), wd(5), &[], 14),
        row(5, "居住证签发", wd(15), wd(5), wd(10), &[], 8),
        row(5, "无犯罪记录证明", wd(3), wd(0), wd(1), &[], 10),
        row(6, "社会保障卡申领", wd(10), wd(0), wd(1), &[], 18),
        row(6, "失业保险金申领", wd(10), wd(3), wd(5), &[], 6),
        row(6, "人力资源服务许可", wd(20), wd(5), wd(10), &[], 1),
        row(7, "公共场所卫生许可", wd(20), wd(3), wd(10), &[Inspection], 7),
        row(7, "医师执业注册", wd(20), wd(5), wd(10), &[], 3),
        row(8, "教师资格认定", wd(30), wd(10), wd(20), &[], 4),
        row(8, "民办学校办学许可证换发", wd(20), wd(5), wd(10), &[], 1),
        row(9, "最低生活保障审核确认", wd(10), wd(5), wd(10), &[Inspection], 4),
        row(9, "残疾人两项补贴审批", wd(20), wd(5), wd(10), &[], 3),
        row(10, "发票领用", wd(5), wd(0), wd(1), &[], 12),
        row(10, "增值税专用发票最高开票限额审批", wd(20), wd(2), wd(5), &[Inspection], 4),
        row(11, "异地就医备案", wd(5), wd(0), wd(1), &[], 10),
        row(11, "基本医疗保险关系转移接续", wd(15), wd(5), wd(10), &[], 4),
        row(12, "企业投资项目备案", wd(3), wd(1), wd(2), &[], 2),
    ]
}

/// The catalog's items, in row order, with their weights.
fn build_items() -> Result<Vec<(ApprovalItem, u64)>, Error> {
    let mut per_dept = [0u32; DEPTS.len()];
    let mut items = Vec::new();
    for row in catalog_rows() {
        let dept = &DEPTS[row.dept];
        per_dept[row.dept] += 1;
        let code = format!("{}-{:02}", dept.code, per_dept[row.dept]);
        let instant = row.promised.amount() == 0;
        let item =
            ApprovalItem::builder(ItemCode::new(&code)?, row.name, DepartmentId::new(dept.name)?)
                .case_kind(if instant { CaseKind::Instant } else { CaseKind::Promised })
                .statutory(row.statutory)
                .promised(row.promised)
                .reference(row.reference)
                .special_procedures(row.procedures.iter().copied())
                .build()?;
        items.push((item, row.weight));
    }
    Ok(items)
}

// ---------------------------------------------------------------------------
// Actors and time.

fn actor(id: &str, role: Role) -> Result<Actor, Error> {
    Ok(Actor::new(ActorId::new(id)?, role))
}

fn at(text: &str) -> Result<Instant, Error> {
    Ok(DateTime::parse_from_rfc3339(text)?)
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, Error> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("no date {y}-{m}-{d}").into())
}

/// `days` working days (fractional, over office hours) after `t`.
fn work(cal: &WorkCalendar, t: Instant, days: f64) -> Result<Instant, Error> {
    // Non-negative and far below u64::MAX: the cast is exact enough.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let seconds = (days.max(0.0) * DAY).round() as u64;
    Ok(cal.add_working_seconds(&t, seconds)?)
}

/// `minutes` working minutes after `t`.
fn minutes(cal: &WorkCalendar, t: Instant, minutes: u64) -> Result<Instant, Error> {
    Ok(cal.add_working_seconds(&t, minutes * 60)?)
}

/// An instant on `day` at `minute` minutes into its office hours.
fn office_minute(cal: &WorkCalendar, day: NaiveDate, minute: u64) -> Result<Instant, Error> {
    let of_day = if minute < 210 { 8 * 60 + 30 + minute } else { 14 * 60 + 30 + minute - 210 };
    let time = NaiveTime::from_hms_opt(u32::try_from(of_day / 60)?, u32::try_from(of_day % 60)?, 0)
        .ok_or("office minute out of the day")?;
    Ok(cal.instant(day, time)?)
}

/// A limit's length in working days, roughly, for sampling handling times.
fn as_working_days(limit: TimeLimit) -> f64 {
    match limit.unit() {
        LimitUnit::NaturalDays => f64::from(limit.amount()) * 5.0 / 7.0,
        LimitUnit::WorkingHours => f64::from(limit.amount()) / 6.5,
        // About 30.4 natural days a month, five working days in seven.
        LimitUnit::Months => f64::from(limit.amount()) * 30.4 * 5.0 / 7.0,
        LimitUnit::WorkingDays => f64::from(limit.amount()),
    }
}

// ---------------------------------------------------------------------------
// The caseload.

/// Who works at the centre.
struct Staff {
    clerks: Vec<Actor>,
    reviewers: Vec<Actor>,
    heads: Vec<Actor>,
}

impl Staff {
    fn new() -> Result<Staff, Error> {
        let clerks = (1..=6)
            .map(|i| actor(&format!("clerk-{i:02}"), Role::WindowClerk))
            .collect::<Result<_, _>>()?;
        let reviewers = DEPTS
            .iter()
            .map(|d| actor(&format!("reviewer-{}", d.code.to_lowercase()), Role::Reviewer))
            .collect::<Result<_, _>>()?;
        let heads = DEPTS
            .iter()
            .map(|d| actor(&format!("head-{}", d.code.to_lowercase()), Role::DepartmentHead))
            .collect::<Result<_, _>>()?;
        Ok(Staff { clerks, reviewers, heads })
    }
}

/// A case's whole script, received at `received` by `applicant`; a
/// promised case is handled in `handling` working days of office time, or
/// as the generator draws.
#[allow(clippy::too_many_arguments)]
fn script_case(
    rng: &mut Rng,
    cal: &WorkCalendar,
    staff: &Staff,
    item: &ApprovalItem,
    dept: usize,
    applicant: &Actor,
    received: Instant,
    handling: Option<f64>,
) -> Result<Vec<CaseEvent>, Error> {
    let clerk = &staff.clerks[usize::try_from(rng.below(6))?];
    let reviewer = &staff.reviewers[dept];
    let mut events = vec![CaseEvent::new(applicant.clone(), received, CaseCommand::Receive)];
    if item.case_kind() == CaseKind::Instant {
        // Decided on the spot (art. 34), then handed over.
        let t = minutes(cal, received, 8 + rng.below(30))?;
        events.push(CaseEvent::new(
            clerk.clone(),
            t,
            CaseCommand::ConcludeOnTheSpot { decision: Decision::Approved },
        ));
        let t = minutes(cal, t, 2 + rng.below(8))?;
        events.push(CaseEvent::new(clerk.clone(), t, CaseCommand::Deliver));
        return Ok(events);
    }
    let mut t = received;
    if rng.chance(120) {
        // One notice listing everything missing (art. 32), then the
        // applicant comes back with it.
        t = minutes(cal, t, 8 + rng.below(20))?;
        let missing = match rng.below(3) {
            0 => vec!["法定代表人身份证明".to_string()],
            1 => vec!["场所使用证明".to_string(), "平面布局图".to_string()],
            _ => vec!["申请表签字页".to_string()],
        };
        events.push(CaseEvent::new(clerk.clone(), t, CaseCommand::RequestCorrection { missing }));
        t = work(cal, t, rng.uniform(0.3, 2.5))?;
        events.push(CaseEvent::new(applicant.clone(), t, CaseCommand::SubmitCorrection));
    }
    t = minutes(cal, t, 5 + rng.below(20))?;
    events.push(CaseEvent::new(clerk.clone(), t, CaseCommand::Accept));
    t = minutes(cal, t, 5 + rng.below(40))?;
    events.push(CaseEvent::new(reviewer.clone(), t, CaseCommand::StartHandling));

    let promised = as_working_days(item.promised());
    let statutory = as_working_days(item.statutory());
    let pace = DEPTS[dept].pace;
    let days = handling.unwrap_or_else(|| {
        if rng.chance(DEPTS[dept].late_per_mille) && statutory - promised >= 3.0 {
            // Late: one to two working days past the promise, within the law.
            promised + rng.uniform(1.2, 2.8)
        } else {
            let q = rng.below(100);
            let d = if q < 75 {
                rng.uniform(0.02, 0.12)
            } else if q < 92 {
                rng.uniform(0.12, 0.4)
            } else if q < 98 {
                rng.uniform(0.4, 1.2_f64.min(promised))
            } else {
                rng.uniform(0.3, 0.7) * promised
            };
            (d * pace).min(0.95 * promised)
        }
    });

    let procedure = item.special_procedures().iter().next().copied();
    let extend = days > promised && rng.chance(250);
    if let (Some(procedure), true) = (procedure, rng.chance(200)) {
        // A special procedure (art. 45) stops the clock half-way.
        t = work(cal, t, days / 2.0)?;
        let reason = SuspensionKind::SpecialProcedure { procedure };
        events.push(CaseEvent::new(reviewer.clone(), t, CaseCommand::Suspend { reason }));
        t = work(cal, t, rng.uniform(2.0, 6.0))?;
        events.push(CaseEvent::new(reviewer.clone(), t, CaseCommand::Resume));
        t = work(cal, t, days / 2.0)?;
    } else if extend {
        // The head extends with a written reason (art. 42) before the
        // promise runs out.
        let e = work(cal, t, promised * 0.8)?;
        events.push(CaseEvent::new(
            staff.heads[dept].clone(),
            e,
            CaseCommand::Extend { working_days: 5, reason: "现场核查需补充测绘".into() },
        ));
        t = work(cal, t, days)?;
    } else {
        t = work(cal, t, days)?;
    }
    let decision = match rng.below(100) {
        0..=3 => Decision::Denied,
        4..=6 => Decision::ApprovedWithDeficiency,
        _ => Decision::Approved,
    };
    events.push(CaseEvent::new(reviewer.clone(), t, CaseCommand::Conclude { decision }));
    let t = work(cal, t, rng.uniform(0.05, 0.5))?;
    events.push(CaseEvent::new(clerk.clone(), t, CaseCommand::Deliver));
    Ok(events)
}

/// Runs a script through the case machine, stopping at `end`: what comes
/// later has not happened yet, and the case is still open.
fn drive(
    id: &str,
    item: &ApprovalItem,
    cal: &WorkCalendar,
    events: &[CaseEvent],
    end: Instant,
) -> Result<Case, Error> {
    let ctx = CaseContext::new(item, cal);
    let first = events.first().ok_or("a case starts with its receipt")?;
    let (mut case, _) = Case::receive(CaseId::new(id)?, &ctx, first)?;
    for event in events[1..].iter().take_while(|e| e.at <= end) {
        case.apply(&ctx, event)?;
    }
    Ok(case)
}

/// A case of the caseload, with where it belongs.
struct Filed {
    case: Case,
    item: usize,
    project: Option<ProjectId>,
}

/// The synthetic caseload: every working day from 4 January to 29 April
/// 2022, a few applications during office hours.
fn caseload(
    rng: &mut Rng,
    cal: &WorkCalendar,
    staff: &Staff,
    items: &[(ApprovalItem, u64)],
    end: Instant,
) -> Result<Vec<Filed>, Error> {
    let total_weight: u64 = items.iter().map(|(_, w)| w).sum();
    let agents = ["agent-lin", "agent-chen", "agent-wu", "agent-zheng"]
        .iter()
        .map(|id| actor(id, Role::Agent))
        .collect::<Result<Vec<_>, _>>()?;
    let mut filed = Vec::new();
    let mut day = date(2022, 1, 4)?;
    let last = cal.to_civil(&end).date();
    let mut n = 0u32;
    // Two files are found stuck by supervision: the first promised cases
    // filed after these numbers are decided past the statutory limit.
    let mut stuck = [77, 227].into_iter().peekable();
    while day <= last {
        if cal.is_working_day(day)? {
            for _ in 0..3 + rng.below(5) {
                n += 1;
                let mut pick = rng.below(total_weight);
                let index = items
                    .iter()
                    .position(|(_, w)| {
                        let hit = pick < *w;
                        pick = pick.saturating_sub(*w);
                        hit
                    })
                    .ok_or("the weights cover every pick")?;
                let item = &items[index].0;
                let dept = DEPTS
                    .iter()
                    .position(|d| d.name == item.department().as_str())
                    .ok_or("every item has a department")?;
                let applicant = if rng.chance(80) {
                    agents[usize::try_from(rng.below(4))?].clone()
                } else {
                    actor(&format!("applicant-{n:04}"), Role::Applicant)?
                };
                let instant = item.case_kind() == CaseKind::Instant;
                let minute = if instant {
                    // Early enough to be decided before the office closes.
                    let m = rng.below(270);
                    if m < 150 {
                        m
                    } else {
                        m + 60
                    }
                } else {
                    rng.below(370)
                };
                let received = office_minute(cal, day, minute)?;
                let handling = match stuck.peek() {
                    Some(&s) if n >= s && !instant => {
                        stuck.next();
                        Some(as_working_days(item.statutory()) + 1.5)
                    }
                    _ => None,
                };
                let events =
                    script_case(rng, cal, staff, item, dept, &applicant, received, handling)?;
                let id = format!("SC-2022-{n:04}");
                filed.push(Filed {
                    case: drive(&id, item, cal, &events, end)?,
                    item: index,
                    project: None,
                });
            }
        }
        day = day.succ_opt().ok_or("no next day")?;
    }
    Ok(filed)
}

// ---------------------------------------------------------------------------
// Key projects: parallel approval with agents.

/// The pre-construction graph every key project runs: filing; land-use
/// planning permit and environmental review in parallel; the planning
/// permit; fire design review and drainage permit in parallel; the
/// construction permit. Three stages, each with a lead department.
fn project_graph(
    name: &str,
    codes: &BTreeMap<&str, &ApprovalItem>,
) -> Result<ApprovalGraph, Error> {
    let stage = |id: &str, name: &str, lead: &str, days| -> Result<(Stage, StageId), Error> {
        let sid = StageId::new(id)?;
        Ok((
            Stage::new(sid.clone(), name, DepartmentId::new(lead)?, TimeLimit::working_days(days)),
            sid,
        ))
    };
    let (s1, land) = stage("land-use", "立项用地规划许可", "发改局", 12)?;
    let (s2, works) = stage("engineering", "工程建设许可", "自然资源局", 6)?;
    let (s3, build) = stage("construction", "施工许可", "住建局", 8)?;
    let step = |id: &str, item: &str, after: &[&str], stage: &StageId| -> Result<Step, Error> {
        let item = codes.get(item).ok_or_else(|| format!("no item {item}"))?;
        // A natural-day (or month) promise as working days, rounded up.
        let promised = item.promised();
        let limit = match promised.unit() {
            LimitUnit::NaturalDays => (promised.amount() * 5).div_ceil(7),
            LimitUnit::Months => promised.amount() * 22,
            _ => promised.amount(),
        };
        Ok(Step::new(
            StepId::new(id)?,
            item.code().clone(),
            item.department().clone(),
            TimeLimit::working_days(limit),
        )
        .named(item.name())
        .after(after.iter().map(|a| StepId::new(a)).collect::<Result<Vec<_>, _>>()?)
        .in_stage(stage.clone()))
    };
    Ok(ApprovalGraph::builder(name, StepId::new("filing")?)
        .stage(s1)
        .stage(s2)
        .stage(s3)
        .step(step("filing", "FG-01", &[], &land)?)
        .step(step("land-permit", "ZR-03", &["filing"], &land)?)
        .step(step("environment", "HJ-01", &["filing"], &land)?)
        .step(step("planning-permit", "ZR-04", &["land-permit"], &works)?)
        .step(step("fire-design", "ZJ-02", &[], &build)?)
        .step(step("drainage", "ZJ-05", &[], &build)?)
        .step(step("permit", "ZJ-01", &["drainage", "fire-design"], &build)?)
        .build()?)
}

/// A key project's plan: when it starts, and how long each step takes in
/// working days (`None`: still under review at the end of the period).
struct ProjectPlan {
    id: &'static str,
    name: &'static str,
    level: ProjectLevel,
    enterprise: &'static str,
    agent: &'static str,
    start: &'static str,
    days: [(&'static str, Option<f64>); 7],
}

fn project_plans() -> [ProjectPlan; 4] {
    let days = |f, l, e, p, fd, d, pm| {
        [
            ("filing", f),
            ("land-permit", l),
            ("environment", e),
            ("planning-permit", p),
            ("fire-design", fd),
            ("drainage", d),
            ("permit", pm),
        ]
    };
    [
        ProjectPlan {
            id: "KP-01",
            name: "竹木制品产业园",
            level: ProjectLevel::Municipal,
            enterprise: "某竹业科技有限公司",
            agent: "agent-lin",
            start: "2022-02-08T09:00:00+08:00",
            days: days(Some(0.2), Some(1.4), Some(4.5), Some(2.2), Some(2.5), Some(0.8), Some(1.1)),
        },
        ProjectPlan {
            id: "KP-02",
            name: "酒业扩建",
            level: ProjectLevel::Provincial,
            enterprise: "某酒业有限公司",
            agent: "agent-chen",
            start: "2022-03-21T09:00:00+08:00",
            days: days(Some(0.1), Some(1.8), Some(5.5), Some(3.0), Some(3.5), Some(1.5), Some(1.2)),
        },
        ProjectPlan {
            id: "KP-03",
            name: "冷链物流中心",
            level: ProjectLevel::Municipal,
            enterprise: "某物流有限公司",
            agent: "agent-wu",
            start: "2022-03-07T09:00:00+08:00",
            days: days(Some(0.3), Some(2.0), None, None, None, None, None),
        },
        ProjectPlan {
            id: "KP-04",
            name: "光伏组件厂",
            level: ProjectLevel::Provincial,
            enterprise: "某新能源有限公司",
            agent: "agent-zheng",
            start: "2022-04-21T09:00:00+08:00",
            days: days(Some(0.2), Some(0.9), None, None, None, None, None),
        },
    ]
}

/// Runs one key project: each step is a case the agent files, and the
/// run's step starts at the case's acceptance and ends at its decision.
#[allow(clippy::too_many_arguments)]
fn run_project(
    plan: &ProjectPlan,
    rng: &mut Rng,
    cal: &WorkCalendar,
    staff: &Staff,
    items: &[(ApprovalItem, u64)],
    codes: &BTreeMap<&str, &ApprovalItem>,
    filed: &mut Vec<Filed>,
    end: Instant,
) -> Result<KeyProject, Error> {
    let graph = project_graph(plan.name, codes)?;
    let start = at(plan.start)?;
    let pid = ProjectId::new(plan.id)?;
    let agent = actor(plan.agent, Role::Agent)?;
    let mut project = KeyProject::new(
        pid.clone(),
        plan.name,
        plan.level,
        plan.enterprise,
        agent.id.clone(),
        graph.clone(),
        start,
    )?;
    // When each step can start: after its predecessors and the gate of the
    // stage before its own.
    let waits: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("filing", &[][..]),
        ("land-permit", &["filing"][..]),
        ("environment", &["filing"][..]),
        ("planning-permit", &["land-permit", "environment"][..]),
        ("fire-design", &["planning-permit"][..]),
        ("drainage", &["planning-permit"][..]),
        ("permit", &["fire-design", "drainage"][..]),
    ]);
    let mut done: BTreeMap<&str, Instant> = BTreeMap::new();
    let mut commands: Vec<(Instant, RunCommand)> = Vec::new();
    for (n, (step_id, days)) in plan.days.iter().enumerate() {
        let before = waits.get(step_id).copied().unwrap_or_default();
        let mut ready = start;
        for b in before {
            match done.get(b) {
                Some(t) => ready = ready.max(*t),
                None => ready = end + TimeDelta::days(1),
            }
        }
        if ready > end {
            continue;
        }
        let step = graph.step(&StepId::new(step_id)?).ok_or("a planned step")?;
        let index = items
            .iter()
            .position(|(i, _)| i.code() == step.item())
            .ok_or("every step's item is in the catalog")?;
        let item = &items[index].0;
        let dept = DEPTS
            .iter()
            .position(|d| d.name == item.department().as_str())
            .ok_or("every item has a department")?;
        let received = minutes(cal, ready, 30)?;
        let handling = days.unwrap_or(1000.0);
        let events = script_case(rng, cal, staff, item, dept, &agent, received, Some(handling))?;
        let id = format!("{}-{:02}", plan.id, n + 1);
        let case = drive(&id, item, cal, &events, end)?;
        let case_id: CaseId = id.parse()?;
        if let Some(accepted) = case.accepted_at() {
            commands
                .push((accepted, RunCommand::StartStep { step: step.id().clone(), case: case_id }));
        }
        let decision = events.iter().find_map(|e| match e.payload {
            CaseCommand::Conclude { decision } => Some(decision),
            _ => None,
        });
        if let (Some(decided), Some(decision)) = (case.concluded_at(), decision) {
            commands
                .push((decided, RunCommand::ConcludeStep { step: step.id().clone(), decision }));
            done.insert(step_id, decided);
        }
        filed.push(Filed { case, item: index, project: Some(pid.clone()) });
    }
    commands.sort_by_key(|(t, _)| *t);
    let reviewer = actor("reviewer-team", Role::Reviewer)?;
    for (t, command) in commands {
        project.apply(&RunEvent::new(reviewer.clone(), t, command))?;
    }
    Ok(project)
}

/// The stalled project's problem (一问题一措施一责任人一完成时限): the expert
/// opinion on its environmental review has not come in.
fn project_problem(cal: &WorkCalendar) -> Result<Ticket, Error> {
    let ctx = TicketContext::new(cal);
    let team = actor("team-01", Role::SpecialTeam)?;
    let (mut problem, _) = Ticket::open(
        TicketId::new("KP-03-P1")?,
        &ctx,
        &TicketEvent::new(
            team.clone(),
            at("2022-03-25T10:00:00+08:00")?,
            TicketCommand::Receive {
                source: TicketSource::KeyProjectProblem,
                subject: "环评报告表技术评估专家意见迟迟未出".into(),
                visits: 2,
            },
        ),
    )?;
    for (who, when, command) in [
        (
            actor("clerk-01", Role::WindowClerk)?,
            "2022-03-25T10:30:00+08:00",
            TicketCommand::Classify { class: TicketClass::Complex },
        ),
        (
            team,
            "2022-03-25T11:00:00+08:00",
            TicketCommand::Transfer {
                assignments: vec![Assignment::new(
                    DepartmentId::new("生态环境局")?,
                    Owner::Named { name: "环评科 陈科长".into() },
                    "组织专家评审并出具技术评估意见",
                    at("2022-04-01T17:30:00+08:00")?,
                )],
            },
        ),
    ] {
        problem.apply(&ctx, &TicketEvent::new(who, at(when)?, command))?;
    }
    Ok(problem)
}

// ---------------------------------------------------------------------------
// The "can't get it done" window.

/// How far a window ticket has got by the end of the period.
#[derive(Clone, Copy)]
enum Progress {
    /// Resolved by the department in this many working days, then answered.
    Resolved(f64),
    /// Taken up by the department, not yet resolved.
    Taken,
    /// Transferred, not yet taken up.
    Transferred,
}

/// A ticket's plan: received when, about what, after how many visits, its
/// class and department, how far it got, and the applicant's satisfaction
/// (4 or 5 reopens it once; the second answer satisfies).
struct TicketPlan {
    received: &'static str,
    subject: &'static str,
    visits: u32,
    class: TicketClass,
    dept: usize,
    progress: Progress,
    satisfaction: u8,
}

fn ticket_plans() -> Vec<TicketPlan> {
    use Progress::{Resolved, Taken, Transferred};
    use TicketClass::{Complex, ExplainOnTheSpot, General, Simple};
    let plan = |received, subject, visits, class, dept, progress, satisfaction| TicketPlan {
        received,
        subject,
        visits,
        class,
        dept,
        progress,
        satisfaction,
    };
    vec![
        plan(
            "2022-01-11T09:20:00+08:00",
            "个体户变更经营场所：无房产证明被三次退回",
            3,
            General,
            0,
            Resolved(1.2),
            1,
        ),
        plan(
            "2022-01-18T10:05:00+08:00",
            "不动产继承登记：公证要求说法不一",
            2,
            Complex,
            1,
            Resolved(3.5),
            2,
        ),
        plan(
            "2022-01-25T15:10:00+08:00",
            "社保卡补办：外省参保记录调取不到",
            2,
            General,
            6,
            Resolved(2.0),
            1,
        ),
        plan(
            "2022-02-09T09:40:00+08:00",
            "户口迁入：随迁子女材料反复补充",
            3,
            Simple,
            5,
            Resolved(0.2),
            1,
        ),
        plan(
            "2022-02-16T14:45:00+08:00",
            "食品经营许可：现场核查迟迟未安排",
            2,
            General,
            0,
            Resolved(1.5),
            2,
        ),
        plan(
            "2022-02-24T10:30:00+08:00",
            "异地就医备案：系统提示已在外省备案",
            2,
            Simple,
            11,
            Resolved(0.3),
            1,
        ),
        plan(
            "2022-03-03T09:15:00+08:00",
            "道路货运许可：车辆年审记录不同步",
            2,
            General,
            4,
            Resolved(2.6),
            3,
        ),
        plan(
            "2022-03-10T11:00:00+08:00",
            "教师资格认定：体检医院资质被质疑",
            2,
            ExplainOnTheSpot,
            8,
            Resolved(0.0),
            1,
        ),
        plan(
            "2022-03-17T14:50:00+08:00",
            "新办企业领用发票被要求先实地核查",
            2,
            Simple,
            10,
            Resolved(0.15),
            2,
        ),
        plan(
            "2022-03-29T09:30:00+08:00",
            "施工许可：消防审查意见与图审意见矛盾",
            3,
            Complex,
            2,
            Resolved(3.0),
            4,
        ),
        plan(
            "2022-04-11T10:10:00+08:00",
            "排污许可：材料齐全却两周未受理",
            4,
            General,
            3,
            Taken,
            0,
        ),
        plan(
            "2022-04-20T15:00:00+08:00",
            "低保申请：村委会不出具家庭情况证明",
            2,
            Complex,
            9,
            Transferred,
            0,
        ),
    ]
}

/// Runs one window ticket up to `end`.
fn run_ticket(
    n: usize,
    plan: &TicketPlan,
    cal: &WorkCalendar,
    end: Instant,
) -> Result<Ticket, Error> {
    let ctx = TicketContext::new(cal);
    let clerk = actor("clerk-05", Role::WindowClerk)?;
    let team = actor("team-01", Role::SpecialTeam)?;
    let resident = actor(&format!("resident-{:02}", n + 1), Role::Applicant)?;
    let dept = DEPTS.get(plan.dept).ok_or("a department")?;
    let department = DepartmentId::new(dept.name)?;
    let handler = actor(&format!("reviewer-{}", dept.code.to_lowercase()), Role::Reviewer)?;
    let received = at(plan.received)?;
    let (mut ticket, _) = Ticket::open(
        TicketId::new(&format!("BBC-2022-{:03}", n + 1))?,
        &ctx,
        &TicketEvent::new(
            clerk.clone(),
            received,
            TicketCommand::Receive {
                source: TicketSource::CantGetItDoneWindow,
                subject: plan.subject.into(),
                visits: plan.visits,
            },
        ),
    )?;
    let mut script = Vec::new();
    let mut t = minutes(cal, received, 10)?;
    script.push((clerk.clone(), t, TicketCommand::Classify { class: plan.class }));
    if plan.class == TicketClass::ExplainOnTheSpot {
        t = minutes(cal, t, 20)?;
        let explanation = "二级及以上医院出具的体检报告均有效，已当场说明并受理".into();
        script.push((clerk.clone(), t, TicketCommand::ExplainOnTheSpot { explanation }));
        t = minutes(cal, t, 10)?;
        script.push((
            resident.clone(),
            t,
            TicketCommand::Feedback { satisfaction: plan.satisfaction },
        ));
    } else {
        let rounds = if plan.satisfaction >= 4 { 2 } else { 1 };
        for round in 0..rounds {
            t = minutes(cal, t, 20)?;
            let days = ctx.deadlines().days_for(TicketSource::CantGetItDoneWindow, plan.class);
            let deadline =
                cal.office_close(cal.add_working_days(cal.to_civil(&t).date(), days)?)?;
            let assignment = Assignment::new(
                department.clone(),
                Owner::Named { name: format!("{} 分管领导", dept.name) },
                "一问题一措施：查明原因、限时办结并答复",
                deadline,
            );
            script.push((
                team.clone(),
                t,
                TicketCommand::Transfer { assignments: vec![assignment] },
            ));
            if let Progress::Transferred = plan.progress {
                break;
            }
            t = work(cal, t, 0.15)?;
            script.push((
                handler.clone(),
                t,
                TicketCommand::Take { department: department.clone() },
            ));
            let Progress::Resolved(days) = plan.progress else { break };
            t = work(cal, t, days)?;
            let result = if round == 0 {
                "已按要求办结"
            } else {
                "两部门会商后统一意见，已办结"
            };
            script.push((
                handler.clone(),
                t,
                TicketCommand::Resolve { department: department.clone(), result: result.into() },
            ));
            t = work(cal, t, 0.3)?;
            let satisfaction = if rounds == 2 && round == 1 { 2 } else { plan.satisfaction };
            script.push((resident.clone(), t, TicketCommand::Feedback { satisfaction }));
        }
    }
    for (who, when, command) in script.into_iter().take_while(|(_, when, _)| *when <= end) {
        ticket.apply(&ctx, &TicketEvent::new(who, when, command))?;
    }
    Ok(ticket)
}

// ---------------------------------------------------------------------------
// Escalation at the end of the period.

/// One supervised subject's notices at the end of the period.
#[derive(Serialize)]
struct Escalation {
    subject: String,
    department: String,
    notices: Vec<Notice>,
}

impl Escalation {
    fn top(&self) -> Option<Level> {
        self.notices.iter().map(|n| n.level).max()
    }
}

fn level_no(level: Level) -> usize {
    Level::ALL.iter().position(|l| *l == level).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Output: the report as JSON and the chart as SVG.

/// What `report.json` holds.
#[derive(Serialize)]
struct ReportFile<'a> {
    note: &'static str,
    seed: u64,
    period: DateRange,
    evaluated_at: Instant,
    city: Option<&'a ReportRow>,
    departments: &'a ReportSummary,
    months: &'a ReportSummary,
    ranking: &'a Ranking,
    key_projects: &'a RunSummary,
    battle_map: &'a BattleMap,
    tickets: &'a TicketSummary,
    escalations: &'a [Escalation],
}

/// The folder the example writes to: `$CARGO_TARGET_DIR/service_centre`,
/// or `target/service_centre` in the crate.
fn out_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("service_centre")
}

/// A path as printed: relative to the crate when inside it.
fn shown(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path).display().to_string()
}

/// A grouped bar chart: promised against actual average working days per
/// department, drawn with plotters' SVG backend (no font files needed: the
/// SVG holds text elements).
fn chart(path: &Path, rows: &[(String, f64, f64)]) -> Result<(), Error> {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    let root = SVGBackend::new(path, (1100, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let top = rows.iter().map(|(_, p, a)| p.max(*a)).fold(1.0, f64::max) * 1.15;
    #[allow(clippy::cast_precision_loss)]
    let width = rows.len() as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Promised vs actual average working days per department (synthetic caseload, Jan–Apr 2022)",
            ("sans-serif", 18),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..width, 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(1)
        .disable_x_axis()
        .y_desc("working days")
        .y_label_formatter(&|v| format!("{v:.1}"))
        .draw()?;
    let promised = RGBColor(70, 110, 180);
    let actual = RGBColor(230, 140, 40);
    let small = ("sans-serif", 11).into_font();
    for (series, color, offset, label) in
        [(0usize, promised, 0.12, "promised (承诺时限)"), (1, actual, 0.5, "actual (实际用时)")]
    {
        chart
            .draw_series(rows.iter().enumerate().map(|(i, (_, p, a))| {
                #[allow(clippy::cast_precision_loss)]
                let x = i as f64 + offset;
                let v = if series == 0 { *p } else { *a };
                Rectangle::new([(x, 0.0), (x + 0.36, v)], color.filled())
            }))?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
        chart.draw_series(rows.iter().enumerate().map(|(i, (_, p, a))| {
            #[allow(clippy::cast_precision_loss)]
            let x = i as f64 + offset + 0.02;
            let v = if series == 0 { *p } else { *a };
            Text::new(format!("{v:.2}"), (x, v + top * 0.03), small.clone())
        }))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()?;
    // Department names under the bars, placed in pixels.
    let plot = chart.plotting_area();
    let name_style =
        TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, (name, _, _)) in rows.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let (x, y) = plot.map_coordinate(&(i as f64 + 0.49, 0.0));
        root.draw(&Text::new(name.clone(), (x, y + 10), name_style.clone()))?;
    }
    root.present()?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Printing.

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn pct_or_dash(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), pct)
}

fn days_or_dash(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |d| format!("{d:.2}"))
}

/// The table a city reports its reform by.
fn print_city(period: &DateRange, city: &ReportRow, months: &ReportSummary) {
    println!("\n== The city's table: cases decided {} – {} ==", period.from(), period.to());
    println!("  matters decided              {}", city.cases);
    println!(
        "  promised, average            {} working days ({} cases with working-day limits)",
        days_or_dash(city.avg_promised_days),
        city.limited_cases
    );
    println!(
        "  handled, average             {:.2} working days of office time (median {:.2}; \
         {:.2} by the legal count)",
        city.avg_actual_days, city.median_actual_days, city.avg_actual_legal_days
    );
    println!(
        "  statutory limit, average     {} working days: promises {} shorter (compression)",
        days_or_dash(city.avg_statutory_days),
        pct_or_dash(city.compression_vs_statutory)
    );
    println!(
        "  provincial limit, average    {} working days: promises {} shorter",
        days_or_dash(city.avg_reference_days),
        pct_or_dash(city.compression_vs_reference)
    );
    println!(
        "  instant share (即办件率)      {} ({} cases)",
        pct(city.instant_share),
        city.instant_cases
    );
    println!(
        "  on time                      {} ({} late, {} working days late in all; {} within \
         the statutory limit)",
        pct(city.on_time_rate),
        city.overdue_cases,
        city.overdue_working_days,
        pct(city.within_statutory_rate)
    );
    let months: Vec<String> = months
        .rows
        .iter()
        .map(|r| {
            let month = match &r.key {
                GroupKey::Period { start: Some(s), .. } => s.format("%b").to_string(),
                other => other.to_string(),
            };
            format!("{month} {} ({:.2}, {})", r.cases, r.avg_actual_days, pct(r.on_time_rate))
        })
        .collect();
    println!("  by month (handled, on time)  {}", months.join(" · "));
}

/// The department ranking; returns the chart's bars in ranking order.
fn print_departments(
    departments: &ReportSummary,
    ranking: &Ranking,
) -> Result<Vec<(String, f64, f64)>, Error> {
    println!(
        "\n== Departments ranked by on-time rate, then average handling time \
         (laggard: on time below 95%) =="
    );
    println!(
        "  {:>2}  {:<10} {:>5} {:>7} {:>8} {:>7} {:>6} {:>7} {:>7} {:>7}",
        "#",
        "department",
        "cases",
        "instant",
        "promised",
        "handled",
        "median",
        "vs law",
        "vs prov",
        "on time"
    );
    let mut bars = Vec::new();
    for g in &ranking.ranked {
        let row = departments.rows.iter().find(|r| r.key == g.key).ok_or("a ranked row")?;
        let name = match &g.key {
            GroupKey::Department { department } => department.to_string(),
            other => other.to_string(),
        };
        // A Chinese character takes two columns on a terminal.
        let pad = 10usize.saturating_sub(2 * name.chars().count());
        println!(
            "  {:>2}  {name}{:pad$} {:>5} {:>7} {:>8} {:>7.2} {:>6.2} {:>7} {:>7} {:>7}{}",
            g.position,
            "",
            row.cases,
            pct(row.instant_share),
            days_or_dash(row.avg_promised_days),
            row.avg_actual_days,
            row.median_actual_days,
            pct_or_dash(row.compression_vs_statutory),
            pct_or_dash(row.compression_vs_reference),
            pct(row.on_time_rate),
            if g.laggard { "  LAGGARD: called in (正反激励)" } else { "" }
        );
        bars.push((name, row.avg_promised_days.unwrap_or(0.0), row.avg_actual_days));
    }
    for key in &ranking.unranked {
        println!("      {key}: too few cases to rank");
    }
    Ok(bars)
}

/// The battle map (挂图作战) and the runs' record.
fn print_projects(map: &BattleMap, runs: &RunSummary) {
    println!(
        "\n== Key projects (专班+代办制, 并联审批) at {}: state, forecast finish, top escalation ==",
        map.at.format("%Y-%m-%d %H:%M")
    );
    for r in &map.rows {
        let overdue: Vec<&str> = r.overdue_steps.iter().map(|s| s.as_str()).collect();
        let level = match r.level {
            ProjectLevel::Provincial => "省重点",
            ProjectLevel::Municipal => "市重点",
        };
        println!(
            "  {} {:<9} finish {}  {:<2}  overdue {:<11}  problems {}  {}（{level}，代办员 {}）{}",
            r.project,
            r.state.to_string(),
            r.forecast_finish,
            r.highest_level.map_or_else(|| "-".into(), |l| format!("L{}", level_no(l))),
            if overdue.is_empty() { "-".into() } else { overdue.join(",") },
            r.open_problems.len(),
            r.name,
            r.agent,
            r.stage.as_ref().map(|s| format!(" in {s}")).unwrap_or_default()
        );
    }
    let stages: Vec<String> = runs
        .stages
        .iter()
        .map(|s| {
            let stage = match &s.key {
                GroupKey::Stage { stage: Some(st) } => st.to_string(),
                other => other.to_string(),
            };
            format!("{stage} {}/{}", s.on_time, s.decided)
        })
        .collect();
    println!(
        "  {} runs, {} completed, {} by their plan; steps decided within their limit: {}",
        runs.runs,
        runs.completed,
        runs.on_time,
        stages.join(", ")
    );
}

fn print_tickets(t: &TicketSummary) {
    println!("\n== The \"can't get it done\" window (办不成事窗口) ==");
    let satisfaction: Vec<String> =
        t.satisfaction.iter().map(|(k, n)| format!("{k}:{n}")).collect();
    println!(
        "  {} tickets, {} open; answered on time {}/{}; satisfaction (1 best … 5 worst) {}; \
         bad reviews {}",
        t.tickets,
        t.open,
        t.feedback_on_time,
        t.feedback_judged,
        satisfaction.join(" "),
        t.bad_reviews
    );
}

/// Every supervised subject with notices above the handler, its whole
/// ladder so far; handler-level notices counted.
fn print_escalations(end: Instant, escalations: &[Escalation]) {
    println!(
        "\n== Open escalations at {} (default policy, one sweep; L0 handler … L4 accountability) ==",
        end.format("%Y-%m-%d %H:%M")
    );
    let mut handler_only: BTreeMap<String, usize> = BTreeMap::new();
    for e in escalations {
        let Some(top) = e.top().filter(|l| *l > Level::Handler) else {
            for n in &e.notices {
                *handler_only.entry(n.rule.to_string()).or_default() += 1;
            }
            continue;
        };
        let first = e.notices.iter().find(|n| n.level == top).map(|n| n.due_at.format("%m-%d"));
        let rules: Vec<&str> = e.notices.iter().map(|n| n.rule.as_str()).collect();
        let meeting = e
            .notices
            .iter()
            .find_map(|n| n.meeting)
            .map(|d| format!(" (joint meeting {d})"))
            .unwrap_or_default();
        println!(
            "  L{} {} since {}: {} [{}]",
            level_no(top),
            top.name_zh(),
            first.map(|f| f.to_string()).unwrap_or_default(),
            e.subject,
            e.department
        );
        println!("       {}{meeting}", rules.join(", "));
    }
    if !handler_only.is_empty() {
        let list: Vec<String> = handler_only.iter().map(|(a, n)| format!("{a} ×{n}")).collect();
        println!("  L0 notices to handlers on other open work: {}", list.join(", "));
    }
}

// ---------------------------------------------------------------------------

fn main() -> Result<(), Error> {
    let time = |h, m| NaiveTime::from_hms_opt(h, m, 0).ok_or("invalid time");
    let cal = WorkCalendar::china().with_office_hours(OfficeHours::new([
        OfficePeriod::new(time(8, 30)?, time(12, 0)?)?,
        OfficePeriod::new(time(14, 30)?, time(17, 30)?)?,
    ])?);
    let end = at(END)?;
    let (first, last) = (date(2022, 1, 1)?, date(2022, 4, 30)?);
    let period = DateRange::new(first, last)?;

    // The Spring Festival of 2022 as the State Council arranged it:
    // Saturday and Sunday 29–30 January worked, 31 January – 6 February off.
    for d in [date(2022, 1, 29)?, date(2022, 1, 30)?] {
        if !cal.is_working_day(d)? {
            return Err(format!("{d} should be a make-up working day").into());
        }
    }
    for d in 31..=37 {
        let d = date(2022, 1, 1)? + TimeDelta::days(d - 1);
        if cal.is_working_day(d)? {
            return Err(format!("{d} should be a Spring Festival holiday").into());
        }
    }
    let working_days = cal.working_days_between(date(2022, 1, 3)?, date(2022, 4, 29)?)?;

    let items = build_items()?;
    let catalog = Catalog::new(items.iter().map(|(i, _)| i.clone()))?;
    let codes: BTreeMap<&str, &ApprovalItem> =
        items.iter().map(|(i, _)| (i.code().as_str(), i)).collect();
    let instant_items = items.iter().filter(|(i, _)| i.case_kind() == CaseKind::Instant).count();

    // The caseload, the key projects and the window.
    let mut rng = Rng(SEED);
    let staff = Staff::new()?;
    let mut filed = caseload(&mut rng, &cal, &staff, &items, end)?;
    let generated = filed.len();
    let mut projects = Vec::new();
    for plan in project_plans() {
        let project = run_project(&plan, &mut rng, &cal, &staff, &items, &codes, &mut filed, end)?;
        project.graph().check_items(&catalog)?;
        projects.push(project);
    }
    let stalled = projects
        .iter_mut()
        .find(|p| p.id().as_str() == "KP-03")
        .ok_or("the stalled project is planned")?;
    stalled.add_problem(project_problem(&cal)?)?;
    let tickets = ticket_plans()
        .iter()
        .enumerate()
        .map(|(n, plan)| run_ticket(n, plan, &cal, end))
        .collect::<Result<Vec<_>, _>>()?;

    // The report over decided cases.
    let mut by_dept = CaseReport::new(ReportSpec::new(GroupBy::Department).within(period));
    let mut by_month = CaseReport::new(ReportSpec::new(GroupBy::Month).within(period));
    let (mut open, mut decided) = (0, 0);
    for f in &filed {
        let item = &items[f.item].0;
        let Some(outcome) = f.case.outcome(&cal)? else {
            open += usize::from(f.case.state().is_open());
            continue;
        };
        decided += 1;
        let facts = CaseFacts::from_outcome(item, &outcome, &cal)?;
        let placement = match &f.project {
            Some(p) => Placement::new().for_project(p.clone()),
            None => Placement::new(),
        };
        by_dept.add(item, &facts, &placement)?;
        by_month.add(item, &facts, &placement)?;
    }
    let departments = by_dept.summary();
    let months = by_month.summary();
    let city = departments.total.as_ref().ok_or("no case was decided")?;
    let ranking = Ranking::new(
        &departments,
        &RankingSpec::new(
            vec![Indicator::OnTimeRate, Indicator::AvgActualDays],
            Laggards::WorseThan { indicator: Indicator::OnTimeRate, threshold: 0.95 },
        )?
        .min_cases(5),
    );

    // Open escalations at the end of the period: the default policy over
    // every open case, key-project step and problem, and window ticket.
    let policy = EscalationPolicy::default();
    let mut escalations = Vec::new();
    for f in filed.iter().filter(|f| f.case.state().is_open()) {
        let notices =
            policy.evaluate(&f.case.observe(&cal, end)?, &SupervisionLog::new(), &cal, end)?;
        if !notices.is_empty() {
            let item = &items[f.item].0;
            escalations.push(Escalation {
                subject: format!("case {} {}", f.case.id(), item.name()),
                department: item.department().to_string(),
                notices,
            });
        }
    }
    // Key-project steps are watched by the legal clocks of the cases
    // handling them (an expert review does not count against a step).
    let cases: BTreeMap<_, _> =
        filed.iter().map(|f| (f.case.id().clone(), f.case.clone())).collect();
    for project in &mut projects {
        let mut by_subject: BTreeMap<String, Escalation> = BTreeMap::new();
        for n in project.supervise_with_cases(&policy, &cal, end, &cases)? {
            let subject = format!("{} {} {}", n.project, project.name(), n.subject);
            let department = match &n.subject {
                shenpi::project::Subject::Step { step } => {
                    project.graph().step(step).map(|s| s.department().to_string())
                }
                _ => None,
            };
            by_subject
                .entry(subject.clone())
                .or_insert_with(|| Escalation {
                    subject,
                    department: department.unwrap_or_else(|| "专班".into()),
                    notices: Vec::new(),
                })
                .notices
                .push(n.notice);
        }
        escalations.extend(by_subject.into_values());
    }
    let mut ticket_report = TicketReport::new();
    for (ticket, plan) in tickets.iter().zip(ticket_plans()) {
        ticket_report.add(ticket, &cal);
        let mut log = SupervisionLog::new();
        let notices = policy.evaluate(&ticket.observe(&cal, end)?, &log, &cal, end)?;
        if !notices.is_empty() {
            escalations.push(Escalation {
                subject: format!("ticket {} {}", ticket.id(), ticket.subject()),
                department: DEPTS[plan.dept].name.into(),
                notices: notices.clone(),
            });
        }
        log.record(notices);
        ticket_report.add_log(&log);
    }
    escalations.sort_by(|a, b| b.top().cmp(&a.top()).then_with(|| a.subject.cmp(&b.subject)));
    let tickets_summary = ticket_report.summary();
    let mut runs = RunReport::new();
    for project in &projects {
        runs.add(project.graph(), &project.run().record(project.graph(), &cal)?)?;
    }
    let runs_summary = runs.summary();
    let map = BattleMap::with_cases(&projects, &cases, &cal, end)?;

    // --- Print -----------------------------------------------------------
    println!("某县行政服务中心 (a county service centre), 4 January – 29 April 2022");
    println!(
        "SYNTHETIC DATA: {generated} applications and {} key-project filings made by a seeded \
         generator (seed {SEED}):\nthe same on every run; no figure is real.",
        filed.len() - generated
    );
    println!(
        "Calendar: China 2022 ({working_days} working days; Spring Festival off 31 Jan–6 Feb, \
         make-up working days 29–30 Jan);\noffice hours 08:30–12:00 and 14:30–17:30."
    );
    println!(
        "Catalog: {} items in {} departments, {instant_items} instant (即办件). \
         Cases: {decided} decided, {open} open at the end.",
        catalog.len(),
        DEPTS.len()
    );
    print_city(&period, city, &months);
    let bars = print_departments(&departments, &ranking)?;
    print_projects(&map, &runs_summary);
    print_tickets(&tickets_summary);
    print_escalations(end, &escalations);

    // --- Write -----------------------------------------------------------
    let dir = out_dir();
    fs::create_dir_all(&dir)?;
    let json = dir.join("report.json");
    let file = ReportFile {
        note: "SYNTHETIC, deterministic caseload generated by examples/service_centre.rs; no figure is real",
        seed: SEED,
        period,
        evaluated_at: end,
        city: departments.total.as_ref(),
        departments: &departments,
        months: &months,
        ranking: &ranking,
        key_projects: &runs_summary,
        battle_map: &map,
        tickets: &tickets_summary,
        escalations: &escalations,
    };
    fs::write(&json, serde_json::to_string_pretty(&file)?)?;
    let svg = dir.join("promised_vs_actual.svg");
    chart(&svg, &bars)?;
    println!("\nWrote {} and {}", shown(&json), shown(&svg));
    Ok(())
}
