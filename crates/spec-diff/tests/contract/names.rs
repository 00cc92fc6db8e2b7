//! Component renames and `$ref`s extracted or inlined: the wire is the same, the Rust type's
//! name is not (typify names a component's type after it, an inline one after its place).

use spec_diff::{Bump, Kind};

use crate::support::*;

#[test]
fn a_renamed_component_breaks_only_the_rust_api() {
    let renamed = BASE
        .replace("    Cat:\n", "    Feline:\n")
        .replace("schemas/Cat'", "schemas/Feline'");
    let (found, bump) = classify_texts(BASE, &renamed);
    assert_eq!(found, [(Kind::ComponentRenamed, Rq, C, C, B)]);
    assert_eq!(bump, Bump::Major);
}

#[test]
fn a_schema_extracted_into_a_component_changes_only_the_type_name() {
    let inline = "                items: {type: object, properties: {kind: {type: string}}}";
    let extracted = edited(&[
        (
            inline,
            "                items: {$ref: '#/components/schemas/PetSummary'}",
        ),
        (
            "    Cat:\n",
            "    PetSummary: {type: object, properties: {kind: {type: string}}}\n    Cat:\n",
        ),
    ]);
    let (found, bump) = classify_texts(BASE, &extracted);
    assert_eq!(found, [(Kind::ReferenceChanged, Rs, C, C, B)]);
    assert_eq!(bump, Bump::Major);
    // And inlined back.
    let (found, _) = classify_texts(&extracted, BASE);
    assert_eq!(found, [(Kind::ReferenceChanged, Rs, C, C, B)]);
}
