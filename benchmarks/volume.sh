#!/bin/bash
# What a volume costs: `run --rm busybox true` with `-v vol:/data` (a named volume of the local
# driver, made once before) and without, Berth beside dockerd (Debian's docker.io 20.10 on a private
# socket and data root, --iptables=false --bridge=none), both with --network none, alternating round
# by round after a warm-up round not counted; the cost is the difference of the medians.
# Conditions: as root, after `mvn package`; docker.io installed; nothing else running on the engines.
# Usage: benchmarks/volume.sh [ROUNDS]
set -euo pipefail
rounds=${1:-30}
work=/var/tmp/berth-bench-volume
here=$(cd "$(dirname "$0")" && pwd)
source "$here/beside-dockerd.sh"
"$berth" volume create vol >/dev/null
docker_ volume create vol >/dev/null
one() { # ENGINE WITH: one run, in milliseconds
  local start end args=(run --rm --network none)
  [ "$2" = volume ] && args+=(-v vol:/data)
  start=$(now_ms)
  if [ "$1" = berth ]; then "$berth" "${args[@]}" busybox true; else docker_ "${args[@]}" busybox true; fi
  end=$(now_ms)
  echo $((end - start))
}
declare -A ms
for round in $(seq 0 "$rounds"); do
  for e in berth docker; do
    for w in none volume; do
      t=$(one $e $w)
      [ "$round" -gt 0 ] && ms[$e-$w]+=" $t"
    done
  done
done
echo "== run --rm --network none busybox true, $rounds rounds ($(nproc) CPUs, $(uname -r)), medians in ms"
printf '| engine | without a volume | with -v vol:/data | cost of the volume |\n|---|---|---|---|\n'
for e in berth docker; do
  none=$(echo ${ms[$e-none]} | tr ' ' '\n' | median)
  vol=$(echo ${ms[$e-volume]} | tr ' ' '\n' | median)
  printf '| %s | %s | %s | %s |\n' "$e" "$none" "$vol" "$(python3 -c "print($vol - $none)")"
done
"$berth" rm -f $("$berth" ps -aq) >/dev/null 2>&1 || true
"$berth" volume rm vol >/dev/null
docker_ volume rm vol >/dev/null
