//! The checks a generated request builder runs before it sends: the spec's bounds on a
//! parameter or body member (numeric bounds, lengths, item counts, patterns), so a value out of
//! bounds never reaches the server and the error names the operation, the parameter (or body
//! pointer) and the bound. The generated crates hold the bounds as data (`Bound` literals from
//! the codegen model); the checking lives here once.

use serde_json::Value;

/// The bounds one schema of the spec puts on a value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bound {
    /// `minimum`.
    pub minimum: Option<f64>,
    /// OpenAPI 3.0's `exclusiveMinimum: true`.
    pub exclusive_minimum: bool,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// OpenAPI 3.0's `exclusiveMaximum: true`.
    pub exclusive_maximum: bool,
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
    /// `pattern` (ECMA 262, as the spec's JSON Schema dialect reads it), where the client checks
    /// it.
    pub pattern: Option<&'static str>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
}

/// The constructors the generated clients write, one per kind of bound, combined with
/// [`Bound::and`]: `Bound::between(1.0, 100.0)`, `Bound::max_length(100)`,
/// `Bound::max_length(100).and(Bound::pattern("^a"))`.
impl Bound {
    /// No bound at all.
    pub const NONE: Bound = Bound {
        minimum: None,
        exclusive_minimum: false,
        maximum: None,
        exclusive_maximum: false,
        min_length: None,
        max_length: None,
        pattern: None,
        min_items: None,
        max_items: None,
    };

    /// `minimum` and `maximum`, both inclusive.
    pub const fn between(minimum: f64, maximum: f64) -> Bound {
        Bound::at_least(minimum).and(Bound::at_most(maximum))
    }

    /// `minimum` (inclusive).
    pub const fn at_least(minimum: f64) -> Bound {
        Bound {
            minimum: Some(minimum),
            ..Bound::NONE
        }
    }

    /// `minimum` with OpenAPI 3.0's `exclusiveMinimum: true`.
    pub const fn greater_than(minimum: f64) -> Bound {
        Bound {
            minimum: Some(minimum),
            exclusive_minimum: true,
            ..Bound::NONE
        }
    }

    /// `maximum` (inclusive).
    pub const fn at_most(maximum: f64) -> Bound {
        Bound {
            maximum: Some(maximum),
            ..Bound::NONE
        }
    }

    /// `maximum` with OpenAPI 3.0's `exclusiveMaximum: true`.
    pub const fn less_than(maximum: f64) -> Bound {
        Bound {
            maximum: Some(maximum),
            exclusive_maximum: true,
            ..Bound::NONE
        }
    }

    /// `minLength`, in characters.
    pub const fn min_length(characters: u64) -> Bound {
        Bound {
            min_length: Some(characters),
            ..Bound::NONE
        }
    }

    /// `maxLength`, in characters.
    pub const fn max_length(characters: u64) -> Bound {
        Bound {
            max_length: Some(characters),
            ..Bound::NONE
        }
    }

    /// `pattern` (ECMA 262).
    pub const fn pattern(pattern: &'static str) -> Bound {
        Bound {
            pattern: Some(pattern),
            ..Bound::NONE
        }
    }

    /// `minItems`.
    pub const fn min_items(items: u64) -> Bound {
        Bound {
            min_items: Some(items),
            ..Bound::NONE
        }
    }

    /// `maxItems`.
    pub const fn max_items(items: u64) -> Bound {
        Bound {
            max_items: Some(items),
            ..Bound::NONE
        }
    }

    /// Both bounds; where both state the same keyword, `other`'s.
    pub const fn and(self, other: Bound) -> Bound {
        Bound {
            minimum: or_f64(other.minimum, self.minimum),
            exclusive_minimum: self.exclusive_minimum || other.exclusive_minimum,
            maximum: or_f64(other.maximum, self.maximum),
            exclusive_maximum: self.exclusive_maximum || other.exclusive_maximum,
            min_length: or_u64(other.min_length, self.min_length),
            max_length: or_u64(other.max_length, self.max_length),
            pattern: match other.pattern {
                Some(p) => Some(p),
                None => self.pattern,
            },
            min_items: or_u64(other.min_items, self.min_items),
            max_items: or_u64(other.max_items, self.max_items),
        }
    }
}

// `Option::or` is not `const`.
const fn or_f64(first: Option<f64>, second: Option<f64>) -> Option<f64> {
    match first {
        Some(v) => Some(v),
        None => second,
    }
}

