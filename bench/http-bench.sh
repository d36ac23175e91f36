#!/usr/bin/env bash
# Benchmark of one kvstore node over HTTP with wrk (1 KiB values, 50 connections), with Redis
# in the same run as the peer: redis-benchmark with the same value size, clients and keyspace,
# once with `appendfsync always` (synced like kvstore's writes) and once without persistence.
# Usage: bench/http-bench.sh [seconds]   (default 20 s per workload); KVSTORE_JAVA_OPTS is passed on
# to the node (e.g. -XX:+UseShenandoahGC).
# Prints a table and writes it to bench/results/http-<time>.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
connections=50
threads=2
if ! command -v wrk >/dev/null || ! command -v redis-server >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk redis-server redis-tools >/dev/null
fi
(cd "$root" && mvn -B -q -DskipTests package)  # bin/kvstore would too, but not inside the timing

work="$(mktemp -d)"
source "$root/bench/lib.sh"
trap 'kill $node 2>/dev/null; wait $node 2>/dev/null; rm -rf "$work"' EXIT
start_node
url="http://127.0.0.1:$port"

run() { # name, lua script, seconds, extra env
  local name=$1 script=$2 secs=$3; shift 3
  local line
  line=$(env WRK_THREADS=$threads "$@" wrk -t$threads -c$connections -d"${secs}s" --timeout 10s \
    -s "$root/bench/wrk/$script" "$url" | grep '^RESULT')
  echo "$name ${line#RESULT }"
}

redis() { # name, extra redis-server args...: SET and GET like the HTTP workloads, as RESULT lines
  local name=$1; shift
  local dir; dir=$(mktemp -d -p "$work")
  local port; port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' "$@" --daemonize no >"$dir/log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  local requests=$((seconds * 20000))
  redis-benchmark -h 127.0.0.1 -p "$port" -c $connections -d 1024 -r 10000 -n "$requests" -t set,get --csv 2>/dev/null |
    awk -F, -v name="$name" 'NR > 1 { gsub(/"/, ""); printf "%s-%s rps=%.0f p50_ms=%.3f p99_ms=%.3f\n", name, tolower($1), $2, $5, $7 }'
  kill $pid; wait $pid 2>/dev/null || true
}

mkdir -p "$root/bench/results"
out="$root/bench/results/http-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# 1 KiB values, 50 connections, 10,000 keys; $(nproc) cores; $(date -u)"
  echo "# kvstore: 1 node, sync=always, JVM options '-Xmx2g ${KVSTORE_JAVA_OPTS:-}', wrk -t$threads over HTTP; redis $(redis-server --version | grep -o 'v=[0-9.]*'), redis-benchmark; all over loopback TCP"
  # Unreported warm-up (JIT, shard start-up, entity recovery), which also writes every key the
  # GET workload reads.
  run warmup-preload put.lua 15 KEYSPACE=10000 SEQUENTIAL=1 >/dev/null
  run warmup-get get.lua 5 KEYSPACE=10000 >/dev/null
  run kvstore-put put.lua "$seconds" KEYSPACE=10000
  run kvstore-get get.lua "$seconds" KEYSPACE=10000
  kill $node; wait $node 2>/dev/null || true
  redis redis-aof-always --appendonly yes --appendfsync always
  redis redis-no-persistence --appendonly no
} | tee "$out.raw"
# The table: one row per workload, and each kvstore figure as a ratio to the same Redis workload.
awk '
  /^#/ { print; next }
  { name=$1; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[name, kv[1]] = kv[2] } names[++n] = name }
  END {
    printf "%-28s %10s %9s %9s\n", "workload", "ops/s", "p50 ms", "p99 ms"
    for (i = 1; i <= n; i++) printf "%-28s %10d %9.3f %9.3f\n", names[i], v[names[i], "rps"], v[names[i], "p50_ms"], v[names[i], "p99_ms"]
    printf "ratios (throughput): PUT/redis-aof-always SET %.2f, PUT/redis SET %.2f, GET/redis GET %.2f\n",
      v["kvstore-put", "rps"] / v["redis-aof-always-set", "rps"], v["kvstore-put", "rps"] / v["redis-no-persistence-set", "rps"],
      v["kvstore-get", "rps"] / v["redis-no-persistence-get", "rps"]
  }' "$out.raw" | tee "$out"
rm -f "$out.raw"
