# Shared by bench/proxy/run.sh and bench/proxy/profile.sh (sourced, not run): builds the director's test classes,
# starts nginx (backend), HAProxy (mode tcp) and Fleet's ProxyBenchServer on free 127.0.0.1 ports, and stops every
# process it started, by PID, on exit.
#
# In:  PROXY_THREADS (event loops / haproxy nbthread), FLEET_JAVA_OPTS (extra JVM options), FLEET_ARGS (extra
#      ProxyBenchServer options, e.g. "--transport=io_uring"), FLEET_TARGET (another build's director/target, with
#      classes and test-classes, to compare a change against the code before it).
#      SIDES: when it names "uring", a second ProxyBenchServer on Netty's io_uring transport is started too.
# Out: $work, $nginx_port, $haproxy_port, $fleet_port, $nginx_pid, $haproxy_pid, $fleet_pid, target_port[side],
#      side_pid[side] (sides: direct, haproxy, fleet, uring).

PROXY_THREADS=${PROXY_THREADS:-2}
FLEET_JAVA_OPTS=${FLEET_JAVA_OPTS:-}
FLEET_ARGS=${FLEET_ARGS:-}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
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

need_packages() {
  local need=()
  for p in "$@"; do
    local cmd=${p%%:*} pkg=${p#*:}
    command -v "$cmd" >/dev/null || need+=("$pkg")
  done
  if ((${#need[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
      echo "missing: ${need[*]} (apt-get install -y ${need[*]})" >&2
      exit 2
    fi
  fi
}

# A TCP port free on 127.0.0.1 now, between 20000 and 32000: below Linux's ephemeral range, so that none of the
# many outgoing connections of a run can take it between this check and the server's bind.
taken_ports=" "
free_port() {
  local port
  for _ in $(seq 1 2000); do
    port=$((20000 + RANDOM % 12000))
    [[ $taken_ports == *" $port "* ]] && continue
    if python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.close()' "$port" \
      2>/dev/null; then
      taken_ports+="$port "
      echo "$port"
      return 0
    fi
  done
  echo "no free port between 20000 and 32000 on 127.0.0.1" >&2
  exit 1
}

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  exit 1
}

build_fleet() {
  echo "building the director and its test classes ..." >&2
  # One reactor run, so that director's sibling modules resolve; director comes last and writes the file last.
  (cd "$root" && mvn -B -q -pl director -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt")
  local target=${FLEET_TARGET:-$root/director/target}
  cp="$target/classes:$target/test-classes:$(cat "$work/cp.txt")"
}

start_sides() {
  nginx_port=$(free_port)
  haproxy_port=$(free_port)
  fleet_port=$(free_port)

  # The backend: nginx, one worker, static files, keep-alive without a request limit.
  mkdir -p "$work/www" "$work/nginx"
  head -c 1024 /dev/urandom >"$work/www/1k.bin"
  head -c 102400 /dev/urandom >"$work/www/100k.bin"
  chmod 644 "$work/www/"*
  cat >"$work/nginx/nginx.conf" <<NGINX
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
NGINX
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
  pids+=("$nginx_pid")

  # HAProxy 2.6, mode tcp, as many threads as the proxy has event loops.
  cat >"$work/haproxy.cfg" <<HAPROXY
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
HAPROXY
  haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  pids+=("$haproxy_pid")

  # Fleet's proxy mode, epoll, one listener per event loop.
  # shellcheck disable=SC2086
  java -Xms1g -Xmx1g $FLEET_JAVA_OPTS -cp "$cp" io.fleet.director.proxy.bench.ProxyBenchServer $FLEET_ARGS \
    "127.0.0.1:$fleet_port" "$PROXY_THREADS" "127.0.0.1:$nginx_port" >"$work/fleet.log" 2>&1 &
  fleet_pid=$!
  pids+=("$fleet_pid")

  uring_port=$(free_port)
  uring_pid=
  if [[ " ${SIDES:-} " == *" uring "* ]]; then
    # shellcheck disable=SC2086
    java -Xms1g -Xmx1g $FLEET_JAVA_OPTS -cp "$cp" io.fleet.director.proxy.bench.ProxyBenchServer --transport=io_uring \
      "127.0.0.1:$uring_port" "$PROXY_THREADS" "127.0.0.1:$nginx_port" >"$work/uring.log" 2>&1 &
    uring_pid=$!
    pids+=("$uring_pid")
  fi

  wait_port "$nginx_port"
  wait_port "$haproxy_port"
  wait_port "$fleet_port"
  echo "backend nginx :$nginx_port  haproxy :$haproxy_port  fleet :$fleet_port ($(grep ready "$work/fleet.log"))" >&2
  if [[ -n $uring_pid ]]; then
    wait_port "$uring_port"
    echo "uring :$uring_port ($(grep ready "$work/uring.log"))" >&2
  fi

  declare -gA target_port=([direct]=$nginx_port [haproxy]=$haproxy_port [fleet]=$fleet_port [uring]=$uring_port)
  declare -gA side_pid=([direct]=$nginx_pid [haproxy]=$haproxy_pid [fleet]=$fleet_pid [uring]=$uring_pid)
}
