//! The extensions the generator reads, and what changing each does.
//!
//! The generator takes facts from a handful of `x-` extensions that OpenAPI cannot express.
//! Changing one changes the generated code (and, for some, the wire) though no schema changed,
//! so spec-diff classifies them from this one table: a later extension is one row (and, if it
//! sits somewhere new, one [`Site`]).

use crate::model::Severity::{Breaking as B, Compatible as C};
use crate::model::{Impact, Kind};

/// What kind of object carries an extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// An operation object.
    Operation,
    /// A schema under `components/schemas`.
    Schema,
    /// A scheme under `components/securitySchemes`.
    SecurityScheme,
    /// An entry of `servers` (matched by URL).
    Server,
    /// The document's `info` object.
    Info,
}

/// One extension the generator reads, with the impact of adding, removing and changing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratorExtension {
    pub name: &'static str,
    pub site: Site,
    pub added: Impact,
    pub removed: Impact,
    pub changed: Impact,
    /// Why, in a sentence (the table's documentation).
    pub why: &'static str,
}

const fn row(
    name: &'static str,
    site: Site,
    [added, removed, changed]: [Impact; 3],
    why: &'static str,
) -> GeneratorExtension {
    GeneratorExtension {
        name,
        site,
        added,
        removed,
        changed,
        why,
    }
}

/// (client, server, rust).
const fn i(client: crate::Severity, server: crate::Severity, rust: crate::Severity) -> Impact {
    Impact::of(client, server, rust)
}

/// Every extension the generator reads. The wire columns are about the generated crates'
/// behaviour: a client or server built from the spec.
pub const GENERATOR_EXTENSIONS: [GeneratorExtension; 5] = [
    row(
        "x-pagination",
        Site::Operation,
        [i(C, C, C), i(C, C, B), i(C, C, B)],
        "adding it adds a `*_stream` client method (additive); removing it removes the method, and \
         changing its members changes how the stream pages or what it yields; the wire is unchanged",
    ),
    row(
        "x-error-template",
        Site::Schema,
        [i(B, C, C), i(B, C, C), i(B, C, C)],
        "the error bodies generated servers send for errors they raise themselves (validation, \
         auth, 404/405/413/500) change: clients of those servers may match on the values, so \
         clients break; server implementations build none of these bodies, and no Rust \
         signature carries the template",
    ),
    row(
        "x-value-prefix",
        Site::SecurityScheme,
        [i(B, B, C), i(B, B, C), i(B, B, C)],
        "the text before the secret in the credential header changes on the wire: a client \
         sends what the server no longer accepts; `Credentials` keeps its shape",
    ),
    row(
        "x-environment",
        Site::Server,
        [i(C, C, B), i(C, C, B), i(C, C, B)],
        "it names the server's `Environment` variant: the variant is renamed; the URL and the \
         wire are unchanged",
    ),
    row(
        "x-timestamp-form",
        Site::Info,
        [i(B, B, B), i(B, B, B), i(B, B, B)],
        "the text of every date-time the generated crates write changes (offset, fraction \
         digits): a client sends, and a server answers, text a peer tuned on the old form may \
         not read; `patterned` turns a pattern-checked `String` type into `DateTime<Utc>` (in a \
         client argument too) and `unix-seconds` adds or removes `instant()`, so the Rust API \
         breaks as well; the wire columns already make any change major",
    ),
];

/// The row of an extension by name.
pub fn generator_extension(name: &str) -> Option<&'static GeneratorExtension> {
    GENERATOR_EXTENSIONS.iter().find(|e| e.name == name)
}

/// The impact of an extension change (breaking everywhere for a name not in the table, which
/// the walker never produces).
pub(crate) fn impact(kind: Kind) -> Impact {
    let row = kind.extension().and_then(generator_extension);
    match (kind, row) {
        (Kind::ExtensionAdded(_), Some(row)) => row.added,
        (Kind::ExtensionRemoved(_), Some(row)) => row.removed,
        (Kind::ExtensionChanged(_), Some(row)) => row.changed,
        _ => Impact::of(B, B, B),
    }
}

/// The extensions read at a site.
pub(crate) fn at(site: Site) -> impl Iterator<Item = &'static GeneratorExtension> {
    GENERATOR_EXTENSIONS.iter().filter(move |e| e.site == site)
}
