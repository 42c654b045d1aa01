#!/usr/bin/env bash
# What one request costs each proxy: CPU time (user and system, from /proc/PID/stat) per request over a wrk run, and
# system calls per request from `strace -c -f -p PID` over a second, separate wrk run (strace slows the proxy, so it
# never overlaps the CPU measurement). With Connection: close a request is a client connection. See docs/proxy.md.
#
#   bench/proxy/profile.sh                                  # 1 KiB, Connection: close, haproxy then fleet
#   MODE=keepalive bench/proxy/profile.sh                   # 1 KiB keep-alive
#   SIDES=fleet STRACE=no bench/proxy/profile.sh            # CPU only
#
# Needs haproxy, wrk, nginx-light and strace (Debian packages). Every process it starts is stopped by PID on exit.
set -euo pipefail

SIZE=${SIZE:-1k}
MODE=${MODE:-close}
DURATION=${DURATION:-10s}
STRACE_DURATION=${STRACE_DURATION:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
WARMUP=${WARMUP:-10s}
SIDES=${SIDES:-haproxy fleet}
STRACE=${STRACE:-yes}

# shellcheck source=bench/proxy/lib.sh
source "$(dirname "$0")/lib.sh"
need_packages haproxy:haproxy wrk:wrk nginx:nginx-light strace:strace
build_fleet
start_sides

header=()
[[ $MODE == close ]] && header=(-H 'Connection: close')
url() { echo "http://127.0.0.1:${target_port[$1]}/$SIZE.bin"; }
requests() { awk '/requests in/ { print $1 }'; }
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
# CPU of a JVM's event-loop threads alone (named fleet-proxy-*): the relay's own cost, without JIT and GC threads.
loop_ticks() {
  local u=0 s=0 t
  for t in /proc/"$1"/task/*; do
    [[ $(cat "$t/comm" 2>/dev/null) == fleet-proxy* ]] || continue
    read -r tu ts < <(awk '{ print $14, $15 }' "$t/stat")
    u=$((u + tu)); s=$((s + ts))
  done
  echo "$u $s"
}

for t in $SIDES; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${header[@]}" "$(url "$t")" >/dev/null
done

echo "$SIZE $MODE; wrk -t$THREADS -c$CONNECTIONS; proxies with $PROXY_THREADS threads; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in $SIDES; do
  pid=${side_pid[$t]}
  read -r u0 s0 < <(cpu_ticks "$pid")
  read -r lu0 ls0 < <(loop_ticks "$pid")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${header[@]}" "$(url "$t")")
  read -r u1 s1 < <(cpu_ticks "$pid")
  read -r lu1 ls1 < <(loop_ticks "$pid")
  n=$(requests <<<"$out")
  awk -v t="$t" -v n="$n" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$hz" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "%-8s %8d requests  %6.1f us user + %6.1f us system per request  (load 1m %s)\n",
             t, n, u * 1e6 / hz / n, s * 1e6 / hz / n, load }'
  if [[ $t == fleet || $t == uring ]]; then
    awk -v n="$n" -v u=$((lu1 - lu0)) -v s=$((ls1 - ls0)) -v hz="$hz" \
      'BEGIN { printf "         of which event loops: %6.1f us user + %6.1f us system per request\n",
               u * 1e6 / hz / n, s * 1e6 / hz / n }'
  fi
done

if [[ $STRACE == yes ]]; then
  for t in $SIDES; do
    pid=${side_pid[$t]}
    strace -q -c -f -p "$pid" -o "$work/strace-$t.txt" 2>/dev/null &
    strace_pid=$!
    sleep 1
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$STRACE_DURATION" "${header[@]}" "$(url "$t")")
    kill -INT "$strace_pid"
    wait "$strace_pid" || true
    n=$(requests <<<"$out")
    echo
    echo "$t: system calls per request over $n requests (strace -c -f, calls >= 0.05 per request)"
    awk -v n="$n" '$0 ~ /^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+/ {
        calls=$4; name=$NF; if (calls / n >= 0.05) printf "  %-16s %6.2f\n", name, calls / n }' "$work/strace-$t.txt" \
      | sort -k2 -n -r
  done
fi
