#!/usr/bin/env bash
# HTTP benchmark of one kvstore node with wrk: 1 KiB values, 50 connections.
# Usage: bench/http-bench.sh [seconds]   (default 20 s per workload)
# Prints one RESULT line per workload and writes them to bench/results/http-<time>.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
connections=50
threads=2
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
(cd "$root" && mvn -B -q -DskipTests package)

data="$(mktemp -d)"
log="$data/node.log"
java -Xmx2g -jar "$root/target/kvstore.jar" --data-dir "$data/db" --http-port 0 --remote-port 0 >"$log" 2>&1 &
node=$!
trap 'kill $node 2>/dev/null; wait $node 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  port=$(sed -n 's/.*ready: HTTP on [^:]*:\([0-9]*\).*/\1/p' "$log")
  [ -n "$port" ] && break
  sleep 0.5
done
[ -n "${port:-}" ] || { echo "node did not start"; cat "$log"; exit 1; }
url="http://127.0.0.1:$port"

run() { # name, lua script, seconds, extra env
  local name=$1 script=$2 secs=$3; shift 3
  local line
  line=$(env WRK_THREADS=$threads "$@" wrk -t$threads -c$connections -d"${secs}s" --timeout 10s \
    -s "$root/bench/wrk/$script" "$url" | grep '^RESULT')
  echo "$name ${line#RESULT }"
}

mkdir -p "$root/bench/results"
out="$root/bench/results/http-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# kvstore 1 node, wrk -t$threads -c$connections, 1 KiB values, $(nproc) cores, $(date -u)"
  # Unreported warm-up (JIT, shard start-up, entity recovery), which also writes every key the
  # GET workload reads.
  run warmup-preload put.lua 15 KEYSPACE=10000 SEQUENTIAL=1 >/dev/null
  run warmup-get get.lua 5 KEYSPACE=10000 >/dev/null
  run put-random-10k-keys put.lua "$seconds" KEYSPACE=10000
  run get-random-10k-keys get.lua "$seconds" KEYSPACE=10000
} | tee "$out"
