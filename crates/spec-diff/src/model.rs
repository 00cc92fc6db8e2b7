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

/// Declares [`Kind`] from one list of its unit kinds with their names, so that the enum,
/// [`Kind::name`] and [`Kind::all`] cannot drift apart; the kinds carrying a value (a
/// combinator, an extension) follow the list.
macro_rules! kinds {
    ($($(#[$doc:meta])* $kind:ident => $name:literal,)*) => {
        /// The kinds of change. Schema changes carry the direction they were found in.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub enum Kind {
            $($(#[$doc])* $kind,)*
            /// A member of `oneOf`/`anyOf`/`allOf` (matched by `$ref` target or structure)
            /// appears.
            MemberAdded(Combinator),
            /// A member of `oneOf`/`anyOf`/`allOf` is gone.
            MemberRemoved(Combinator),
            /// A generator extension (`x-pagination`...) appears where it was not; the name is
            /// one of [`crate::GENERATOR_EXTENSIONS`].
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
                    $(Kind::$kind => $name,)*
                    Kind::MemberAdded(_) => "member-added",
                    Kind::MemberRemoved(_) => "member-removed",
                    Kind::ExtensionAdded(_) => "extension-added",
                    Kind::ExtensionRemoved(_) => "extension-removed",
                    Kind::ExtensionChanged(_) => "extension-changed",
                }
            }

            /// Every kind, each combinator and generator extension spelled out (for tables
            /// and tests).
            pub fn all() -> Vec<Kind> {
                let mut kinds = vec![$(Kind::$kind,)*];
                for combinator in Combinator::ALL {
                    let members = [Kind::MemberAdded(combinator), Kind::MemberRemoved(combinator)];
                    kinds.extend(members);
                }
                for extension in crate::GENERATOR_EXTENSIONS {
                    let name = extension.name;
                    kinds.extend([
                        Kind::ExtensionAdded(name),
                        Kind::ExtensionRemoved(name),
                        Kind::ExtensionChanged(name),
                    ]);
                }
                kinds
            }
        }
    };
}

kinds! {
    OperationAdded => "operation-added",
    OperationRemoved => "operation-removed",
    PathChanged => "path-changed",
    MethodChanged => "method-changed",
    ParameterAdded => "parameter-added",
    ParameterRemoved => "parameter-removed",
    ParameterMadeRequired => "parameter-made-required",
    ParameterMadeOptional => "parameter-made-optional",
    RequestBodyAdded => "request-body-added",
    RequestBodyRemoved => "request-body-removed",
    RequestBodyMadeRequired => "request-body-made-required",
    RequestBodyMadeOptional => "request-body-made-optional",
    StatusAdded => "status-added",
    StatusRemoved => "status-removed",
    PropertyAdded => "property-added",
    PropertyRemoved => "property-removed",
    PropertyMadeRequired => "property-made-required",
    PropertyMadeOptional => "property-made-optional",
    /// A 2xx status is gone: what the client read on success no longer comes.
    SuccessStatusRemoved => "success-status-removed",
    /// A type that neither contains the other (`string` -> `integer`).
    TypeChanged => "type-changed",
    /// The new type accepts every value of the old (`integer` -> `number`, a type dropped).
    TypeWidened => "type-widened",
    /// The old type accepts every value of the new (`number` -> `integer`, a type set).
    TypeNarrowed => "type-narrowed",
    /// A format that neither contains the other (`date` -> `date-time`).
    FormatChanged => "format-changed",
    /// The new format accepts every value of the old (`int32` -> `int64`, a format dropped).
    FormatWidened => "format-widened",
    /// The old format accepts every value of the new (`int64` -> `int32`, a format set).
    FormatNarrowed => "format-narrowed",
    EnumValueAdded => "enum-value-added",
    EnumValueRemoved => "enum-value-removed",
    BoundTightened => "bound-tightened",
    BoundLoosened => "bound-loosened",
    /// A bound changed in a way that neither contains the other (a `pattern` rewritten,
    /// `multipleOf` 2 -> 3): treated as both tighter and looser.
    BoundChanged => "bound-changed",
    NullableAdded => "nullable-added",
    NullableRemoved => "nullable-removed",
    /// A security scheme's meaning changed (type, scheme, header name, flows; not its
    /// description).
    SecurityChanged => "security-changed",
    SecuritySchemeAdded => "security-scheme-added",
    SecuritySchemeRemoved => "security-scheme-removed",
    /// An alternative of a security requirement appears (no requirement counts as the
    /// anonymous alternative `{}`): servers must accept it.
    SecurityRequirementAdded => "security-requirement-added",
    /// An alternative of a security requirement is gone: clients using it are refused.
    SecurityRequirementRemoved => "security-requirement-removed",
    /// A request body or response media type appears (`content` gains a key).
    MediaTypeAdded => "media-type-added",
    /// A request body or response media type is gone (a whole response body removed too).
    MediaTypeRemoved => "media-type-removed",
    ResponseHeaderAdded => "response-header-added",
    ResponseHeaderRemoved => "response-header-removed",
    ResponseHeaderMadeRequired => "response-header-made-required",
    ResponseHeaderMadeOptional => "response-header-made-optional",
    /// A `discriminator` added, removed, or its property name or mapping changed.
    DiscriminatorChanged => "discriminator-changed",
    DefaultAdded => "default-added",
    DefaultRemoved => "default-removed",
    DefaultChanged => "default-changed",
    /// How a parameter is written on the wire: `style`, `explode`, `allowReserved`, or
    /// `content` instead of `schema`.
    ParameterSerializationChanged => "parameter-serialization-changed",
    /// A path parameter renamed in the template and in its definition alike: the wire is the
    /// same.
    PathParameterRenamed => "path-parameter-renamed",
    ReadOnlyAdded => "read-only-added",
    ReadOnlyRemoved => "read-only-removed",
    WriteOnlyAdded => "write-only-added",
    WriteOnlyRemoved => "write-only-removed",
    /// The global `servers` gain a URL (a new `Environment` variant or URL function).
    ServerAdded => "server-added",
    /// The global `servers` lose a URL.
    ServerRemoved => "server-removed",
    /// The first global server changed: `Environment::default()` and the server crate's
    /// `BASE_PATH` come from it.
    DefaultServerChanged => "default-server-changed",
    /// A path item's or operation's `servers` gain a URL (the generator does not read them;
    /// clients that follow the spec do).
    OperationServerAdded => "operation-server-added",
    /// A path item's or operation's `servers` lose a URL.
    OperationServerRemoved => "operation-server-removed",
    /// A server variable's default or enum changed, or a variable appears or goes.
    ServerVariableChanged => "server-variable-changed",
    /// `deprecated: true` set on an operation, parameter or schema: informational.
    DeprecationAdded => "deprecation-added",
    DeprecationRemoved => "deprecation-removed",
    /// A deprecated operation removed: still breaking, but announced.
    DeprecatedOperationRemoved => "deprecated-operation-removed",
    /// A deprecated parameter removed: still breaking, but announced.
    DeprecatedParameterRemoved => "deprecated-parameter-removed",
    /// A schema under `components/schemas` renamed (same content, new name): the Rust type's
    /// name changes, the wire does not.
    ComponentRenamed => "component-renamed",
    /// The same place now `$ref`s another component, or an inline schema became a `$ref` (or
    /// back): the schemas are compared as usual, and the Rust type's name changes.
    ReferenceChanged => "reference-changed",
}

impl Kind {
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

/// Where a schema change was found: in what the client sends, or in what the server answers
/// (spec-model's, the one definition).
pub use spec_model::Direction;

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
