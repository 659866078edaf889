#!/usr/bin/env bash
# Side-by-side benchmark: runs the SAME workload files (loadtest/workloads/) against Apache Kafka,
# with Kafka's own Java clients, and against Runnel, on this machine, and prints one table with
# both and the ratio. Everything listens on 127.0.0.1, lives in a temp directory and is stopped at
# the end (also on failure or Ctrl-C). Every run is bounded in time and in record count.
#
#   loadtest/compare-kafka.sh [--runs N] [--single "a b c d"] [--rf3 "e"] [--systems "runnel kafka"]
#                             [--no-build] [--keep]
#
#   --runs N       runs of each workload on each system (default 3; the table shows medians)
#   --single LIST  single-node workloads, of a a2 b c d d2 (default "a b c d"; "" skips them;
#                  a2 = a measured after a 45 s warm-up)
#   --rf3 LIST     three-node workloads, of e-produce e-e2e e2-e2e (default "e-produce e-e2e"; ""
#                  skips; e2-e2e = e-e2e measured after a 150 s warm-up)
#   --systems LIST which systems, of runnel runnel-bg kafka (default all three; kafka = both flush
#                  settings; runnel-bg = one Runnel node with raft.log.fsync=background, single-node
#                  workloads only)
#   --no-build     use what an earlier build left in target/ (see below)
#   --keep         keep the temp directory (logs, data, results.tsv)
#
# Systems: Runnel (bin/runnel dev: one node; deploy/local-cluster.sh: three nodes), Kafka with its
# default flushing (no fsync per write: the OS writes back the page cache) and Kafka with
# flush.messages=1 (log.flush.interval.messages=1: an fsync per write), the durable equal of
# Runnel's Raft log, which is fsynced before a batch counts as committed. Runnel with
# raft.log.fsync=background (a batch commits once written, the fsync runs behind it) is the equal of
# Kafka's default.
#
# Build: mvn -B -q -Pkafka-compare -pl cli,loadtest/kafka-driver,loadtest/kafka-broker -am package
# -DskipTests (the kafka-compare profile resolves Kafka from Maven Central; never installs).
# Environment: BASE_PORT (default 19900; uses BASE_PORT..BASE_PORT+199), KAFKA_HEAP (default
# "-Xmx1g -Xms1g", as kafka-server-start.sh), TMPDIR, RESULTS_DIR (also copy results.tsv and
# table.md there).
set -euo pipefail

readonly HOST=127.0.0.1 # on purpose: nothing here binds or probes anything else
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runnel="$root/bin/runnel"
broker_lib="$root/loadtest/kafka-broker/target/lib"
driver_dir="$root/loadtest/kafka-driver/target"

runs=3
single="a b c d"
rf3="e-produce e-e2e"
systems="runnel runnel-bg kafka"
build=1
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --single) single="${2?--single needs a list}"; shift 2 ;;
    --rf3) rf3="${2?--rf3 needs a list}"; shift 2 ;;
    --systems) systems="${2?--systems needs a list}"; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-kafka: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
for s in $systems; do
  [[ "$s" == runnel || "$s" == runnel-bg || "$s" == kafka ]] ||
    { echo "compare-kafka: --systems takes runnel, runnel-bg and/or kafka, got '$s'" >&2; exit 2; }
done
with() { [[ " $systems " == *" $1 "* ]]; }
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || { echo "compare-kafka: --runs must be 1..99, got '$runs'" >&2; exit 2; }
base_port="${BASE_PORT:-19900}"
[[ "$base_port" =~ ^[0-9]+$ ]] && ((base_port >= 1024 && base_port + 199 <= 65535)) ||
  { echo "compare-kafka: BASE_PORT must leave BASE_PORT..BASE_PORT+199 inside 1024..65535" >&2; exit 2; }
kafka_heap="${KAFKA_HEAP:--Xmx1g -Xms1g}"

