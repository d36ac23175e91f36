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
  for pid in "${etcd_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# wrk against three endpoints at once: name, script, seconds, total connections, urls..., then env after --
spread() {
  local name=$1 script=$2 secs=$3 conns=$4; shift 4
  local urls=() env=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do urls+=("$1"); shift; done
  [ $# -gt 0 ] && shift && env=("$@")
  local i=0 per=$(( conns / ${#urls[@]} )) extra=$(( conns % ${#urls[@]} )) runs=()
  for url in "${urls[@]}"; do
    local c=$per; [ $i -lt $extra ] && c=$((c + 1))
    env WRK_THREADS=1 WRK_PROCESS=$i "${env[@]}" wrk -t1 -c"$c" -d"${secs}s" --timeout 10s -s "$root/bench/wrk/$script" "$url" \
      | grep '^RESULT' >"$work/$name.$i" &
    runs+=($!)
    i=$((i + 1))
  done
  wait "${runs[@]}"  # not the etcd members, which are background jobs of this shell too
  cat "$work/$name".* | awk -v name="$name" '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2]; if (kv[1] == "p99_ms" && kv[2] > p99) p99 = kv[2] } n++ }
    END { printf "%s rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n", name, v["rps"], v["p50_ms"] / n, p99, v["errors"] }'
  rm -f "$work/$name".*
}

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

  cluster="m1=http://127.0.0.1:23801,m2=http://127.0.0.1:23802,m3=http://127.0.0.1:23803"
  for i in 1 2 3; do
    etcd --name "m$i" --data-dir "$work/etcd$i" --listen-client-urls "http://127.0.0.1:2379$i" \
      --advertise-client-urls "http://127.0.0.1:2379$i" --listen-peer-urls "http://127.0.0.1:2380$i" \
      --initial-advertise-peer-urls "http://127.0.0.1:2380$i" --initial-cluster "$cluster" \
      --initial-cluster-state new >"$work/etcd$i.log" 2>&1 &
    etcd_pids+=($!)
  done
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:23791/health | grep -q true && break; sleep 0.2; done
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
