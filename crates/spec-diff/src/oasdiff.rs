//! oasdiff's rule ids for each kind of change, so that teams who know oasdiff can read our
//! output. oasdiff splits a change by where it sits (`request-body-…`, `request-property-…`,
//! `request-parameter-…`) and by keyword; a kind lists the ids of every place and keyword it
//! covers in its direction. Kinds oasdiff has no rule for (`path-changed`, the generator
//! extensions…) list none.

use crate::model::{Change, Combinator, Direction, Kind};

/// The oasdiff rule ids a kind of change in a direction corresponds to.
pub fn oasdiff_rules(kind: Kind, direction: Direction) -> &'static [&'static str] {
    use Direction::{Request as Rq, Response as Rs};
    match (kind, direction) {
        (Kind::OperationAdded, _) => &["endpoint-added"],
        (Kind::OperationRemoved, _) => &[
            "api-removed-without-deprecation",
            "api-path-removed-without-deprecation",
        ],
        (Kind::DeprecatedOperationRemoved, _) => &[
            "api-removed-with-deprecation",
            "api-path-removed-with-deprecation",
        ],
        (Kind::PathChanged | Kind::MethodChanged | Kind::PathParameterRenamed, _) => &[],
        (Kind::ParameterAdded, _) => &[
            "new-required-request-parameter",
            "new-optional-request-parameter",
            "new-request-path-parameter",
            "new-required-request-header-property",
        ],
        (Kind::ParameterRemoved, _) => &["request-parameter-removed"],
        (Kind::DeprecatedParameterRemoved, _) => &["request-parameter-removed-with-deprecation"],
        (Kind::ParameterMadeRequired, _) => &[
            "request-parameter-became-required",
            "request-header-property-became-required",
        ],
        (Kind::ParameterMadeOptional, _) => &["request-parameter-became-optional"],
        (Kind::RequestBodyAdded, _) => {
            &["request-body-added-required", "request-body-added-optional"]
        }
        (Kind::RequestBodyRemoved, _) => &["request-body-removed"],
        (Kind::RequestBodyMadeRequired, _) => &["request-body-became-required"],
        (Kind::RequestBodyMadeOptional, _) => &["request-body-became-optional"],
        (Kind::StatusAdded, _) => &[
            "response-success-status-added",
            "response-non-success-status-added",
        ],
        (Kind::StatusRemoved, _) => &["response-non-success-status-removed"],
        (Kind::SuccessStatusRemoved, _) => &["response-success-status-removed"],
        (Kind::PropertyAdded, Rq) => &[
            "new-required-request-property",
            "new-optional-request-property",
        ],
        (Kind::PropertyAdded, Rs) => &[
            "response-required-property-added",
            "response-optional-property-added",
            "response-required-write-only-property-added",
            "response-optional-write-only-property-added",
        ],
        (Kind::PropertyRemoved, Rq) => &["request-property-removed"],
        (Kind::PropertyRemoved, Rs) => &[
            "response-required-property-removed",
            "response-optional-property-removed",
            "response-required-write-only-property-removed",
            "response-optional-write-only-property-removed",
        ],
        (Kind::PropertyMadeRequired, Rq) => &["request-property-became-required"],
        (Kind::PropertyMadeRequired, Rs) => &[
            "response-property-became-required",
            "response-write-only-property-became-required",
        ],
        (Kind::PropertyMadeOptional, Rq) => &["request-property-became-optional"],
        (Kind::PropertyMadeOptional, Rs) => &[
            "response-property-became-optional",
            "response-write-only-property-became-optional",
        ],
        (Kind::TypeChanged | Kind::FormatChanged, Rq) => &[
            "request-body-type-changed",
            "request-property-type-changed",
            "request-parameter-type-changed",
            "request-parameter-property-type-changed",
        ],
        (Kind::TypeChanged | Kind::FormatChanged, Rs) => &[
            "response-body-type-changed",
            "response-property-type-changed",
            "response-header-type-changed",
        ],
        (Kind::TypeWidened | Kind::FormatWidened, Rq) => &[
            "request-body-type-generalized",
            "request-property-type-generalized",
            "request-parameter-type-generalized",
            "request-parameter-property-type-generalized",
        ],
        (Kind::TypeWidened | Kind::FormatWidened, Rs) => &[
            "response-body-type-generalized",
            "response-property-type-generalized",
            "response-header-type-generalized",
        ],
        (Kind::TypeNarrowed | Kind::FormatNarrowed, Rq) => {
            &["request-parameter-property-type-specialized"]
        }
        (Kind::TypeNarrowed | Kind::FormatNarrowed, Rs) => &[
            "response-body-type-specialized",
            "response-property-type-specialized",
            "response-header-type-specialized",
        ],
        (Kind::EnumValueAdded, Rq) => &[
            "request-property-enum-value-added",
            "request-parameter-enum-value-added",
            "request-parameter-property-enum-value-added",
        ],
        (Kind::EnumValueAdded, Rs) => &[
            "response-property-enum-value-added",
            "response-write-only-property-enum-value-added",
        ],
        (Kind::EnumValueRemoved, Rq) => &[
            "request-body-enum-value-removed",
            "request-property-enum-value-removed",
            "request-read-only-property-enum-value-removed",
            "request-parameter-enum-value-removed",
            "request-parameter-property-enum-value-removed",
        ],
        (Kind::EnumValueRemoved, Rs) => &[
            "response-property-enum-value-removed",
            "response-mediatype-enum-value-removed",
        ],
        (Kind::BoundTightened, Rq) => &[
            "request-body-became-enum",
            "request-property-became-enum",
            "request-parameter-became-enum",
            "request-header-property-became-enum",
            "request-body-max-decreased",
            "request-property-max-decreased",
            "request-read-only-property-max-decreased",
            "request-parameter-max-decreased",
            "request-body-max-length-decreased",
            "request-property-max-length-decreased",
            "request-read-only-property-max-length-decreased",
            "request-parameter-max-length-decreased",
            "request-parameter-max-items-decreased",
            "request-body-min-increased",
            "request-property-min-increased",
            "request-read-only-property-min-increased",
            "request-parameter-min-increased",
            "request-body-min-length-increased",
            "request-property-min-length-increased",
            "request-parameter-min-length-increased",
            "request-body-min-items-increased",
            "request-property-min-items-increased",
            "request-parameter-min-items-increased",
            "request-body-max-set",
            "request-property-max-set",
            "request-parameter-max-set",
            "request-body-max-length-set",
            "request-property-max-length-set",
            "request-parameter-max-length-set",
            "request-body-min-set",
            "request-property-min-set",
            "request-parameter-min-set",
            "request-body-min-items-set",
            "request-property-min-items-set",
            "request-parameter-min-items-set",
            "request-body-exclusive-max-set",
            "request-property-exclusive-max-set",
            "request-parameter-exclusive-max-set",
            "request-body-exclusive-min-set",
            "request-property-exclusive-min-set",
            "request-parameter-exclusive-min-set",
            "request-property-pattern-added",
            "request-parameter-pattern-added",
        ],
        (Kind::BoundTightened, Rs) => &["response-property-pattern-added"],
        (Kind::BoundLoosened, Rq) => &[
            "request-body-max-increased",
            "request-property-max-increased",
            "request-parameter-max-increased",
            "request-body-max-length-increased",
            "request-property-max-length-increased",
            "request-parameter-max-length-increased",
            "request-parameter-max-items-increased",
            "request-body-min-decreased",
            "request-property-min-decreased",
            "request-parameter-min-decreased",
            "request-body-min-length-decreased",
            "request-property-min-length-decreased",
            "request-parameter-min-length-decreased",
            "request-parameter-min-items-decreased",
            "request-property-pattern-removed",
            "request-parameter-pattern-removed",
            "request-property-pattern-generalized",
            "request-parameter-pattern-generalized",
        ],
        (Kind::BoundLoosened, Rs) => &[
            "response-body-max-increased",
            "response-property-max-increased",
            "response-body-max-length-increased",
            "response-property-max-length-increased",
            "response-body-max-length-unset",
            "response-property-max-length-unset",
            "response-body-min-decreased",
            "response-property-min-decreased",
            "response-body-min-length-decreased",
            "response-property-min-length-decreased",
            "response-body-min-items-decreased",
            "response-property-min-items-decreased",
            "response-body-min-items-unset",
            "response-property-min-items-unset",
            "response-property-pattern-removed",
        ],
        (Kind::BoundChanged, Rq) => &[
            "request-property-pattern-changed",
            "request-parameter-pattern-changed",
        ],
        (Kind::BoundChanged, Rs) => &["response-property-pattern-changed"],
        (Kind::NullableAdded, Rq) => &[
            "request-body-became-nullable",
            "request-property-became-nullable",
            "request-parameter-became-nullable",
            "request-parameter-property-became-nullable",
        ],
        (Kind::NullableAdded, Rs) => &[
            "response-body-became-nullable",
            "response-property-became-nullable",
            "response-header-became-nullable",
        ],
        (Kind::NullableRemoved, Rq) => &[
            "request-body-became-not-nullable",
            "request-property-became-not-nullable",
            "request-parameter-became-not-nullable",
            "request-parameter-property-became-not-nullable",
        ],
        (Kind::NullableRemoved, Rs) => &[
            "response-body-became-not-nullable",
            "response-property-became-not-nullable",
            "response-header-became-not-nullable",
        ],
        (Kind::SecurityChanged, _) => &[
            "api-security-component-type-changed",
            "api-security-component-oauth-url-changed",
            "api-security-component-oauth-token-url-changed",
            "api-security-component-oauth-scope-added",
            "api-security-component-oauth-scope-removed",
            "api-security-component-oauth-scope-changed",
        ],
        (Kind::SecuritySchemeAdded, _) => &["api-security-component-added"],
        (Kind::SecuritySchemeRemoved, _) => &["api-security-component-removed"],
        (Kind::SecurityRequirementAdded, _) => &[
            "api-security-added",
            "api-security-scope-added",
            "api-global-security-added",
            "api-global-security-scope-added",
        ],
        (Kind::SecurityRequirementRemoved, _) => &[
            "api-security-removed",
            "api-security-scope-removed",
            "api-global-security-removed",
            "api-global-security-scope-removed",
        ],
        (Kind::MediaTypeAdded, Rq) => &["request-body-media-type-added"],
        (Kind::MediaTypeAdded, Rs) => &["response-media-type-added"],
        (Kind::MediaTypeRemoved, Rq) => &["request-body-media-type-removed"],
        (Kind::MediaTypeRemoved, Rs) => &["response-media-type-removed"],
        (Kind::ResponseHeaderAdded, _) => &["response-header-added"],
        (Kind::ResponseHeaderRemoved, _) => &[
            "required-response-header-removed",
            "optional-response-header-removed",
        ],
        (Kind::ResponseHeaderMadeOptional, _) => &["response-header-became-optional"],
        (Kind::ResponseHeaderMadeRequired, _) => &[],
        (Kind::MemberAdded(Combinator::OneOf), Rq) => {
            &["request-body-one-of-added", "request-property-one-of-added"]
        }
        (Kind::MemberAdded(Combinator::OneOf), Rs) => &[
            "response-body-one-of-added",
            "response-property-one-of-added",
        ],
        (Kind::MemberRemoved(Combinator::OneOf), Rq) => &[
            "request-body-one-of-removed",
            "request-property-one-of-removed",
        ],
        (Kind::MemberRemoved(Combinator::OneOf), Rs) => &[
            "response-body-one-of-removed",
            "response-property-one-of-removed",
        ],
        (Kind::MemberAdded(Combinator::AnyOf), Rq) => {
            &["request-body-any-of-added", "request-property-any-of-added"]
        }
        (Kind::MemberAdded(Combinator::AnyOf), Rs) => &[
            "response-body-any-of-added",
            "response-property-any-of-added",
        ],
        (Kind::MemberRemoved(Combinator::AnyOf), Rq) => &[
            "request-body-any-of-removed",
            "request-property-any-of-removed",
        ],
        (Kind::MemberRemoved(Combinator::AnyOf), Rs) => &[
            "response-body-any-of-removed",
            "response-property-any-of-removed",
        ],
        (Kind::MemberAdded(Combinator::AllOf), Rq) => {
            &["request-body-all-of-added", "request-property-all-of-added"]
        }
        (Kind::MemberAdded(Combinator::AllOf), Rs) => &[
            "response-body-all-of-added",
            "response-property-all-of-added",
        ],
        (Kind::MemberRemoved(Combinator::AllOf), Rq) => &[
            "request-body-all-of-removed",
            "request-property-all-of-removed",
        ],
        (Kind::MemberRemoved(Combinator::AllOf), Rs) => &[
            "response-body-all-of-removed",
            "response-property-all-of-removed",
        ],
        (Kind::DiscriminatorChanged, Rq) => &[
            "request-body-discriminator-added",
            "request-body-discriminator-removed",
            "request-body-discriminator-property-name-changed",
            "request-body-discriminator-mapping-added",
            "request-body-discriminator-mapping-deleted",
            "request-body-discriminator-mapping-changed",
            "request-property-discriminator-added",
            "request-property-discriminator-removed",
            "request-property-discriminator-property-name-changed",
            "request-property-discriminator-mapping-added",
            "request-property-discriminator-mapping-deleted",
            "request-property-discriminator-mapping-changed",
        ],
        (Kind::DiscriminatorChanged, Rs) => &[
            "response-body-discriminator-added",
            "response-body-discriminator-removed",
            "response-body-discriminator-property-name-changed",
            "response-body-discriminator-mapping-added",
            "response-body-discriminator-mapping-deleted",
            "response-body-discriminator-mapping-changed",
            "response-property-discriminator-added",
            "response-property-discriminator-removed",
            "response-property-discriminator-property-name-changed",
            "response-property-discriminator-mapping-added",
            "response-property-discriminator-mapping-deleted",
            "response-property-discriminator-mapping-changed",
        ],
        (Kind::DefaultAdded, Rq) => &[
            "request-parameter-default-value-added",
            "request-body-default-value-added",
            "request-property-default-value-added",
        ],
        (Kind::DefaultAdded, Rs) => &[
            "response-body-default-value-added",
            "response-property-default-value-added",
        ],
        (Kind::DefaultRemoved, Rq) => &[
            "request-parameter-default-value-removed",
            "request-body-default-value-removed",
            "request-property-default-value-removed",
        ],
        (Kind::DefaultRemoved, Rs) => &[
            "response-body-default-value-removed",
            "response-property-default-value-removed",
        ],
        (Kind::DefaultChanged, Rq) => &[
            "request-parameter-default-value-changed",
            "request-body-default-value-changed",
            "request-property-default-value-changed",
        ],
        (Kind::DefaultChanged, Rs) => &[
            "response-body-default-value-changed",
            "response-property-default-value-changed",
        ],
        (Kind::ParameterSerializationChanged, _) => &[],
        (Kind::ReadOnlyAdded, Rq) => &[
            "request-optional-property-became-read-only",
            "request-required-property-became-read-only",
        ],
        (Kind::ReadOnlyAdded, Rs) => &[
            "response-optional-property-became-read-only",
            "response-required-property-became-read-only",
        ],
        (Kind::ReadOnlyRemoved, Rq) => &[
            "request-optional-property-became-not-read-only",
            "request-required-property-became-not-read-only",
        ],
        (Kind::ReadOnlyRemoved, Rs) => &[
            "response-optional-property-became-not-read-only",
            "response-required-property-became-not-read-only",
        ],
        (Kind::WriteOnlyAdded, Rq) => &[
            "request-optional-property-became-write-only",
            "request-required-property-became-write-only",
        ],
        (Kind::WriteOnlyAdded, Rs) => &[
            "response-optional-property-became-write-only",
            "response-required-property-became-write-only",
        ],
        (Kind::WriteOnlyRemoved, Rq) => &[
            "request-optional-property-became-not-write-only",
            "request-required-property-became-not-write-only",
        ],
        (Kind::WriteOnlyRemoved, Rs) => &[
            "response-optional-property-became-not-write-only",
            "response-required-property-became-not-write-only",
        ],
        (
            Kind::ServerAdded
            | Kind::ServerRemoved
            | Kind::DefaultServerChanged
            | Kind::OperationServerAdded
            | Kind::OperationServerRemoved
            | Kind::ServerVariableChanged,
            _,
        ) => &[],
        (Kind::DeprecationAdded, Rq) => &[
            "endpoint-deprecated",
            "request-parameter-deprecated",
            "request-property-deprecated",
        ],
        (Kind::DeprecationAdded, Rs) => &["response-property-deprecated"],
        (Kind::DeprecationRemoved, Rq) => &[
            "endpoint-reactivated",
            "request-parameter-reactivated",
            "request-property-reactivated",
        ],
        (Kind::DeprecationRemoved, Rs) => &["response-property-reactivated"],
        (Kind::ComponentRenamed, _) => &["api-schema-removed"],
        (Kind::ReferenceChanged, _) => &[],
        (Kind::ExtensionAdded(_) | Kind::ExtensionRemoved(_) | Kind::ExtensionChanged(_), _) => &[],
    }
}

