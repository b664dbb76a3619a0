#!/bin/bash
# Detached starts of this tree beside an earlier commit's, both daemons at once: builds COMMIT in a
# git worktree (benchmarks/worktree.sh: a Maven local repository of its own), then starts DAEMONS
# daemons of each build (each its own copy, started and stopped once to record its class-data
# archive), every one with its root and run root on a tmpfs (so that the disk does not decide),
# loads busybox into each and warms each with 200 `run -d` (removed by 50s); then
# CYCLES times, a round of 100 `bin/berth run -d --network none busybox sleep 300` on each daemon
# in turn (the containers removed after each round). Rounds alternate between the builds, so a
# change in the machine's speed over the minute reaches both alike. Prints every round's time a
# start and each build's median. Only runs of one session compare.
# With ROOTS=ext4 the daemons' roots (what a container leaves on the disk: its layer, its record)
# are on an ext4 with a journal instead, as a host's /var/lib usually is: a sparse 4 GiB image made
# with mkfs.ext4's defaults in /var/tmp, through a loop device, shared by all the daemons (their
# copies and run roots stay on the tmpfs). There a start's forced journal commits show.
# Usage: benchmarks/detached-ab.sh COMMIT [DAEMONS] [CYCLES] [tmpfs|ext4]
#   (after `mvn install` of this tree; as root)
set -euo pipefail
commit=$1
daemons=${2:-2}
cycles=${3:-4}
roots=${4:-tmpfs}
case $roots in tmpfs|ext4) ;; *) echo "roots: tmpfs or ext4, not $roots" >&2; exit 2 ;; esac
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/benchmarks/worktree.sh"
work=/var/tmp/berth-bench-ab
rm -rf "$work"
mkdir -p "$work/tmpfs"
pids=()
hosts=()
cleanup() {
  local i
  for i in "${!pids[@]}"; do
    local host=${hosts[$i]} bin=${bins[$i]}
    ids=$(BERTH_HOST=$host "$bin" ps -aq 2>/dev/null || true)
    [ -n "$ids" ] && BERTH_HOST=$host "$bin" rm -f $ids >/dev/null 2>&1 || true
    kill "${pids[$i]}" 2>/dev/null && wait "${pids[$i]}" 2>/dev/null || true
  done
  umount "$work/tmpfs" 2>/dev/null || true
  umount "$work/ext4" 2>/dev/null || umount -l "$work/ext4" 2>/dev/null || true
  worktree_remove "$top" "$work"
}
bins=()
trap cleanup EXIT
worktree_build "$top" "$commit" "$work"
mount -t tmpfs tmpfs "$work/tmpfs"
if [ "$roots" = ext4 ]; then
  truncate -s 4G "$work/ext4.img"
  mkfs.ext4 -q -F "$work/ext4.img"
  mkdir -p "$work/ext4"
  mount -o loop "$work/ext4.img" "$work/ext4"
  rootsIn=$work/ext4
else
  rootsIn=$work/tmpfs
fi
fixtures="$top/test-fixtures/target/classes:$(cat "$top/benchmarks/target/classpath")"
java -cp "$fixtures" io.berth.testing.BusyboxImage docker-archive "$work/busybox.tar" busybox:latest
dist() { ls -d "$1"/distribution/target/berth-*/ | head -1; }
labels=()
n=0
for build in A B; do
  if [ $build = A ]; then from=$(dist "$work/tree"); else from=$(dist "$top"); fi
  for d in $(seq 1 "$daemons"); do
    home=$work/tmpfs/$build$d
    cp -a "${from%/}" "$home"
    rm -f "$home/lib/berth.jsa" "$home/lib/berth.jsa.stamp"
    # A first start and stop records the class-data archive, which the measured daemon then maps.
    root=$rootsIn/$build$d-root
    "$home/bin/berth" daemon --root "$root" --run-root "$home/run" >"$home/first.log" 2>&1 &
    first=$!
    until BERTH_HOST=unix://$home/run/berth.sock "$home/bin/berth" ps >/dev/null 2>&1; do sleep 0.05; done
    kill "$first" && wait "$first" 2>/dev/null || true
    bins[$n]=$home/bin/berth
    hosts[$n]=unix://$home/run/berth.sock
    labels[$n]=$build
    "$home/bin/berth" daemon --root "$root" --run-root "$home/run" >"$home/daemon.log" 2>&1 &
    pids[$n]=$!
    n=$((n + 1))
  done
done
runs() { # INDEX COUNT: COUNT detached starts on daemon INDEX
  local i
  for i in $(seq 1 "$2"); do
    BERTH_HOST=${hosts[$1]} "${bins[$1]}" run -d --network none busybox sleep 300 >/dev/null
  done
}
removeAll() {
  BERTH_HOST=${hosts[$1]} "${bins[$1]}" rm -f $(BERTH_HOST=${hosts[$1]} "${bins[$1]}" ps -q) >/dev/null
}
for i in $(seq 0 $((n - 1))); do
  until BERTH_HOST=${hosts[$i]} "${bins[$i]}" ps >/dev/null 2>&1; do sleep 0.05; done
  BERTH_HOST=${hosts[$i]} "${bins[$i]}" load -i "$work/busybox.tar" >/dev/null
  for k in 1 2 3 4; do runs "$i" 50; removeAll "$i"; done
done
A=() B=()
for c in $(seq 1 "$cycles"); do
  for i in $(seq 0 $((n - 1))); do
    sleep 0.2
    start=$(date +%s%N); runs "$i" 100; end=$(date +%s%N)
    us=$(( (end - start) / 100000 ))
    if [ "${labels[$i]}" = A ]; then A+=("$us"); else B+=("$us"); fi
    removeAll "$i"
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
if [ "$roots" = ext4 ]; then where="roots on a journaled ext4, the rest on a tmpfs"; else where="everything on a tmpfs"; fi
echo "== run -d --network none busybox sleep 300, $where, µs a start ($(nproc) CPUs, $daemons daemons of each build, $cycles rounds of 100 each)"
echo "$commit: ${A[*]} (median $(median "${A[@]}"))"
echo "this tree: ${B[*]} (median $(median "${B[@]}"))"
