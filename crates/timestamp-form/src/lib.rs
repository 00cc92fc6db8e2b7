//! Date-times as an API sends them: the `x-timestamp-form` a spec declares at `info` (see
//! `spec/README.md`), as a reader and a writer.
//!
//! Vendors agree on the instant but not on its text: insightIQ writes
//! `2021-11-08T18:53:18.337805` (six digits, no offset, meaning UTC), Publica.la's lists
//! `2021-05-18T13:28:53.000000Z`, Instabot `2016-12-26T21:05:47.1064Z` (trailing zeros trimmed).
//! chrono's own serde writes neither. A [`Form`] reads every variant the API declares and writes
//! its usual text; the generated types crates call it from `#[serde(with = "crate::timestamp")]`
//! fields, conformance compares two texts of one instant with it, the sandbox writes with it.

use std::fmt;
use std::sync::OnceLock;

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{DateTime, Timelike, Utc};

/// The UTC offset a form writes, and whether reading requires one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Offset {
    /// Written without an offset; read with or without one (absent means UTC).
    None,
    /// Written with `Z`; read as RFC 3339 (an offset is required, any offset is converted).
    Z,
}

/// The fractional seconds a form writes. Reading accepts 0 to 9 digits whatever the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fraction {
    /// Exactly this many digits (0 to 9; 0 writes no `.`), truncated, never rounded.
    Digits(u8),
    /// Every significant digit, trailing zeros dropped; no `.` for a whole second.
    Trimmed,
}

/// How one API reads and writes its date-times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Form {
    pub offset: Offset,
    pub fraction: Fraction,
}

/// The reading of a spec that declares no form: RFC 3339 (written with `Z`, digits trimmed).
pub const DEFAULT: Form = Form::new(Offset::Z, Fraction::Trimmed);

impl Form {
    pub const fn new(offset: Offset, fraction: Fraction) -> Form {
        Form { offset, fraction }
    }

    /// The API's usual text for `instant`.
    pub fn write(&self, instant: &DateTime<Utc>) -> String {
        let mut text = instant
            .format_with_items(items(&WRITE_ITEMS, WRITE_FORMAT).iter())
            .to_string();
        // A leap second carries its extra second in the nanoseconds; `%S` already wrote 60.
        let nanos = format!("{:09}", instant.nanosecond() % 1_000_000_000);
        let digits = match self.fraction {
            Fraction::Digits(count) => &nanos[..usize::from(count.min(9))],
            Fraction::Trimmed => nanos.trim_end_matches('0'),
        };
        if !digits.is_empty() {
            text.push('.');
            text.push_str(digits);
        }
        if self.offset == Offset::Z {
            text.push('Z');
        }
        text
    }

    /// Reads a date-time the API may send, as a UTC instant.
    pub fn read(&self, text: &str) -> Result<DateTime<Utc>, ReadError> {
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            return Ok(instant.with_timezone(&Utc));
        }
        let error = || ReadError {
            text: text.to_owned(),
            form: *self,
        };
        match self.offset {
            Offset::Z => Err(error()),
            // `%.f` reads an optional `.` and 1 to 9 digits. The date and time must be exactly
            // there: chrono's `%Y` would also read a sign and more digits, the spec's pattern not.
            Offset::None if plain_date_time(text) => {
                // What `NaiveDateTime::parse_from_str(text, READ_FORMAT)` does, with the format
                // read once.
                let mut parsed = Parsed::new();
                chrono::format::parse(&mut parsed, text, items(&READ_ITEMS, READ_FORMAT).iter())
                    .and_then(|()| parsed.to_naive_datetime_with_offset(0))
                    .map(|naive| naive.and_utc())
                    .map_err(|_| error())
            }
            Offset::None => Err(error()),
        }
    }

    /// What the reader accepts, in words (for messages).
    pub fn describe(&self) -> &'static str {
        match self.offset {
            Offset::None => "an ISO 8601 date-time, UTC offset optional (UTC when absent)",
            Offset::Z => "an RFC 3339 date-time",
        }
    }

    /// Serializes `instant` as the form's text (for `#[serde(with = ...)]` modules).
    pub fn serialize<S: serde::Serializer>(
        &self,
        instant: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.write(instant))
    }

    /// Deserializes a string the form reads.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        &self,
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        deserializer.deserialize_str(TextVisitor(*self))
    }

    /// [`Form::serialize`] for an `Option` field (`None` is `null`).
    pub fn serialize_option<S: serde::Serializer>(
        &self,
        instant: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match instant {
            Some(instant) => serializer.serialize_str(&self.write(instant)),
            None => serializer.serialize_none(),
        }
    }

    /// [`Form::deserialize`] for an `Option` field (`null` is `None`).
    pub fn deserialize_option<'de, D: serde::Deserializer<'de>>(
        &self,
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        deserializer.deserialize_option(OptionVisitor(*self))
    }
}

