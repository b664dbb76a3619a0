#!/bin/bash
# The docker CLI (the machine's, 28.2.2 here) against Berth's Docker API socket beside the same CLI
# against dockerd 20.10 (Debian's docker.io), in the same run, alternating round by round (round 0,
# a warm-up, not counted): the same commands, the same busybox image, the same CLI binary.
#   run:  `docker run --rm --network none busybox true`
#   ps:   `docker ps` with 50 containers running (`sleep 300`, --network none)
#   exec: `docker exec c true` in a running container
#   pull: `docker pull` of the pull benchmark's image (benchmarks/host-image.sh: 5 layers, ~300 MB of
#         host files, gzip) from a docker-registry on 127.0.0.1, removed again after each pull; the
#         same pull by bin/berth is timed in the same rounds, to tell the API's share
# Conditions: as root, after `mvn package`; docker.io, docker-registry, skopeo and python3 installed;
# no other engine's containers running. Both daemons run on private roots under /var/tmp
# (beside-dockerd.sh: dockerd with --iptables=false --bridge=none, its storage overlay2; Berth with its
# defaults: native runtime, overlay). Containers use --network none on both, so networking is not
# measured. The registry's storage is under the same /var/tmp.
# Usage: benchmarks/docker-api.sh [ROUNDS] [PULL_ROUNDS]   (defaults 10 and 3)
set -euo pipefail
rounds=${1:-10}
pull_rounds=${2:-3}
work=/var/tmp/berth-bench-docker-api
needs="docker-registry skopeo python3 curl"
dockerd_args="--storage-driver overlay2"
registry_pid=""
extra_cleanup='stop_registry'
stop_registry() { [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true; }
here=$(cd "$(dirname "$0")" && pwd)
source "$here/beside-dockerd.sh"
api="$work/berth-run/docker.sock"
until [ -S "$api" ]; do sleep 0.05; done
b_() { docker -H "unix://$api" "$@"; }
ms() { # COMMAND...: milliseconds it took, its output discarded, a failure fatal
  local start
  start=$(now_ms)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" >&2 || true; exit 1; }
  echo $(( $(now_ms) - start ))
}
row() { # NAME BERTH_TIMES DOCKER_TIMES
  local b d
  b=$(echo $2 | tr ' ' '\n' | median); d=$(echo $3 | tr ' ' '\n' | median)
  printf '| %s | %s | %s | %s |\n' "$1" "$b" "$d" "$(ratio "$b" "$d")"
  echo "$1: berth $2; dockerd $3" >&2
}

echo "== docker CLI $(docker version --format '{{.Client.Version}}' 2>/dev/null) on Berth's API beside dockerd $(dockerd --version | cut -d' ' -f3 | tr -d ,); $(nproc) CPUs, $(uname -r); medians in ms"
printf '| command | Berth API | dockerd | ratio |\n|---|---|---|---|\n'

declare -A t=()
for round in $(seq 0 "$rounds"); do
  for engine in b_ docker_; do
    x=$(ms $engine run --rm --network none busybox true)
    [ "$round" -gt 0 ] && t[$engine]="${t[$engine]:-} $x"
  done
done
row '`run --rm busybox true`' "${t[b_]}" "${t[docker_]}"

for engine in b_ docker_; do
  for i in $(seq 1 50); do $engine run -d --network none --name "c$i" busybox sleep 300 >/dev/null; done
done
t=()
for round in $(seq 0 "$rounds"); do
  for engine in b_ docker_; do
    x=$(ms $engine ps); [ "$round" -gt 0 ] && t[$engine]="${t[$engine]:-} $x"
  done
done
row '`ps` (50 running)' "${t[b_]}" "${t[docker_]}"
t=()
for round in $(seq 0 "$rounds"); do
  for engine in b_ docker_; do
    x=$(ms $engine exec c1 true); [ "$round" -gt 0 ] && t[$engine]="${t[$engine]:-} $x"
  done
done
row '`exec c true`' "${t[b_]}" "${t[docker_]}"
for engine in b_ docker_; do $engine rm -f $(for i in $(seq 1 50); do echo "c$i"; done) >/dev/null; done

"$top/benchmarks/host-image.sh" "$work" 2>/dev/null
rm -f "$work"/layer[1-5].tar
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s}\n' \
  "$work/registry" "$port" >"$work/registry.yml"
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
until curl -sf "http://127.0.0.1:$port/v2/" >/dev/null; do sleep 0.05; done
image="127.0.0.1:$port/bench/big:latest"
skopeo copy --quiet --dest-tls-verify=false "oci:$work/layout:bench" "docker://$image"
rm -rf "$work/layout"
t=()
berth_cli() { "$berth" "$@"; }
for round in $(seq 0 "$pull_rounds"); do
  for engine in b_ docker_ berth_cli; do
    sync
    x=$(ms $engine pull -q "$image"); [ "$round" -gt 0 ] && t[$engine]="${t[$engine]:-} $x"
    $engine rmi "$image" >/dev/null
    $engine image prune -f >/dev/null
  done
done
row '`pull` (~300 MB, 5 layers)' "${t[b_]}" "${t[docker_]}"
# The same pull by Berth's own client, to tell the API's share from the engine's.
row '`bin/berth pull` (the same image)' "${t[berth_cli]}" "${t[docker_]}"
