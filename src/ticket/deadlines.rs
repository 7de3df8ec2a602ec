use serde::{Deserialize, Serialize};

use super::{TicketClass, TicketError, TicketSource};

/// The longest feedback deadline a configuration may set, in working days.
///
/// # Example
///
/// ```
/// use shenpi::ticket::{FeedbackDeadlines, MAX_FEEDBACK_DAYS};
///
/// assert!(FeedbackDeadlines::new(0, 0, 3, 5, 0, MAX_FEEDBACK_DAYS + 1).is_err());
/// ```
pub const MAX_FEEDBACK_DAYS: u32 = 60;

/// Feedback deadlines (反馈时限) in working days after the day a ticket is
/// classified or reopened; 0 means the same day. The defaults are DOMAIN §5:
/// same day for explain-on-the-spot, simple and no-legal-basis tickets,
/// 3 working days for general ones, 5 for complex ones, and 10 for the
/// rectification of a verified bad review (Fujian).
///
/// Deadlines are data: decode a portal's own from JSON, which checks them
/// as [`FeedbackDeadlines::new`] does (simple ≤ general ≤ complex, none
/// above [`MAX_FEEDBACK_DAYS`]).
///
/// # Example
///
/// ```
/// use shenpi::ticket::{FeedbackDeadlines, TicketClass, TicketSource};
///
/// let fujian = FeedbackDeadlines::default();
/// assert_eq!(fujian.days_for(TicketSource::TeaMeeting, TicketClass::General), 3);
/// assert_eq!(fujian.days_for(TicketSource::BadReview, TicketClass::General), 10);
/// let strict: FeedbackDeadlines = serde_json::from_str(
///     r#"{"explain_on_the_spot":0,"simple":0,"general":2,"complex":4,"no_legal_basis":0,"bad_review_rectification":7}"#,
/// )?;
/// assert_eq!(strict.general(), 2);
/// assert!(serde_json::from_str::<FeedbackDeadlines>(
///     r#"{"explain_on_the_spot":0,"simple":4,"general":2,"complex":4,"no_legal_basis":0,"bad_review_rectification":7}"#,
/// ).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawDeadlines", into = "RawDeadlines")]
pub struct FeedbackDeadlines {
    explain_on_the_spot: u32,
    simple: u32,
    general: u32,
    complex: u32,
    no_legal_basis: u32,
    bad_review_rectification: u32,
}

impl Default for FeedbackDeadlines {
    fn default() -> Self {
        FeedbackDeadlines {
            explain_on_the_spot: 0,
            simple: 0,
            general: 3,
            complex: 5,
            no_legal_basis: 0,
            bad_review_rectification: 10,
        }
    }
}

impl FeedbackDeadlines {
    /// Deadlines in working days: explain on the spot, simple, general,
    /// complex, no legal basis, and bad-review rectification.
    ///
    /// # Errors
    ///
    /// [`TicketError::InvalidDeadlines`] when simple > general > complex is
    /// broken or a deadline exceeds [`MAX_FEEDBACK_DAYS`].
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::FeedbackDeadlines;
    ///
    /// let d = FeedbackDeadlines::new(0, 1, 3, 5, 0, 10)?;
    /// assert_eq!(d.simple(), 1);
    /// assert!(FeedbackDeadlines::new(0, 0, 3, 61, 0, 10).is_err());
    /// # Ok::<(), shenpi::ticket::TicketError>(())
    /// ```
    pub fn new(
        explain_on_the_spot: u32,
        simple: u32,
        general: u32,
        complex: u32,
        no_legal_basis: u32,
        bad_review_rectification: u32,
    ) -> Result<FeedbackDeadlines, TicketError> {
        let all = [
            explain_on_the_spot,
            simple,
            general,
            complex,
            no_legal_basis,
            bad_review_rectification,
        ];
        if all.iter().any(|&d| d > MAX_FEEDBACK_DAYS) {
            return Err(TicketError::InvalidDeadlines {
                what: "a feedback deadline exceeds the maximum of 60 working days",
            });
        }
        if !(simple <= general && general <= complex) {
            return Err(TicketError::InvalidDeadlines {
                what: "simple, general and complex deadlines must not decrease",
            });
        }
        Ok(FeedbackDeadlines {
            explain_on_the_spot,
            simple,
            general,
            complex,
            no_legal_basis,
            bad_review_rectification,
        })
    }

