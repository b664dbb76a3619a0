#!/bin/bash
# Platform figures, Berth beside dockerd (Debian's docker.io) in the same run:
#  - daemon start until its socket answers a version request (median of RUNS, alternating),
#  - one client command round trip (hyperfine: `bin/berth version` vs `docker version`),
#  - idle resident memory of the daemon (dockerd counted with its containerd).
# Usage: benchmarks/platform.sh [RUNS]   (after `mvn package`; needs root, hyperfine, docker.io)
set -euo pipefail
runs=${1:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
berth_home=$(ls -d "$top"/distribution/target/berth-*/ | head -1)
berth_home=${berth_home%/}
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
berth_pid=""; docker_pid=""
cleanup() {
  [ -n "$berth_pid" ] && kill "$berth_pid" 2>/dev/null && wait "$berth_pid" 2>/dev/null || true
  [ -n "$docker_pid" ] && kill "$docker_pid" 2>/dev/null && wait "$docker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for tool in hyperfine dockerd docker; do
  command -v $tool >/dev/null || { echo "$tool is missing (apt-get install hyperfine docker.io)" >&2; exit 1; }
done

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

start_berth() {
  "$berth_home/bin/berth" daemon --root "$work/berth-root" --run-root "$work/berth-run" >/dev/null 2>&1 &
  berth_pid=$!
}
start_docker() {
  dockerd --data-root "$work/docker-root" --exec-root "$work/docker-exec" -H "unix://$work/docker.sock" \
    --pidfile "$work/docker.pid" --iptables=false --bridge=none >"$work/dockerd.log" 2>&1 &
  docker_pid=$!
}
stop_berth() { kill "$berth_pid"; wait "$berth_pid" || true; berth_pid=""; }
stop_docker() { kill "$docker_pid"; wait "$docker_pid" || true; docker_pid=""; }

export BERTH_HOST="unix://$work/berth-run/berth.sock"
berth_starts=(); docker_starts=()
for i in $(seq 1 "$runs"); do
  t0=$(now_ms); start_berth
  until "$berth_home/bin/berth" version >/dev/null 2>&1; do sleep 0.01; done
  berth_starts+=($(( $(now_ms) - t0 ))); stop_berth
  t0=$(now_ms); start_docker
  until docker -H "unix://$work/docker.sock" version >/dev/null 2>&1; do sleep 0.01; done
  docker_starts+=($(( $(now_ms) - t0 ))); stop_docker
done
berth_start=$(printf '%s\n' "${berth_starts[@]}" | median)
docker_start=$(printf '%s\n' "${docker_starts[@]}" | median)

start_berth; start_docker
until "$berth_home/bin/berth" version >/dev/null 2>&1; do sleep 0.01; done
until docker -H "unix://$work/docker.sock" version >/dev/null 2>&1; do sleep 0.01; done
hyperfine -N --warmup 10 --runs 200 --export-json "$work/rt.json" \
  "$berth_home/bin/berth version" "docker -H unix://$work/docker.sock version" >/dev/null
read -r berth_rt docker_rt < <(python3 -c "import json;r=json.load(open('$work/rt.json'))['results'];print(' '.join('%.1f'%(x['mean']*1000) for x in r))")
sleep 10
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
berth_rss=$(( $(rss "$berth_pid") / 1024 ))
containerd_pid=$(pgrep -P "$docker_pid" containerd || true)
docker_kb=$(rss "$docker_pid")
[ -n "$containerd_pid" ] && docker_kb=$(( docker_kb + $(rss "$containerd_pid") ))
docker_rss=$(( docker_kb / 1024 ))

ratio() { python3 -c "print('%.2f' % ($1/$2))"; }
cat <<EOT
| measure | Berth | dockerd | Berth / dockerd |
|---|---|---|---|
| daemon start → socket answers (median of $runs) | ${berth_start} ms | ${docker_start} ms | $(ratio "$berth_start" "$docker_start") |
| \`version\` round trip, client process included (mean of 200) | ${berth_rt} ms | ${docker_rt} ms | $(ratio "$berth_rt" "$docker_rt") |
| idle daemon RSS after 10 s | ${berth_rss} MB | ${docker_rss} MB (with containerd) | $(ratio "$berth_rss" "$docker_rss") |
EOT
