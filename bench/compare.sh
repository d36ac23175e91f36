#!/usr/bin/env bash
# Side by side on this machine, in one run: Redis 7 (without persistence, and with appendfsync
# everysec), etcd 3.4 (3 members on loopback), a kvstore node, and a 3-node kvstore cluster.
# 1 KiB values, 50 connections, 10,000 keys:
#   redis-benchmark SET and GET, unpipelined and with -P 16, against Redis and kvstore's RESP port;
#   wrk PUT and GET over HTTP against kvstore and etcd's JSON gateway (put / linearizable range).
# kvstore writes at QUORUM (sync=always); its RESP reads are QUORUM (a connection's default),
# its HTTP reads LINEARIZABLE like etcd's.
# Prints one table with each kvstore figure as a ratio to its peer's, writes it to
# bench/results/compare-<time>.txt and into docs/benchmarks.md.
# Usage: bench/compare.sh [seconds per workload, default 20] [kvstore warm-up seconds, default 240]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
warmup="${2:-240}"
if ! command -v wrk >/dev/null || ! command -v etcd >/dev/null || ! command -v redis-server >/dev/null \
    || ! command -v redis-benchmark >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk etcd-server etcd-client redis-server redis-tools >/dev/null
fi
(cd "$root" && mvn -B -q -DskipTests package)
work="$(mktemp -d)"
etcd_pids=()
node_pid=""
redis_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  "$root/bin/kvstore-cluster" stop --dir "$work/cluster" >/dev/null 2>&1 || true
  stop_etcd
  rm -rf "$work"
}
trap cleanup EXIT
source "$root/bench/lib.sh"

redis_port=16379
start_redis() { # extra redis-server options...
  mkdir -p "$work/redis"
  redis-server --bind 127.0.0.1 --port $redis_port --dir "$work/redis" --save '' "$@" --daemonize no >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 50); do redis-cli -p $redis_port ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
stop_redis() { kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=""; rm -rf "$work/redis"; }

