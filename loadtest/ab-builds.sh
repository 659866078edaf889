#!/usr/bin/env bash
# Before/after numbers for a change: runs the same workload files against two builds of Runnel,
# interleaved (A, B, A, B, ...), each run on a fresh single node of that build with that build's
# perf client, so a noisy stretch of the shared machine hits both. Prints one line per run and the
# median of each build. Everything listens on 127.0.0.1 and lives in a temp directory; each run is
# bounded in time (the workload's own caps, and 300 s at most).
#
#   loadtest/ab-builds.sh [--rounds N] [--workloads "a c"] DIR_A DIR_B
#
#   DIR_A, DIR_B   checkouts of Runnel, each already built (mvn -B -q -DskipTests package), e.g. a
#                  `git worktree add /tmp/base HEAD~1` beside this one
#   --rounds N     rounds of A then B (default 3)
#   --workloads L  single-node workloads of loadtest/workloads, by the names compare-kafka.sh uses:
#                  a a2 b c d d2 (default "a c"); the files are taken from THIS checkout, so both
#                  builds run the same workload
#
# Environment: BASE_PORT (default 23800: the node on BASE_PORT..+2), TMPDIR.
set -euo pipefail

readonly HOST=127.0.0.1
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3
workloads="a c"
dirs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --workloads) workloads="${2:?--workloads needs a list}"; shift 2 ;;
    -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "ab-builds: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) dirs+=("$1"); shift ;;
  esac
done
((${#dirs[@]} == 2)) || { echo "ab-builds: give two checkouts, DIR_A and DIR_B (try --help)" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "ab-builds: --rounds must be 1..99, got '$rounds'" >&2; exit 2; }
for d in "${dirs[@]}"; do
  compgen -G "$d/cli/target/runnel-cli-*.jar" >/dev/null ||
    { echo "ab-builds: $d has no build (run mvn -B -q -DskipTests package there)" >&2; exit 2; }
done
# shellcheck source=loadtest/workload-names.sh
source "$root/loadtest/workload-names.sh"
for w in $workloads; do
  [[ " $SINGLE_NODE_WORKLOADS " == *" $w "* ]] ||
    { echo "ab-builds: '$w' is not a single-node workload ($SINGLE_NODE_WORKLOADS)" >&2; exit 2; }
done
port="${BASE_PORT:-23800}"
[[ "$port" =~ ^[0-9]+$ ]] && ((port >= 1024 && port + 2 <= 65535)) ||
  { echo "ab-builds: BASE_PORT must be 1024..65533" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/runnel-ab.XXXXXX")"
node_pid=""
stop_node() {
  if [[ -n "$node_pid" ]]; then
    kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
    node_pid=""
  fi
}
trap 'stop_node; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

results="$work/results.txt"
: >"$results"
for ((round = 1; round <= rounds; round++)); do
  for side in A B; do
    dir="${dirs[0]}"
    [[ "$side" == B ]] && dir="${dirs[1]}"
    data="$work/$side-$round"
    mkdir -p "$data"
    sync # no write-back of the previous run left to slow this one's fsyncs
    "$dir/bin/runnel" dev --data "$data/data" --port "$port" --raft-port $((port + 1)) --http-port $((port + 2)) \
      >"$data/node.log" 2>&1 </dev/null &
    node_pid=$!
    deadline=$((SECONDS + 120))
    until [[ "$(curl -s --max-time 2 "http://$HOST:$((port + 2))/ready" || true)" == ok ]]; do
      ((SECONDS < deadline)) || { echo "ab-builds: node of $dir not ready in 120 s" >&2; tail -n 20 "$data/node.log" >&2; exit 1; }
      sleep 0.5
    done
    for w in $workloads; do
      out="$(timeout 300 "$dir/bin/runnel" perf run "$(workload_file "$w")" --bootstrap "$HOST:$port" \
        --delete-topic 2>&1)" || { echo "ab-builds: $w on $side failed:" >&2; echo "$out" >&2; exit 1; }
      # The measured phase: produce for a/a2/b, consume for c, e2e for d/d2.
      line="$(grep -E '^  (consume|e2e) ' <<<"$out" || grep -E '^  produce ' <<<"$out")"
      mbs="$(sed -E 's/.* ([0-9.,]+) MB\/s.*/\1/' <<<"$line" | tr -d ,)"
      p99="$(grep -A1 -F "$line" <<<"$out" | sed -nE 's/.*p99 ([0-9.]+),.*/\1/p')"
      printf '%s\t%s\t%s\t%s\n' "$w" "$side" "$mbs" "${p99:--}" >>"$results"
      printf 'round %d %s %-3s %9s MB/s  p99 %s ms\n' "$round" "$side" "$w" "$mbs" "${p99:--}"
    done
    stop_node
  done
done

echo "medians of $rounds (A = ${dirs[0]}, B = ${dirs[1]}):"
# median COLUMN WORKLOAD SIDE: the median of a results column ("-" when the runs have none).
median() {
  awk -F'\t' -v c="$1" -v w="$2" -v s="$3" '$1 == w && $2 == s && $c != "-" { print $c }' "$results" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
for w in $workloads; do
  for side in A B; do
    printf '  %-3s %s %9s MB/s  p99 %s ms\n' "$w" "$side" "$(median 3 "$w" "$side")" "$(median 4 "$w" "$side")"
  done
done
