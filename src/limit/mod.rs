//! Time limits and the legal clock.
//!
//! A limit counts working days, natural days or working hours on a
//! [`WorkCalendar`](crate::calendar::WorkCalendar) by the rules of the
//! Administrative Licensing Law (行政许可法) and the Civil Code: the start day
//! excluded; a period ends at the close of office hours on its last day; a
//! natural-day period whose last day is not a working day runs on to the next
//! one; suspensions (补正 during review, the special procedures of art. 45)
//! stop the clock; extensions add working days.

mod time_limit;

pub use time_limit::{LimitUnit, SpecialProcedure, SuspensionKind, TimeLimit};