# shellcheck source=loadtest/workload-names.sh
source "$root/loadtest/workload-names.sh"
for w in $single $rf3; do workload_file "$w" >/dev/null; done
for w in $single; do
  [[ " $SINGLE_NODE_WORKLOADS " == *" $w "* ]] ||
    { echo "compare-kafka: '$w' is not a single-node workload ($SINGLE_NODE_WORKLOADS); RF 3 ones go in --rf3" >&2; exit 2; }
done
for w in $rf3; do
  [[ " $SINGLE_NODE_WORKLOADS " != *" $w "* ]] ||
    { echo "compare-kafka: '$w' is a single-node workload; it goes in --single" >&2; exit 2; }
done

if ((build)); then
  echo "building Runnel, the Kafka driver and the Kafka broker class path (profile kafka-compare)..."
  (cd "$root" && mvn -B -q -Pkafka-compare -pl cli,loadtest/kafka-driver,loadtest/kafka-broker -am package -DskipTests)
fi
[[ -d "$broker_lib" && -d "$driver_dir/lib" ]] || { echo "compare-kafka: no Kafka build in target/; run without --no-build" >&2; exit 1; }
driver_jar="$(ls "$driver_dir"/runnel-loadtest-kafka-*.jar | head -n 1)"

work="$(mktemp -d "${TMPDIR:-/tmp}/runnel-vs-kafka.XXXXXX")"
results="$work/results.tsv"
pids=()
cluster_dir=""
echo "work directory: $work"

# ---- processes we start, and only those, are stopped here ----------------------------------

stop_pids() {
  local pid deadline
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + 30))
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  done
  return 0
}

