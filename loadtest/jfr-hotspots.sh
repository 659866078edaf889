#!/usr/bin/env bash
# Where a JFR recording's CPU samples are: the hottest top frames (self time), the hottest frames
# anywhere on the stack (inclusive time), the hottest Runnel frames (inclusive), and the busiest
# threads (by name, digits folded so that pools aggregate).
#
#   loadtest/jfr-hotspots.sh RECORDING.jfr [TOP_N]
#
# Record a node with e.g. RUNNEL_JAVA_OPTS="-XX:StartFlightRecording=filename=node.jfr,settings=profile"
# bin/runnel dev ...; the recording is written when the node exits (or with jcmd PID JFR.dump).
set -euo pipefail
file="${1:?usage: jfr-hotspots.sh RECORDING.jfr [TOP_N]}"
top="${2:-25}"
[[ -f "$file" ]] || { echo "jfr-hotspots: no such file: $file" >&2; exit 1; }
[[ "$top" =~ ^[1-9][0-9]*$ ]] || { echo "jfr-hotspots: TOP_N must be a positive number" >&2; exit 2; }

jfr print --events jdk.ExecutionSample "$file" | awk -v top="$top" '
  /^jdk.ExecutionSample/ { samples++; depth = -1; delete seen; next }
  /sampledThread = / {
    name = $0; sub(/.*sampledThread = "/, "", name); sub(/".*/, "", name); gsub(/[0-9]+/, "N", name)
    threads[name]++; next
  }
  /stackTrace = \[/ { depth = 0; next }
  depth >= 0 && /^[[:space:]]*\]/ { depth = -1; next }
  depth >= 0 {
    frame = $0; sub(/^[[:space:]]+/, "", frame); sub(/[[:space:]]+line:.*/, "", frame); sub(/\(.*/, "", frame)
    if (frame == "..." || frame == "") next
    if (depth == 0) self[frame]++
    if (!(frame in seen)) { seen[frame] = 1; incl[frame]++; if (frame ~ /^dev\.runnel\./) runnel[frame]++ }
    depth++
  }
  function show(title, counts,    k, n, i, j, keys, tmp) {
    n = 0; for (k in counts) keys[++n] = k
    for (i = 2; i <= n; i++) { tmp = keys[i]; for (j = i - 1; j >= 1 && counts[keys[j]] < counts[tmp]; j--) keys[j + 1] = keys[j]; keys[j + 1] = tmp }
    printf "\n%s\n", title
    for (i = 1; i <= n && i <= top; i++) printf "%6d %5.1f%%  %s\n", counts[keys[i]], 100 * counts[keys[i]] / samples, keys[i]
  }
  END {
    printf "%d execution samples\n", samples
    if (samples == 0) exit
    show("top frames (self):", self)
    show("frames anywhere on the stack (inclusive):", incl)
    show("Runnel frames (inclusive):", runnel)
    show("threads:", threads)
  }'
