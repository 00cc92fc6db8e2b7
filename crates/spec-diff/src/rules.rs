//! The classification: what each kind of change does to clients and servers on the wire, and
//! to the generated Rust API. Generator extensions are classified by their own table
//! ([`crate::GENERATOR_EXTENSIONS`]).

use crate::extensions;
use crate::model::Severity::{Breaking as B, Compatible as C};
use crate::model::{Combinator, Direction, Impact, Kind, Severity};

/// The impact of a kind of change in a direction. The rules, and why:
/// - what a client sends (request): adding a requirement, removing an accepted value or
///   narrowing a bound breaks clients; accepting more breaks servers, which must now handle it;
/// - what a server answers (response): the mirror image; a new enum value in a response is
///   compatible for our clients (their enums are open: `Unknown(String)`).
/// - a type, format or bound is judged the same way: widened or loosened is tightened's mirror
///   image; only a change that neither contains the other (`string` -> `integer`, a rewritten
///   `pattern`) breaks both. A `oneOf`/`anyOf` member is one more accepted shape, an `allOf`
///   member one more constraint.
/// - removing anything that exists in the generated Rust types (an operation, a parameter, a
///   property, a status variant) breaks the code that uses it.
/// - a generator extension: as its row of [`crate::GENERATOR_EXTENSIONS`] says.
pub fn impact(kind: Kind, direction: Direction) -> Impact {
    use Direction::{Request as Rq, Response as Rs};
    let wire = match (kind, direction) {
        (Kind::OperationAdded, _) => Impact::wire(C, B),
        (
            Kind::OperationRemoved
            | Kind::DeprecatedOperationRemoved
            | Kind::PathChanged
            | Kind::MethodChanged,
            _,
        ) => Impact::wire(B, B),
        (Kind::ParameterAdded | Kind::RequestBodyAdded, _) => Impact::wire(B, C),
        (
            Kind::ParameterRemoved | Kind::DeprecatedParameterRemoved | Kind::RequestBodyRemoved,
            _,
        ) => Impact::wire(B, B),
        (Kind::ParameterMadeRequired | Kind::RequestBodyMadeRequired, _) => Impact::wire(B, C),
        (Kind::ParameterMadeOptional | Kind::RequestBodyMadeOptional, _) => Impact::wire(C, B),
        (Kind::StatusAdded, _) => Impact::wire(C, C),
        // A non-success status gone: servers that send it are off-spec; clients lose nothing.
        (Kind::StatusRemoved, _) => Impact::wire(C, B),
        // The success a client read is no longer what the server answers.
        (Kind::SuccessStatusRemoved, _) => Impact::wire(B, B),
        (Kind::PropertyAdded, Rq) => Impact::wire(B, C),
        (Kind::PropertyAdded, Rs) => Impact::wire(C, B),
        (Kind::PropertyRemoved, _) => Impact::wire(B, B),
        (Kind::PropertyMadeRequired, Rq) => Impact::wire(B, C),
        (Kind::PropertyMadeRequired, Rs) => Impact::wire(C, B),
        (Kind::PropertyMadeOptional, Rq) => Impact::wire(C, B),
        (Kind::PropertyMadeOptional, Rs) => Impact::wire(B, C),
        // Neither contains the other: what one side writes, the other may refuse.
        (Kind::TypeChanged | Kind::FormatChanged | Kind::BoundChanged, _) => Impact::wire(B, B),
        (Kind::EnumValueAdded, Rq) => Impact::wire(C, B),
        (Kind::EnumValueAdded, Rs) => Impact::wire(C, C),
        (Kind::EnumValueRemoved, Rq) => Impact::wire(B, C),
        (Kind::EnumValueRemoved, Rs) => Impact::wire(C, B),
        (Kind::BoundTightened | Kind::TypeNarrowed | Kind::FormatNarrowed, Rq) => {
            Impact::wire(B, C)
        }
        (Kind::BoundTightened | Kind::TypeNarrowed | Kind::FormatNarrowed, Rs) => {
            Impact::wire(C, B)
        }
        (Kind::BoundLoosened | Kind::TypeWidened | Kind::FormatWidened, Rq) => Impact::wire(C, B),
        (Kind::BoundLoosened | Kind::TypeWidened | Kind::FormatWidened, Rs) => Impact::wire(B, C),
        (Kind::NullableAdded, Rq) => Impact::wire(C, B),
        (Kind::NullableAdded, Rs) => Impact::wire(B, C),
        (Kind::NullableRemoved, Rq) => Impact::wire(B, C),
        (Kind::NullableRemoved, Rs) => Impact::wire(C, B),
        (Kind::SecurityChanged | Kind::SecuritySchemeRemoved, _) => Impact::wire(B, B),
        // A scheme nothing requires yet changes nothing on the wire.
        (Kind::SecuritySchemeAdded, _) => Impact::wire(C, C),
        (Kind::SecurityRequirementAdded, _) => Impact::wire(C, B),
        (Kind::SecurityRequirementRemoved, _) => Impact::wire(B, C),
        // A new request media type: servers must read it; a new response one: servers may
        // send it, clients ask for what they read (Accept).
        (Kind::MediaTypeAdded, Rq) => Impact::wire(C, B),
        (Kind::MediaTypeAdded, Rs) => Impact::wire(C, C),
        (Kind::MediaTypeRemoved, Rq) => Impact::wire(B, C),
        (Kind::MediaTypeRemoved, Rs) => Impact::wire(B, B),
        // A new header is the server's to send (breaking it only when required).
        (Kind::ResponseHeaderAdded | Kind::ResponseHeaderMadeRequired, _) => Impact::wire(C, B),
        (Kind::ResponseHeaderRemoved | Kind::ResponseHeaderMadeOptional, _) => Impact::wire(B, C),
        // oneOf/anyOf: a member is an alternative, so more members accept more; allOf: a
        // member is a constraint, so more members accept less.
        (Kind::MemberAdded(Combinator::AllOf), Rq)
        | (Kind::MemberRemoved(Combinator::AllOf), Rs) => Impact::wire(B, C),
        (Kind::MemberAdded(Combinator::AllOf), Rs)
        | (Kind::MemberRemoved(Combinator::AllOf), Rq) => Impact::wire(C, B),
        (Kind::MemberAdded(_), Rq) | (Kind::MemberRemoved(_), Rs) => Impact::wire(C, B),
        (Kind::MemberAdded(_), Rs) | (Kind::MemberRemoved(_), Rq) => Impact::wire(B, C),
        // Both sides pick the variant by it.
        (Kind::DiscriminatorChanged, _) => Impact::wire(B, B),
        // The same bytes (a member left out) mean another value: to the server reading a
        // request, to the client reading a response.
        (Kind::DefaultAdded | Kind::DefaultRemoved | Kind::DefaultChanged, _) => Impact::wire(B, C),
        (Kind::ParameterSerializationChanged, _) => Impact::wire(B, B),
        (Kind::PathParameterRenamed, _) => Impact::wire(C, C),
        // readOnly: not sent in requests; writeOnly: not sent in responses.
        (Kind::WriteOnlyAdded, Rs) => Impact::wire(B, C),
        // Clients must stop sending it, and a member servers required may now be left out
        // (it leaves the request's `required`): the oracle's instances show the second.
        (Kind::ReadOnlyAdded, Rq) => Impact::wire(B, B),
        (Kind::ReadOnlyRemoved, Rq) | (Kind::WriteOnlyRemoved, Rs) => Impact::wire(C, B),
        (Kind::ReadOnlyAdded | Kind::ReadOnlyRemoved, Rs)
        | (Kind::WriteOnlyAdded | Kind::WriteOnlyRemoved, Rq) => Impact::wire(C, C),
        // A server URL gone or changed: clients calling it fail; servers serve where they do.
        (Kind::ServerAdded | Kind::OperationServerAdded, _) => Impact::wire(C, C),
        (Kind::ServerRemoved | Kind::OperationServerRemoved | Kind::ServerVariableChanged, _) => {
            Impact::wire(B, C)
        }
        // Clients on the default environment call another server; servers route under the
        // first server's path.
        (Kind::DefaultServerChanged, _) => Impact::wire(B, B),
        (Kind::DeprecationAdded | Kind::DeprecationRemoved, _) => Impact::wire(C, C),
        (Kind::ComponentRenamed | Kind::ReferenceChanged, _) => Impact::wire(C, C),
        (Kind::ExtensionAdded(_) | Kind::ExtensionRemoved(_) | Kind::ExtensionChanged(_), _) => {
            return extensions::impact(kind)
        }
    };
    with_rust(kind, wire)
}

