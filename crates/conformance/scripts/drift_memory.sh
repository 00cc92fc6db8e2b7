#!/bin/sh
# Peak memory and output size of `conformance drift` over a capture of LINES requests, each with
# a distinct path of BYTES bytes that matches no operation (the capture is generated on the fly
# and piped in; nothing is written to disk). Prints the capture size, the output size, the exit
# status and the peak RSS (GNU time's "Maximum resident set size", in KiB).
#
#   crates/conformance/scripts/drift_memory.sh target/release/conformance 400 1048576
set -eu
binary=${1:?usage: drift_memory.sh CONFORMANCE_BINARY [LINES] [BYTES]}
lines=${2:-400}
bytes=${3:-1048576}
spec=$(dirname "$0")/../../../spec/instabot.yaml
out=$(mktemp)
times=$(mktemp)
trap 'rm -f "$out" "$times"' EXIT
python3 - "$lines" "$bytes" <<'PY' | /usr/bin/time -v -o "$times" "$binary" drift --spec "$spec" - >"$out" || true
import sys
lines, size = int(sys.argv[1]), int(sys.argv[2])
for i in range(lines):
    head = '{"method":"GET","path":"/v1/nowhere-%06d-' % i
    tail = '","status":404}\n'
    sys.stdout.write(head + "a" * (size - len('/v1/nowhere-000000-')) + tail)
PY
echo "capture: $lines lines, paths of $bytes bytes"
echo "output bytes: $(wc -c <"$out")"
grep -E "Exit status|Maximum resident set size|Elapsed" "$times"