/// The schema keywords oasdiff spells in its ids, longest token first (`max-length` before
/// `max`).
const KEYWORD_TOKENS: [(&str, &str); 10] = [
    ("maxLength", "max-length"),
    ("minLength", "min-length"),
    ("maxItems", "max-items"),
    ("minItems", "min-items"),
    ("exclusiveMaximum", "exclusive-max"),
    ("exclusiveMinimum", "exclusive-min"),
    ("maximum", "max"),
    ("minimum", "min"),
    ("pattern", "pattern"),
    ("enum", "became-enum"),
];

/// The keyword token an oasdiff id spells, if any.
fn token_of(id: &str) -> Option<&'static str> {
    KEYWORD_TOKENS
        .iter()
        .map(|(_, token)| *token)
        .find(|token| id.contains(&format!("-{token}-")) || id.ends_with(&format!("-{token}")))
}

/// Where an oasdiff id or a change sits, as far as oasdiff's ids tell them apart.
#[derive(PartialEq)]
enum Where {
    Parameter,
    Header,
    Elsewhere,
}

/// The oasdiff rule ids of one change: its kind's ids in its direction, narrowed to the
/// keyword the change is about (its pointer's last segment: `maxLength` keeps the
/// `max-length` ids) and to where it sits (a parameter, a header, or a body), when that
/// leaves any.
pub fn change_rules(change: &Change) -> Vec<&'static str> {
    let family = oasdiff_rules(change.kind, change.direction);
    let keyword = change.pointer.rsplit('/').next().unwrap_or_default();
    let token = KEYWORD_TOKENS
        .iter()
        .find(|(k, _)| *k == keyword)
        .map(|(_, token)| *token);
    let by_keyword: Vec<&'static str> = if family.iter().any(|id| token_of(id).is_some()) {
        family
            .iter()
            .copied()
            .filter(|id| token_of(id) == token)
            .collect()
    } else {
        family.to_vec()
    };
    let place = |text: &str, parameter: &str, header: &str| {
        if text.contains(parameter) {
            Where::Parameter
        } else if text.contains(header) {
            Where::Header
        } else {
            Where::Elsewhere
        }
    };
    let here = place(&change.pointer, "/parameters/", "/headers/");
    let by_place: Vec<&'static str> = by_keyword
        .iter()
        .copied()
        .filter(|id| place(id, "request-parameter-", "header") == here)
        .collect();
    if by_place.is_empty() {
        by_keyword
    } else {
        by_place
    }
}
