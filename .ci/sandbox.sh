# Sourced by the CI scripts that drive the sandboxes over loopback.
# start_sandboxes SANDBOX PORT: serves the three APIs on PORT, PORT+1 and PORT+2 (`sandbox all`),
# stopped when the calling script exits; returns once the last one accepts connections (5 s at
# most: a sandbox that never listens fails the script's first request instead).
start_sandboxes() {
  local sandbox="$1" port="$2"
  "$sandbox" all --listen "127.0.0.1:$port" --quiet &
  sandboxes_pid=$!
  trap 'kill "$sandboxes_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$((port + 2))") 2>/dev/null && break
    sleep 0.1
  done
}
