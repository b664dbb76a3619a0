#!/bin/bash
# Commit and exec, Berth beside dockerd (Debian's docker.io) in the same run, on private roots:
#  - `commit` of a container that wrote 10 MB across 1,000 files (median of ROUNDS, alternating;
#    the container's work is not timed, only the commit),
#  - `exec CONTAINER true` round trip, client process included (hyperfine, alternating).
# Usage: benchmarks/commit-exec.sh [ROUNDS]   (after `mvn package`; as root; needs hyperfine, docker.io)
set -euo pipefail
rounds=${1:-5}
work=/var/tmp/berth-bench-commit
needs=hyperfine
source "$(dirname "$0")/beside-dockerd.sh"

write='mkdir /data && i=0 && while [ $i -lt 1000 ]; do head -c 10240 /dev/urandom > /data/f$i; i=$((i+1)); done'
berth_commits=(); docker_commits=()
for i in $(seq 1 "$rounds"); do
  "$berth" run --network none --name "b$i" busybox sh -c "$write"
  t0=$(now_ms); "$berth" commit "b$i" "bc:$i" >/dev/null; berth_commits+=($(( $(now_ms) - t0 )))
  docker_ run --network none --name "d$i" busybox sh -c "$write"
  t0=$(now_ms); docker_ commit "d$i" "dc:$i" >/dev/null; docker_commits+=($(( $(now_ms) - t0 )))
  "$berth" rm "b$i" >/dev/null; "$berth" rmi "bc:$i" >/dev/null
  docker_ rm "d$i" >/dev/null; docker_ rmi "dc:$i" >/dev/null
done
berth_commit=$(printf '%s\n' "${berth_commits[@]}" | median)
docker_commit=$(printf '%s\n' "${docker_commits[@]}" | median)

"$berth" run -d --network none --name bx busybox sleep 600 >/dev/null
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
