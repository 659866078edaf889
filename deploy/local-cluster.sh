#!/usr/bin/env bash
# A Runnel cluster on this machine, for development and tests: every node on 127.0.0.1, each
# with its own data directory, run in the background by bin/runnel.
#
#   deploy/local-cluster.sh start      [--nodes 3] [--dir DIR]   start all nodes, wait for /ready
#   deploy/local-cluster.sh status     [--dir DIR]               pid, alive, /health, /ready per node
#   deploy/local-cluster.sh kill N     [--dir DIR]               kill -9 node N (a crash)
#   deploy/local-cluster.sh restart N  [--dir DIR]               start node N again, wait for /ready
#   deploy/local-cluster.sh stop       [--dir DIR]               SIGTERM all, then kill -9 leftovers
#
# Node N listens on BASE_PORT+10*N (gRPC), +1 (Raft), +2 (HTTP); BASE_PORT defaults to 9400, so
# node 1 is 9410/9411/9412, node 2 9420/9421/9422, node 3 9430/9431/9432.
# DIR (default ./local-cluster) holds nodeN/node.properties, nodeN/node.log, nodeN/node.pid and
# nodeN/data. Environment: BASE_PORT, READY_TIMEOUT_S (default 90), STOP_TIMEOUT_S (default 30),
# NODE_CONFIG (extra node settings for every node, space-separated key=value, e.g.
# NODE_CONFIG='raft.election.timeout.min.ms=1000 raft.election.timeout.max.ms=2000').
set -euo pipefail

readonly HOST=127.0.0.1 # on purpose: this script never binds or probes anything else
readonly NODES_MAX=5    # the controller quorum takes 1, 3 or 5 voters
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runnel="$root/bin/runnel"

base_port="${BASE_PORT:-9400}"
ready_timeout_s="${READY_TIMEOUT_S:-90}"
# Above the node's default shutdown.grace.ms (10 s) plus closing Raft, so a healthy node is
# never killed by the fallback kill -9.
stop_timeout_s="${STOP_TIMEOUT_S:-30}"

die() {
  echo "local-cluster: $*" >&2
  exit 1
}

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# ---- arguments -------------------------------------------------------------------------

command="${1:-}"
[[ -n "$command" ]] || usage
shift
target=""
if [[ "$command" == kill || "$command" == restart ]]; then
  target="${1:-}"
  is_uint "$target" || die "$command needs a node number, e.g. '$command 2'"
  shift
fi
nodes_flag=""
dir="./local-cluster"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --nodes) [[ $# -ge 2 ]] || die "--nodes needs a value"; nodes_flag="$2"; shift 2 ;;
    --dir) [[ $# -ge 2 ]] || die "--dir needs a value"; dir="$2"; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done

is_uint "$base_port" || die "BASE_PORT must be a number, got '$base_port'"
is_uint "$ready_timeout_s" || die "READY_TIMEOUT_S must be a number of seconds, got '$ready_timeout_s'"
is_uint "$stop_timeout_s" || die "STOP_TIMEOUT_S must be a number of seconds, got '$stop_timeout_s'"

# ---- per-node paths and ports ----------------------------------------------------------

node_dir() { echo "$dir/node$1"; }
props_file() { echo "$dir/node$1/node.properties"; }
pid_file() { echo "$dir/node$1/node.pid"; }
log_file() { echo "$dir/node$1/node.log"; }
grpc_port() { echo $((base_port + 10 * $1)); }
raft_port() { echo $((base_port + 10 * $1 + 1)); }
http_port() { echo $((base_port + 10 * $1 + 2)); }

# A node's HTTP port as its properties file says, so status/kill/restart keep working when
# BASE_PORT differs from the one the cluster was started with.
http_port_of() {
  local value
  value="$(sed -n 's/^http\.port=//p' "$(props_file "$1")" 2>/dev/null | tail -n 1)"
  if is_uint "$value"; then echo "$value"; else http_port "$1"; fi
}

grpc_port_of() {
  local value
  value="$(sed -n 's/^grpc\.port=//p' "$(props_file "$1")" 2>/dev/null | tail -n 1)"
  if is_uint "$value"; then echo "$value"; else grpc_port "$1"; fi
}

# The node count: from --nodes on start, else what start recorded in DIR/nodes.
node_count() {
  if [[ -n "$nodes_flag" ]]; then
    echo "$nodes_flag"
  elif [[ -f "$dir/nodes" ]]; then
    cat "$dir/nodes"
  else
    echo 3
  fi
}

# ---- processes -------------------------------------------------------------------------

# The pid of node N if it runs, else nothing. A pid file may outlive its process and the pid may
# have been reused, so the process must also be a runnel node started with this node's config.
# Right after launch the pid is still nohup or bin/runnel (which then execs java); all three
# command lines contain "node --config FILE".
live_pid() {
  local file pid args
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  is_uint "$pid" || return 0
  args="$(ps -ww -o args= -p "$pid" 2>/dev/null || true)"
  if [[ "$args" == *" node --config $(props_file "$1")"* ]]; then
    echo "$pid"
  fi
}

# True while pid runs. A zombie counts as exited: the nodes are not our children, and where no
# init reaps orphans (some containers) a dead node would otherwise look alive forever.
pid_running() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z* ]]
}

