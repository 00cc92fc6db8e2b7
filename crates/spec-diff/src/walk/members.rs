//! The members of `oneOf`, `anyOf` and `allOf`, matched by identity rather than position: the
//! same `$ref` target (or a component renamed), or the same schema apart from its
//! annotations. A member left over on both sides with the same `type` is taken as edited and
//! compared; the others are added or removed. Reordering members changes nothing.

use serde_json::Value;
use spec_model::refs::reference_of;

use super::{Differ, Place};
use crate::error::DiffError;
use crate::model::{Combinator, Kind};

impl<'a> Differ<'a> {
    /// Compares the members of each combinator of two schemas (a combinator absent on one
    /// side has no members there).
    pub(super) fn members<'v>(
        &mut self,
        old: &'v Value,
        new: &'v Value,
        place: &Place<'_>,
    ) -> Result<(), DiffError>
    where
        'a: 'v,
    {
        for combinator in Combinator::ALL {
            let keyword = combinator.keyword();
            let list = |v: &'v Value| -> &'v [Value] {
                v.get(keyword)
                    .and_then(Value::as_array)
                    .map_or(&[], Vec::as_slice)
            };
            let (old_members, new_members) = (list(old), list(new));
            let mut unmatched_old: Vec<usize> = (0..old_members.len()).collect();
            let mut pairs = Vec::new();
            let mut unmatched_new = Vec::new();
            for (j, member) in new_members.iter().enumerate() {
                let same = unmatched_old
                    .iter()
                    .position(|&i| self.same_member(&old_members[i], member));
                match same {
                    Some(at) => pairs.push((unmatched_old.remove(at), j)),
                    None => unmatched_new.push(j),
                }
            }
            // An inline member edited in place: same type on both sides.
            let mut added = Vec::new();
            for j in unmatched_new {
                let edited = unmatched_old
                    .iter()
                    .position(|&i| edited_member(&old_members[i], &new_members[j]));
                match edited {
                    Some(at) => pairs.push((unmatched_old.remove(at), j)),
                    None => added.push(j),
                }
            }
            let member_place = |index: usize| {
                place.at(
                    format!("{}/{keyword}/{index}", place.pointer),
                    place.what.clone(),
                )
            };
            for (i, j) in pairs {
                self.schema(&old_members[i], &new_members[j], &member_place(j))?;
            }
            for j in added {
                let at = member_place(j);
                let message = format!(
                    "{}: new {keyword} member {}",
                    place.what,
                    describe(&new_members[j])
                );
                self.push(
                    Kind::MemberAdded(combinator),
                    &at,
                    at.pointer.clone(),
                    message,
                );
            }
            for i in unmatched_old {
                let at = member_place(i);
                let message = format!(
                    "{}: {keyword} member {} removed",
                    place.what,
                    describe(&old_members[i])
                );
                self.push(
                    Kind::MemberRemoved(combinator),
                    &at,
                    at.pointer.clone(),
                    message,
                );
            }
        }
        Ok(())
    }

    /// The same member: the same `$ref` target (or a renamed component), or equal schemas
    /// once annotations are left out.
    fn same_member(&self, old: &Value, new: &Value) -> bool {
        match (target(old), target(new)) {
            (Some(o), Some(n)) => o == n || self.renamed(o, n),
            (None, None) => without_annotations(old) == without_annotations(new),
            _ => false,
        }
    }
}

/// A member's `$ref` target.
fn target(member: &Value) -> Option<&str> {
    reference_of(member).and_then(Result::ok)
}

/// Two inline members with the same `type`: one edited into the other.
fn edited_member(old: &Value, new: &Value) -> bool {
    let inline = |v: &Value| reference_of(v).is_none();
    inline(old) && inline(new) && old.get("type") == new.get("type")
}

/// A schema without the keywords that change no contract.
fn without_annotations(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(map) = schema.as_object_mut() {
        for annotation in ["description", "title", "example", "externalDocs"] {
            map.remove(annotation);
        }
    }
    schema
}

/// A member for messages: its `$ref` target, or the schema itself.
fn describe(member: &Value) -> String {
    match target(member) {
        Some(target) => target.to_owned(),
        None => member.to_string(),
    }
}
