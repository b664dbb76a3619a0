#!/bin/bash
# Pull a ~300 MB, 5-layer image (built from host files, gzip layers) from a local docker-registry
# into a ready-to-run state, four ways, from an empty store each time, in the same run:
#   bin/berth pull                      (layers fetched 3 at a time, each unpacked by the overlay
#                                        driver while it downloads, every digest verified)
#   docker pull                         (Debian's docker.io dockerd, private socket and data root)
#   podman pull                         (Debian's podman, private root and run root)
#   skopeo copy docker:// oci: + umoci unpack
# Everything (registry storage, every engine's root) is on tmpfs (/dev/shm), so the disk's write
# speed and its slowness after mass deletes do not decide; the engines alternate within a round,
# and a first round, which warms every contender up, is not counted.
# Usage: benchmarks/pull.sh [ROUNDS]   (after `mvn package`; as root; needs docker-registry, skopeo,
#        umoci, docker.io, podman)
set -euo pipefail
rounds=${1:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
berth_home=$(ls -d "$top"/distribution/target/berth-*/ | head -1)
berth="${berth_home%/}/bin/berth"
work=/dev/shm/berth-bench-pull
rm -rf "$work"; mkdir -p "$work"
berth_pid=""; docker_pid=""; registry_pid=""
docker_() { docker -H "unix://$work/docker.sock" "$@"; }
podman_() { podman --root "$work/podman-root" --runroot "$work/podman-run" --storage-driver overlay "$@"; }
cleanup() {
  [ -n "$berth_pid" ] && kill "$berth_pid" 2>/dev/null && wait "$berth_pid" 2>/dev/null || true
  [ -n "$docker_pid" ] && kill "$docker_pid" 2>/dev/null && wait "$docker_pid" 2>/dev/null || true
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  podman_ rmi -a -f >/dev/null 2>&1 || true
  umount -R "$work/docker-exec" "$work/podman-root/overlay" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for tool in docker-registry skopeo umoci dockerd docker podman; do
  command -v $tool >/dev/null || { echo "$tool is missing (apt-get install docker-registry skopeo umoci docker.io podman)" >&2; exit 1; }
done

"$top/benchmarks/host-image.sh" "$work"
bytes=$(cat "$work"/layer[1-5].tar | wc -c)
compressed=$(du -cb "$work"/layout/blobs/sha256/* | tail -1 | cut -f1)
rm -f "$work"/layer[1-5].tar

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<EOT
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
EOT
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
until curl -sf "http://127.0.0.1:$port/v2/" >/dev/null; do sleep 0.05; done
image="127.0.0.1:$port/bench/big:latest"
skopeo copy --quiet --dest-tls-verify=false "oci:$work/layout:bench" "docker://$image"
rm -rf "$work/layout"

export BERTH_HOST="unix://$work/berth-run/berth.sock"
"$berth" daemon --root "$work/berth-root" --run-root "$work/berth-run" >"$work/berth.log" 2>&1 &
berth_pid=$!
dockerd --data-root "$work/docker-root" --exec-root "$work/docker-exec" -H "unix://$work/docker.sock" \
  --pidfile "$work/docker.pid" --iptables=false --bridge=none --storage-driver overlay2 >"$work/dockerd.log" 2>&1 &
docker_pid=$!
until "$berth" version >/dev/null 2>&1; do sleep 0.05; done
until docker_ version >/dev/null 2>&1; do sleep 0.05; done

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
t_berth=(); t_docker=(); t_podman=(); t_skopeo=(); t_umoci=()
# Round 0 is not counted: every contender warms up (Berth's JIT, the daemons' caches) as it would
# on a machine that has been pulling for a while.
for r in $(seq 0 "$rounds"); do
  if [ "$r" = 1 ]; then t_berth=(); t_docker=(); t_podman=(); t_skopeo=(); t_umoci=(); fi
  sync
  s=$(now); "$berth" pull -q "$image" >/dev/null; t_berth+=($(( ($(now) - s) / 1000000 )))
  "$berth" rmi "$image" >/dev/null; "$berth" image prune -f >/dev/null
  sync
  s=$(now); docker_ pull -q "$image" >/dev/null; t_docker+=($(( ($(now) - s) / 1000000 )))
  docker_ rmi "$image" >/dev/null
  sync
  s=$(now); podman_ pull -q --tls-verify=false "$image" >/dev/null; t_podman+=($(( ($(now) - s) / 1000000 )))
  podman_ rmi -f "$image" >/dev/null
  sync
  s=$(now); skopeo copy --quiet --src-tls-verify=false "docker://$image" "oci:$work/oci:bench"; m=$(now)
  umoci unpack --image "$work/oci:bench" "$work/bundle" >/dev/null; e=$(now)
  t_skopeo+=($(( (m - s) / 1000000 ))); t_umoci+=($(( (e - s) / 1000000 )))
  rm -rf "$work/oci" "$work/bundle"
done
berth_ms=$(printf '%s\n' "${t_berth[@]}" | median)
docker_ms=$(printf '%s\n' "${t_docker[@]}" | median)
podman_ms=$(printf '%s\n' "${t_podman[@]}" | median)
skopeo_ms=$(printf '%s\n' "${t_skopeo[@]}" | median)
umoci_ms=$(printf '%s\n' "${t_umoci[@]}" | median)
mbps() { python3 -c "print('%.0f' % ($compressed / 1e6 / ($1 / 1000)))"; }
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
echo "== $(nproc) CPUs, $(uname -r); image: 5 layers, $((compressed / 1000000)) MB gzip, $((bytes / 1000000)) MB unpacked; tmpfs; median of $rounds rounds, alternating"
echo "== dockerd $(dockerd --version | cut -d' ' -f3 | tr -d ,), podman $(podman --version | cut -d' ' -f3), skopeo $(skopeo --version | cut -d' ' -f3), umoci $(umoci --version | awk '{print $3}')"
cat <<EOT
| pull into a ready-to-run state | time | MB/s (gzip) | Berth / it |
|---|---|---|---|
| \`berth pull\` | ${berth_ms} ms | $(mbps "$berth_ms") | 1.00 |
| \`docker pull\` | ${docker_ms} ms | $(mbps "$docker_ms") | $(ratio "$berth_ms" "$docker_ms") |
| \`podman pull\` | ${podman_ms} ms | $(mbps "$podman_ms") | $(ratio "$berth_ms" "$podman_ms") |
| \`skopeo copy\` + \`umoci unpack\` | ${umoci_ms} ms (copy alone ${skopeo_ms} ms) | $(mbps "$umoci_ms") | $(ratio "$berth_ms" "$umoci_ms") |
EOT
echo "rounds (ms): berth ${t_berth[*]}; docker ${t_docker[*]}; podman ${t_podman[*]}; skopeo+umoci ${t_umoci[*]}"
