#!/bin/bash
# Attached output throughput, Berth beside dockerd (Debian's docker.io) in the same run, on private
# roots: 100 MB that a container writes to its stdout, read by the client, through
#  - `run --rm IMG cat FILE`       (attached, no terminal; container start and removal included),
#  - `run --rm -t IMG cat FILE`    (a terminal: the pty turns each \n into \r\n),
#  - `exec CONTAINER cat FILE`     (in a running container),
#  - `logs CONTAINER`              (of a container that wrote it: the json-file log read back).
# FILE is the text of `seq` (short lines), or with `binary` as the second argument random bytes
# (half of them not UTF-8: the json-file log's worst case; no `run -t`, a terminal is for text).
# The client's stdout is a pipe to `wc -c`; a size other than the file's is reported. Medians of ROUNDS, each command alternating between the engines.
# Usage: benchmarks/streams.sh [ROUNDS] [text|binary]   (after `mvn package`; as root; needs docker.io)
set -euo pipefail
rounds=${1:-5}
kind=${2:-text}
size=100000000
case "$kind" in text|binary) ;; *) echo "the second argument is text or binary, not $kind" >&2; exit 2 ;; esac
work=/var/tmp/berth-bench-streams
source "$(dirname "$0")/beside-dockerd.sh"

# The same 100 MB file in an image of each engine.
if [ "$kind" = text ]; then
  make="seq 1 20000000 | head -c $size > /out"
else
  make="head -c $size /dev/urandom > /out"
fi
"$berth" run --network none --name mk busybox sh -c "$make"
"$berth" commit mk streams >/dev/null
"$berth" rm mk >/dev/null
docker_ run --network none --name mk busybox sh -c "$make"
docker_ commit mk streams >/dev/null
docker_ rm mk >/dev/null
"$berth" run -d --network none --name ex streams sleep 3600 >/dev/null
docker_ run -d --network none --name ex streams sleep 3600 >/dev/null
"$berth" run --network none --name lg streams cat /out >/dev/null
docker_ run --network none --name lg streams cat /out >/dev/null

# Runs a command ($2...) with its stdout through wc -c; prints its wall time in ms. A count other
# than $1 is noted, and shown with the results.
timed() {
  local want=$1; shift
  local t0 t1 got
  t0=$(date +%s%N)
  got=$("$@" | wc -c)
  t1=$(date +%s%N)
  [ "$got" = "$want" ] || echo "$* gave $got bytes, not $want" >>"$work/wrong-sizes"
  echo $(( (t1 - t0) / 1000000 ))
}

# The size with a terminal: each \n becomes \r\n.
lines=$("$berth" exec ex sh -c "tr -cd '\\n' </out | wc -c")
tty_size=$(( size + lines ))

declare -A ms
# A terminal is for text: with binary output the pty's processing makes the size unpredictable.
if [ "$kind" = text ]; then paths=(run run-t exec logs); else paths=(run exec logs); fi
for path in "${paths[@]}"; do ms[berth-$path]=""; ms[docker-$path]=""; done
for i in $(seq 1 "$rounds"); do
  for engine in berth docker; do
    if [ $engine = berth ]; then cli=("$berth"); net=(--network none); else cli=(docker -H "unix://$work/docker.sock"); net=(--network none); fi
    ms[$engine-run]+=" $(timed $size "${cli[@]}" run --rm "${net[@]}" streams cat /out)"
    if [ "$kind" = text ]; then
      ms[$engine-run-t]+=" $(timed $tty_size "${cli[@]}" run --rm -t "${net[@]}" streams cat /out)"
    fi
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
[ -f "$work/wrong-sizes" ] && sort "$work/wrong-sizes" | uniq -c
for path in "${paths[@]}"; do
  echo "$path rounds, Berth:${ms[berth-$path]} ms; dockerd:${ms[docker-$path]} ms"
done
