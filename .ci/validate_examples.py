#!/usr/bin/env python3
"""Validate bodies and examples against an OpenAPI 3.0 spec with openapi-schema-validator.

An independent check of the specs' examples (CI step "examples"), and a library the live
conformance checks reuse for their agreement test. Needs PyYAML and openapi-schema-validator
(both in target/ci-venv, installed by .ci/run).

Command line:

    target/ci-venv/bin/python .ci/validate_examples.py [--manifest spec/samples/manifest.yaml] SPEC...

  Every example in each SPEC is validated where it is written: media-type `example`/`examples`
  of request bodies with OAS30WriteValidator (requests as the client writes them), of responses
  and response headers with OAS30ReadValidator (responses as the client reads them), parameter
  examples with OAS30WriteValidator, and schema-level `example`s with OAS30Validator (a schema
  does not know its direction). `$ref`s resolve across the whole document, formats are
  asserted. An example may fail only as a `spec_examples` entry of the manifest says (matched by
  api = the spec's file stem and pointer; each finding, `violation POINTER KEYWORD` in the
  manifest's class form, must be in its `expect`), and every such entry must name an example
  that exists. Exit status 1 and one line
  per problem (file:line, JSON pointer, operation, finding) otherwise.

Library:

    import sys; sys.path.insert(0, ".ci"); import validate_examples as ve
    spec = ve.Spec.load("spec/instabot.yaml")
    spec.validate_response("get_user", "200", body)   # -> [Finding], [] when valid
    spec.validate_request("create_user", body)
    spec.validate_at("#/components/schemas/User", body, ve.READ)

  A Finding is (pointer into the instance, failing keyword, message); `str(finding)` is
  `POINTER KEYWORD`; `finding.manifest_form()` is the manifest's `expect` form,
  `violation POINTER KEYWORD` (openapi-schema-validator finds violations only: members the
  schema allows but does not describe, the conformance tool's class `undocumented`, pass it).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml
from openapi_schema_validator import OAS30ReadValidator, OAS30Validator, OAS30WriteValidator
from openapi_schema_validator._format import oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

READ = OAS30ReadValidator
WRITE = OAS30WriteValidator
NEUTRAL = OAS30Validator
DIRECTION_NAMES = {READ: "read", WRITE: "write", NEUTRAL: "schema"}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BASE_URI = "urn:spec"


@dataclass(frozen=True)
class Finding:
    pointer: str
    keyword: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'} {self.keyword}"

    def manifest_form(self) -> str:
        return f"violation {self}"


@dataclass(frozen=True)
class Example:
    """One example as written: where its value is, the schema it must match, the direction."""

    value_pointer: str
    schema_pointer: str
    direction: Any
    operation: str
    value: Any


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def instance_pointer(path: Iterator[Any]) -> str:
    return "".join("/" + escape(str(p)) for p in path)


class Spec:
    def __init__(self, path: Path, text: str):
        self.path = path
        self.doc = yaml.safe_load(text)
        self.lines = line_map(text)
        resource = Resource.from_contents(self.doc, default_specification=DRAFT4)
        self.registry = Registry().with_resource(BASE_URI, resource)

    @classmethod
    def load(cls, path: str | Path) -> "Spec":
        path = Path(path)
        return cls(path, path.read_text(encoding="utf-8"))

    # -- lookups -------------------------------------------------------------------------------

    def at(self, pointer: str) -> Any:
        """The node at a JSON pointer (`#/a/b` or `/a/b`); KeyError naming the pointer if absent."""
        node = self.doc
        for token in pointer.lstrip("#").split("/")[1:]:
            token = unescape(token)
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError, TypeError):
                raise KeyError(f"{self.path}: no node at {pointer}") from None
        return node

    def deref(self, pointer: str) -> str:
        """Follows `$ref`s from pointer until a node without one; returns that node's pointer."""
        seen = []
        while isinstance(self.at(pointer), dict) and "$ref" in self.at(pointer):
            if pointer in seen:
                raise KeyError(f"{self.path}: $ref cycle {' -> '.join(seen + [pointer])}")
            seen.append(pointer)
            pointer = self.at(pointer)["$ref"]
        return pointer

    def line_of(self, pointer: str) -> int:
        while pointer and pointer not in self.lines:
            pointer = pointer.rsplit("/", 1)[0]
        return self.lines.get(pointer, 1)

    def operation_pointer(self, operation_id: str) -> str:
        for path, item in self.doc.get("paths", {}).items():
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict) and item[method].get("operationId") == operation_id:
                    return f"#/paths/{escape(path)}/{method}"
        raise KeyError(f"{self.path}: no operation {operation_id}")

    # -- validation ----------------------------------------------------------------------------

    def validate_at(self, schema_pointer: str, instance: Any, direction: Any = READ) -> list[Finding]:
        """Findings of `instance` against the schema at `schema_pointer` ($refs resolved)."""
        self.at(schema_pointer)  # a missing schema is an error, not an empty verdict
        validator = direction(
            {"$ref": BASE_URI + "#" + schema_pointer.lstrip("#")},
            registry=self.registry,
            format_checker=oas30_format_checker,
        )
        return [
            Finding(instance_pointer(e.absolute_path), str(e.validator), e.message)
            for e in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
        ]

    def validate_request(self, operation_id: str, body: Any, media_type: str = "application/json") -> list[Finding]:
        body_pointer = self.deref(self.operation_pointer(operation_id) + "/requestBody")
        return self.validate_at(f"{body_pointer}/content/{escape(media_type)}/schema", body, WRITE)

    def validate_response(
        self, operation_id: str, status: str, body: Any, media_type: str = "application/json"
    ) -> list[Finding]:
        response = self.deref(f"{self.operation_pointer(operation_id)}/responses/{status}")
        return self.validate_at(f"{response}/content/{escape(media_type)}/schema", body, READ)

    # -- the spec's own examples ---------------------------------------------------------------

    def examples(self) -> Iterator[Example]:
        for path, item in self.doc.get("paths", {}).items():
            item_pointer = f"#/paths/{escape(path)}"
            for i, _ in enumerate(item.get("parameters", [])):
                yield from self.parameter_examples(f"{item_pointer}/parameters/{i}", path)
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                op_pointer = f"{item_pointer}/{method}"
                name = op.get("operationId", f"{method} {path}")
                for i, _ in enumerate(op.get("parameters", [])):
                    yield from self.parameter_examples(f"{op_pointer}/parameters/{i}", name)
                if "requestBody" in op:
                    yield from self.content_examples(f"{op_pointer}/requestBody", WRITE, name)
                for status in op.get("responses", {}):
                    yield from self.response_examples(f"{op_pointer}/responses/{escape(status)}", name)
        components = self.doc.get("components", {})
        for name in components.get("parameters", {}):
            yield from self.parameter_examples(f"#/components/parameters/{escape(name)}", name)
        for name in components.get("requestBodies", {}):
            yield from self.content_examples(f"#/components/requestBodies/{escape(name)}", WRITE, name)
        for name in components.get("responses", {}):
            yield from self.response_examples(f"#/components/responses/{escape(name)}", name)
        for name in components.get("headers", {}):
            yield from self.parameter_examples(f"#/components/headers/{escape(name)}", name, READ)
        for name in components.get("schemas", {}):
            yield from self.schema_examples(f"#/components/schemas/{escape(name)}", name)

    def response_examples(self, pointer: str, name: str) -> Iterator[Example]:
        response = self.at(pointer)
        if "$ref" in response:
            return  # collected where it is written, under components
        yield from self.content_examples(pointer, READ, name)
        for header in response.get("headers", {}):
            header_pointer = f"{pointer}/headers/{escape(header)}"
            if "$ref" not in self.at(header_pointer):
                yield from self.parameter_examples(header_pointer, name, READ)

    def parameter_examples(self, pointer: str, name: str, direction: Any = WRITE) -> Iterator[Example]:
        param = self.at(pointer)
        if "$ref" in param:
            return
        if "schema" in param:
            yield from self.written_examples(pointer, f"{pointer}/schema", direction, name)
            yield from self.schema_examples(f"{pointer}/schema", name)
        for media in param.get("content", {}):
            yield from self.media_examples(f"{pointer}/content/{escape(media)}", direction, name)

    def content_examples(self, pointer: str, direction: Any, name: str) -> Iterator[Example]:
        holder = self.at(pointer)
        if "$ref" in holder:
            return
        for media in holder.get("content", {}):
            yield from self.media_examples(f"{pointer}/content/{escape(media)}", direction, name)

    def media_examples(self, pointer: str, direction: Any, name: str) -> Iterator[Example]:
        if "schema" in self.at(pointer):
            yield from self.written_examples(pointer, f"{pointer}/schema", direction, name)
            yield from self.schema_examples(f"{pointer}/schema", name)

    def written_examples(self, pointer: str, schema_pointer: str, direction: Any, name: str) -> Iterator[Example]:
        holder = self.at(pointer)
        if "example" in holder:
            yield Example(f"{pointer}/example", schema_pointer, direction, name, holder["example"])
        for key in holder.get("examples", {}):
            example_pointer = self.deref(f"{pointer}/examples/{escape(key)}")
            example = self.at(example_pointer)
            if "value" in example:
                yield Example(f"{example_pointer}/value", schema_pointer, direction, name, example["value"])

    def schema_examples(self, pointer: str, name: str) -> Iterator[Example]:
        schema = self.at(pointer)
        if not isinstance(schema, dict) or "$ref" in schema:
            return
        if "example" in schema:
            yield Example(f"{pointer}/example", pointer, NEUTRAL, name, schema["example"])
        for key in ("items", "not"):
            if isinstance(schema.get(key), dict):
                yield from self.schema_examples(f"{pointer}/{key}", name)
        if isinstance(schema.get("additionalProperties"), dict):
            yield from self.schema_examples(f"{pointer}/additionalProperties", name)
        for prop in schema.get("properties", {}):
            yield from self.schema_examples(f"{pointer}/properties/{escape(prop)}", name)
        for key in ("allOf", "oneOf", "anyOf"):
            for i, _ in enumerate(schema.get(key, [])):
                yield from self.schema_examples(f"{pointer}/{key}/{i}", name)