stop_all() {
  if ((${#pids[@]} > 0)); then stop_pids "${pids[@]}"; fi
  pids=()
  if [[ -n "$cluster_dir" ]]; then "$root/deploy/local-cluster.sh" stop --dir "$cluster_dir" >/dev/null 2>&1 || true; fi
  cluster_dir=""
}

cleanup() {
  stop_all
  if ((keep)); then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

require_free() {
  local port
  for port in "$@"; do
    if port_busy "$port"; then echo "compare-kafka: port $port is busy; set BASE_PORT" >&2; exit 1; fi
  done
}

# ---- Kafka -------------------------------------------------------------------------------------

# Runs in the background as `kafka_java ... &`: exec, so that $! is the JVM itself and stopping
# that pid stops the broker (not just the subshell around it).
kafka_java() {
  # kafka-server-start.sh's heap and kafka-run-class.sh's GC settings.
  # shellcheck disable=SC2086
  exec java $kafka_heap -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true "$@"
}

# kafka_start NAME NODES FLUSH(0|1) PORT: KRaft brokers (combined broker+controller) NAME-1..N;
# broker n listens on PORT+10n, its controller on PORT+10n+1. Sets REPLY to the bootstrap address
# (no command substitution: the pids must be recorded in this shell, not in a subshell).
kafka_start() {
  local name="$1" nodes="$2" flush="$3" port="$4" n voters="" bootstrap="" dir cluster_id rf isr
  rf=$((nodes >= 3 ? 3 : 1))
  isr=$((nodes >= 3 ? 2 : 1)) # acks=all then waits for a majority at least, like Runnel's quorum
  for ((n = 1; n <= nodes; n++)); do
    require_free $((port + 10 * n)) $((port + 10 * n + 1))
    voters="$voters${voters:+,}$n@$HOST:$((port + 10 * n + 1))"
    bootstrap="$bootstrap${bootstrap:+,}$HOST:$((port + 10 * n))"
  done
  cluster_id="$(java -cp "$broker_lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  for ((n = 1; n <= nodes; n++)); do
    dir="$work/$name/node$n"
    mkdir -p "$dir/data"
    cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://$HOST:$((port + 10 * n)),CONTROLLER://$HOST:$((port + 10 * n + 1))
advertised.listeners=PLAINTEXT://$HOST:$((port + 10 * n))
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=6
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
group.initial.rebalance.delay.ms=0
EOF
    if ((flush)); then echo "log.flush.interval.messages=1" >>"$dir/server.properties"; fi
    cat >"$dir/log4j2.properties" <<EOF
status = error
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $dir/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
EOF
    java -cp "$broker_lib/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
      >"$dir/format.log" 2>&1 || { echo "compare-kafka: formatting $name node $n failed:" >&2; cat "$dir/format.log" >&2; exit 1; }
    kafka_java "-Dlog4j2.configurationFile=$dir/log4j2.properties" -cp "$broker_lib/*" kafka.Kafka \
      "$dir/server.properties" >"$dir/stdout.log" 2>&1 </dev/null &
    pids+=("$!")
  done
  local deadline=$((SECONDS + 120))
  for ((n = 1; n <= nodes; n++)); do
    until grep -q "Kafka Server started" "$work/$name/node$n/server.log" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        echo "compare-kafka: $name node $n did not start in 120 s; last lines:" >&2
        tail -n 20 "$work/$name/node$n/server.log" "$work/$name/node$n/stdout.log" >&2 || true
        exit 1
      fi
      sleep 0.5
    done
  done
  REPLY="$bootstrap"
}

# ---- Runnel ------------------------------------------------------------------------------------

# runnel_single PORT NAME [--set KEY=VALUE...]: one `runnel dev` node (gRPC PORT, Raft PORT+1,
# HTTP PORT+2) in $work/NAME; sets REPLY.
runnel_single() {
  local port="$1" dir="$work/$2" deadline
  shift 2
  require_free "$port" $((port + 1)) $((port + 2))
  mkdir -p "$dir"
  "$runnel" dev --data "$dir/data" --port "$port" --raft-port $((port + 1)) --http-port $((port + 2)) "$@" \
    >"$dir/node.log" 2>&1 </dev/null &
  pids+=("$!")
  deadline=$((SECONDS + 120))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$((port + 2))/ready" || true)" == 200 ]]; do
    if ((SECONDS >= deadline)); then
      echo "compare-kafka: Runnel node not ready in 120 s; last lines:" >&2
      tail -n 20 "$dir/node.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  REPLY="$HOST:$port"
}

# runnel_cluster BASE: three nodes via deploy/local-cluster.sh (node n: gRPC BASE+10n); sets REPLY.
runnel_cluster() {
  local base="$1"
  cluster_dir="$work/runnel-cluster"
  mkdir -p "$cluster_dir"
  BASE_PORT="$base" "$root/deploy/local-cluster.sh" start --dir "$cluster_dir" >"$cluster_dir/start.log" 2>&1 ||
    { cat "$cluster_dir/start.log" >&2; exit 1; }
  # The SDK takes one bootstrap address and finds every partition's leader from there.
  REPLY="$HOST:$((base + 10))"
}

# ---- runs --------------------------------------------------------------------------------------

# dirty_mb: page-cache data not yet written back (Dirty + Writeback in /proc/meminfo), in MB.
dirty_mb() { awk '/^(Dirty|Writeback):/ { kb += $2 } END { printf "%d", kb / 1024 }' /proc/meminfo; }

# bench SYSTEM BOOTSTRAP LABEL WORKLOAD RUN: one bounded run, appended to results.tsv. A failed
# run is reported and kept in the table (flagged), not fatal: the other runs still say something.
bench() {
  local system="$1" bootstrap="$2" label="$3" workload="$4" run="$5" file log
  file="$(workload_file "$workload")"
  log="$work/runs.log"
  echo "== $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg), dirty $(dirty_mb) MB: $workload on $label (run $run)" |
    tee -a "$log"
  # Every run starts with nothing left to write back from an earlier run (mostly another system's
  # data): otherwise a system that fsyncs pays for that write-back and one that does not, does not.
  timeout 300 sync || echo "   (sync did not finish in 300 s)" | tee -a "$log"
  local args=(run "$file" --bootstrap "$bootstrap" --label "$label" --tsv "$results" --delete-topic --run-id "r$run")
  local status=0
  if [[ "$system" == runnel ]]; then
    timeout 300 "$runnel" perf "${args[@]}" >>"$log" 2>&1 || status=$?
  else
    timeout 300 java -cp "$driver_jar:$driver_dir/lib/*" dev.runnel.loadtest.kafka.KafkaBench "${args[@]:1}" \
      >>"$log" 2>&1 || status=$?
  fi
  if ((status != 0)); then echo "   (exit $status; see $log)" | tee -a "$log"; fi
  tail -n 6 "$log" | grep -E '^ ' || true
}

kafka_label="kafka (default: no fsync per write)"
kafka_flush_label="kafka flush.messages=1 (fsync per write)"
runnel_label="runnel (Raft log fsync per commit)"
runnel_bg_label="runnel raft.log.fsync=background (no fsync wait)"

if [[ -n "${single// /}" ]]; then
  echo "starting Runnel nodes (fsync per commit, in the background) and/or two single-broker Kafkas (default flushing, flush.messages=1)..."
  if with runnel; then runnel_single "$base_port" runnel-single; r_boot="$REPLY"; fi
  if with runnel-bg; then
    runnel_single $((base_port + 50)) runnel-single-bg --set raft.log.fsync=background; rb_boot="$REPLY"
  fi
  if with kafka; then
    kafka_start kafka-single 1 0 $((base_port + 100)); k_boot="$REPLY"
    kafka_start kafka-single-flush 1 1 $((base_port + 150)); kf_boot="$REPLY"
  fi
  # Rounds interleave the systems, so a noisy stretch of the shared machine hits all of them.
  for ((run = 1; run <= runs; run++)); do
    for w in $single; do
      if with runnel; then bench runnel "$r_boot" "$runnel_label" "$w" "$run"; fi
      if with runnel-bg; then bench runnel "$rb_boot" "$runnel_bg_label" "$w" "$run"; fi
      if with kafka; then
        bench kafka "$k_boot" "$kafka_label" "$w" "$run"
        bench kafka "$kf_boot" "$kafka_flush_label" "$w" "$run"
      fi
    done
  done
  stop_all
fi

if [[ -n "${rf3// /}" ]]; then
  # Three nodes of each system at once would be nine JVMs on this machine: one system at a time.
  if with runnel; then
    echo "starting three Runnel nodes (deploy/local-cluster.sh)..."
    runnel_cluster $((base_port + 10)); r3_boot="$REPLY"
    for ((run = 1; run <= runs; run++)); do
      for w in $rf3; do bench runnel "$r3_boot" "runnel RF3, 3 nodes" "$w" "$run"; done
    done
    stop_all
  fi
  for flush in 0 1; do
    with kafka || break
    if ((flush)); then label="kafka RF3, 3 brokers, flush.messages=1"; else label="kafka RF3, 3 brokers (default flushing)"; fi
    echo "starting three Kafka brokers (flush.messages=$flush)..."
    kafka_start "kafka-rf3-$flush" 3 "$flush" $((base_port + 100)); k3_boot="$REPLY"
    for ((run = 1; run <= runs; run++)); do
      for w in $rf3; do bench kafka "$k3_boot" "$label" "$w" "$run"; done
    done
    stop_all
  done
fi

echo
echo "Medians of $runs run(s); load average now $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs."
echo "Kafka fsync: default = no fsync per write (page cache, flushed by the OS); flush.messages=1 = fsync per"
echo "write. Runnel fsyncs its Raft log before a batch is committed, or with raft.log.fsync=background"
echo "writes it and fsyncs behind (Kafka's default's equal). Kafka acks=all, Runnel acks=quorum."
"$runnel" perf compare "$results" | tee "$work/table.md"
cp "$results" "$work/table.md" "${RESULTS_DIR:-$work}/" 2>/dev/null || true