    /// Working days for an explain-on-the-spot ticket (default 0).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(shenpi::ticket::FeedbackDeadlines::default().explain_on_the_spot(), 0);
    /// ```
    pub fn explain_on_the_spot(&self) -> u32 {
        self.explain_on_the_spot
    }

    /// Working days for a simple ticket (default 0, the same day).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(shenpi::ticket::FeedbackDeadlines::default().simple(), 0);
    /// ```
    pub fn simple(&self) -> u32 {
        self.simple
    }

    /// Working days for a general ticket (default 3).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(shenpi::ticket::FeedbackDeadlines::default().general(), 3);
    /// ```
    pub fn general(&self) -> u32 {
        self.general
    }

    /// Working days for a complex ticket (default 5).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(shenpi::ticket::FeedbackDeadlines::default().complex(), 5);
    /// ```
    pub fn complex(&self) -> u32 {
        self.complex
    }

    /// Working days for a ticket with no legal basis (default 0).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(shenpi::ticket::FeedbackDeadlines::default().no_legal_basis(), 0);
    /// ```
    pub fn no_legal_basis(&self) -> u32 {
        self.no_legal_basis
    }

    /// Working days to rectify a verified bad review (default 10).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(shenpi::ticket::FeedbackDeadlines::default().bad_review_rectification(), 10);
    /// ```
    pub fn bad_review_rectification(&self) -> u32 {
        self.bad_review_rectification
    }

    /// The working days a ticket from `source` classified as `class` has
    /// for feedback: explain-on-the-spot and no-legal-basis tickets keep
    /// their own deadline whatever the source; other bad reviews get the
    /// rectification deadline; the rest the deadline of their class.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::{FeedbackDeadlines, TicketClass, TicketSource};
    ///
    /// let d = FeedbackDeadlines::default();
    /// assert_eq!(d.days_for(TicketSource::KeyProjectProblem, TicketClass::Complex), 5);
    /// assert_eq!(d.days_for(TicketSource::BadReview, TicketClass::ExplainOnTheSpot), 0);
    /// ```
    pub fn days_for(&self, source: TicketSource, class: TicketClass) -> u32 {
        match (source, class) {
            (_, TicketClass::ExplainOnTheSpot) => self.explain_on_the_spot,
            (_, TicketClass::NoLegalBasis) => self.no_legal_basis,
            (TicketSource::BadReview, _) => self.bad_review_rectification,
            (_, TicketClass::Simple) => self.simple,
            (_, TicketClass::General) => self.general,
            (_, TicketClass::Complex) => self.complex,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawDeadlines {
    explain_on_the_spot: u32,
    simple: u32,
    general: u32,
    complex: u32,
    no_legal_basis: u32,
    bad_review_rectification: u32,
}

impl TryFrom<RawDeadlines> for FeedbackDeadlines {
    type Error = TicketError;

    fn try_from(r: RawDeadlines) -> Result<Self, TicketError> {
        FeedbackDeadlines::new(
            r.explain_on_the_spot,
            r.simple,
            r.general,
            r.complex,
            r.no_legal_basis,
            r.bad_review_rectification,
        )
    }
}

impl From<FeedbackDeadlines> for RawDeadlines {
    fn from(d: FeedbackDeadlines) -> Self {
        RawDeadlines {
            explain_on_the_spot: d.explain_on_the_spot,
            simple: d.simple,
            general: d.general,
            complex: d.complex,
            no_legal_basis: d.no_legal_basis,
            bad_review_rectification: d.bad_review_rectification,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_and_validate() {
        let d = FeedbackDeadlines::default();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"explain_on_the_spot":0,"simple":0,"general":3,"complex":5,"no_legal_basis":0,"bad_review_rectification":10}"#
        );
        assert_eq!(serde_json::from_str::<FeedbackDeadlines>(&json).unwrap(), d);
        let err = FeedbackDeadlines::new(0, 0, 6, 5, 0, 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid feedback deadlines: simple, general and complex deadlines must not decrease"
        );
    }
}
