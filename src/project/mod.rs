//! Key projects with agent service (专班+代办制) and the battle map
//! (挂图作战).
//!
//! A [`KeyProject`] is a provincial or municipal key project: its
//! enterprise, its agent (代办员), the run of its parallel-approval graph,
//! its problem tickets (one problem, one measure, one owner, one deadline)
//! and the supervision log of each step and problem.
//! [`KeyProject::supervise`] evaluates an escalation policy over all of
//! them at `now` and records what fired; a [`BattleMap`] summarises a set of
//! projects for a portal's dashboard: current stage, next deadline, overdue
//! steps, open problems with their owners, and the highest escalation
//! level.

mod battle_map;
mod key_project;

pub use battle_map::{BattleMap, BattleMapRow, OpenProblem, ProblemOwner};
pub use key_project::{
    CaseLookup, KeyProject, ProjectError, ProjectId, ProjectLevel, ProjectNotice, Subject,
};
