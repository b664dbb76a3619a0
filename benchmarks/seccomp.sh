#!/bin/bash
# What seccomp costs a container start: `run --rm --network none busybox true` under docker's
# default profile and with `--security-opt seccomp=unconfined`, on Berth's native runtime, on Berth
# with runc, and on dockerd (Debian's docker.io 20.10 with its runc, private socket and data root,
# --iptables=false --bridge=none), alternating round by round after a warm-up round not counted
# (the warm-up also leaves Berth's compiled filter in its cache, as any earlier container does);
# the cost is the difference of the medians.
# Conditions: as root, after `mvn package`; docker.io installed; nothing else running on the engines.
# Usage: benchmarks/seccomp.sh [ROUNDS]
set -euo pipefail
rounds=${1:-30}
work=/var/tmp/berth-bench-seccomp
here=$(cd "$(dirname "$0")" && pwd)
source "$here/beside-dockerd.sh"
declare -A ms
for round in $(seq 0 "$rounds"); do
  for e in berth berth-runc docker; do
    for p in builtin unconfined; do
      if [ "$e" = docker ] && [ "$p" = builtin ]; then
        t=$(run_true_ms docker) # docker's default profile has no name to give
      else
        t=$(run_true_ms "$e" --security-opt "seccomp=$p")
      fi
      [ "$round" -gt 0 ] && ms[$e-$p]+=" $t"
    done
  done
done
echo "== run --rm --network none busybox true, $rounds rounds ($(nproc) CPUs, $(uname -r)), medians in ms"
printf '| engine | default profile | unconfined | cost of seccomp |\n|---|---|---|---|\n'
for e in berth berth-runc docker; do
  cost_row "$e" "${ms[$e-builtin]}" "${ms[$e-unconfined]}"
done
