#!/usr/bin/env bash
# Installs a built Fleet director into PREFIX (default /opt/fleet): PREFIX/lib (the director's jar and its
# dependencies), PREFIX/bin/fleetd (starts it), and with --systemd the unit file, a 'fleet' system user and
# /etc/fleet. Builds first when the tree is not built.
#   deploy/install.sh [--prefix DIR] [--systemd]
set -euo pipefail

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/opt/fleet
SYSTEMD=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift 2 ;;
    --systemd) SYSTEMD=1; shift ;;
    *) echo "install: unknown option '$1' (--prefix DIR, --systemd)" >&2; exit 2 ;;
  esac
done

jar="$(ls "$HOME_DIR"/director/target/fleet-director-*.jar 2>/dev/null | grep -v -- '-tests\.jar$' | head -n 1 || true)"
if [[ -z "$jar" || ! -f "$HOME_DIR/director/target/classpath.txt" ]]; then
  echo "install: building (mvn -DskipTests package) ..." >&2
  (cd "$HOME_DIR" && mvn -B -q -DskipTests package)
  jar="$(ls "$HOME_DIR"/director/target/fleet-director-*.jar | grep -v -- '-tests\.jar$' | head -n 1)"
fi

mkdir -p "$PREFIX/lib" "$PREFIX/bin"
rm -f "$PREFIX"/lib/*.jar
cp "$jar" "$PREFIX/lib/"
IFS=: read -r -a deps <"$HOME_DIR/director/target/classpath.txt" || true
for d in "${deps[@]}"; do
  [[ -f "$d" ]] && cp "$d" "$PREFIX/lib/"
done

cat >"$PREFIX/bin/fleetd" <<'SCRIPT'
#!/usr/bin/env bash
# Starts one Fleet director: fleetd --config FILE. FLEET_JAVA_OPTS adds JVM options (heap, GC).
set -euo pipefail
LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)"
# LMDB (the replicated catalog's durable store) needs these opens on Java 17.
exec java ${FLEET_JAVA_OPTS:-} --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "$LIB/*" io.fleet.director.daemon.Fleetd "$@"
SCRIPT
chmod 755 "$PREFIX/bin/fleetd"
echo "installed $(ls "$PREFIX/lib" | wc -l) jars and bin/fleetd into $PREFIX"

if ((SYSTEMD)); then
  [[ "$(id -u)" == 0 ]] || { echo "install: --systemd needs root" >&2; exit 1; }
  id fleet >/dev/null 2>&1 || useradd --system --home-dir /var/lib/fleet --shell /usr/sbin/nologin fleet
  mkdir -p /etc/fleet
  sed "s|/opt/fleet/|$PREFIX/|g" "$HOME_DIR/deploy/systemd/fleetd.service" >/etc/systemd/system/fleetd.service
  echo "installed /etc/systemd/system/fleetd.service; put the config in /etc/fleet/fleet.conf, then:"
  echo "  systemctl daemon-reload && systemctl enable --now fleetd"
fi
