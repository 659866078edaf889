# Sourced by loadtest/compare-kafka.sh and loadtest/ab-builds.sh (needs $root, the checkout):
# the short names of the comparison's workloads. `workload_file NAME` prints the workload file of
# NAME; an unknown name stops the calling script (exit 2) with a message.
# Single-node workloads: a a2 b c d d2. Three-node (RF 3) workloads: e-produce e-e2e e2-e2e.

readonly SINGLE_NODE_WORKLOADS="a a2 b c d d2"

workload_file() {
  case "$1" in
    a) echo "$root/loadtest/workloads/a-produce-1k.yaml" ;;
    a2) echo "$root/loadtest/workloads/a2-produce-1k-warm.yaml" ;;
    b) echo "$root/loadtest/workloads/b-produce-100b.yaml" ;;
    c) echo "$root/loadtest/workloads/c-consume-1k.yaml" ;;
    d) echo "$root/loadtest/workloads/d-e2e-10k.yaml" ;;
    d2) echo "$root/loadtest/workloads/d2-e2e-2k.yaml" ;;
    e-produce) echo "$root/loadtest/workloads/e-rf3-produce-1k.yaml" ;;
    e-e2e) echo "$root/loadtest/workloads/e-rf3-e2e-2k.yaml" ;;
    e2-e2e) echo "$root/loadtest/workloads/e2-rf3-e2e-2k-warm.yaml" ;;
    *) echo "$(basename "$0" .sh): unknown workload '$1'" >&2; exit 2 ;;
  esac
}