# Waits until pid has exited; returns 1 if it still runs after the given seconds.
wait_exit() {
  local pid="$1" timeout_s="$2" deadline
  deadline=$((SECONDS + timeout_s))
  while pid_running "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# ---- probes ----------------------------------------------------------------------------

# HTTP status code of GET http://127.0.0.1:PORT/PATH, or 000 when nothing answers.
http_status() {
  local port="$1" path="$2" code
  if command -v curl >/dev/null 2>&1; then
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$port$path" || true)"
    echo "${code:-000}"
    return 0
  fi
  # No curl: speak HTTP/1.0 over bash's /dev/tcp. The subshell closes the descriptor.
  code="$(
    {
      exec 3<>"/dev/tcp/$HOST/$port" || exit 0
      printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$HOST" "$port" >&3
      read -r -t 2 _ status _ <&3 || true
      echo "${status:-}"
    } 2>/dev/null
  )" || true
  if is_uint "${code:-}"; then echo "$code"; else echo 000; fi
}

# True if something on 127.0.0.1 accepts connections on port.
port_busy() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# ---- commands --------------------------------------------------------------------------

check_node_number() {
  local n="$1" count="$2"
  ((n >= 1 && n <= count)) || die "node $n does not exist (this cluster has nodes 1..$count)"
}

write_properties() {
  local n="$1" voters="$2" rf="$3"
  cat >"$(props_file "$n")" <<EOF
# Written by deploy/local-cluster.sh start; rewritten on every start.
node.id=$n
host=$HOST
grpc.port=$(grpc_port "$n")
raft.port=$(raft_port "$n")
http.port=$(http_port "$n")
data.dir=$(node_dir "$n")/data
controller.quorum.voters=$voters
default.replication.factor=$rf
EOF
  local setting
  for setting in ${NODE_CONFIG:-}; do
    [[ "$setting" == *=* ]] || die "NODE_CONFIG entries must be key=value, got '$setting'"
    echo "$setting" >>"$(props_file "$n")"
  done
}

launch() {
  local n="$1"
  # bin/runnel execs java, so $! is the node's JVM: the pid that kill and stop signal.
  nohup "$runnel" node --config "$(props_file "$n")" >>"$(log_file "$n")" 2>&1 </dev/null &
  echo $! >"$(pid_file "$n")"
}

