//! The conversion rules, one test each.

use serde_json::json;

use super::*;

fn spec(components: &str) -> Spec {
    let source = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{components}"
    );
    spec_model::parse("test.yaml", source).expect("test spec parses")
}

#[test]
fn nullable_type_and_enum() {
    let spec = spec(
        "    G:\n      type: string\n      nullable: true\n      enum: [A, B]\n      example: A\n      x-doc-defect: hi\n",
    );
    let schema = convert(&spec, "#/components/schemas/G", Direction::Response).unwrap();
    assert_eq!(
        schema,
        json!({
            "$schema": DRAFT,
            "$ref": "#/$defs/G",
            "$defs": {"G": {"type": ["string", "null"], "enum": ["A", "B", null]}},
        })
    );
}

#[test]
fn nullable_ref_and_all_of_are_wrapped() {
    let spec = spec(concat!(
        "    F:\n      type: object\n      properties:\n        url: {type: string}\n",
        "    U:\n      type: object\n      properties:\n",
        "        a:\n          nullable: true\n          allOf:\n            - $ref: '#/components/schemas/F'\n",
        "        b:\n          $ref: '#/components/schemas/F'\n          nullable: true\n          maxLength: 3\n",
        "        c:\n          nullable: true\n",
    ));
    let missing = convert_mapped(&spec, "/components/schemas/U/nothing", Direction::Response);
    assert_eq!(
        missing.unwrap_err().pointer,
        "/components/schemas/U/nothing"
    );
    let mapped = convert_mapped(&spec, "/components/schemas/U", Direction::Response).unwrap();
    assert_eq!(
        mapped.schema,
        json!({
            "$schema": DRAFT,
            "$ref": "#/$defs/U",
            "$defs": {"U": {
            "type": "object",
            "properties": {
                "a": {"anyOf": [{"type": "null"}, {"allOf": [{"$ref": "#/$defs/F"}]}]},
                "b": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/F"}]},
                "c": {"anyOf": [{"type": "null"}, {}]},
            }},
            "F": {"type": "object", "properties": {"url": {"type": "string"}}}},
        })
    );
    let map = &mapped.source_map;
    assert_eq!(
        map.spec_pointer("/$defs/U/properties/a/anyOf/1/allOf/0")
            .as_deref(),
        Some("/components/schemas/U/properties/a/allOf/0")
    );
    assert_eq!(
        map.spec_pointer("/$defs/U/properties/a/anyOf/0/type")
            .as_deref(),
        Some("/components/schemas/U/properties/a/nullable/type")
    );
    assert_eq!(
        map.spec_pointer("#/$defs/F/properties/url/type").as_deref(),
        Some("/components/schemas/F/properties/url/type")
    );
}

#[test]
fn bounds_and_formats() {
    let spec = spec(concat!(
        "    N:\n      type: object\n      properties:\n",
        "        a: {type: integer, format: int32}\n",
        "        b: {type: integer, format: int64, minimum: 0}\n",
        "        c: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: false}\n",
        "        d: {type: number, format: double}\n",
        "        e: {type: string, format: uuid}\n",
    ));
    let mapped = convert_mapped(&spec, "#/components/schemas/N", Direction::Request).unwrap();
    assert_eq!(
        mapped.schema["$defs"]["N"]["properties"],
        json!({
            "a": {"type": "integer", "minimum": -2147483648i64, "maximum": 2147483647},
            "b": {"type": "integer", "minimum": 0, "maximum": i64::MAX},
            "c": {"type": "number", "exclusiveMinimum": 0, "maximum": 10},
            "d": {"type": "number"},
            "e": {"type": "string", "format": "uuid"},
        })
    );
    assert_eq!(
        mapped
            .source_map
            .spec_pointer("/$defs/N/properties/a/maximum")
            .as_deref(),
        Some("/components/schemas/N/properties/a/format")
    );
}

