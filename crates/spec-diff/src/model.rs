//! The data model of a diff: kinds of change, their direction, severities, impacts and the
//! version bump they add up to.

/// Whether a change breaks one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Compatible,
    Breaking,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Compatible => "compatible",
            Severity::Breaking => "breaking",
        }
    }
}

/// What a change does to clients and to servers on the wire, and to the Rust API of the
/// generated crates (which both kinds of team compile against).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Impact {
    pub client: Severity,
    pub server: Severity,
    /// The generated crates' Rust API: a change can be compatible on the wire and still stop
    /// code compiling (a new optional property is a new field of an exhaustive struct, so
    /// every struct literal of it breaks). cargo-semver-checks agrees: `cargo xtask semver`.
    pub rust: Severity,
}

impl Impact {
    /// The impact on the wire; the Rust column is filled in by the rules.
    pub(crate) const fn wire(client: Severity, server: Severity) -> Self {
        Impact {
            client,
            server,
            rust: Severity::Compatible,
        }
    }

    /// All three columns.
    pub(crate) const fn of(client: Severity, server: Severity, rust: Severity) -> Self {
        Impact {
            client,
            server,
            rust,
        }
    }

    /// Breaking on the wire for either side, or for the generated Rust API.
    pub fn is_breaking(self) -> bool {
        self.client == Severity::Breaking
            || self.server == Severity::Breaking
            || self.rust == Severity::Breaking
    }
}

/// The kinds of change. Schema changes carry the direction they were found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    PathChanged,
    MethodChanged,
    ParameterAdded,
    ParameterRemoved,
    ParameterMadeRequired,
    ParameterMadeOptional,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyMadeRequired,
    RequestBodyMadeOptional,
    StatusAdded,
    StatusRemoved,
    PropertyAdded,
    PropertyRemoved,
    PropertyMadeRequired,
    PropertyMadeOptional,
    TypeChanged,
    FormatChanged,
    EnumValueAdded,
    EnumValueRemoved,
    BoundTightened,
    BoundLoosened,
    NullableAdded,
    NullableRemoved,
    SecurityChanged,
    /// A generator extension (`x-pagination`...) appears where it was not; the name is one of
    /// [`crate::GENERATOR_EXTENSIONS`].
    ExtensionAdded(&'static str),
    /// A generator extension is gone.
    ExtensionRemoved(&'static str),
    /// A generator extension's value changed.
    ExtensionChanged(&'static str),
}

impl Kind {
    /// `operation-added`, `enum-value-removed`...
    pub fn name(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation-added",
            Kind::OperationRemoved => "operation-removed",
            Kind::PathChanged => "path-changed",
            Kind::MethodChanged => "method-changed",
            Kind::ParameterAdded => "parameter-added",
            Kind::ParameterRemoved => "parameter-removed",
            Kind::ParameterMadeRequired => "parameter-made-required",
            Kind::ParameterMadeOptional => "parameter-made-optional",
            Kind::RequestBodyAdded => "request-body-added",
            Kind::RequestBodyRemoved => "request-body-removed",
            Kind::RequestBodyMadeRequired => "request-body-made-required",
            Kind::RequestBodyMadeOptional => "request-body-made-optional",
            Kind::StatusAdded => "status-added",
            Kind::StatusRemoved => "status-removed",
            Kind::PropertyAdded => "property-added",
            Kind::PropertyRemoved => "property-removed",
            Kind::PropertyMadeRequired => "property-made-required",
            Kind::PropertyMadeOptional => "property-made-optional",
            Kind::TypeChanged => "type-changed",
            Kind::FormatChanged => "format-changed",
            Kind::EnumValueAdded => "enum-value-added",
            Kind::EnumValueRemoved => "enum-value-removed",
            Kind::BoundTightened => "bound-tightened",
            Kind::BoundLoosened => "bound-loosened",
            Kind::NullableAdded => "nullable-added",
            Kind::NullableRemoved => "nullable-removed",
            Kind::SecurityChanged => "security-changed",
            Kind::ExtensionAdded(_) => "extension-added",
            Kind::ExtensionRemoved(_) => "extension-removed",
            Kind::ExtensionChanged(_) => "extension-changed",
        }
    }

    /// The generator extension a change is about, for the extension kinds.
    pub fn extension(self) -> Option<&'static str> {
        match self {
            Kind::ExtensionAdded(name)
            | Kind::ExtensionRemoved(name)
            | Kind::ExtensionChanged(name) => Some(name),
            _ => None,
        }
    }
}

/// Where a schema change was found: in what the client sends, or in what the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Request,
    Response,
}

/// One change between two versions of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: Kind,
    /// The operationId, or `None` for spec-wide changes (security schemes, servers, the error
    /// template).
    pub operation: Option<String>,
    /// JSON pointer into the new spec (into the old one for removals).
    pub pointer: String,
    pub message: String,
    pub impact: Impact,
}

/// The version bump a set of changes requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Minor,
    Major,
}

impl Bump {
    /// `none`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}
