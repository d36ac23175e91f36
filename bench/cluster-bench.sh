#!/usr/bin/env bash
# 3-node comparison on this machine, same run: a kvstore cluster (bin/kvstore-cluster, N = 3)
# against etcd 3.4 (Debian etcd-server, 3 members on loopback), 1 KiB values, 50 connections
# spread over the three nodes (17/17/16, one wrk per node), 10,000 keys:
#   kvstore QUORUM PUT and LINEARIZABLE GET over HTTP; etcd put and (linearizable) range over its
#   JSON gateway; and each at 8 connections (a lighter load, for latency).
# Throughput is the sum of the three wrk runs; p50 is their mean, p99 their maximum.
# Usage: bench/cluster-bench.sh [seconds]  (default 20 s per workload)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
if ! command -v wrk >/dev/null || ! command -v etcd >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk etcd-server etcd-client >/dev/null
fi
(cd "$root" && mvn -B -q -DskipTests package)
work="$(mktemp -d)"
etcd_pids=()
cleanup() {
  "$root/bin/kvstore-cluster" stop --dir "$work/kvstore" >/dev/null 2>&1 || true
  stop_etcd
  rm -rf "$work"
}
trap cleanup EXIT
source "$root/bench/lib.sh"

kv_urls=(http://127.0.0.1:8081 http://127.0.0.1:8082 http://127.0.0.1:8083)
etcd_urls=(http://127.0.0.1:23791 http://127.0.0.1:23792 http://127.0.0.1:23793)
out="$root/bench/results/cluster-$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$root/bench/results"
{
  echo "# 3 nodes each, 1 KiB values, 10,000 keys, one wrk per node; $(nproc) cores; $(date -u)"
  echo "# kvstore: N = 3, sync=always, QUORUM writes, LINEARIZABLE reads; $(etcd --version | head -1), 3 members, default (fsync) settings, JSON gateway"
  KVSTORE_JAVA_OPTS="-Xmx1g" "$root/bin/kvstore-cluster" start --dir "$work/kvstore" >/dev/null
  # Unreported warm-up: JIT, shard allocation, entity start-up; also writes every key GETs read.
  # Three JVMs share two cores here, so the JIT needs minutes to settle: throughput climbs for
  # about 4 minutes (measured in 30 s rounds), so warm up for 5.
  spread warmup put.lua 60 48 "${kv_urls[@]}" -- KEYSPACE=10000 SEQUENTIAL=1 >/dev/null
  spread warmup put.lua 240 48 "${kv_urls[@]}" -- KEYSPACE=10000 >/dev/null
  spread kvstore-quorum-put put.lua "$seconds" 50 "${kv_urls[@]}" -- KEYSPACE=10000 CONSISTENCY=QUORUM
  spread kvstore-linearizable-get get.lua "$seconds" 50 "${kv_urls[@]}" -- KEYSPACE=10000 CONSISTENCY=LINEARIZABLE
  spread kvstore-quorum-put-c8 put.lua "$seconds" 8 "${kv_urls[@]}" -- KEYSPACE=10000 CONSISTENCY=QUORUM
  "$root/bin/kvstore-cluster" stop --dir "$work/kvstore" >/dev/null

  start_etcd
  spread warmup etcd.lua 10 48 "${etcd_urls[@]}" -- OP=put KEYSPACE=10000 SEQUENTIAL=1 >/dev/null
  spread etcd-put etcd.lua "$seconds" 50 "${etcd_urls[@]}" -- OP=put KEYSPACE=10000
  spread etcd-get etcd.lua "$seconds" 50 "${etcd_urls[@]}" -- OP=get KEYSPACE=10000
  spread etcd-put-c8 etcd.lua "$seconds" 8 "${etcd_urls[@]}" -- OP=put KEYSPACE=10000
} | tee "$out.raw"
awk '
  /^#/ { print; next }
  { name=$1; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[name, kv[1]] = kv[2] } names[++n] = name }
  END {
    printf "%-28s %10s %9s %9s %7s\n", "workload", "ops/s", "p50 ms", "p99 ms", "errors"
    for (i = 1; i <= n; i++) printf "%-28s %10d %9.3f %9.3f %7d\n", names[i], v[names[i], "rps"], v[names[i], "p50_ms"], v[names[i], "p99_ms"], v[names[i], "errors"]
    printf "ratios (throughput, kvstore/etcd): QUORUM PUT %.2f, LINEARIZABLE GET %.2f\n",
      v["kvstore-quorum-put", "rps"] / v["etcd-put", "rps"], v["kvstore-linearizable-get", "rps"] / v["etcd-get", "rps"]
  }' "$out.raw" | tee "$out"
rm -f "$out.raw"
