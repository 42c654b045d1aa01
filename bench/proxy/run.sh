#!/usr/bin/env bash
# Proxy mode against HAProxy (mode tcp) and a direct connection, same nginx backend, all on 127.0.0.1.
# Prints requests/s and p99 latency from wrk for 1 KiB and 100 KiB responses, keep-alive and Connection: close,
# each side RUNS times, interleaved so that drift on a shared machine hits every side alike. See docs/proxy.md.
#
#   bench/proxy/run.sh                      # defaults: 2 runs of wrk -t2 -c50 -d15s, 2 proxy threads
#   RUNS=1 DURATION=5s bench/proxy/run.sh   # a quick look
#   SIDES="haproxy fleet" bench/proxy/run.sh # some sides only
#   SIDES="haproxy fleet uring" bench/proxy/run.sh # and Fleet on Netty's io_uring transport (an experiment)
#
# Needs haproxy, wrk and nginx-light (Debian packages; installed when missing and run as root), Java 17, Maven.
# Every process it starts is stopped by PID on exit.
set -euo pipefail

RUNS=${RUNS:-2}
DURATION=${DURATION:-15s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
WARMUP=${WARMUP:-10s}
SIDES=${SIDES:-direct haproxy fleet}
SIZES=${SIZES:-1k 100k}
MODES=${MODES:-keepalive close}

# shellcheck source=bench/proxy/lib.sh
source "$(dirname "$0")/lib.sh"
need_packages haproxy:haproxy wrk:wrk nginx:nginx-light
build_fleet
start_sides

# Warm-up (the JVM's JIT above all; the same for every side).
for t in $SIDES; do
  for f in $SIZES; do
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
  for f in $SIZES; do
    for mode in $MODES; do
      for t in $SIDES; do
        header=()
        [[ $mode == close ]] && header=(-H 'Connection: close')
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${header[@]}" \
          "http://127.0.0.1:${target_port[$t]}/$f.bin")
        rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
        p99=$(p99_ms <<<"$out")
        errors=$(awk '/Socket errors|Non-2xx/ { n++ } END { print n ? "yes" : "no" }' <<<"$out")
        load=$(awk '{ print $1 }' /proc/loadavg)
        echo "$run $f $mode $t $rps $p99 $errors $load" >>"$results"
        echo "run $run  $f  $mode  $t  $rps req/s  p99 ${p99} ms  errors: $errors  load(1m) $load" >&2
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
for f in $SIZES; do
  for mode in $MODES; do
    for t in $SIDES; do
      rps=$(awk -v f="$f" -v m="$mode" -v t="$t" '$2==f && $3==m && $4==t { printf "%s%s", sep, $5; sep=" / " }' "$results")
      p99=$(awk -v f="$f" -v m="$mode" -v t="$t" '$2==f && $3==m && $4==t { printf "%s%s", sep, $6; sep=" / " }' "$results")
      size=$([[ $f == 1k ]] && echo "1 KiB" || echo "100 KiB")
      conn=$([[ $mode == keepalive ]] && echo "keep-alive" || echo "close")
      echo "| $size | $conn | $t | $rps | $p99 |"
    done
  done
done

# Fleet against HAProxy per run: the two ran one after the other (adjacent), under about the same load.
if [[ " $SIDES " == *" haproxy "* && " $SIDES " == *" fleet "* ]]; then
  echo
  echo "| response | connection | side | side / haproxy per run (load 1m at haproxy, side) |"
  echo "|---|---|---|---|"
  for f in $SIZES; do
    for mode in $MODES; do
      size=$([[ $f == 1k ]] && echo "1 KiB" || echo "100 KiB")
      conn=$([[ $mode == keepalive ]] && echo "keep-alive" || echo "close")
      for side in fleet uring; do
        [[ " $SIDES " == *" $side "* ]] || continue
        ratios=$(awk -v f="$f" -v m="$mode" -v s="$side" '$2==f && $3==m && $4=="haproxy" { h[$1]=$5; hl[$1]=$8 }
          $2==f && $3==m && $4==s { g[$1]=$5; gl[$1]=$8 }
          END { for (r=1; r in h; r++) if (r in g && h[r] > 0) { printf "%s%.2fx (%s, %s)", sep, g[r]/h[r], hl[r], gl[r]; sep=" / " } }' "$results")
        echo "| $size | $conn | $side | $ratios |"
      done
    done
  done
fi
