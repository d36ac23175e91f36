# Shell functions shared by the benchmark scripts; sourced, with $root, $work and etcd_pids set.

# One node from bin/kvstore (-Xmx2g plus KVSTORE_JAVA_OPTS) on a fresh data directory in $work,
# with any further flags; sets $node (its pid) and $port (its HTTP port) once it is ready.
start_node() {
  KVSTORE_JAVA_OPTS="-Xmx2g ${KVSTORE_JAVA_OPTS:-}" "$root/bin/kvstore" --data-dir "$work/db" --http-port 0 \
    --health-port 0 --remote-port 0 "$@" >"$work/node.log" 2>&1 &
  node=$!
  for _ in $(seq 1 120); do
    port=$(sed -n 's/.*ready: HTTP on [^:]*:\([0-9]*\).*/\1/p' "$work/node.log")
    [ -n "$port" ] && return 0
    sleep 0.5
  done
  echo "node did not start" >&2
  cat "$work/node.log" >&2
  return 1
}

# wrk against one or more endpoints at once, connections split between them; one RESULT line
# summed over them (throughput summed, p50 averaged, p99 the maximum).
#   spread name script seconds connections url... [-- ENV=value...]
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
  # Not the servers, which are background jobs of this shell too. A run that failed shows as a
  # missing or short RESULT, not as the end of the script.
  wait "${runs[@]}" || true
  summarize "$name" "$work/$name".*
}

# One RESULT line from several: name file...
summarize() {
  local name=$1; shift
  cat "$@" | awk -v name="$name" '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2]; if (kv[1] == "p99_ms" && kv[2] > p99) p99 = kv[2] } n++ }
    END { if (n == 0) { printf "%s rps=0 p50_ms=0 p99_ms=0 errors=1\n", name; exit }
          printf "%s rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n", name, v["rps"], v["p50_ms"] / n, p99, v["errors"] }'
  rm -f "$@"
}

# etcd 3.4 with 3 members on loopback: clients on 2379{1,2,3}, peers on 2380{1,2,3}.
start_etcd() {
  local cluster="m1=http://127.0.0.1:23801,m2=http://127.0.0.1:23802,m3=http://127.0.0.1:23803"
  for i in 1 2 3; do
    etcd --name "m$i" --data-dir "$work/etcd$i" --listen-client-urls "http://127.0.0.1:2379$i" \
      --advertise-client-urls "http://127.0.0.1:2379$i" --listen-peer-urls "http://127.0.0.1:2380$i" \
      --initial-advertise-peer-urls "http://127.0.0.1:2380$i" --initial-cluster "$cluster" \
      --initial-cluster-state new >"$work/etcd$i.log" 2>&1 &
    etcd_pids+=($!)
  done
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:23791/health | grep -q true && return 0; sleep 0.2; done
  echo "etcd did not start; see $work/etcd*.log" >&2
  return 1
}

stop_etcd() {
  for pid in "${etcd_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${etcd_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  etcd_pids=()
}

# redis-benchmark against one or more ports at once (connections split between them) for about
# $seconds per test: a short probe run sizes the request count. One RESULT line per test, named
# name-test, summed as spread does; errors=1 when a run ended early (it stops at an error reply).
#   redis_bench name tests pipeline connections port...
redis_bench() {
  local name=$1 tests=$2 pipeline=$3 conns=$4; shift 4
  local ports=("$@") test
  for test in ${tests//,/ }; do
    local probe rps
    probe=$(redis_bench_once "$name-probe" "$test" "$pipeline" "$conns" $((1000 * pipeline * ${#ports[@]})) "${ports[@]}")
    rps=$(sed -n 's/.*rps=\([0-9]*\).*/\1/p' <<<"$probe")
    local requests=$(( ${rps:-0} * seconds ))
    [ "$requests" -lt 2000 ] && requests=2000
    redis_bench_once "$name-$test" "$test" "$pipeline" "$conns" "$requests" "${ports[@]}"
  done
}

redis_bench_once() {
  local name=$1 test=$2 pipeline=$3 conns=$4 requests=$5; shift 5
  local i=0 per=$(( conns / $# )) extra=$(( conns % $# )) runs=()
  for port in "$@"; do
    local c=$per; [ $i -lt $extra ] && c=$((c + 1))
    timeout $((seconds * 4 + 60)) redis-benchmark -h 127.0.0.1 -p "$port" -c "$c" -n $((requests / $#)) -r 10000 -d 1024 \
        -P "$pipeline" -t "$test" --csv 2>/dev/null \
      | awk -F, 'NR > 1 { gsub(/"/, ""); printf "RESULT rps=%s p50_ms=%s p99_ms=%s errors=0\n", $2, $5, $7; done = 1 }
                 END { if (!done) print "RESULT rps=0 p50_ms=0 p99_ms=0 errors=1" }' >"$work/$name.$i" &
    runs+=($!)
    i=$((i + 1))
  done
  wait "${runs[@]}" || true  # redis-benchmark exits non-zero at an error reply: errors=1 says so
  summarize "$name" "$work/$name".*
}