const fn or_u64(first: Option<u64>, second: Option<u64>) -> Option<u64> {
    match first {
        Some(v) => Some(v),
        None => second,
    }
}

/// A number a bound can be compared with.
pub trait AsNumber {
    /// The value as `f64` (exact for every bound the specs write).
    fn as_number(&self) -> f64;
}

macro_rules! as_number {
    ($($ty:ty),*) => {
        $(impl AsNumber for $ty {
            fn as_number(&self) -> f64 {
                *self as f64
            }
        })*
    };
}

as_number!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

/// Checks a number against `bound`'s `minimum` and `maximum`; `what` names the value
/// ("parameter `limit`").
pub fn check_number(operation: &str, what: &str, value: f64, bound: &Bound) -> Result<(), String> {
    if let Some(minimum) = bound.minimum {
        if value < minimum || (bound.exclusive_minimum && value == minimum) {
            let relation = if bound.exclusive_minimum {
                "greater than"
            } else {
                "at least"
            };
            return Err(format!(
                "`{operation}`: {what} is {value}, but the spec requires it to be {relation} {minimum} (minimum)"
            ));
        }
    }
    if let Some(maximum) = bound.maximum {
        if value > maximum || (bound.exclusive_maximum && value == maximum) {
            let relation = if bound.exclusive_maximum {
                "less than"
            } else {
                "at most"
            };
            return Err(format!(
                "`{operation}`: {what} is {value}, but the spec requires it to be {relation} {maximum} (maximum)"
            ));
        }
    }
    Ok(())
}

/// Checks a text against `bound`'s lengths (in characters) and pattern.
pub fn check_text(operation: &str, what: &str, value: &str, bound: &Bound) -> Result<(), String> {
    let length = value.chars().count() as u64;
    if let Some(min) = bound.min_length {
        if length < min {
            return Err(format!(
                "`{operation}`: {what} is {length} characters long, but the spec requires at least {min} (minLength)"
            ));
        }
    }
    if let Some(max) = bound.max_length {
        if length > max {
            return Err(format!(
                "`{operation}`: {what} is {length} characters long, but the spec allows at most {max} (maxLength)"
            ));
        }
    }
    match bound.pattern {
        Some(pattern) => check_pattern(operation, what, value, pattern),
        None => Ok(()),
    }
}

/// Checks a text against a `pattern` (ECMA 262).
pub fn check_pattern(
    operation: &str,
    what: &str,
    value: &str,
    pattern: &str,
) -> Result<(), String> {
    let regex = regress::Regex::new(pattern).map_err(|e| {
        format!("`{operation}`: the spec's pattern `{pattern}` for {what} does not compile: {e}")
    })?;
    match regex.find(value) {
        Some(_) => Ok(()),
        None => Err(format!(
            "`{operation}`: {what} is {value:?}, which does not match the pattern `{pattern}`"
        )),
    }
}

/// Checks an array's length against `bound`'s item counts.
pub fn check_items(operation: &str, what: &str, count: usize, bound: &Bound) -> Result<(), String> {
    let count = count as u64;
    if let Some(min) = bound.min_items {
        if count < min {
            return Err(format!(
                "`{operation}`: {what} has {count} items, but the spec requires at least {min} (minItems)"
            ));
        }
    }
    if let Some(max) = bound.max_items {
        if count > max {
            return Err(format!(
                "`{operation}`: {what} has {count} items, but the spec allows at most {max} (maxItems)"
            ));
        }
    }
    Ok(())
}

/// Checks a serialized body: each `(path, bound)` names a place from the root (`*` for every
/// item of an array); absent members are not checked.
pub fn check_body(
    operation: &str,
    body: &Value,
    bounds: &[(&[&str], Bound)],
) -> Result<(), String> {
    for (path, bound) in bounds {
        check_at(operation, body, path, String::new(), bound)?;
    }
    Ok(())
}