# Both protocols' workloads against kvstore: name, RESP ports (comma-separated), HTTP urls...
kvstore_workloads() {
  local name=$1 ports=(${2//,/ }); shift 2
  local urls=("$@")
  # Unreported warm-up: the JIT, shard allocation and entity start-up, and every key read later.
  spread warmup put.lua 30 48 "${urls[@]}" -- KEYSPACE=10000 SEQUENTIAL=1 >/dev/null
  seconds=10 redis_bench warmup set 16 48 "${ports[@]}" >/dev/null
  spread warmup put.lua "$warmup" 48 "${urls[@]}" -- KEYSPACE=10000 >/dev/null
  redis_bench "$name-resp" set,get 1 50 "${ports[@]}"
  redis_bench "$name-resp-P16" set,get 16 50 "${ports[@]}"
  spread "$name-http-put" put.lua "$seconds" 50 "${urls[@]}" -- KEYSPACE=10000 CONSISTENCY=QUORUM
  spread "$name-http-get" get.lua "$seconds" 50 "${urls[@]}" -- KEYSPACE=10000 CONSISTENCY=LINEARIZABLE
}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$root/bench/results"
out="$root/bench/results/compare-$stamp.txt"
{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/^Mem/ { print $2 }') GiB RAM, Linux $(uname -r)"
  echo "# $(redis-server --version | grep -o 'v=[0-9.]*' | sed 's/v=/Redis /'); $(etcd --version | head -1 | sed 's/etcd Version: /etcd /'); kvstore $(git -C "$root" rev-parse --short HEAD) on $(java -version 2>&1 | head -1 | tr -d '"'), -Xmx1g per node"
  echo "# 1 KiB values, 50 connections, 10,000 keys, ${seconds} s per workload; kvstore warmed up ${warmup} s first"

  start_redis --appendonly no
  redis_bench redis set,get 1 50 $redis_port
  redis_bench redis-P16 set,get 16 50 $redis_port
  stop_redis
  start_redis --appendonly yes --appendfsync everysec
  redis_bench redis-aof set,get 1 50 $redis_port
  redis_bench redis-aof-P16 set,get 16 50 $redis_port
  stop_redis

  KVSTORE_JAVA_OPTS="-Xmx1g" "$root/bin/kvstore" --data-dir "$work/node" --http-port 18080 --health-port 0 --resp-port 16380 \
    --remote-port 0 >"$work/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 240); do grep -q "ready: HTTP" "$work/node.log" && break; sleep 0.5; done
  grep -q "ready: HTTP" "$work/node.log" || { echo "kvstore did not start:" >&2; tail -20 "$work/node.log" >&2; exit 1; }
  kvstore_workloads kvstore1 16380 http://127.0.0.1:18080
  kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=""

  start_etcd
  spread warmup etcd.lua 10 48 http://127.0.0.1:2379{1,2,3} -- OP=put KEYSPACE=10000 SEQUENTIAL=1 >/dev/null
  spread etcd-http-put etcd.lua "$seconds" 50 http://127.0.0.1:2379{1,2,3} -- OP=put KEYSPACE=10000
  spread etcd-http-get etcd.lua "$seconds" 50 http://127.0.0.1:2379{1,2,3} -- OP=get KEYSPACE=10000
  stop_etcd

  KVSTORE_JAVA_OPTS="-Xmx1g" "$root/bin/kvstore-cluster" start --dir "$work/cluster" >/dev/null
  kvstore_workloads kvstore3 6381,6382,6383 http://127.0.0.1:808{1,2,3}
  "$root/bin/kvstore-cluster" stop --dir "$work/cluster" >/dev/null
} | tee "$out.raw"

# The table, and each kvstore figure against the peer a user would weigh it against.
awk '
  /^#/ { print; next }
  { name=$1; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[name, kv[1]] = kv[2] } names[++n] = name }
  function ratio(a, b) { return v[b, "rps"] > 0 ? sprintf("%.2f", v[a, "rps"] / v[b, "rps"]) : "n/a" }
  END {
    printf "\n| workload | ops/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n"
    for (i = 1; i <= n; i++) printf "| %s | %d | %.2f | %.2f | %d |\n", names[i], v[names[i], "rps"], v[names[i], "p50_ms"], v[names[i], "p99_ms"], v[names[i], "errors"]
    printf "\n| kvstore | against | ratio | goal |\n|---|---|---:|---|\n"
    printf "| 1 node RESP GET | Redis GET | %s | >= 0.5 |\n", ratio("kvstore1-resp-get", "redis-get")
    printf "| 1 node RESP GET -P 16 | Redis GET -P 16 | %s | |\n", ratio("kvstore1-resp-P16-get", "redis-P16-get")
    printf "| 1 node RESP SET | Redis (AOF everysec) SET | %s | |\n", ratio("kvstore1-resp-set", "redis-aof-set")
    printf "| 1 node RESP SET -P 16 | Redis (AOF everysec) SET -P 16 | %s | |\n", ratio("kvstore1-resp-P16-set", "redis-aof-P16-set")
    printf "| 3 nodes HTTP PUT (QUORUM) | etcd put | %s | >= 5 |\n", ratio("kvstore3-http-put", "etcd-http-put")
    printf "| 3 nodes RESP SET (QUORUM) | etcd put | %s | >= 5 |\n", ratio("kvstore3-resp-set", "etcd-http-put")
    printf "| 3 nodes RESP SET -P 16 (QUORUM) | etcd put | %s | |\n", ratio("kvstore3-resp-P16-set", "etcd-http-put")
    printf "| 3 nodes HTTP GET (LINEARIZABLE) | etcd get | %s | |\n", ratio("kvstore3-http-get", "etcd-http-get")
  }' "$out.raw" | tee "$out"
rm -f "$out.raw"

# Into docs/benchmarks.md, between its markers.
python3 - "$root/docs/benchmarks.md" "$out" <<'PY'
import sys
doc, table = sys.argv[1], open(sys.argv[2]).read().strip()
text = open(doc).read()
start, end = "<!-- compare:start -->", "<!-- compare:end -->"
block = start + "\n```\n" + "\n".join(l for l in table.splitlines() if l.startswith("#")) + "\n```\n" + \
    "\n".join(l for l in table.splitlines() if not l.startswith("#")) + "\n" + end
if start in text:
    text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
else:
    text += "\n" + block + "\n"
open(doc, "w").write(text)
PY
echo "written to $out and docs/benchmarks.md"
