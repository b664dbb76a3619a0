#!/bin/bash
# Attached output throughput, Berth beside dockerd (Debian's docker.io) in the same run, on private
# roots: 100 MB that a container writes to its stdout, read by the client, through
#  - `run --rm IMG cat FILE`       (attached, no terminal; container start and removal included),
#  - `run --rm -t IMG cat FILE`    (a terminal: the pty turns each \n into \r\n),
#  - `exec CONTAINER cat FILE`     (in a running container),
#  - `logs CONTAINER`              (of a container that wrote it: the json-file log read back).
# FILE is the text of `seq` (short lines), or with `binary` as the second argument random bytes
# (half of them not UTF-8: the json-file log's worst case). The client's stdout is a pipe to
# `wc -c`, which checks the size. Medians of ROUNDS, each command alternating between the engines.
# Usage: benchmarks/streams.sh [ROUNDS] [text|binary]   (after `mvn package`; as root; needs docker.io)
set -euo pipefail
rounds=${1:-5}
kind=${2:-text}
size=100000000
top=$(cd "$(dirname "$0")/.." && pwd)
berth_home=$(ls -d "$top"/distribution/target/berth-*/ | head -1)
berth_home=${berth_home%/}
berth="$berth_home/bin/berth"
work=/var/tmp/berth-bench-streams
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
for tool in dockerd docker; do
  command -v $tool >/dev/null || { echo "$tool is missing (apt-get install docker.io)" >&2; exit 1; }
done
case "$kind" in text|binary) ;; *) echo "the second argument is text or binary, not $kind" >&2; exit 2 ;; esac
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

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

# The same 100 MB file in an image of each engine.
if [ "$kind" = text ]; then
  make="seq 1 20000000 | head -c $size > /out"
else
  make="head -c $size /dev/urandom > /out"
fi
"$berth" run --name mk busybox sh -c "$make"
"$berth" commit mk streams >/dev/null
"$berth" rm mk >/dev/null
docker_ run --network none --name mk busybox sh -c "$make"
docker_ commit mk streams >/dev/null
docker_ rm mk >/dev/null
"$berth" run -d --name ex streams sleep 3600 >/dev/null
docker_ run -d --network none --name ex streams sleep 3600 >/dev/null
"$berth" run --name lg streams cat /out >/dev/null
docker_ run --network none --name lg streams cat /out >/dev/null

# Runs a command ($2...) with its stdout through wc -c; prints its wall time in ms, and fails
# unless the bytes counted are $1.
timed() {
  local want=$1; shift
  local t0 t1 got
  t0=$(date +%s%N)
  got=$("$@" | wc -c)
  t1=$(date +%s%N)
  [ "$got" = "$want" ] || { echo "$* gave $got bytes, not $want" >&2; exit 1; }
  echo $(( (t1 - t0) / 1000000 ))
}

# The size with a terminal: each \n becomes \r\n.
lines=$("$berth" exec ex grep -c '' /out || true)
tty_size=$(( size + lines ))

declare -A ms
paths=(run run-t exec logs)
for path in "${paths[@]}"; do ms[berth-$path]=""; ms[docker-$path]=""; done
for i in $(seq 1 "$rounds"); do
  for engine in berth docker; do
    if [ $engine = berth ]; then cli=("$berth"); net=(); else cli=(docker -H "unix://$work/docker.sock"); net=(--network none); fi
    ms[$engine-run]+=" $(timed $size "${cli[@]}" run --rm "${net[@]}" streams cat /out)"
    ms[$engine-run-t]+=" $(timed $tty_size "${cli[@]}" run --rm -t "${net[@]}" streams cat /out)"
    ms[$engine-exec]+=" $(timed $size "${cli[@]}" exec ex cat /out)"
    ms[$engine-logs]+=" $(timed $size "${cli[@]}" logs lg)"
  done
done

echo "== $(nproc) CPUs, $(uname -r), dockerd $(dockerd --version | cut -d' ' -f3 | tr -d ,), $kind, $size bytes, median of $rounds"
echo "| path | Berth | dockerd | Berth MB/s | dockerd MB/s | Berth / dockerd throughput |"
echo "|---|---|---|---|---|---|"
for path in "${paths[@]}"; do
  b=$(printf '%s\n' ${ms[berth-$path]} | median)
  d=$(printf '%s\n' ${ms[docker-$path]} | median)
  python3 -c "
b, d, n = $b, $d, $size / 1e6
print('| \`%s\` | %d ms | %d ms | %.0f | %.0f | %.2f |' % ('$path'.replace('run-t', 'run -t'), b, d, n / b * 1000, n / d * 1000, d / b))"
done
for path in "${paths[@]}"; do
  echo "$path rounds, Berth:${ms[berth-$path]} ms; dockerd:${ms[docker-$path]} ms"
done