const WRITE_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";
const READ_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";
static WRITE_ITEMS: OnceLock<Vec<Item<'static>>> = OnceLock::new();
static READ_ITEMS: OnceLock<Vec<Item<'static>>> = OnceLock::new();

/// A strftime format read into chrono's items once: reading it on every call was most of the
/// time a date-time took to write or read (the conformance round trip does both per member).
fn items(
    cell: &'static OnceLock<Vec<Item<'static>>>,
    format: &'static str,
) -> &'static [Item<'static>] {
    cell.get_or_init(|| StrftimeItems::new(format).collect())
}

/// `YYYY-MM-DDTHH:MM:SS` followed by nothing or a `.`: the part `%Y…%S` must read exactly.
fn plain_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:dd";
    bytes.len() >= shape.len()
        && shape.iter().zip(bytes).all(|(want, got)| match want {
            b'd' => got.is_ascii_digit(),
            other => other == got,
        })
        && matches!(bytes.get(shape.len()), None | Some(b'.'))
}

/// A text the form does not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub text: String,
    pub form: Form,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not {}", self.text, self.form.describe())
    }
}

impl std::error::Error for ReadError {}

/// A Unix time in seconds that `chrono` cannot hold (beyond ±262,000 years).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    pub seconds: i64,
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Unix time {} s is outside the range of a date-time",
            self.seconds
        )
    }
}

impl std::error::Error for OutOfRange {}

/// The instant of a Unix time in seconds (Publica.la's date object `timestamp`).
pub fn from_unix_seconds(seconds: i64) -> Result<DateTime<Utc>, OutOfRange> {
    DateTime::from_timestamp(seconds, 0).ok_or(OutOfRange { seconds })
}

struct TextVisitor(Form);

impl serde::de::Visitor<'_> for TextVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.describe())
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        self.0.read(text).map_err(E::custom)
    }
}

struct OptionVisitor(Form);

