#!/usr/bin/env bash
# Scale run: loads distinct keys with 100-byte values into a local 3-node cluster (QUORUM), then
# reads the first-loaded (cold) keys back at LINEARIZABLE. Every minute it records each node's
# heap after a full GC, RSS, data directory size and stored keys, to show that memory stays
# bounded as keys grow and what the keys cost on disk.
# Usage: bench/scale.sh [keys] [max-minutes]   (default 10,000,000 keys, at most 90 minutes of loading)
# The load stops at whichever comes first; the report says how far it got and at what rate.
# Keys are loaded over RESP with `redis-cli --pipe`, one pipe per node each walking its own third:
# pipelining (up to kvstore.resp.pipeline-depth commands in flight per connection) loads ~3x as
# fast as 48 HTTP connections, which is what makes 10 M keys fit in about an hour on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keys="${1:-10000000}"
minutes="${2:-90}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v redis-cli >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-tools >/dev/null; }
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
    local heap rss disk
    heap=$(jcmd "${pids[$i]}" GC.run >/dev/null 2>&1; jcmd "${pids[$i]}" GC.heap_info 2>/dev/null \
      | awk '/garbage-first heap/ { for (f = 1; f <= NF; f++) if ($f == "used") { v = $(f + 1); sub("K,?", "", v); print int(v / 1024) } }')
    rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/${pids[$i]}/status")
    disk=$(du -sm "$work/kvstore/node$((i + 1))" 2>/dev/null | cut -f1)
    line="$line node$((i + 1)):heap=${heap}MiB,rss=${rss}MiB,disk=${disk}MiB"
  done
  echo "$line stored_keys=${total:-?}"
}

{
  echo "# scale run: $keys keys x 100 B values, QUORUM, 3 nodes (-Xmx1g each), one pipelined RESP connection per node; $(nproc) cores; $(date -u)"
  start=$(date +%s)
  ( while sleep 60; do sample $(( $(date +%s) - start )); done ) &
  sampler=$!
  per=$(( keys / 3 ))
  loads=()
  for i in 1 2 3; do
    # Node i's third of the keys, s<i>-0 .. s<i>-(per-1), as RESP SET commands (the names get.lua reads).
    awk -v prefix="s$i-" -v count=$per 'BEGIN {
        value = sprintf("%0100d", 0)
        for (n = 0; n < count; n++) {
          key = prefix n
          printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n", length(key), key, value
        }
      }' | timeout "${minutes}m" redis-cli -p $((6380 + i)) --pipe --pipe-timeout 120 >"$work/load.$i" 2>&1 &
    loads+=($!)
  done
  wait "${loads[@]}" || true
  kill "$sampler" 2>/dev/null || true
  elapsed=$(( $(date +%s) - start ))
  # redis-cli reports "errors: E, replies: R" when its pipe completes; a pipe cut by the time limit
  # reports nothing, and then the cluster's own count of stored keys is the measure.
  loaded=$(cat "$work"/load.* | awk -F'[:,] *' '/^errors/ { e += $2; r += $4; n++ } END { print (n == 3 ? r - e : "") }')
  if [ -z "$loaded" ]; then
    loaded=$(curl -s http://127.0.0.1:8081/api/v1/cluster/status | grep -o '"total_keys":[0-9]*' | cut -d: -f2)
    echo "time limit reached; the cluster counts $loaded keys stored"
  fi
  echo "loaded $loaded keys in ${elapsed}s: $(( loaded / (elapsed > 0 ? elapsed : 1) )) keys/s"
  cat "$work"/load.* | grep -v '^All data\|^Last reply' | sed 's/^/load /'
  sample "$elapsed"
  # Cold keys: the first ones each node loaded, long passivated and out of every cache.
  for i in 1 2 3; do
    env WRK_THREADS=1 KEYSPACE=$(( per < 3000 ? per : 3000 )) SEQUENTIAL=1 ONCE=1 PREFIX="s$i-" CONSISTENCY=LINEARIZABLE \
      wrk -t1 -c8 -d30s --timeout 10s -s "$root/bench/wrk/get.lua" "http://127.0.0.1:808$i" | grep '^RESULT' | sed 's/^/cold-read /'
  done
} | tee "$out"
