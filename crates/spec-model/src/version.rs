//! A spec's `info.version`, read once for everything that uses it: the generated crates'
//! version in `Cargo.toml` (codegen's first-run check) and what the version gate compares from
//! one release to the next (spec-diff). Both accept exactly what the other accepts.

use std::fmt;

/// A release version `MAJOR.MINOR.PATCH`, as cargo reads it (no leading zeros), without a
/// pre-release or build suffix: the version gate orders releases by these three numbers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpecVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// Why a text is not a [`SpecVersion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionProblem {
    /// Not a semantic version at all (`1.0`, `v2`, `01.0.0`).
    NotSemantic,
    /// A semantic version with a pre-release or build suffix (`1.0.0-beta`, `1.0.0+7`).
    Suffix,
}

impl SpecVersion {
    /// Reads `text`, as it is (it is written into `Cargo.toml` as it is).
    pub fn parse(text: &str) -> Result<SpecVersion, VersionProblem> {
        let version = semver::Version::parse(text).map_err(|_| VersionProblem::NotSemantic)?;
        if !version.pre.is_empty() || !version.build.is_empty() {
            return Err(VersionProblem::Suffix);
        }
        Ok(SpecVersion {
            major: version.major,
            minor: version.minor,
            patch: version.patch,
        })
    }

    /// The version `text` most likely meant: its first three numbers, padded with zeros
    /// (`1.0` → `1.0.0`, `v2` → `2.0.0`, `1.0.0-beta` → `1.0.0`).
    pub fn suggested(text: &str) -> SpecVersion {
        let mut numbers = text
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|part| part.parse::<u64>().ok());
        SpecVersion {
            major: numbers.next().unwrap_or(0),
            minor: numbers.next().unwrap_or(0),
            patch: numbers.next().unwrap_or(0),
        }
    }

    /// The smallest version after this one that a breaking change allows (before 1.0 the
    /// minor number, as cargo reads compatibility).
    pub fn next_breaking(self) -> SpecVersion {
        match self.major {
            0 => SpecVersion {
                major: 0,
                minor: self.minor + 1,
                patch: 0,
            },
            major => SpecVersion {
                major: major + 1,
                minor: 0,
                patch: 0,
            },
        }
    }

    /// The smallest version after this one that an additive change allows (before 1.0 the
    /// patch number).
    pub fn next_additive(self) -> SpecVersion {
        match self.major {
            0 => SpecVersion {
                patch: self.patch + 1,
                ..self
            },
            _ => SpecVersion {
                minor: self.minor + 1,
                patch: 0,
                ..self
            },
        }
    }
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_version_is_read_and_anything_else_says_why_not() {
        let read = SpecVersion::parse("5.1.0").unwrap();
        assert_eq!((read.major, read.minor, read.patch), (5, 1, 0));
        for text in ["1.0", "v2", "01.0.0", "1.0.0.0", " 1.0.0", ""] {
            assert_eq!(
                SpecVersion::parse(text),
                Err(VersionProblem::NotSemantic),
                "{text}"
            );
        }
        for text in ["1.0.0-beta", "1.0.0+build.7"] {
            assert_eq!(
                SpecVersion::parse(text),
                Err(VersionProblem::Suffix),
                "{text}"
            );
        }
    }

    #[test]
    fn suggestions_pad_the_numbers_written() {
        for (text, suggested) in [
            ("1.0", "1.0.0"),
            ("v2", "2.0.0"),
            ("9000", "9000.0.0"),
            ("1.0.0-beta", "1.0.0"),
            ("2.3.4.5", "2.3.4"),
            ("beta", "0.0.0"),
        ] {
            assert_eq!(SpecVersion::suggested(text).to_string(), suggested);
        }
    }

    #[test]
    fn before_1_0_every_number_moves_down_one_place() {
        let v = |text: &str| SpecVersion::parse(text).unwrap();
        assert_eq!(v("1.2.3").next_breaking(), v("2.0.0"));
        assert_eq!(v("1.2.3").next_additive(), v("1.3.0"));
        assert_eq!(v("0.2.3").next_breaking(), v("0.3.0"));
        assert_eq!(v("0.2.3").next_additive(), v("0.2.4"));
    }
}