impl<'de> serde::de::Visitor<'de> for OptionVisitor {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "null or {}", self.0.describe())
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSIGHTIQ: Form = Form::new(Offset::None, Fraction::Digits(6));
    const PUBLICA: Form = Form::new(Offset::Z, Fraction::Digits(6));
    const INSTABOT: Form = Form::new(Offset::Z, Fraction::Trimmed);

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn an_offset_less_text_reads_as_utc_with_or_without_a_fraction() {
        assert_eq!(
            INSIGHTIQ.read("2021-11-08T18:53:18.337805").unwrap(),
            at("2021-11-08T18:53:18.337805Z")
        );
        assert_eq!(
            INSIGHTIQ.read("2016-01-01T00:00:00").unwrap(),
            at("2016-01-01T00:00:00Z")
        );
        assert_eq!(
            INSIGHTIQ.read("2016-01-01T02:00:00+02:00").unwrap(),
            at("2016-01-01T00:00:00Z")
        );
    }

    #[test]
    fn a_z_form_refuses_a_text_without_offset_and_names_it() {
        let error = INSTABOT.read("2017-03-30T14:44:55").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`2017-03-30T14:44:55` is not an RFC 3339 date-time"
        );
    }

    #[test]
    fn the_offset_less_reader_refuses_what_the_pattern_refuses() {
        for bad in [
            "2016-01-01",
            "+2016-01-01T00:00:00",
            "2016-01-01T00:00",
            "2016-01-01 00:00:00",
            "2016-13-01T00:00:00",
            "2016-01-01T00:00:00.",
            "",
        ] {
            assert!(INSIGHTIQ.read(bad).is_err(), "{bad} read");
        }
    }

    #[test]
    fn each_form_writes_its_text() {
        let instant = at("2016-12-26T21:05:47.1064Z");
        assert_eq!(INSIGHTIQ.write(&instant), "2016-12-26T21:05:47.106400");
        assert_eq!(PUBLICA.write(&instant), "2016-12-26T21:05:47.106400Z");
        assert_eq!(INSTABOT.write(&instant), "2016-12-26T21:05:47.1064Z");
    }

    #[test]
    fn trimmed_writes_zero_to_nine_digits() {
        assert_eq!(
            INSTABOT.write(&at("2017-03-30T14:44:55Z")),
            "2017-03-30T14:44:55Z"
        );
        assert_eq!(
            INSTABOT.write(&at("2018-03-22T08:38:13.0856123Z")),
            "2018-03-22T08:38:13.0856123Z"
        );
        assert_eq!(
            INSTABOT.write(&at("2018-03-22T08:38:13.000000001Z")),
            "2018-03-22T08:38:13.000000001Z"
        );
    }

    #[test]
    fn fixed_digits_truncate_and_zero_digits_write_no_point() {
        let instant = at("2021-05-18T13:28:53.9999999Z");
        assert_eq!(PUBLICA.write(&instant), "2021-05-18T13:28:53.999999Z");
        let whole = Form::new(Offset::None, Fraction::Digits(0));
        assert_eq!(whole.write(&instant), "2021-05-18T13:28:53");
    }

    #[test]
    fn every_written_text_reads_back_as_the_same_instant() {
        let instant = at("2021-05-18T13:28:53.123456Z");
        for form in [INSIGHTIQ, PUBLICA, INSTABOT, DEFAULT] {
            assert_eq!(form.read(&form.write(&instant)).unwrap(), instant);
        }
    }

    #[test]
    fn unix_seconds_convert_or_say_they_are_out_of_range() {
        assert_eq!(
            from_unix_seconds(1620931649).unwrap(),
            at("2021-05-13T18:47:29Z")
        );
        assert_eq!(
            from_unix_seconds(i64::MAX).unwrap_err().to_string(),
            format!(
                "Unix time {} s is outside the range of a date-time",
                i64::MAX
            )
        );
    }

    struct Field(Option<DateTime<Utc>>);

    impl serde::Serialize for Field {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            INSTABOT.serialize_option(&self.0, s)
        }
    }

    impl<'de> serde::Deserialize<'de> for Field {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            INSTABOT.deserialize_option(d).map(Field)
        }
    }

    #[test]
    fn serde_reads_and_writes_options_through_the_form() {
        let some: Field = serde_json::from_str("\"2016-12-26T21:05:47.106400Z\"").unwrap();
        assert_eq!(
            serde_json::to_string(&some).unwrap(),
            "\"2016-12-26T21:05:47.1064Z\""
        );
        let none: Field = serde_json::from_str("null").unwrap();
        assert_eq!(serde_json::to_string(&none).unwrap(), "null");
        let value = serde_json::json!("2016-12-26T21:05:47Z");
        let from_value: Field = serde_json::from_value(value).unwrap();
        assert_eq!(from_value.0, Some(at("2016-12-26T21:05:47Z")));
        let error = serde_json::from_str::<Field>("\"yesterday\"")
            .err()
            .unwrap();
        assert!(
            error
                .to_string()
                .contains("`yesterday` is not an RFC 3339 date-time"),
            "{error}"
        );
    }
}
