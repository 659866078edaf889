#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, pg_ctl, postgres) are on this machine: the
# JDBC sink tests in connectors/ start a throwaway server with them (and fail on CI without).
# Installs Debian's postgresql package when they are missing. The tests find the binaries in
# $RUNNEL_PG_BIN, /usr/lib/postgresql/<version>/bin or on the PATH.
set -euo pipefail

have_binaries() {
  if [ -n "${RUNNEL_PG_BIN:-}" ] && [ -x "$RUNNEL_PG_BIN/initdb" ] && [ -x "$RUNNEL_PG_BIN/pg_ctl" ]; then
    return 0
  fi
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then
      return 0
    fi
  done
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}

if have_binaries; then
  echo "postgres-check: PostgreSQL server binaries found"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "postgres-check: no PostgreSQL binaries and no apt-get; install PostgreSQL (initdb, pg_ctl) or set RUNNEL_PG_BIN" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "postgres-check: installing Debian's postgresql package"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
have_binaries || { echo "postgres-check: postgresql installed but initdb/pg_ctl still not found" >&2; exit 1; }
echo "postgres-check: PostgreSQL server binaries installed"
