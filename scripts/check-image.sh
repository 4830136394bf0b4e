#!/usr/bin/env bash
# Builds the Dockerfile with buildah (no Docker engine needed) on a local Debian bookworm base
# made with debootstrap, starts the app inside with the image's own command, checks it over
# loopback, and removes what it made. The base is kept between runs in $BASE_CACHE.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_CACHE=${BASE_CACHE:-/var/cache/backprop-explorer}
BASE_IMAGE=localhost/backprop-base:bookworm
IMAGE=localhost/backprop-explorer:check
PYTHON=${PYTHON:-python3}
BUILDAH=(buildah --storage-driver vfs)
export BUILDAH_ISOLATION=chroot  # no OCI runtime needed, as in a container without cgroup delegation
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
WORK=$(mktemp -d)
container=""
app=""

cleanup() {
  if [ -n "$app" ]; then kill -TERM -- "-$app" 2>/dev/null || true; sleep 1; kill -KILL -- "-$app" 2>/dev/null || true; fi
  if [ -n "$container" ]; then "${BUILDAH[@]}" rm "$container" >/dev/null || true; fi
  "${BUILDAH[@]}" rmi "$IMAGE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# 1. A python:3.11-slim stand-in: Debian bookworm with Python 3.11, pip usable as in that image.
if ! "${BUILDAH[@]}" inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
  rootfs="$BASE_CACHE/bookworm"
  if [ ! -x "$rootfs/usr/bin/python3" ]; then
    echo "== debootstrap bookworm into $rootfs"
    rm -rf "$rootfs.partial"
    mkdir -p "$BASE_CACHE"
    debootstrap --variant=minbase --include=python3,python3-pip,python3-venv,ca-certificates \
      bookworm "$rootfs.partial" "$MIRROR" >"$WORK/debootstrap.log" || { tail -20 "$WORK/debootstrap.log"; exit 1; }
    rm -f "$rootfs.partial"/usr/lib/python3*/EXTERNALLY-MANAGED
    ln -sf python3 "$rootfs.partial/usr/bin/python"
    rm -rf "$rootfs.partial"/var/cache/apt/archives/*.deb "$rootfs.partial"/var/lib/apt/lists/*
    mv "$rootfs.partial" "$rootfs"
  fi
  echo "== base image $BASE_IMAGE from $rootfs"
  base=$("${BUILDAH[@]}" from scratch)
  "${BUILDAH[@]}" copy "$base" "$rootfs" / >/dev/null
  "${BUILDAH[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd python3 "$base"
  "${BUILDAH[@]}" commit --quiet "$base" "$BASE_IMAGE" >/dev/null
  "${BUILDAH[@]}" rm "$base" >/dev/null
fi

# 2. The project's image. apt and pip inside trust this machine's certificate bundle, mounted over
#    the base's own bundle for the build's RUN steps only: the image keeps the base's bundle.
echo "== buildah bud"
bundle=/etc/ssl/certs/ca-certificates.crt
"${BUILDAH[@]}" bud --quiet --format docker --build-arg "BASE=$BASE_IMAGE" -v "$bundle:$bundle:ro" \
  -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 1; }
sha() { "${BUILDAH[@]}" run "$1" -- sha256sum "$bundle" | cut -d' ' -f1; }
base=$("${BUILDAH[@]}" from --quiet "$BASE_IMAGE")
base_bundle=$(sha "$base")
"${BUILDAH[@]}" rm "$base" >/dev/null
container=$("${BUILDAH[@]}" from --quiet "$IMAGE")
if [ "$(sha "$container")" != "$base_bundle" ]; then
  echo "the image's certificate bundle is not the base's: the build baked in this machine's"; exit 1
fi

# 3. The image's own command, on a free loopback port, checked over HTTP.
port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${BUILDAH[@]}" config --env BACKPROP_HOST=127.0.0.1 --env "BACKPROP_PORT=$port" "$container"
mapfile -t command < <("${BUILDAH[@]}" inspect --type image "$IMAGE" |
  "$PYTHON" -c 'import json, sys; print("\n".join(json.load(sys.stdin)["Docker"]["config"]["Cmd"]))')
echo "== buildah run: ${command[*]} on port $port"
setsid "${BUILDAH[@]}" run "$container" -- "${command[@]}" >"$WORK/app.log" 2>&1 &
app=$!
"$PYTHON" - "$port" <<'CHECK' || { tail -20 "$WORK/app.log"; exit 1; }
import json, sys, time, urllib.request

base = f"http://127.0.0.1:{sys.argv[1]}"
deadline = time.monotonic() + 60
while True:
    try:
        health = json.loads(urllib.request.urlopen(base + "/healthz", timeout=2).read())
        break
    except OSError:
        if time.monotonic() > deadline:
            raise SystemExit("the app in the image did not answer /healthz")
        time.sleep(0.5)
assert health["status"] == "ok", health
body = json.dumps({"source": "a = 2.0; b = -3.0; e = a*b; d = e + 10.0; L = d * -2.0"}).encode()
request = urllib.request.Request(base + "/api/graph", body, {"content-type": "application/json"})
graph = json.loads(urllib.request.urlopen(request, timeout=10).read())
assert graph["output"] and 'id="data-' in graph["svg"], graph.get("svg_error")
body = json.dumps({"source": "from micrograd.nn import MLP\nm = MLP(2, [2, 1])\ny = m([1.0, 2.0])"}).encode()
request = urllib.request.Request(base + "/api/graph", body, {"content-type": "application/json"})
network = json.loads(urllib.request.urlopen(request, timeout=10).read())
assert any(group["name"] == "Neuron.__call__" for group in network["groups"]), network.get("error")
page = urllib.request.urlopen(base + "/", timeout=5).read().decode()
assert 'data-testid="run"' in page and "codemirror" in page
print(
    f"image checks passed: /healthz (graphviz {health['graphviz']}), /api/graph ({len(graph['nodes'])} values),"
    f" micrograd.nn ({len(network['nodes'])} values), /"
)
CHECK
