#!/usr/bin/env python3
"""Agreement of `conformance validate` with openapi-schema-validator on schema verdicts.

    target/ci-venv/bin/python .ci/agreement.py --conformance target/debug/conformance spec/*.yaml

The corpus: every request and response example of every operation (media-type `example` and
named `examples`), and for each a fixed set of mutations of its members (a wrong JSON type,
`null`, a removed member, an added member, a closed enum's new value, an integer written `1.0`
or with a fraction, a string that breaks its format). Each body is validated by
openapi-schema-validator (OAS30WriteValidator for requests, OAS30ReadValidator for responses,
formats asserted; `validate_examples.Spec`) and by `conformance validate --format json`; only
conformance's findings of class `violation` count (an added member is `undocumented`, which
is no schema verdict). The two must agree on every body: both valid, or both invalid at the
same body pointers (see `agree`: a failed nullable reference is reported one level deeper by
conformance). `format: uri` is asserted by openapi-schema-validator only with
rfc3986-validator installed (.ci/run installs it). A body where they differ is listed with both verdicts; disagreements
named in KNOWN (none today) are allowed and printed. Exit 1 on any other disagreement.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate_examples as ve  # noqa: E402

# (api, operation, body kind, mutation) -> why the tools differ. Issue 14 replaced the specs'
# `nullable` + `allOf` construct, the one known disagreement, with a form both read alike.
KNOWN: dict[tuple[str, str, str, str], str] = {}

STATUS = re.compile(r"/responses/([^/]+)/content/")


def leaves(value, pointer=""):
    """(pointer, value) of every member and item under the body, parents first."""
    if isinstance(value, dict):
        for key, member in value.items():
            child = f"{pointer}/{ve.escape(str(key))}"
            yield child, member
            yield from leaves(member, child)
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            child = f"{pointer}/{index}"
            yield child, item
            yield from leaves(item, child)


def set_at(body, pointer, value=None, delete=False):
    tokens = [ve.unescape(t) for t in pointer.split("/")[1:]]
    node = body
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    last = tokens[-1]
    if isinstance(node, list):
        last = int(last)
    if delete:
        if isinstance(node, dict):
            del node[last]
        else:
            node.pop(last)
    else:
        node[last] = value


def mutations(body):
    """(name, mutated body) pairs, deterministic."""
    if isinstance(body, dict):
        extra = copy.deepcopy(body)
        extra["x_added_member"] = "new"
        yield "added member /x_added_member", extra
    for pointer, value in leaves(body):
        wrong = {str: 12345, bool: "yes", int: "12", float: "1.5", dict: [], list: {}}.get(type(value), 0)
        cases = [("wrong type", wrong), ("null", None), ("removed", ...)]
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            cases += [("integer written 1.0", float(value)), ("fraction", value + 0.5)]
        elif isinstance(value, str):
            cases += [("new enum value or broken format", "NEW_VALUE not-a-format")]
        for name, replacement in cases:
            mutated = copy.deepcopy(body)
            if replacement is ...:
                set_at(mutated, pointer, delete=True)
            else:
                set_at(mutated, pointer, replacement)
            yield f"{name} {pointer}", mutated


def python_findings(spec, example, body):
    return sorted({f.pointer or "/" for f in spec.validate_at(example.schema_pointer, body, example.direction)})


def conformance_findings(binary, spec_path, operation, kind, body):
    args = [binary, "validate", "--spec", str(spec_path), "--op", operation, "--format", "json"]
    args += ["--request"] if kind == "request" else ["--status", kind.split()[1]]
    done = subprocess.run(args + ["-"], input=json.dumps(body), capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
    report = json.loads(done.stdout)
    return sorted({v["pointer"] or "/" for v in report["violations"] if v["class"] == "violation"})


def under(pointer, parent):
    return parent == "/" or pointer == parent or pointer.startswith(parent + "/")


def agree(ours, theirs):
    """Same verdict at the same places. A nullable reference (`oneOf: [S, {enum: [null]}]`)
    that fails is reported by openapi-schema-validator at the `oneOf`, by conformance at what
    fails inside S (its nullable-wrapper rule): a pointer under the other tool's counts."""
    if ours == theirs:
        return True
    if not ours or not theirs:
        return False
    return all(any(under(o, t) for t in theirs) for o in ours) and all(
        any(under(o, t) for o in ours) for t in theirs
    )


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conformance", required=True, help="the conformance binary")
    parser.add_argument("specs", nargs="+", type=Path)
    args = parser.parse_args(argv)
    checked = disagreements = known = 0
    for path in args.specs:
        spec = ve.Spec.load(path)
        api = path.stem
        for example in spec.examples():
            pointer = example.value_pointer
            if not pointer.startswith("#/paths/") or "/parameters/" in pointer or "/headers/" in pointer:
                continue
            if "/requestBody/" in pointer:
                kind = "request"
            elif (match := STATUS.search(pointer)) and match.group(1).isdigit():
                kind = f"response {match.group(1)}"
            else:
                continue
            if "/schema/" in pointer:
                continue  # a schema's own example: no operation body to hand to the CLI
            cases = [("as written", example.value)] + list(mutations(example.value))
            for name, body in cases:
                checked += 1
                ours = conformance_findings(args.conformance, path, example.operation, kind, body)
                theirs = python_findings(spec, example, body)
                if agree(ours, theirs):
                    continue
                key = (api, example.operation, kind, name)
                line = (
                    f"{path}:{spec.line_of(pointer)}: {example.operation} {kind} ({name}): "
                    f"conformance {ours or 'valid'}, openapi-schema-validator {theirs or 'valid'}"
                )
                if key in KNOWN:
                    known += 1
                    print(f"known: {line}: {KNOWN[key]}")
                else:
                    disagreements += 1
                    print(f"DISAGREE: {line}", file=sys.stderr)
    print(f"agreement: {checked} bodies, {disagreements} disagreements, {known} known")
    if checked == 0:
        print("agreement: no body was checked", file=sys.stderr)
        return 1
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
