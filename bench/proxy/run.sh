#!/usr/bin/env bash
# Proxy mode against HAProxy (mode tcp) and a direct connection, same nginx backend, all on 127.0.0.1.
# Prints requests/s and p99 latency from wrk for 1 KiB and 100 KiB responses, keep-alive and Connection: close,
# each side RUNS times, interleaved so that drift on a shared machine hits every side alike. See docs/proxy.md.
#
#   bench/proxy/run.sh                      # defaults: 2 runs of wrk -t2 -c50 -d15s, 2 proxy threads
#   RUNS=1 DURATION=5s bench/proxy/run.sh   # a quick look
#   SIDES="haproxy fleet" bench/proxy/run.sh # some sides only
#
# Needs haproxy, wrk and nginx-light (Debian packages; installed when missing and run as root), Java 17, Maven.
# Every process it starts is stopped by PID on exit.
set -euo pipefail

RUNS=${RUNS:-2}
DURATION=${DURATION:-15s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
PROXY_THREADS=${PROXY_THREADS:-2}
WARMUP=${WARMUP:-10s}
SIDES=${SIDES:-direct haproxy fleet}

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/fleet-proxy-bench.XXXXXX)
chmod 755 "$work"
pids=()

cleanup() {
  for pid in "${pids[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]:-}"; do
    [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing: ${need[*]} (apt-get install -y ${need[*]})" >&2
    exit 2
  fi
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  exit 1
}

echo "building the director and its test classes ..." >&2
# One reactor run, so that director's sibling modules resolve; director comes last and writes the file last.
(cd "$root" && mvn -B -q -pl director -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt")
cp="$root/director/target/classes:$root/director/target/test-classes:$(cat "$work/cp.txt")"

nginx_port=$(free_port)
haproxy_port=$(free_port)
fleet_port=$(free_port)

# The backend: nginx, one worker, static files, keep-alive without a request limit.
mkdir -p "$work/www" "$work/nginx"
head -c 1024 /dev/urandom >"$work/www/1k.bin"
head -c 102400 /dev/urandom >"$work/www/100k.bin"
chmod 644 "$work/www/"*
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_body_temp_path $work/nginx/body;
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

# HAProxy 2.6, mode tcp, as many threads as the proxy has event loops.
cat >"$work/haproxy.cfg" <<EOF
global
  maxconn 8000
  nbthread $PROXY_THREADS
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend fe
  bind 127.0.0.1:$haproxy_port
  default_backend be
backend be
  server nginx 127.0.0.1:$nginx_port
EOF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=($!)

# Fleet's proxy mode, epoll, one listener per event loop.
java -Xms1g -Xmx1g -cp "$cp" io.fleet.director.proxy.bench.ProxyBenchServer \
  "127.0.0.1:$fleet_port" "$PROXY_THREADS" "127.0.0.1:$nginx_port" >"$work/fleet.log" 2>&1 &
pids+=($!)


wait_port "$nginx_port"
wait_port "$haproxy_port"
wait_port "$fleet_port"
echo "backend nginx :$nginx_port  haproxy :$haproxy_port  fleet :$fleet_port ($(grep ready "$work/fleet.log"))" >&2

declare -A target_port=([direct]=$nginx_port [haproxy]=$haproxy_port [fleet]=$fleet_port)

# Warm-up (the JVM's JIT above all; the same for every side).
for t in $SIDES; do
  for f in 1k 100k; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:${target_port[$t]}/$f.bin" >/dev/null
  done
done

# wrk's 99% latency in ms.
p99_ms() {
  awk '$1=="99%" { v=$2; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) }
       else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.2f", v }'
}

results="$work/results.txt"
: >"$results"
for run in $(seq 1 "$RUNS"); do
  for f in 1k 100k; do
    for mode in keepalive close; do
      for t in $SIDES; do
        header=()
        [[ $mode == close ]] && header=(-H 'Connection: close')
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${header[@]}" \
          "http://127.0.0.1:${target_port[$t]}/$f.bin")
        rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
        p99=$(p99_ms <<<"$out")
        errors=$(awk '/Socket errors|Non-2xx/ { n++ } END { print n ? "yes" : "no" }' <<<"$out")
        echo "$run $f $mode $t $rps $p99 $errors" >>"$results"
        echo "run $run  $f  $mode  $t  $rps req/s  p99 ${p99} ms  errors: $errors" >&2
        [[ $errors == yes ]] && grep -E "Socket errors|Non-2xx" <<<"$out" >&2 || true
      done
    done
  done
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency; $RUNS runs; proxies with $PROXY_THREADS threads; nginx 1 worker"
echo
echo "| response | connection | side | req/s (runs) | p99 ms (runs) |"
echo "|---|---|---|---|---|"
for f in 1k 100k; do
  for mode in keepalive close; do
    for t in $SIDES; do
      rps=$(awk -v f="$f" -v m="$mode" -v t="$t" '$2==f && $3==m && $4==t { printf "%s%s", sep, $5; sep=" / " }' "$results")
      p99=$(awk -v f="$f" -v m="$mode" -v t="$t" '$2==f && $3==m && $4==t { printf "%s%s", sep, $6; sep=" / " }' "$results")
      size=$([[ $f == 1k ]] && echo "1 KiB" || echo "100 KiB")
      conn=$([[ $mode == keepalive ]] && echo "keep-alive" || echo "close")
      echo "| $size | $conn | $t | $rps | $p99 |"
    done
  done
done