# Waits until every given node answers /ready with 200; fails early if one of them exits.
wait_ready() {
  local deadline n pending
  deadline=$((SECONDS + ready_timeout_s))
  while true; do
    pending=""
    for n in "$@"; do
      if [[ -z "$(live_pid "$n")" ]]; then
        echo "local-cluster: node $n exited while starting; last lines of $(log_file "$n"):" >&2
        tail -n 20 "$(log_file "$n")" >&2 || true
        exit 1
      fi
      [[ "$(http_status "$(http_port_of "$n")" /ready)" == 200 ]] || pending="$pending $n"
    done
    [[ -n "$pending" ]] || return 0
    if ((SECONDS >= deadline)); then
      die "not ready after ${ready_timeout_s}s: node(s)$pending (see $dir/nodeN/node.log)"
    fi
    sleep 0.5
  done
}

bootstrap_list() {
  local n count list=""
  count="$(node_count)"
  for ((n = 1; n <= count; n++)); do
    list="$list${list:+,}$HOST:$(grpc_port_of "$n")"
  done
  echo "$list"
}

# Builds the distribution once, up front, so that the nodes do not all build it at once.
ensure_distribution() {
  if ! compgen -G "$root/cli/target/runnel-cli-*.jar" >/dev/null || [[ ! -d "$root/cli/target/lib" ]]; then
    echo "local-cluster: building the distribution first" >&2
    "$runnel" --version >/dev/null
  fi
}

cmd_start() {
  local count n voters="" pid port rf
  count="${nodes_flag:-3}"
  is_uint "$count" && ((count >= 1 && count <= NODES_MAX && count % 2 == 1)) ||
    die "--nodes must be 1, 3 or 5 (the controller quorum needs an odd number of voters), got '$count'"
  ((base_port >= 1024 && base_port + 10 * count + 2 <= 65535)) ||
    die "BASE_PORT $base_port leaves node ports outside 1024..65535"
  for ((n = 1; n <= NODES_MAX; n++)); do
    pid="$(live_pid "$n")"
    [[ -z "$pid" ]] || die "node $n is already running (pid $pid); run '$0 stop --dir $dir' first"
  done
  for ((n = 1; n <= count; n++)); do
    for port in "$(grpc_port "$n")" "$(raft_port "$n")" "$(http_port "$n")"; do
      if port_busy "$port"; then
        die "port $port on $HOST is busy (node $n needs it); stop what uses it or set BASE_PORT"
      fi
    done
  done
  ensure_distribution

  rf=$((count < 3 ? count : 3))
  for ((n = 1; n <= count; n++)); do
    voters="$voters${voters:+,}$n@$HOST:$(raft_port "$n")"
  done
  echo "$count" >"$dir/nodes"
  for ((n = 1; n <= count; n++)); do
    mkdir -p "$(node_dir "$n")/data"
    write_properties "$n" "$voters" "$rf"
    launch "$n"
    echo "node $n: pid $(cat "$(pid_file "$n")"), gRPC $HOST:$(grpc_port "$n"), raft $(raft_port "$n"), http $(http_port "$n"), log $(log_file "$n")"
  done
  echo "waiting up to ${ready_timeout_s}s for $count node(s) to be ready..."
  local all=()
  for ((n = 1; n <= count; n++)); do all+=("$n"); done
  # wait_ready runs in a subshell so that a failed start can still stop what it started:
  # a half-started cluster would otherwise hold ports and memory until someone notices.
  if ! (wait_ready "${all[@]}"); then
    echo "local-cluster: start failed; stopping the nodes it started" >&2
    cmd_stop >&2
    exit 1
  fi
  echo "cluster ready; bootstrap: $(bootstrap_list)"
}

