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
    /// A 2xx status is gone: what the client read on success no longer comes.
    SuccessStatusRemoved,
    /// A type that neither contains the other (`string` -> `integer`).
    TypeChanged,
    /// The new type accepts every value of the old (`integer` -> `number`, a type dropped).
    TypeWidened,
    /// The old type accepts every value of the new (`number` -> `integer`, a type set).
    TypeNarrowed,
    /// A format that neither contains the other (`date` -> `date-time`).
    FormatChanged,
    /// The new format accepts every value of the old (`int32` -> `int64`, a format dropped).
    FormatWidened,
    /// The old format accepts every value of the new (`int64` -> `int32`, a format set).
    FormatNarrowed,
    EnumValueAdded,
    EnumValueRemoved,
    BoundTightened,
    BoundLoosened,
    /// A bound changed in a way that neither contains the other (a `pattern` rewritten,
    /// `multipleOf` 2 -> 3): treated as both tighter and looser.
    BoundChanged,
    NullableAdded,
    NullableRemoved,
    /// A security scheme's meaning changed (type, scheme, header name, flows; not its
    /// description).
    SecurityChanged,
    SecuritySchemeAdded,
    SecuritySchemeRemoved,
    /// An alternative of a security requirement appears (no requirement counts as the
    /// anonymous alternative `{}`): servers must accept it.
    SecurityRequirementAdded,
    /// An alternative of a security requirement is gone: clients using it are refused.
    SecurityRequirementRemoved,
    /// A request body or response media type appears (`content` gains a key).
    MediaTypeAdded,
    /// A request body or response media type is gone (a whole response body removed too).
    MediaTypeRemoved,
    ResponseHeaderAdded,
    ResponseHeaderRemoved,
    ResponseHeaderMadeRequired,
    ResponseHeaderMadeOptional,
    /// A member of `oneOf`/`anyOf`/`allOf` (matched by `$ref` target or structure) appears.
    MemberAdded(Combinator),
    /// A member of `oneOf`/`anyOf`/`allOf` is gone.
    MemberRemoved(Combinator),
    /// A `discriminator` added, removed, or its property name or mapping changed.
    DiscriminatorChanged,
    DefaultAdded,
    DefaultRemoved,
    DefaultChanged,
    /// How a parameter is written on the wire: `style`, `explode`, `allowReserved`, or
    /// `content` instead of `schema`.
    ParameterSerializationChanged,
    /// A path parameter renamed in the template and in its definition alike: the wire is the
    /// same.
    PathParameterRenamed,
    ReadOnlyAdded,
    ReadOnlyRemoved,
    WriteOnlyAdded,
    WriteOnlyRemoved,
    /// `servers` (global, path or operation) gains a URL.
    ServerAdded,
    /// `servers` loses a URL.
    ServerRemoved,
    /// A server variable's default or enum changed, or a variable appears or goes.
    ServerVariableChanged,
    /// `deprecated: true` set on an operation, parameter or schema: informational.
    DeprecationAdded,
    DeprecationRemoved,
    /// A deprecated operation removed: still breaking, but announced.
    DeprecatedOperationRemoved,
    /// A deprecated parameter removed: still breaking, but announced.
    DeprecatedParameterRemoved,
    /// A schema under `components/schemas` renamed (same content, new name): the Rust type's
    /// name changes, the wire does not.
    ComponentRenamed,
    /// The same place now `$ref`s another component, or an inline schema became a `$ref` (or
    /// back): the schemas are compared as usual, and the Rust type's name changes.
    ReferenceChanged,
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
            Kind::SuccessStatusRemoved => "success-status-removed",
            Kind::TypeChanged => "type-changed",
            Kind::TypeWidened => "type-widened",
            Kind::TypeNarrowed => "type-narrowed",
            Kind::FormatChanged => "format-changed",
            Kind::FormatWidened => "format-widened",
            Kind::FormatNarrowed => "format-narrowed",
            Kind::EnumValueAdded => "enum-value-added",
            Kind::EnumValueRemoved => "enum-value-removed",
            Kind::BoundTightened => "bound-tightened",
            Kind::BoundLoosened => "bound-loosened",
            Kind::BoundChanged => "bound-changed",
            Kind::NullableAdded => "nullable-added",
            Kind::NullableRemoved => "nullable-removed",
            Kind::SecurityChanged => "security-changed",
            Kind::SecuritySchemeAdded => "security-scheme-added",
            Kind::SecuritySchemeRemoved => "security-scheme-removed",
            Kind::SecurityRequirementAdded => "security-requirement-added",
            Kind::SecurityRequirementRemoved => "security-requirement-removed",
            Kind::MediaTypeAdded => "media-type-added",
            Kind::MediaTypeRemoved => "media-type-removed",
            Kind::ResponseHeaderAdded => "response-header-added",
            Kind::ResponseHeaderRemoved => "response-header-removed",
            Kind::ResponseHeaderMadeRequired => "response-header-made-required",
            Kind::ResponseHeaderMadeOptional => "response-header-made-optional",
            Kind::MemberAdded(_) => "member-added",
            Kind::MemberRemoved(_) => "member-removed",
            Kind::DiscriminatorChanged => "discriminator-changed",
            Kind::DefaultAdded => "default-added",
            Kind::DefaultRemoved => "default-removed",
            Kind::DefaultChanged => "default-changed",
            Kind::ParameterSerializationChanged => "parameter-serialization-changed",
            Kind::PathParameterRenamed => "path-parameter-renamed",
            Kind::ReadOnlyAdded => "read-only-added",
            Kind::ReadOnlyRemoved => "read-only-removed",
            Kind::WriteOnlyAdded => "write-only-added",
            Kind::WriteOnlyRemoved => "write-only-removed",
            Kind::ServerAdded => "server-added",
            Kind::ServerRemoved => "server-removed",
            Kind::ServerVariableChanged => "server-variable-changed",
            Kind::DeprecationAdded => "deprecation-added",
            Kind::DeprecationRemoved => "deprecation-removed",
            Kind::DeprecatedOperationRemoved => "deprecated-operation-removed",
            Kind::DeprecatedParameterRemoved => "deprecated-parameter-removed",
            Kind::ComponentRenamed => "component-renamed",
            Kind::ReferenceChanged => "reference-changed",
            Kind::ExtensionAdded(_) => "extension-added",
            Kind::ExtensionRemoved(_) => "extension-removed",
            Kind::ExtensionChanged(_) => "extension-changed",
        }
    }

    /// Every kind, each combinator and generator extension spelled out (for tables and
    /// tests).
    pub fn all() -> Vec<Kind> {
        use Kind::*;
        let mut kinds = vec![
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
            SuccessStatusRemoved,
            PropertyAdded,
            PropertyRemoved,
            PropertyMadeRequired,
            PropertyMadeOptional,
            TypeChanged,
            TypeWidened,
            TypeNarrowed,
            FormatChanged,
            FormatWidened,
            FormatNarrowed,
            EnumValueAdded,
            EnumValueRemoved,
            BoundTightened,
            BoundLoosened,
            BoundChanged,
            NullableAdded,
            NullableRemoved,
            SecurityChanged,
            SecuritySchemeAdded,
            SecuritySchemeRemoved,
            SecurityRequirementAdded,
            SecurityRequirementRemoved,
            MediaTypeAdded,
            MediaTypeRemoved,
            ResponseHeaderAdded,
            ResponseHeaderRemoved,
            ResponseHeaderMadeRequired,
            ResponseHeaderMadeOptional,
            DiscriminatorChanged,
            DefaultAdded,
            DefaultRemoved,
            DefaultChanged,
            ParameterSerializationChanged,
            PathParameterRenamed,
            ReadOnlyAdded,
            ReadOnlyRemoved,
            WriteOnlyAdded,
            WriteOnlyRemoved,
            ServerAdded,
            ServerRemoved,
            ServerVariableChanged,
            DeprecationAdded,
            DeprecationRemoved,
            DeprecatedOperationRemoved,
            DeprecatedParameterRemoved,
            ComponentRenamed,
            ReferenceChanged,
        ];
        for combinator in Combinator::ALL {
            kinds.extend([MemberAdded(combinator), MemberRemoved(combinator)]);
        }
        for extension in crate::GENERATOR_EXTENSIONS {
            let name = extension.name;
            kinds.extend([
                ExtensionAdded(name),
                ExtensionRemoved(name),
                ExtensionChanged(name),
            ]);
        }
        kinds
    }

    /// The combinator a member change is about.
    pub fn combinator(self) -> Option<Combinator> {
        match self {
            Kind::MemberAdded(combinator) | Kind::MemberRemoved(combinator) => Some(combinator),
            _ => None,
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

/// The schema combinators whose members are compared by identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Combinator {
    OneOf,
    AnyOf,
    AllOf,
}

impl Combinator {
    pub const ALL: [Combinator; 3] = [Combinator::OneOf, Combinator::AnyOf, Combinator::AllOf];

    /// The schema keyword: `oneOf`...
    pub fn keyword(self) -> &'static str {
        match self {
            Combinator::OneOf => "oneOf",
            Combinator::AnyOf => "anyOf",
            Combinator::AllOf => "allOf",
        }
    }
}

/// Where a schema change was found: in what the client sends, or in what the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Request,
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
    /// What the change is about: what clients send (request; also operation-, path- and
    /// spec-wide changes) or what servers answer (response).
    pub direction: Direction,
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
