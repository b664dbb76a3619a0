#!/bin/bash
# Commit and exec, Berth beside dockerd (Debian's docker.io) in the same run, on private roots:
#  - `commit` of a container that wrote 10 MB across 1,000 files (median of ROUNDS, alternating;
#    the container's work is not timed, only the commit),
#  - `exec CONTAINER true` round trip, client process included (hyperfine, alternating).
# Usage: benchmarks/commit-exec.sh [ROUNDS]   (after `mvn package`; as root; needs hyperfine, docker.io)
set -euo pipefail
rounds=${1:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
berth_home=$(ls -d "$top"/distribution/target/berth-*/ | head -1)
berth_home=${berth_home%/}
berth="$berth_home/bin/berth"
work=/var/tmp/berth-bench-commit
rm -rf "$work"; mkdir -p "$work"
berth_pid=""; docker_pid=""
docker_() { docker -H "unix://$work/docker.sock" "$@"; }
cleanup() {
  if [ -n "$berth_pid" ]; then
    ids=$("$berth" ps -aq 2>/dev/null || true); [ -n "$ids" ] && "$berth" rm -f $ids >/dev/null 2>&1 || true
    kill "$berth_pid" 2>/dev/null && wait "$berth_pid" 2>/dev/null || true
  fi
  if [ -n "$docker_pid" ]; then
    ids=$(docker_ ps -aq 2>/dev/null || true); [ -n "$ids" ] && docker_ rm -f $ids >/dev/null 2>&1 || true
    kill "$docker_pid" 2>/dev/null && wait "$docker_pid" 2>/dev/null || true
  fi
  umount -R "$work/docker-exec" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for tool in hyperfine dockerd docker; do
  command -v $tool >/dev/null || { echo "$tool is missing (apt-get install hyperfine docker.io)" >&2; exit 1; }
done
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { python3 -c "print('%.2f' % ($1/$2))"; }

fixtures="$top/test-fixtures/target/classes:$(cat "$top/benchmarks/target/classpath")"
java -cp "$fixtures" io.berth.testing.BusyboxImage docker-archive "$work/busybox.tar" busybox:latest

export BERTH_HOST="unix://$work/berth-run/berth.sock"
"$berth" daemon --root "$work/berth-root" --run-root "$work/berth-run" >"$work/berth.log" 2>&1 &
berth_pid=$!
dockerd --data-root "$work/docker-root" --exec-root "$work/docker-exec" -H "unix://$work/docker.sock" \
  --pidfile "$work/docker.pid" --iptables=false --bridge=none >"$work/dockerd.log" 2>&1 &
docker_pid=$!
until "$berth" version >/dev/null 2>&1; do sleep 0.05; done
until docker_ version >/dev/null 2>&1; do sleep 0.05; done
"$berth" load -i "$work/busybox.tar" >/dev/null
docker_ load -i "$work/busybox.tar" >/dev/null

write='mkdir /data && i=0 && while [ $i -lt 1000 ]; do head -c 10240 /dev/urandom > /data/f$i; i=$((i+1)); done'
berth_commits=(); docker_commits=()
for i in $(seq 1 "$rounds"); do
  "$berth" run --name "b$i" busybox sh -c "$write"
  t0=$(now_ms); "$berth" commit "b$i" "bc:$i" >/dev/null; berth_commits+=($(( $(now_ms) - t0 )))
  docker_ run --network none --name "d$i" busybox sh -c "$write"
  t0=$(now_ms); docker_ commit "d$i" "dc:$i" >/dev/null; docker_commits+=($(( $(now_ms) - t0 )))
  "$berth" rm "b$i" >/dev/null; "$berth" rmi "bc:$i" >/dev/null
  docker_ rm "d$i" >/dev/null; docker_ rmi "dc:$i" >/dev/null
done
berth_commit=$(printf '%s\n' "${berth_commits[@]}" | median)
docker_commit=$(printf '%s\n' "${docker_commits[@]}" | median)

"$berth" run -d --name bx busybox sleep 600 >/dev/null
docker_ run -d --network none --name dx busybox sleep 600 >/dev/null
hyperfine -N --warmup 5 --runs 50 --export-json "$work/exec.json" \
  "$berth exec bx true" "docker -H unix://$work/docker.sock exec dx true" >/dev/null
read -r berth_exec docker_exec < <(python3 -c "import json;r=json.load(open('$work/exec.json'))['results'];print(' '.join('%.1f'%(x['median']*1000) for x in r))")

echo "== $(nproc) CPUs, $(uname -r), dockerd $(dockerd --version | cut -d' ' -f3 | tr -d ,), $rounds commit rounds"
cat <<EOT
| measure | Berth | dockerd | Berth / dockerd |
|---|---|---|---|
| \`commit\` of 10 MB in 1,000 files (median of $rounds) | ${berth_commit} ms | ${docker_commit} ms | $(ratio "$berth_commit" "$docker_commit") |
| \`exec CONTAINER true\`, client included (median of 50) | ${berth_exec} ms | ${docker_exec} ms | $(ratio "$berth_exec" "$docker_exec") |
EOT
echo "commit rounds, Berth: ${berth_commits[*]} ms; dockerd: ${docker_commits[*]} ms"
