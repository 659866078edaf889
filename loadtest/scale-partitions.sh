#!/usr/bin/env bash
# How Runnel's cost grows with partitions: starts three local nodes (deploy/local-cluster.sh) and,
# for each partition count, creates one RF 3 topic with that many partitions, waits until every
# partition has a leader, measures the three nodes' idle CPU, RSS and threads, runs a bounded
# produce workload on the topic, then deletes it. Everything on 127.0.0.1, in a temp directory,
# stopped at the end.
#
#   loadtest/scale-partitions.sh [--idle-s 30] [--settle-s 60] [--create-timeout-s 300] [--keep] COUNT...
#   e.g. loadtest/scale-partitions.sh 10 100 1000
#
# --settle-s: seconds to wait after the last partition got its leader before idle CPU is measured
# (just after creation the groups are not yet at rest: 59 % of a core for 100 partitions at once,
# 48 % two minutes later).
# Environment: BASE_PORT (default 23500: nodes on BASE_PORT+10..+32), TMPDIR. Idle CPU is the
# nodes' own user+system time (from /proc/PID/stat) per wall second, so other work on the
# machine does not count in it (it still slows the nodes down).
set -euo pipefail

readonly HOST=127.0.0.1
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runnel="$root/bin/runnel"
idle_s=30
settle_s=60
create_timeout_s=300
keep=0
counts=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --idle-s) idle_s="${2:?--idle-s needs seconds}"; shift 2 ;;
    --settle-s) settle_s="${2:?--settle-s needs seconds}"; shift 2 ;;
    --create-timeout-s) create_timeout_s="${2:?--create-timeout-s needs seconds}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) [[ "$1" =~ ^[1-9][0-9]*$ ]] || { echo "scale-partitions: '$1' is not a partition count" >&2; exit 2; }
       counts+=("$1"); shift ;;
  esac
done
((${#counts[@]} > 0)) || { echo "scale-partitions: give at least one partition count (try --help)" >&2; exit 2; }
[[ "$idle_s" =~ ^[1-9][0-9]*$ && "$create_timeout_s" =~ ^[1-9][0-9]*$ && "$settle_s" =~ ^[0-9]+$ ]] ||
  { echo "scale-partitions: --idle-s, --settle-s and --create-timeout-s take whole seconds" >&2; exit 2; }
base_port="${BASE_PORT:-23500}"
bootstrap="$HOST:$((base_port + 10))" # node 1; the SDK finds the leaders from there
clk_tck="$(getconf CLK_TCK)"

work="$(mktemp -d "${TMPDIR:-/tmp}/runnel-scale.XXXXXX")"
cluster="$work/cluster"
cleanup() {
  "$root/deploy/local-cluster.sh" stop --dir "$cluster" >/dev/null 2>&1 || true
  if ((keep)); then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node_pids() { cat "$cluster"/node[123]/node.pid; }

# CPU ticks (user + system) of all node JVMs.
cpu_ticks() {
  local pid total=0 fields
  for pid in $(node_pids); do
    read -r -a fields <"/proc/$pid/stat"
    # Fields 14 and 15 (1-based) are utime and stime; the command name (field 2) has no spaces here.
    total=$((total + fields[13] + fields[14]))
  done
  echo "$total"
}

rss_mb() {
  local pid list=""
  for pid in $(node_pids); do
    list="$list${list:+/}$(($(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status") / 1024))"
  done
  echo "$list"
}

threads() {
  local pid list=""
  for pid in $(node_pids); do
    list="$list${list:+/}$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")"
  done
  echo "$list"
}

# Idle CPU of the nodes over SECONDS, as a percentage of one core.
idle_cpu_pct() {
  local before after
  before="$(cpu_ticks)"
  sleep "$1"
  after="$(cpu_ticks)"
  echo $(((after - before) * 100 / clk_tck / $1))
}

echo "starting three nodes (BASE_PORT=$base_port) in $work ..."
mkdir -p "$cluster"
BASE_PORT="$base_port" "$root/deploy/local-cluster.sh" start --dir "$cluster" >"$work/start.log" 2>&1 ||
  { cat "$work/start.log" >&2; exit 1; }
echo "baseline (no topic): idle CPU $(idle_cpu_pct "$idle_s")% of a core, RSS MB $(rss_mb), threads $(threads)"

printf '| partitions (RF 3) | create → all led | idle CPU (3 nodes, %% of one core) | RSS MB per node | threads per node | produce 1 KiB | load |\n'
printf '|---|---|---|---|---|---|---|\n'
# A topic holds at most 512 partitions (the node's limit): larger counts are split over topics
# of at most 500 partitions each.
readonly TOPIC_PARTITIONS_MAX=500
for count in "${counts[@]}"; do
  ntopics=$(((count + TOPIC_PARTITIONS_MAX - 1) / TOPIC_PARTITIONS_MAX))
  per_topic=$((count / ntopics))
  topics=()
  for ((t = 1; t <= ntopics; t++)); do topics+=("scale-$count-$t"); done
  start=$SECONDS
  created=ok
  for topic in "${topics[@]}"; do
    if ! timeout "$create_timeout_s" "$runnel" topic create "$topic" --partitions "$per_topic" --replication-factor 3 \
      --bootstrap "$bootstrap" >>"$work/create-$count.log" 2>&1; then
      created="a create call failed or timed out (see log)"
    fi
  done
  # Leaders: `topic describe` shows LEADER "none" for a partition without one.
  led=0
  while ((SECONDS - start < create_timeout_s)); do
    rows=0 unled=0
    for topic in "${topics[@]}"; do
      if "$runnel" topic describe "$topic" --bootstrap "$bootstrap" >"$work/describe-$topic.txt" 2>/dev/null; then
        unled=$((unled + $(awk '$1 ~ /^[0-9]+$/ && $2 == "none"' "$work/describe-$topic.txt" | wc -l)))
        rows=$((rows + $(awk '$1 ~ /^[0-9]+$/' "$work/describe-$topic.txt" | wc -l)))
      fi
    done
    if ((rows == per_topic * ntopics && unled == 0)); then led=1; break; fi
    sleep 5 # each check starts a JVM: not too often on a machine busy creating groups
  done
  if ((led)); then create_text="$((SECONDS - start)) s"
  else create_text="not all led in ${create_timeout_s} s: $rows listed, $unled without leader ($created)"; fi
  ((led)) && sleep "$settle_s"
  cpu="$(idle_cpu_pct "$idle_s")"
  rss="$(rss_mb)"
  thr="$(threads)"
  produce="skipped"
  if ((led)); then
    # Produces to the first topic only (all partitions when there is one topic).
    timeout 200 "$runnel" perf run "$root/loadtest/workloads/a-produce-1k.yaml" --bootstrap "$bootstrap" \
      --set "topic=${topics[0]}" --set "partitions=$per_topic" --set replicationFactor=3 --set records=300000 \
      --json "$work/produce-$count.json" >"$work/produce-$count.log" 2>&1 || true
    produce="$(grep -o '"mbPerSec":[0-9.]*' "$work/produce-$count.json" 2>/dev/null | head -n 1 | cut -d: -f2) MB/s"
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$count" "$create_text" "$cpu" "$rss" "$thr" "$produce" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  for topic in "${topics[@]}"; do
    timeout 300 "$runnel" topic delete "$topic" --bootstrap "$bootstrap" >/dev/null 2>&1 || true
  done
done
