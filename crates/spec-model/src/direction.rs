//! Which side of an exchange a schema is read for: the one definition every crate uses
//! (conversion to JSON Schema, instance building, spec-diff's columns).

use serde_json::Value;

/// Which side of an exchange a schema validates: it decides what `readOnly` and `writeOnly`
/// members mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// What the client sends: `readOnly` members are left out, and not required.
    Request,
    /// What the server answers: `writeOnly` members are left out, and not required.
    Response,
}

impl Direction {
    /// `request` or `response`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }

    /// Whether a member with this schema belongs in a body of this direction.
    pub fn keeps(self, member: &Value) -> bool {
        let flag = |name: &str| member.get(name).and_then(Value::as_bool) == Some(true);
        match self {
            Direction::Request => !flag("readOnly"),
            Direction::Response => !flag("writeOnly"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Direction;
    use serde_json::json;

    #[test]
    fn each_side_leaves_out_the_other_sides_members() {
        let read_only = json!({"type": "string", "readOnly": true});
        let write_only = json!({"type": "string", "writeOnly": true});
        assert!(!Direction::Request.keeps(&read_only));
        assert!(Direction::Request.keeps(&write_only));
        assert!(Direction::Response.keeps(&read_only));
        assert!(!Direction::Response.keeps(&write_only));
        assert_eq!(Direction::Response.as_str(), "response");
    }
}
