//! Time limits and the legal clock.
//!
//! A limit counts working days, natural days, working hours or months on a
//! [`WorkCalendar`](crate::calendar::WorkCalendar) by the rules of the
//! Administrative Licensing Law (行政许可法) and the Civil Code: the start day
//! excluded; a period ends at the close of office hours on its last day; a
//! period in months ends on the corresponding day of its last month, or that
//! month's last day (art. 202); a natural-day or month period whose last day
//! is not a working day runs on to the next one (art. 203); suspensions
//! (补正 during review, the special procedures of art. 45) stop the clock;
//! extensions add working days.

mod clock;
mod delivery;
mod error;
mod thresholds;
mod time_limit;

pub use clock::{ClockReading, ClockStatus, Deadline, Due, Extension, LegalClock, Suspension};
pub use delivery::{Delivery, DeliveryStatus};
pub use error::LimitError;
pub use thresholds::Thresholds;
pub use time_limit::{LimitUnit, SpecialProcedure, SuspensionKind, TimeLimit};

/// For `skip_serializing_if`: a flag left out of JSON when false.
#[allow(clippy::trivially_copy_pass_by_ref)]
pub(crate) fn is_false(flag: &bool) -> bool {
    !*flag
}