fn check_at(
    operation: &str,
    value: &Value,
    path: &[&str],
    pointer: String,
    bound: &Bound,
) -> Result<(), String> {
    match path.split_first() {
        None => {
            let what = if pointer.is_empty() {
                "the body".to_owned()
            } else {
                format!("body member `{pointer}`")
            };
            match value {
                Value::Number(n) => match n.as_f64() {
                    Some(number) => check_number(operation, &what, number, bound),
                    None => Ok(()),
                },
                Value::String(text) => check_text(operation, &what, text, bound),
                Value::Array(items) => check_items(operation, &what, items.len(), bound),
                _ => Ok(()),
            }
        }
        Some((&"*", rest)) => {
            for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                check_at(operation, item, rest, format!("{pointer}/{index}"), bound)?;
            }
            Ok(())
        }
        Some((name, rest)) => match value.get(*name) {
            Some(member) => {
                let escaped = name.replace('~', "~0").replace('/', "~1");
                check_at(
                    operation,
                    member,
                    rest,
                    format!("{pointer}/{escaped}"),
                    bound,
                )
            }
            None => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_constructors_state_one_keyword_each_and_combine() {
        // Usable in a `const` (the generated clients' bounds need no allocation).
        const RANGE: Bound = Bound::between(1.0, 100.0);
        assert_eq!(
            RANGE,
            Bound {
                minimum: Some(1.0),
                maximum: Some(100.0),
                ..Bound::NONE
            }
        );
        let text = Bound::min_length(2)
            .and(Bound::max_length(100))
            .and(Bound::pattern("^a"));
        assert_eq!(
            text,
            Bound {
                min_length: Some(2),
                max_length: Some(100),
                pattern: Some("^a"),
                ..Bound::NONE
            }
        );
        assert!(Bound::greater_than(0.0).exclusive_minimum);
        assert!(Bound::less_than(1.0).exclusive_maximum);
        assert_eq!(
            Bound::max_items(3).and(Bound::min_items(1)).min_items,
            Some(1)
        );
        let error = check_text("op", "parameter `q`", "abc", &Bound::max_length(2)).unwrap_err();
        assert!(error.contains("at most 2 (maxLength)"), "{error}");
    }

    const LIMIT: Bound = Bound {
        minimum: Some(1.0),
        exclusive_minimum: false,
        maximum: Some(100.0),
        exclusive_maximum: false,
        min_length: None,
        max_length: None,
        pattern: None,
        min_items: None,
        max_items: None,
    };

    #[test]
    fn numbers_outside_the_bounds_name_the_value_and_the_bound() {
        assert_eq!(
            check_number("list", "parameter `limit`", 100.0, &LIMIT),
            Ok(())
        );
        assert_eq!(
            check_number("list", "parameter `limit`", 101.0, &LIMIT),
            Err("`list`: parameter `limit` is 101, but the spec requires it to be at most 100 (maximum)".to_owned())
        );
        let exclusive = Bound {
            exclusive_minimum: true,
            ..LIMIT
        };
        assert_eq!(
            check_number("list", "x", 1.0, &exclusive),
            Err(
                "`list`: x is 1, but the spec requires it to be greater than 1 (minimum)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn texts_are_measured_in_characters_and_matched_against_the_pattern() {
        let bound = Bound {
            max_length: Some(3),
            pattern: Some("^[a-zäöü]+$"),
            ..Bound::default()
        };
        assert_eq!(check_text("op", "name", "äöü", &bound), Ok(()));
        assert_eq!(
            check_text("op", "name", "abcd", &bound),
            Err(
                "`op`: name is 4 characters long, but the spec allows at most 3 (maxLength)"
                    .to_owned()
            )
        );
        assert_eq!(
            check_text("op", "name", "A1", &bound),
            Err("`op`: name is \"A1\", which does not match the pattern `^[a-zäöü]+$`".to_owned())
        );
    }

    #[test]
    fn a_body_is_checked_at_each_path_with_the_pointer_in_the_error() {
        let items = Bound {
            min_length: Some(2),
            ..Bound::default()
        };
        let body = json!({"tags": ["ok", "x"], "n": 5});
        let error = check_body("create", &body, &[(&["tags", "*"], items)]).unwrap_err();
        assert_eq!(
            error,
            "`create`: body member `/tags/1` is 1 characters long, but the spec requires at least 2 (minLength)"
        );
        // An absent member is not checked.
        assert_eq!(
            check_body("create", &json!({}), &[(&["tags", "*"], items)]),
            Ok(())
        );
        let count = Bound {
            max_items: Some(1),
            ..Bound::default()
        };
        assert!(check_body("create", &body, &[(&["tags"], count)])
            .unwrap_err()
            .contains("(maxItems)"));
    }
}