/// What a kind of change does to the generated Rust API. Additions to exhaustive items
/// (struct fields, method parameters, trait methods) and every removal or type change break
/// it, and so, cautiously, do bounds (typify picks the type from them: `maxLength` or
/// `pattern` make a `String` a newtype, `minimum: 1` a `NonZeroU64`) and security schemes
/// (they shape `auth::Credentials`). Compatible: what no Rust signature carries (paths,
/// methods, path parameter names: arguments are positional, deprecation, readOnly/writeOnly
/// which typify ignores, a default's value), a new enum value (open enums are
/// `#[non_exhaustive]`), a new status (the server crates' response enums are
/// `#[non_exhaustive]`) and a new response header (read through `Context`, no new item).
/// Breaking: a renamed or re-referenced type (`$ref` to another component, a schema
/// extracted or inlined: typify names inline types after their place), a server added or
/// removed (`Environment` is exhaustive; path and operation servers are not read), a media type (progenitor picks the body type from
/// it). A generator extension: its row of [`crate::GENERATOR_EXTENSIONS`].
pub fn generated_api_impact(kind: Kind) -> Severity {
    match kind {
        Kind::PathChanged
        | Kind::MethodChanged
        | Kind::StatusAdded
        | Kind::EnumValueAdded
        | Kind::PathParameterRenamed
        | Kind::DeprecationAdded
        | Kind::DeprecationRemoved
        | Kind::ReadOnlyAdded
        | Kind::ReadOnlyRemoved
        | Kind::WriteOnlyAdded
        | Kind::WriteOnlyRemoved
        | Kind::DefaultChanged
        | Kind::ResponseHeaderAdded
        | Kind::ServerVariableChanged
        | Kind::DefaultServerChanged
        | Kind::OperationServerAdded
        | Kind::OperationServerRemoved => C,
        Kind::BoundTightened
        | Kind::BoundLoosened
        | Kind::BoundChanged
        | Kind::SecurityChanged
        | Kind::SecuritySchemeAdded
        | Kind::SecuritySchemeRemoved
        | Kind::SecurityRequirementAdded
        | Kind::SecurityRequirementRemoved => B,
        Kind::ExtensionAdded(_) | Kind::ExtensionRemoved(_) | Kind::ExtensionChanged(_) => {
            extensions::impact(kind).rust
        }
        Kind::OperationAdded
        | Kind::OperationRemoved
        | Kind::DeprecatedOperationRemoved
        | Kind::ParameterAdded
        | Kind::ParameterRemoved
        | Kind::DeprecatedParameterRemoved
        | Kind::ParameterMadeRequired
        | Kind::ParameterMadeOptional
        | Kind::ParameterSerializationChanged
        | Kind::RequestBodyAdded
        | Kind::RequestBodyRemoved
        | Kind::RequestBodyMadeRequired
        | Kind::RequestBodyMadeOptional
        | Kind::StatusRemoved
        | Kind::SuccessStatusRemoved
        | Kind::PropertyAdded
        | Kind::PropertyRemoved
        | Kind::PropertyMadeRequired
        | Kind::PropertyMadeOptional
        | Kind::TypeChanged
        | Kind::TypeWidened
        | Kind::TypeNarrowed
        | Kind::FormatChanged
        | Kind::FormatWidened
        | Kind::FormatNarrowed
        | Kind::EnumValueRemoved
        | Kind::NullableAdded
        | Kind::NullableRemoved
        | Kind::MediaTypeAdded
        | Kind::MediaTypeRemoved
        | Kind::ResponseHeaderRemoved
        | Kind::ResponseHeaderMadeRequired
        | Kind::ResponseHeaderMadeOptional
        | Kind::MemberAdded(_)
        | Kind::MemberRemoved(_)
        | Kind::DiscriminatorChanged
        | Kind::DefaultAdded
        | Kind::DefaultRemoved
        | Kind::ServerAdded
        | Kind::ServerRemoved
        | Kind::ComponentRenamed
        | Kind::ReferenceChanged => B,
    }
}

/// `wire` with the generated Rust API's severity of `kind`.
pub(crate) fn with_rust(kind: Kind, wire: Impact) -> Impact {
    Impact {
        rust: generated_api_impact(kind),
        ..wire
    }
}

/// A new optional property or parameter: nothing changes on the wire (a client need not send
/// it, a server may leave it out), and the Rust API only grows: shapes and server query structs
/// are `#[non_exhaustive]` and built through constructors that take the required members, and
/// a new optional parameter is a new setter on the request builder. (`kind` stays in the
/// signature: a required addition goes through [`impact`] and breaks the constructor.)
pub(crate) fn optional_addition(_kind: Kind) -> Impact {
    Impact::of(C, C, C)
}
