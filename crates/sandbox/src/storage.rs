//! The memory cap's accounting, shared by the API modules (which count their records), the
//! received requests (which count toward the cap) and the cap's middleware (`glue::memory_cap`).

/// The default memory cap on one API's stored bytes.
pub const DEFAULT_MAX_STORED_BYTES: usize = 256 * 1024 * 1024;
/// What each record is counted for beyond its own contents (map entries, index entries).
pub(crate) const RECORD_OVERHEAD_BYTES: usize = 128;

/// The header a create puts on its answer (through its context) when no id is left: the
/// generated response types have no 507, so the memory cap's middleware answers it in their
/// place.
pub(crate) const IDS_EXHAUSTED_MARK: &str = "x-sandbox-ids-exhausted";

/// Marks a create's answer as refused for want of an id (see [`IDS_EXHAUSTED_MARK`]).
pub(crate) fn mark_ids_exhausted(response_headers: &mut Vec<(String, String)>) {
    response_headers.push((IDS_EXHAUSTED_MARK.to_owned(), "1".to_owned()));
}