#[test]
fn read_only_and_write_only_by_direction() {
    let spec = spec(concat!(
        "    Id:\n      type: integer\n      readOnly: true\n",
        "    U:\n      type: object\n      required: [id, name, password]\n      properties:\n",
        "        id: {$ref: '#/components/schemas/Id'}\n",
        "        name: {type: string}\n",
        "        password: {type: string, writeOnly: true}\n",
    ));
    let request = convert(&spec, "#/components/schemas/U", Direction::Request).unwrap();
    assert_eq!(
        request["$defs"]["U"]["required"],
        json!(["name", "password"])
    );
    let response = convert(&spec, "#/components/schemas/U", Direction::Response).unwrap();
    assert_eq!(response["$defs"]["U"]["required"], json!(["id", "name"]));
    // A pointer that is not a component is converted in place.
    let inline = convert(
        &spec,
        "/components/schemas/U/properties/name",
        Direction::Request,
    );
    assert_eq!(inline.unwrap(), json!({"$schema": DRAFT, "type": "string"}));
}

#[test]
fn recursive_components_and_errors() {
    let spec = spec(concat!(
        "    Node:\n      type: object\n      properties:\n",
        "        next: {$ref: '#/components/schemas/Node'}\n",
        "        broken: {$ref: '#/components/schemas/Missing'}\n",
    ));
    let error = convert(&spec, "#/components/schemas/Node", Direction::Response).unwrap_err();
    assert_eq!(
        error.pointer,
        "/components/schemas/Node/properties/broken/$ref"
    );
    assert!(convert(&spec, "#/components/schemas/Nope", Direction::Response).is_err());
}

#[test]
fn an_alias_cycle_is_refused_with_its_chain() {
    let spec = spec(concat!(
        "    A: {$ref: '#/components/schemas/B'}\n",
        "    B: {$ref: '#/components/schemas/A'}\n",
        "    Holder:\n      type: object\n      properties:\n",
        "        a: {$ref: '#/components/schemas/A'}\n",
    ));
    let error = convert(&spec, "#/components/schemas/A", Direction::Request).unwrap_err();
    assert_eq!(error.pointer, "/components/schemas/A/$ref");
    assert_eq!(
        error.message,
        "`$ref` cycle that never reaches a schema: /components/schemas/A -> /components/schemas/B -> /components/schemas/A"
    );
    // Met through a property, the cycle is refused where the property refers to it.
    let error = convert(&spec, "#/components/schemas/Holder", Direction::Request).unwrap_err();
    assert_eq!(
        error.pointer,
        "/components/schemas/Holder/properties/a/$ref"
    );
    assert!(error.message.contains("cycle"), "{error}");
}

#[test]
fn a_tree_through_properties_and_items_converts() {
    let spec = spec(concat!(
        "    Tree:\n      type: object\n      required: [name]\n      properties:\n",
        "        name: {type: string}\n",
        "        parent: {$ref: '#/components/schemas/Tree'}\n",
        "        children:\n          type: array\n          items: {$ref: '#/components/schemas/Tree'}\n",
    ));
    let schema = convert(&spec, "#/components/schemas/Tree", Direction::Response).unwrap();
    assert_eq!(
        schema["$defs"]["Tree"]["properties"]["children"],
        json!({"type": "array", "items": {"$ref": "#/$defs/Tree"}})
    );
    assert_eq!(
        schema["$defs"]["Tree"]["properties"]["parent"],
        json!({"$ref": "#/$defs/Tree"})
    );
}

#[test]
fn output_is_deterministic_and_in_spec_order() {
    let spec = spec(concat!(
        "    A:\n      type: object\n      properties:\n        z: {$ref: '#/components/schemas/C'}\n        y: {$ref: '#/components/schemas/B'}\n",
        "    B: {type: string}\n",
        "    C: {type: integer}\n",
    ));
    let first = convert(&spec, "#/components/schemas/A", Direction::Response).unwrap();
    let keys: Vec<&String> = first["$defs"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["A", "B", "C"]);
    let second = convert(&spec, "#/components/schemas/A", Direction::Response).unwrap();
    assert_eq!(first.to_string(), second.to_string());
}