def line_map(text: str) -> dict[str, int]:
    """JSON pointer (`#/...`) -> 1-based line of its node in the YAML text."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, pointer: str) -> None:
        lines[pointer] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{pointer}/{escape(str(key.value))}"
                lines[child] = key.start_mark.line + 1
                walk(value, child)
                lines[child] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                walk(value, f"{pointer}/{i}")

    root = yaml.compose(text)
    if root is not None:
        walk(root, "#")
    return lines


def manifest_deviations(manifest_path: Path | None) -> dict[tuple[str, str], list[str]]:
    if manifest_path is None:
        return {}
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8")) or {}
    return {
        (entry["api"], "#" + entry["pointer"].lstrip("#")): list(entry.get("expect", []))
        for entry in manifest.get("spec_examples", [])
    }


def check_spec(spec: Spec, deviations: dict[tuple[str, str], list[str]]) -> tuple[int, list[str]]:
    """(examples checked, problems) for one spec."""
    api = spec.path.stem
    problems = []
    seen = set()
    count = 0
    for example in spec.examples():
        count += 1
        seen.add(example.value_pointer)
        findings = spec.validate_at(example.schema_pointer, example.value, example.direction)
        allowed = deviations.get((api, example.value_pointer), [])
        for finding in findings:
            if finding.manifest_form() not in allowed:
                problems.append(
                    f"{spec.path}:{spec.line_of(example.value_pointer)}: {example.value_pointer} "
                    f"(operation {example.operation}, {DIRECTION_NAMES[example.direction]}): "
                    f"{finding} — {finding.message}"
                )
    for (dev_api, pointer) in deviations:
        if dev_api == api and pointer not in seen:
            problems.append(f"{spec.path}: the manifest's spec_examples entry {pointer} names no example")
    return count, problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, help="spec/samples/manifest.yaml (allowed deviations)")
    parser.add_argument("specs", nargs="+", type=Path)
    args = parser.parse_args(argv)
    deviations = manifest_deviations(args.manifest)
    failed = False
    for path in args.specs:
        try:
            spec = Spec.load(path)
            count, problems = check_spec(spec, deviations)
        except (OSError, yaml.YAMLError, KeyError) as error:
            print(f"{path}: {error}", file=sys.stderr)
            failed = True
            continue
        for problem in problems:
            print(problem, file=sys.stderr)
        failed |= bool(problems)
        print(f"{path}: {count} examples, {len(problems)} problem(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