cmd_status() {
  local count n pid alive health ready all_up=1
  count="$(node_count)"
  printf '%-6s %-8s %-6s %-7s %-6s %s\n' node pid alive health ready grpc
  for ((n = 1; n <= count; n++)); do
    pid="$(live_pid "$n")"
    if [[ -n "$pid" ]]; then
      alive=yes
      health="$(http_status "$(http_port_of "$n")" /health)"
      ready="$(http_status "$(http_port_of "$n")" /ready)"
    else
      alive=no health=- ready=-
    fi
    [[ "$ready" == 200 ]] || all_up=0
    printf '%-6s %-8s %-6s %-7s %-6s %s\n' "$n" "${pid:--}" "$alive" "$health" "$ready" "$HOST:$(grpc_port_of "$n")"
  done
  # Exit 3 (as LSB init scripts do for "not running") unless every node is up and ready.
  ((all_up)) || exit 3
}

cmd_kill() {
  local n="$1" pid
  check_node_number "$n" "$(node_count)"
  pid="$(live_pid "$n")"
  [[ -n "$pid" ]] || die "node $n is not running"
  kill -9 "$pid"
  wait_exit "$pid" 10 || die "node $n (pid $pid) still runs 10s after kill -9"
  rm -f "$(pid_file "$n")"
  echo "node $n (pid $pid) killed with SIGKILL"
}

cmd_restart() {
  local n="$1" pid port
  check_node_number "$n" "$(node_count)"
  [[ -f "$(props_file "$n")" ]] || die "$(props_file "$n") is missing; run '$0 start --dir $dir' first"
  pid="$(live_pid "$n")"
  if [[ -n "$pid" ]]; then
    echo "node $n runs (pid $pid); stopping it first"
    stop_pids "$pid"
  fi
  port="$(http_port_of "$n")"
  if port_busy "$port"; then
    die "port $port on $HOST is busy, node $n cannot start"
  fi
  ensure_distribution
  launch "$n"
  echo "node $n: pid $(cat "$(pid_file "$n")"), waiting up to ${ready_timeout_s}s for /ready..."
  wait_ready "$n"
  echo "node $n ready"
}

# SIGTERM to every pid, wait (bounded) for them to exit, then SIGKILL the leftovers.
stop_pids() {
  local pid deadline left
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + stop_timeout_s))
  while true; do
    left=()
    for pid in "$@"; do
      if pid_running "$pid"; then left+=("$pid"); fi
    done
    ((${#left[@]} > 0)) || return 0
    if ((SECONDS >= deadline)); then
      echo "local-cluster: pid(s) ${left[*]} still running after ${stop_timeout_s}s; sending SIGKILL" >&2
      kill -9 "${left[@]}" 2>/dev/null || true
      for pid in "${left[@]}"; do wait_exit "$pid" 10 || die "pid $pid survives kill -9"; done
      return 0
    fi
    sleep 0.2
  done
}

cmd_stop() {
  local n pid pids=()
  # Every node directory that may hold a pid, not only the recorded count: stop must not leak.
  for ((n = 1; n <= NODES_MAX; n++)); do
    pid="$(live_pid "$n")"
    if [[ -n "$pid" ]]; then pids+=("$pid"); fi
  done
  if ((${#pids[@]} == 0)); then
    echo "no node running in $dir"
  else
    echo "stopping ${#pids[@]} node(s): ${pids[*]}"
    stop_pids "${pids[@]}"
    echo "stopped"
  fi
  for ((n = 1; n <= NODES_MAX; n++)); do rm -f "$(pid_file "$n")"; done
}

# ---- main ------------------------------------------------------------------------------

case "$command" in
  start) mkdir -p "$dir" ;;
  status | stop | kill | restart) [[ -d "$dir" ]] || die "no cluster in $dir (run '$0 start --dir $dir' first)" ;;
  -h | --help | help) usage ;;
  *) die "unknown command '$command' (start|stop|status|kill N|restart N)" ;;
esac
dir="$(cd "$dir" && pwd)" # absolute: properties files and pid checks must not depend on cwd

case "$command" in
  start) cmd_start ;;
  status) cmd_status ;;
  kill) cmd_kill "$target" ;;
  restart) cmd_restart "$target" ;;
  stop) cmd_stop ;;
esac
