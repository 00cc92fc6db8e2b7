#!/usr/bin/env python3
"""Applies what `cargo xtask specs` asks, and nothing else, to one spec: the author's side of the
corpus test (see README.md here). Reads the messages on stdin, rewrites the spec in place.

Usage: xtask specs 2>&1 | apply_messages.py spec/<name>.yaml

Each fix is the one the message names; a message this script does not know is printed and left.
The spec is written back as JSON (valid YAML), so line numbers change but pointers do not.
"""

import json
import re
import sys

import yaml

MESSAGE = re.compile(r"^error: (?P<file>[^:]+):(?P<line>\d+)?:? (?P<pointer>/[^:]*): (?P<text>.*)$")


def unescape(segment):
    return segment.replace("~1", "/").replace("~0", "~")


def parts(pointer):
    return [unescape(s) for s in pointer.split("/")[1:]]


def at(doc, pointer):
    node = doc
    for part in parts(pointer):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def parent_and_key(doc, pointer):
    segments = parts(pointer)
    return at(doc, "/" + "/".join(s.replace("~", "~0").replace("/", "~1") for s in segments[:-1])) if len(segments) > 1 else doc, segments[-1]


def follow(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        node = at(doc, node["$ref"][1:])
    return node


def instance(doc, schema):
    """A value the schema accepts: what an author writes as an example."""
    schema = follow(doc, schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            return instance(doc, schema[key][0])
    kind = schema.get("type", "object")
    if kind == "object":
        return {name: instance(doc, member) for name, member in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "array":
        return [instance(doc, schema.get("items", {}))] if schema.get("minItems", 0) > 0 else []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1.0, schema.get("minimum", 1.0))
    if kind == "boolean":
        return True
    if schema.get("format") == "date-time":
        return "2024-01-01T00:00:00Z"
    if schema.get("format") == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    return "x" * max(1, schema.get("minLength", 1))


def schema_of(value):
    """The schema an author writes for a sample body: its members and their types."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer", "format": "int64"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array", "items": schema_of(value[0]) if value else {"type": "string"}}
    members = value or {}
    return {"type": "object", "properties": {k: schema_of(v) for k, v in members.items()}}


ERROR_SCHEMA = {
    "type": "object",
    "required": ["message"],
    "properties": {"message": {"type": "string"}},
    "x-error-template": {"message": "{message}"},
}
ERROR_BODY = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def apply(doc, pointer, text):
    if "states no security requirement" in text:
        schemes = doc.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes.setdefault("basicAuth", {"type": "http", "scheme": "basic"})
        doc["security"] = [{"basicAuth": []}]
    elif "lists no server" in text:
        doc["servers"] = [{"url": "https://api.example.com/v1"}]
    elif "is not a semantic version" in text:
        doc["info"]["version"] = re.search(r"e\.g\. `([^`]+)`", text).group(1)
    elif "is not snake_case: write" in text:
        parent, key = parent_and_key(doc, pointer)
        parent[key] = re.search(r"write `([^`]+)`", text).group(1)
    elif "has no operationId" in text:
        op = at(doc, pointer)
        segments = parts(pointer)
        words = [segments[-1]] + re.findall(r"[a-z0-9]+", segments[-2].lower())
        op["operationId"] = "_".join(words)
    elif "is in `header`" in text or "is in `cookie`" in text:
        # "a header the API needs on every request is a security scheme"
        param_pointer = pointer.rsplit("/", 1)[0]
        param = follow(doc, at(doc, param_pointer))
        schemes = doc.setdefault("components", {}).setdefault("securitySchemes", {})
        if param["in"] == "header" and param["name"].lower() == "authorization":
            schemes.setdefault("basicAuth", {"type": "http", "scheme": "basic"})
        elif param["in"] == "header":
            schemes.setdefault(param["name"], {"type": "apiKey", "in": "header", "name": param["name"]})
        parent, key = parent_and_key(doc, param_pointer)
        parent[int(key)] = None
    elif "documents no error response with a body" in text:
        at(doc, pointer)["400"] = dict(description="Invalid request.", **ERROR_BODY)
    elif "documents no 2xx response" in text:
        at(doc, pointer)["204"] = {"description": "Done."}
    elif "a `default` response is not supported" in text or "status range" in text:
        parent, key = parent_and_key(doc, pointer)
        if "application/json" not in follow(doc, parent[key]).get("content", {"application/json": 0}):
            del parent[key]  # a non-JSON catch-all answer: nothing to list in its place
            return True
        status = {"default": "500", "4XX": "400", "5XX": "500"}.get(key, "500")
        parent.setdefault(status, parent[key])
        del parent[key]
    elif "informational and redirect answers are not generated" in text:
        parent, key = parent_and_key(doc, pointer)
        del parent[key]
    elif "has no example" in text:
        media = at(doc, pointer)
        media["example"] = instance(doc, media["schema"])
    elif "has no schema: add `schema:`" in text:
        media = at(doc, pointer)
        example = media.get("example")
        if example is None:
            example = next(iter(media.get("examples", {}).values()), {}).get("value")
        media["schema"] = schema_of(example)
    elif "has no `components/schemas/Error`" in text:
        doc.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    elif "the Error schema has no `x-error-template`" in text:
        schema = at(doc, pointer)
        fields = [n for n in schema.get("properties", {}) if n in schema.get("required", [])]
        schema["x-error-template"] = {n: ("{message}" if "message" in n else "{code}") for n in fields} or {"message": "{message}"}
    elif "write `application/json` without parameters" in text:
        parent, key = parent_and_key(doc, pointer)
        parent["application/json"] = parent.pop(key)
    elif "is optional: the generators take a request body only as required" in text:
        at(doc, pointer)["required"] = True
    elif "is not read by the generators: remove it" in text:
        parent, key = parent_and_key(doc, pointer)
        del parent[key]
    elif "is a `uint" in text and "write `format: int64`" in text:
        at(doc, pointer)["format"] = "int64"
    else:
        return False
    return True


def main():
    path = sys.argv[1]
    with open(path) as f:
        doc = yaml.safe_load(f)
    unknown = []
    messages = [m for m in map(MESSAGE.match, sys.stdin.read().splitlines()) if m]
    # Removals last, so that the pointers of the other messages still lead somewhere.
    removes = ("informational and redirect", "a `default` response", "status range")
    messages.sort(key=lambda m: any(r in m["text"] for r in removes))
    for match in messages:
        if match and not apply(doc, match["pointer"], match["text"]):
            unknown.append(match.group(0))
    for item in doc.get("paths", {}).values():
        for op in item.values():
            if isinstance(op, dict) and isinstance(op.get("parameters"), list):
                op["parameters"] = [p for p in op["parameters"] if p is not None]
                if not op["parameters"]:
                    del op["parameters"]
    with open(path, "w") as f:
        json.dump(doc, f, indent=2, default=str)
        f.write("\n")
    for line in unknown:
        print(f"not applied: {line}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
