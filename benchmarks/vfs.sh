#!/bin/bash
# The vfs storage driver beside docker's, same run: dockerd 20.10 (Debian's docker.io) with
# --storage-driver vfs and Berth with defaultStorage = vfs, both on private roots in $BENCH_DIR
# (default /var/tmp/berth-bench-vfs, so on /var/tmp's filesystem). The image: a Debian bookworm
# minbase (debootstrap, cached in /var/tmp/berth-bench-cache) and four layers on it, five in all
# (~340 MB, ~21,000 entries; the last changes /etc/passwd and deletes a file), one `docker save`
# archive loaded by both. Each round, for each engine (the order alternates; caches dropped
# before each timed step):
#   load     `load -i image.tar`: both unpack every layer into vfs here
#   run      the first `run --rm IMG true` (makes the image's init layer and the container's tree)
#   disk     du -sx of the driver's directory (Berth: storage/vfs; docker: vfs), minus before load,
#            once the container is gone (Berth: its files deleted in the background too);
#            and of the whole root (Berth keeps the layer blobs in content/, docker does not)
#   rmi      `rmi IMG`; for Berth also until the background deletion has emptied storage/vfs/tmp
# Prints medians, ratios Berth/docker, and the conditions.
# Usage: benchmarks/vfs.sh [ROUNDS]   (after `mvn package`; as root; needs debootstrap and docker.io)
set -euo pipefail
rounds=${1:-3}
work=${BENCH_DIR:-/var/tmp/berth-bench-vfs}
cache=/var/tmp/berth-bench-cache
needs="debootstrap python3"
dockerd_args="--storage-driver vfs"
berth_storage=vfs
source "$(dirname "$0")/beside-dockerd.sh"

rootfs="$cache/bookworm-minbase"
if [ ! -e "$rootfs/.complete" ]; then
  echo "debootstrap --variant=minbase bookworm (cached in $rootfs)..." >&2
  rm -rf "$rootfs"; mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1
  touch "$rootfs/.complete"
fi
echo "building the image..." >&2
tar -C "$rootfs" --numeric-owner --exclude=./.complete --exclude='./var/cache/apt/archives/*.deb' \
  --exclude='./var/lib/apt/lists/*' -cf "$work/layer1.tar" .
tar -C / --numeric-owner -cf "$work/layer2.tar" usr/include
tar -C / --numeric-owner -cf "$work/layer3.tar" usr/lib/python3 usr/share/perl
tar -C / --numeric-owner -cf "$work/layer4.tar" usr/share/i18n usr/share/zoneinfo
mkdir -p "$work/l5/etc" "$work/l5/var/log" "$work/l5/opt"
cp -a "$rootfs/etc/passwd" "$work/l5/etc/passwd"; echo "bench:x:1000:1000::/home/bench:/bin/sh" >>"$work/l5/etc/passwd"
touch "$work/l5/var/log/.wh.dpkg.log"; echo configured >"$work/l5/opt/marker"
tar -C "$work/l5" --numeric-owner -cf "$work/layer5.tar" .
python3 "$top/benchmarks/docker-archive.py" "$work/image.tar" vfsbench:latest "$work"/layer[1-5].tar
image_mb=$(( $(cat "$work"/layer[1-5].tar | wc -c) / 1000000 ))
entries=$(for t in "$work"/layer[1-5].tar; do tar -tf "$t"; done | wc -l)
rm -f "$work"/layer[1-5].tar

b_store="$work/berth-root/storage/vfs"; d_store="$work/docker-root/vfs"
mb() { du -sxB1 "$1" | awk '{printf "%d", $1 / 1000000}'; }
cold() { sync; echo 3 >/proc/sys/vm/drop_caches; }
timed() { local s; s=$(now_ms); "$@" >/dev/null; echo $(( $(now_ms) - s )); }
# Berth deletes removed snapshots (--rm's container too) in the background, from storage/vfs/tmp.
drained() { while [ -d "$1/tmp" ] && [ -n "$(ls -A "$1/tmp")" ]; do sleep 0.05; done; }
declare -A t
one_round() { # ENGINE: berth or docker
  local e=$1 cli before_store before_root store root
  if [ "$e" = berth ]; then cli=("$berth"); store=$b_store; root="$work/berth-root"; run=(run --rm --network none)
  else cli=(docker_); store=$d_store; root="$work/docker-root"; run=(run --rm --network none); fi
  mkdir -p "$store"; before_store=$(mb "$store"); before_root=$(mb "$root")
  cold; t[$e.load]+=" $(timed "${cli[@]}" load -i "$work/image.tar")"
  cold; t[$e.run]+=" $(timed "${cli[@]}" "${run[@]}" vfsbench true)"
  drained "$store"
  t[$e.disk]+=" $(( $(mb "$store") - before_store ))"; t[$e.root]+=" $(( $(mb "$root") - before_root ))"
  cold; local s; s=$(now_ms)
  "${cli[@]}" rmi vfsbench >/dev/null; t[$e.rmi]+=" $(( $(now_ms) - s ))"
  drained "$store"
  t[$e.freed]+=" $(( $(now_ms) - s ))"
}
for r in $(seq 1 "$rounds"); do
  echo "round $r" >&2
  if [ $((r % 2)) = 1 ]; then one_round berth; one_round docker; else one_round docker; one_round berth; fi
done
m() { printf '%s\n' ${t[$1]} | median; }
fs=$(df -T "$work" | awk 'NR==2 {print $2}')
reflink=no; touch "$work/rl-a"; cp --reflink=always "$work/rl-a" "$work/rl-b" 2>/dev/null && reflink=yes; rm -f "$work"/rl-*
echo "image: 5 layers, $image_mb MB of tar, $entries entries; $work on $fs (reflink: $reflink); $(nproc) cores; $(uname -r); dockerd $(dockerd --version | awk '{print $3}' | tr -d ,) --storage-driver vfs; median of $rounds rounds, engines alternating, caches dropped before each step"
printf '| step | Berth vfs | docker vfs | Berth / docker |\n|---|---|---|---|\n'
for k in load run; do printf '| %s | %s ms | %s ms | %s |\n' "$k" "$(m berth.$k)" "$(m docker.$k)" "$(ratio "$(m berth.$k)" "$(m docker.$k)")"; done
bf=$(( $(m berth.load) + $(m berth.run) )); df_=$(( $(m docker.load) + $(m docker.run) ))
printf '| load + first run | %s ms | %s ms | %s |\n' "$bf" "$df_" "$(ratio "$bf" "$df_")"
printf '| disk, driver directory | %s MB | %s MB | %s |\n' "$(m berth.disk)" "$(m docker.disk)" "$(ratio "$(m berth.disk)" "$(m docker.disk)")"
printf '| disk, whole root | %s MB | %s MB | %s |\n' "$(m berth.root)" "$(m docker.root)" "$(ratio "$(m berth.root)" "$(m docker.root)")"
printf '| rmi | %s ms | %s ms | %s |\n' "$(m berth.rmi)" "$(m docker.rmi)" "$(ratio "$(m berth.rmi)" "$(m docker.rmi)")"
printf '| rmi until the files are gone | %s ms | %s ms | %s |\n' "$(m berth.freed)" "$(m docker.freed)" "$(ratio "$(m berth.freed)" "$(m docker.freed)")"
echo "all: $(for k in "${!t[@]}"; do echo -n "$k:${t[$k]}; "; done)"
