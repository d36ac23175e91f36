#!/usr/bin/env bash
# Batch writes against single writes on one kvstore node over HTTP (wrk, 50 connections, values
# of 1 KiB): PUT one key per request, then POST /api/v1/batch/put with 1, 16 and 128 items.
# Usage: bench/batch-bench.sh [seconds]   (default 20 s per workload)
# Prints requests/s, keys written/s and per-request p50/p99, and writes bench/results/batch-<time>.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
connections=50
threads=2
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
(cd "$root" && mvn -B -q -DskipTests package)

work="$(mktemp -d)"
source "$root/bench/lib.sh"
trap 'kill $node 2>/dev/null; wait $node 2>/dev/null; rm -rf "$work"' EXIT
start_node --resp-port 0
url="http://127.0.0.1:$port"

run() { # name, keys per request, lua script, seconds, extra env
  local name=$1 keys=$2 script=$3 secs=$4; shift 4
  local line
  line=$(env WRK_THREADS=$threads "$@" wrk -t$threads -c$connections -d"${secs}s" --timeout 10s \
    -s "$root/bench/wrk/$script" "$url" | grep '^RESULT')
  echo "$name keys_per_request=$keys ${line#RESULT }"
}

mkdir -p "$root/bench/results"
out="$root/bench/results/batch-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# 1 KiB values, 50 connections, 10,000 keys, QUORUM; $(nproc) cores; $(date -u)"
  run warmup 1 put.lua 15 KEYSPACE=10000 >/dev/null
  run single-put 1 put.lua "$seconds" KEYSPACE=10000
  for batch in 1 16 128; do
    run "batch-put-$batch" "$batch" batch-put.lua "$seconds" KEYSPACE=10000 BATCH=$batch
  done
} | awk '
  /^#/ { print; next }
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    if (!header++) printf "%-16s %12s %12s %10s %10s %7s\n", "workload", "requests/s", "keys/s", "p50 ms", "p99 ms", "errors"
    printf "%-16s %12d %12d %10.3f %10.3f %7d\n", $1, v["rps"], v["rps"] * v["keys_per_request"], v["p50_ms"], v["p99_ms"], v["errors"] }' | tee "$out"
