#!/usr/bin/env bash
# Scale run: loads distinct keys with 100-byte values into a local 3-node cluster (QUORUM), then
# reads the first-loaded (cold) keys back at LINEARIZABLE. Every minute it records each node's
# heap after a full GC, RSS and stored keys, to show that memory stays bounded as keys grow.
# Usage: bench/scale.sh [keys] [max-minutes]   (default 10,000,000 keys, at most 60 minutes of loading)
# The load stops at whichever comes first; the report says how far it got and at what rate.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keys="${1:-10000000}"
minutes="${2:-60}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
(cd "$root" && mvn -B -q -DskipTests package)
work="$(mktemp -d)"
cleanup() {
  "$root/bin/kvstore-cluster" stop --dir "$work/kvstore" >/dev/null 2>&1 || true
  [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
out="$root/bench/results/scale-$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$root/bench/results"

KVSTORE_JAVA_OPTS="-Xmx1g" "$root/bin/kvstore-cluster" start --dir "$work/kvstore" >/dev/null
pids=($(cat "$work/kvstore"/node*.pid))

sample() {
  local line="t=${1}s" total
  total=$(curl -s http://127.0.0.1:8081/api/v1/cluster/status | grep -o '"total_keys":[0-9]*' | cut -d: -f2)
  for i in 0 1 2; do
    local heap rss
    heap=$(jcmd "${pids[$i]}" GC.run >/dev/null 2>&1; jcmd "${pids[$i]}" GC.heap_info 2>/dev/null \
      | awk '/garbage-first heap/ { for (f = 1; f <= NF; f++) if ($f == "used") { v = $(f + 1); sub("K,?", "", v); print int(v / 1024) } }')
    rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/${pids[$i]}/status")
    line="$line node$((i + 1)):heap=${heap}MiB,rss=${rss}MiB"
  done
  echo "$line stored_keys=${total:-?}"
}

{
  echo "# scale run: $keys keys x 100 B values, QUORUM, 3 nodes (-Xmx1g each), 48 connections; $(nproc) cores; $(date -u)"
  start=$(date +%s)
  ( while sleep 60; do sample $(( $(date +%s) - start )); done ) &
  sampler=$!
  per=$(( keys / 3 ))
  loads=()
  for i in 1 2 3; do
    # Each node's load generator walks its own third of the keys once (prefix sN-).
    env WRK_THREADS=1 KEYSPACE=$per SEQUENTIAL=1 ONCE=1 PREFIX="s$i-" VALUE_BYTES=100 CONSISTENCY=QUORUM \
      wrk -t1 -c16 -d"${minutes}m" --timeout 10s -s "$root/bench/wrk/put.lua" "http://127.0.0.1:808$i" \
      | grep '^RESULT' >"$work/load.$i" &
    loads+=($!)
  done
  wait "${loads[@]}"
  kill "$sampler" 2>/dev/null || true
  elapsed=$(( $(date +%s) - start ))
  loaded=$(cat "$work"/load.* | awk '{ for (f = 2; f <= NF; f++) { split($f, kv, "="); if (kv[1] == "requests") r += kv[2]; if (kv[1] == "errors") e += kv[2] } } END { print r - e }')
  echo "loaded $loaded keys in ${elapsed}s: $(( loaded / (elapsed > 0 ? elapsed : 1) )) keys/s"
  cat "$work"/load.* | sed 's/^/load /'
  sample "$elapsed"
  # Cold keys: the first ones each node loaded, long passivated and out of every cache.
  for i in 1 2 3; do
    env WRK_THREADS=1 KEYSPACE=$(( per < 3000 ? per : 3000 )) SEQUENTIAL=1 ONCE=1 PREFIX="s$i-" CONSISTENCY=LINEARIZABLE \
      wrk -t1 -c8 -d60s --timeout 10s -s "$root/bench/wrk/get.lua" "http://127.0.0.1:808$i" | grep '^RESULT' | sed 's/^/cold-read /'
  done
} | tee "$out"
