#!/usr/bin/env bash
# `conformance verify` against each sandbox over loopback: every example, bound, documented
# refusal and flow along the specs' links, destructive operations included (the sandbox is
# ours), every documented status reached or on crates/conformance/verify-unreached.yaml (no
# stale entry). Bounded by verify's own defaults (2000 requests, 300 s per API).
# Usage: verify.sh CONFORMANCE SANDBOX
set -euo pipefail
conformance="$1"
sandbox="$2"
cd "$(dirname "$0")/.."

port=18490
source .ci/sandbox.sh
start_sandboxes "$sandbox" "$port"

# The sandboxes' default credentials, by security scheme, through the environment (never on a
# command line).
export CONFORMANCE_CREDENTIAL_BASICAUTH='demo:p@55w0rd'
export CONFORMANCE_CREDENTIAL_USERTOKEN='demo-token'
export CONFORMANCE_CREDENTIAL_APIKEY='demo-api-key'
export CONFORMANCE_CREDENTIAL_MASTERAPIKEY='demo-master-key'
common=(--allow-destructive --unreached crates/conformance/verify-unreached.yaml)
status=0
"$conformance" verify --spec spec/insightiq.yaml --url "http://127.0.0.1:$port/v1" "${common[@]}" || status=1
"$conformance" verify --spec spec/publica.yaml --url "http://127.0.0.1:$((port + 1))" "${common[@]}" || status=1
"$conformance" verify --spec spec/instabot.yaml --url "http://127.0.0.1:$((port + 2))/v1" "${common[@]}" || status=1
exit "$status"
