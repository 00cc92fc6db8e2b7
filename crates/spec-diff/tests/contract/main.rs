//! One regression test per class of contract change spec-diff compares since issue 24, each
//! asserting kind, direction, the three columns and the bump, and the edits that must not be
//! reported (one binary, a module per class).

mod edit_space;
mod support;

mod coverage;
mod lifecycle;
mod media_types;
mod members;
mod names;
mod no_false_alarms;
mod oasdiff;
mod oracle;
mod parameters;
mod response_headers;
mod schema_keywords;
mod security;
mod servers;
mod statuses;
