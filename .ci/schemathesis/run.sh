#!/usr/bin/env bash
# Property-based fuzzing of each sandbox from its spec by Schemathesis, every check enabled,
# bounded (fixed seed, --max-examples) so that CI stays quick. Usage: run.sh SCHEMATHESIS SANDBOX
set -euo pipefail
st="$1"
sandbox="$2"
cd "$(dirname "$0")/../.."

port=18480
source .ci/sandbox.sh
start_sandboxes "$sandbox" "$port"

common=(--checks all --max-examples 30 --seed 20261124 --workers 1 --no-color)
status=0
"$st" --config-file .ci/schemathesis/insightiq.toml run spec/insightiq.yaml \
  --url "http://127.0.0.1:$port/v1" -a 'demo:p@55w0rd' "${common[@]}" || status=1
"$st" --config-file .ci/schemathesis/publica.toml run spec/publica.yaml \
  --url "http://127.0.0.1:$((port + 1))" -H 'X-User-Token: demo-token' "${common[@]}" || status=1
"$st" --config-file .ci/schemathesis/instabot.toml run spec/instabot.yaml \
  --url "http://127.0.0.1:$((port + 2))/v1" -H 'X-Instabot-Api-Key: demo-api-key' \
  -H 'Authorization: X-Instabot-Master-Api-Key demo-master-key' "${common[@]}" || status=1
exit "$status"
