#!/usr/bin/env bash
# Where one Runnel node spends its CPU while a producer writes: starts `bin/runnel dev` (no SQL
# server) in a temp directory, runs `bin/runnel perf produce` against it, and prints the node's
# user and system CPU seconds per GB produced, the client's, and the node's CPU by thread kind
# (from /proc/PID/task, names with their numbers stripped). The node and the client count only
# their own CPU time, so other work on the machine does not enter the numbers (it still slows
# them down). Threads that exit during the run are not in the per-thread table.
# With --perf it also samples the node with Linux perf (user, kernel and JIT-compiled Java frames:
# the node runs with -XX:+PreserveFramePointer and writes a perf map) and prints the node's CPU by
# code (JIT, JVM, kernel, libc) and its hottest functions; the raw profile is kept as
# $TMPDIR/runnel-cpu-profile.perf for `perf report -i`.
#
#   loadtest/cpu-profile.sh [--records N] [--record-size B] [--partitions P] [--perf] [NODE FLAG...]
#   e.g. loadtest/cpu-profile.sh --records 2000000 --set raft.log.fsync=background
#
# Environment: BASE_PORT (default 23800: the node on BASE_PORT..+2), TMPDIR.
set -euo pipefail

readonly HOST=127.0.0.1
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runnel="$root/bin/runnel"
records=400000
record_size=1024
partitions=6
perf_profile=false
node_flags=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --records) records="${2:?--records needs a count}"; shift 2 ;;
    --record-size) record_size="${2:?--record-size needs bytes}"; shift 2 ;;
    --partitions) partitions="${2:?--partitions needs a count}"; shift 2 ;;
    --perf) perf_profile=true; shift ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) node_flags+=("$1"); shift ;;
  esac
done
for n in "$records" "$record_size" "$partitions"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "cpu-profile: '$n' is not a positive whole number" >&2; exit 2; }
done
port="${BASE_PORT:-23800}"
clk_tck="$(getconf CLK_TCK)"
if $perf_profile; then
  command -v perf >/dev/null || { echo "cpu-profile: --perf needs Linux perf (package linux-tools / perf)" >&2; exit 2; }
  # Frame pointers let perf walk JIT-compiled Java stacks; the map names the compiled methods.
  export RUNNEL_JAVA_OPTS="${RUNNEL_JAVA_OPTS:-} -XX:+PreserveFramePointer"
  perf_data="${TMPDIR:-/tmp}/runnel-cpu-profile.perf"
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/runnel-cpu.XXXXXX")"
node_pid=""
cleanup() {
  [[ -n "$node_pid" ]] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$runnel" dev --data "$work/data" --port "$port" --raft-port $((port + 1)) --http-port $((port + 2)) \
  --no-sql "${node_flags[@]}" >"$work/node.log" 2>&1 </dev/null &
node_pid=$!
for _ in $(seq 1 240); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$((port + 2))/ready" || true)" == 200 ]] && break
  kill -0 "$node_pid" 2>/dev/null || { echo "cpu-profile: the node did not start:" >&2; tail -5 "$work/node.log" >&2; exit 1; }
  sleep 0.5
done
jvm="$(pgrep -P "$node_pid" java || echo "$node_pid")"

# One line per live thread: name without digits, user ticks, system ticks.
threads() {
  for t in /proc/"$jvm"/task/*; do
    name="$(tr ' ' '_' <"$t/comm" 2>/dev/null | sed 's/[0-9]*$//; s/group-[0-9A-F]*/group-/')" || continue
    awk -v n="$name" '{print n, $14, $15}' "$t/stat" 2>/dev/null || true
  done
}
process() { awk '{print $14, $15}' /proc/"$jvm"/stat; }

threads >"$work/threads.0"; read -r user0 sys0 < <(process)
perf_pid=""
if $perf_profile; then
  perf record -F 499 -g -p "$jvm" -o "$perf_data" >"$work/perf-record.log" 2>&1 &
  perf_pid=$!
fi
/usr/bin/time -f "%U %S" -o "$work/client.time" "$runnel" perf produce --bootstrap "$HOST:$port" --topic cpu-profile \
  --records "$records" --record-size "$record_size" --partitions "$partitions" >"$work/perf.log" 2>&1 ||
  { echo "cpu-profile: the producer failed:" >&2; tail -5 "$work/perf.log" >&2; exit 1; }
threads >"$work/threads.1"; read -r user1 sys1 < <(process)
if [[ -n "$perf_pid" ]]; then
  kill -INT "$perf_pid" && wait "$perf_pid" || true
  jcmd "$jvm" Compiler.perfmap >/dev/null
fi
read -r client_user client_sys <"$work/client.time"

grep "records/s" "$work/perf.log"
python3 - "$work" "$records" "$record_size" "$clk_tck" "$user0" "$sys0" "$user1" "$sys1" "$client_user" "$client_sys" <<'PY'
import collections, sys
work, records, size, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
u0, s0, u1, s1 = (int(x) for x in sys.argv[5:9])
cu, cs = float(sys.argv[9]), float(sys.argv[10])
gb = records * size / 1e9
nu, ns = (u1 - u0) / hz, (s1 - s0) / hz
print("node   %.1f cpu-s (user %.1f, system %.1f) = %.1f cpu-s/GB" % (nu + ns, nu, ns, (nu + ns) / gb))
print("client %.1f cpu-s (user %.1f, system %.1f) = %.1f cpu-s/GB" % (cu + cs, cu, cs, (cu + cs) / gb))
def ticks(path):
    by = collections.Counter()
    for line in open(path):
        name, user, system = line.split()
        by[name] += int(user) + int(system)
    return by
before, after = ticks(work + "/threads.0"), ticks(work + "/threads.1")
used = {name: after[name] - before.get(name, 0) for name in after}
total = sum(used.values()) or 1
print("node CPU by thread kind:")
for name, t in sorted(used.items(), key=lambda kv: -kv[1])[:15]:
    print("  %5.1f%%  %6.1f s  %s" % (100 * t / total, t / hz, name))
PY

if $perf_profile; then
  echo "node CPU by code (perf, $(grep -o '[0-9]* samples' "$work/perf-record.log" || echo '? samples')):"
  perf report -i "$perf_data" --stdio --no-children --sort dso -g none 2>/dev/null |
    grep -E '^ +[0-9]' | sed -E 's/\[JIT\] tid [0-9]+/JIT-compiled Java/; s/^ +/  /; s/ +$//' | head -6 || true
  echo "node's hottest functions (self time):"
  perf report -i "$perf_data" --stdio --no-children --sort sym -g none 2>/dev/null |
    grep -E '^ +[0-9]' | cut -c1-150 | sed -E 's/^ +/  /' | head -25 || true
  echo "raw profile: perf report -i $perf_data"
fi
