//! The classification: what each kind of change does to clients and servers on the wire, and
//! to the generated Rust API. Generator extensions are classified by their own table
//! ([`crate::GENERATOR_EXTENSIONS`]).

use crate::extensions;
use crate::model::Severity::{Breaking as B, Compatible as C};
use crate::model::{Direction, Impact, Kind, Severity};

/// The impact of a kind of change in a direction. The rules, and why:
/// - what a client sends (request): adding a requirement, removing an accepted value or
///   narrowing a bound breaks clients; accepting more breaks servers, which must now handle it;
/// - what a server answers (response): the mirror image; a new enum value in a response is
///   compatible for our clients (their enums are open: `Unknown(String)`).
/// - removing anything that exists in the generated Rust types (an operation, a parameter, a
///   property, a status variant) breaks the code that uses it.
/// - a generator extension: as its row of [`crate::GENERATOR_EXTENSIONS`] says.
pub fn impact(kind: Kind, direction: Direction) -> Impact {
    use Direction::{Request as Rq, Response as Rs};
    let wire = match (kind, direction) {
        (Kind::OperationAdded, _) => Impact::wire(C, B),
        (Kind::OperationRemoved | Kind::PathChanged | Kind::MethodChanged, _) => Impact::wire(B, B),
        (Kind::ParameterAdded | Kind::RequestBodyAdded, _) => Impact::wire(B, C),
        (Kind::ParameterRemoved | Kind::RequestBodyRemoved, _) => Impact::wire(B, B),
        (Kind::ParameterMadeRequired | Kind::RequestBodyMadeRequired, _) => Impact::wire(B, C),
        (Kind::ParameterMadeOptional | Kind::RequestBodyMadeOptional, _) => Impact::wire(C, B),
        (Kind::StatusAdded, _) => Impact::wire(C, C),
        (Kind::StatusRemoved, _) => Impact::wire(C, B),
        (Kind::PropertyAdded, Rq) => Impact::wire(B, C),
        (Kind::PropertyAdded, Rs) => Impact::wire(C, B),
        (Kind::PropertyRemoved, _) => Impact::wire(B, B),
        (Kind::PropertyMadeRequired, Rq) => Impact::wire(B, C),
        (Kind::PropertyMadeRequired, Rs) => Impact::wire(C, B),
        (Kind::PropertyMadeOptional, Rq) => Impact::wire(C, B),
        (Kind::PropertyMadeOptional, Rs) => Impact::wire(B, C),
        (Kind::TypeChanged | Kind::FormatChanged, _) => Impact::wire(B, B),
        (Kind::EnumValueAdded, Rq) => Impact::wire(C, B),
        (Kind::EnumValueAdded, Rs) => Impact::wire(C, C),
        (Kind::EnumValueRemoved, Rq) => Impact::wire(B, C),
        (Kind::EnumValueRemoved, Rs) => Impact::wire(C, B),
        (Kind::BoundTightened, Rq) => Impact::wire(B, C),
        (Kind::BoundTightened, Rs) => Impact::wire(C, B),
        (Kind::BoundLoosened, Rq) => Impact::wire(C, B),
        (Kind::BoundLoosened, Rs) => Impact::wire(B, C),
        (Kind::NullableAdded, Rq) => Impact::wire(C, B),
        (Kind::NullableAdded, Rs) => Impact::wire(B, C),
        (Kind::NullableRemoved, Rq) => Impact::wire(B, C),
        (Kind::NullableRemoved, Rs) => Impact::wire(C, B),
        (Kind::SecurityChanged, _) => Impact::wire(B, B),
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
/// methods), a new enum value (open enums are `#[non_exhaustive]`) and a new status (the
/// server crates' response enums are `#[non_exhaustive]`). A generator extension: its row of
/// [`crate::GENERATOR_EXTENSIONS`].
pub fn generated_api_impact(kind: Kind) -> Severity {
    match kind {
        Kind::PathChanged | Kind::MethodChanged | Kind::StatusAdded | Kind::EnumValueAdded => C,
        Kind::BoundTightened | Kind::BoundLoosened | Kind::SecurityChanged => B,
        Kind::ExtensionAdded(_) | Kind::ExtensionRemoved(_) | Kind::ExtensionChanged(_) => {
            extensions::impact(kind).rust
        }
        Kind::OperationAdded
        | Kind::OperationRemoved
        | Kind::ParameterAdded
        | Kind::ParameterRemoved
        | Kind::ParameterMadeRequired
        | Kind::ParameterMadeOptional
        | Kind::RequestBodyAdded
        | Kind::RequestBodyRemoved
        | Kind::RequestBodyMadeRequired
        | Kind::RequestBodyMadeOptional
        | Kind::StatusRemoved
        | Kind::PropertyAdded
        | Kind::PropertyRemoved
        | Kind::PropertyMadeRequired
        | Kind::PropertyMadeOptional
        | Kind::TypeChanged
        | Kind::FormatChanged
        | Kind::EnumValueRemoved
        | Kind::NullableAdded
        | Kind::NullableRemoved => B,
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
