use serde::{Deserialize, Serialize};

use super::LimitError;

/// When a clock prompts and warns: a prompt when the promised deadline is
/// `prompt_working_days` away or fewer, a yellow warning once
/// `yellow_warning_percent` of the promised time is used, a red warning at
/// `red_warning_percent`.
///
/// The defaults are the common local ones of DOMAIN §4: a prompt one working
/// day before, yellow at 50%, red at 90%. In JSON:
/// `{"prompt_working_days": 1, "yellow_warning_percent": 50, "red_warning_percent": 90}`,
/// each field optional.
///
/// # Example
///
/// ```
/// use shenpi::limit::Thresholds;
///
/// let stricter = Thresholds::new(2, 40, 80)?;
/// assert_eq!(stricter.yellow_warning_percent(), 40);
/// assert_eq!(Thresholds::default().red_warning_percent(), 90);
/// # Ok::<(), shenpi::limit::LimitError>(())
/// ```
///
/// # Example: JSON
///
/// Every field may be left out for its default (1 working day, 50%, 90%).
///
/// ```
/// use shenpi::limit::Thresholds;
///
/// let json = r#"{"prompt_working_days": 2, "yellow_warning_percent": 40, "red_warning_percent": 80}"#;
/// assert_eq!(serde_json::from_str::<Thresholds>(json)?, Thresholds::new(2, 40, 80)?);
/// assert_eq!(serde_json::from_str::<Thresholds>("{}")?, Thresholds::default());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawThresholds", into = "RawThresholds")]
pub struct Thresholds {
    prompt_working_days: u32,
    yellow_warning_percent: u8,
    red_warning_percent: u8,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { prompt_working_days: 1, yellow_warning_percent: 50, red_warning_percent: 90 }
    }
}

impl Thresholds {
    /// Thresholds with a prompt `prompt_working_days` before the promised
    /// deadline and warnings at the given shares of the promised time.
    ///
    /// # Errors
    ///
    /// [`LimitError::InvalidThresholds`] unless yellow ≤ red ≤ 100.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::Thresholds;
    ///
    /// assert!(Thresholds::new(1, 90, 50).is_err());
    /// ```
    pub fn new(prompt_working_days: u32, yellow: u8, red: u8) -> Result<Thresholds, LimitError> {
        if yellow > red || red > 100 {
            return Err(LimitError::InvalidThresholds { yellow, red });
        }
        Ok(Thresholds {
            prompt_working_days,
            yellow_warning_percent: yellow,
            red_warning_percent: red,
        })
    }

    /// Working days before the promised deadline at which a prompt is due.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::Thresholds;
    ///
    /// assert_eq!(Thresholds::default().prompt_working_days(), 1);
    /// ```
    pub fn prompt_working_days(&self) -> u32 {
        self.prompt_working_days
    }

    /// The share of the promised time, in percent, that brings a yellow
    /// warning.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::Thresholds;
    ///
    /// assert_eq!(Thresholds::default().yellow_warning_percent(), 50);
    /// ```
    pub fn yellow_warning_percent(&self) -> u8 {
        self.yellow_warning_percent
    }

    /// The share of the promised time, in percent, that brings a red
    /// warning.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::Thresholds;
    ///
    /// assert_eq!(Thresholds::default().red_warning_percent(), 90);
    /// ```
    pub fn red_warning_percent(&self) -> u8 {
        self.red_warning_percent
    }
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    #[serde(default = "default_prompt")]
    prompt_working_days: u32,
    #[serde(default = "default_yellow")]
    yellow_warning_percent: u8,
    #[serde(default = "default_red")]
    red_warning_percent: u8,
}

fn default_prompt() -> u32 {
    Thresholds::default().prompt_working_days
}

fn default_yellow() -> u8 {
    Thresholds::default().yellow_warning_percent
}

fn default_red() -> u8 {
    Thresholds::default().red_warning_percent
}

impl TryFrom<RawThresholds> for Thresholds {
    type Error = LimitError;

    fn try_from(raw: RawThresholds) -> Result<Self, LimitError> {
        Thresholds::new(
            raw.prompt_working_days,
            raw.yellow_warning_percent,
            raw.red_warning_percent,
        )
    }
}

impl From<Thresholds> for RawThresholds {
    fn from(t: Thresholds) -> Self {
        RawThresholds {
            prompt_working_days: t.prompt_working_days,
            yellow_warning_percent: t.yellow_warning_percent,
            red_warning_percent: t.red_warning_percent,
        }
    }
}
