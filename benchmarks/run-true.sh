#!/bin/bash
# Container start latency and shim footprint, Berth beside runc and crun on the same busybox rootfs:
#   1. `run --rm busybox true`, eight ways alternating round by round (benchmarks RunTrue harness,
#      after 200 engine and 50 bin/berth rounds that warm the JIT, as a running daemon is):
#      Berth's engine from inside (create, start, wait, remove), `bin/berth run --rm busybox true`
#      (a whole client process against the daemon), the same with `--runtime runc` and
#      `--runtime crun` (driver-oci under berth-shim), `runc run` and `crun run` (whole processes)
#      of umoci's bundle, and of the config Berth hands each runtime (seccomp profile and all).
#   2. 50 containers `sleep 300` started with `bin/berth run -d`: the total time, and each
#      berth-shim's resident memory; then crun's own 50 `crun run -d` of the config Berth hands it.
#   3. The same two 50s with everything on a tmpfs (see there).
#   4. The same two 50s as installed: what lasts on the disk, the run-time state on a tmpfs.
#   5. The same as installed, on an ext4 with a journal (a loop-mounted image; see there).
# crun 1.8 refuses this hybrid-cgroup host ("cgroups in hybrid mode not supported": the unified
# hierarchy lists hugetlb), so everything runs in a private mount namespace where an empty file
# covers /sys/fs/cgroup/unified/cgroup.controllers; the engine and runc run there too, alike.
# Berth's containers run with --network none, as the runc and crun bundles have only a loopback;
# benchmarks/network.sh measures what a network adds.
# Usage: benchmarks/run-true.sh [ROUNDS]   (after `mvn package`; as root; needs runc, crun, umoci)
set -euo pipefail
rounds=${1:-50}
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BERTH_BENCH_NS-}" ]; then
  exec env BERTH_BENCH_NS=1 unshare --mount --propagation private "$0" "$@"
fi
controllers=/sys/fs/cgroup/unified/cgroup.controllers
if [ -f "$controllers" ]; then
  : > /tmp/berth-bench-empty-controllers
  mount --bind /tmp/berth-bench-empty-controllers "$controllers"
fi
berth=$(ls -d "$top"/distribution/target/berth-*/ | head -1)bin/berth
work=/var/tmp/berth-bench-run
rm -rf "$work"; mkdir -p "$work"
daemon=""
cleanup() {
  if [ -n "$daemon" ]; then
    ids=$("$berth" ps -aq 2>/dev/null || true)
    [ -n "$ids" ] && "$berth" rm -f $ids >/dev/null 2>&1 || true
    kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  fi
  umount "$work/ext4" 2>/dev/null || umount -l "$work/ext4" 2>/dev/null || true
  umount "$work/tmpfs" 2>/dev/null || true
  rm -rf "$work" || true
  rmdir /sys/fs/cgroup/*/berth-bench 2>/dev/null || true
}
trap cleanup EXIT

fixtures="$top/test-fixtures/target/classes:$(cat "$top/benchmarks/target/classpath")"
java -cp "$fixtures" io.berth.testing.BusyboxImage oci "$work/layout" busybox >/dev/null
java -cp "$fixtures" io.berth.testing.BusyboxImage docker-archive "$work/busybox.tar" busybox:latest
umoci unpack --image "$work/layout:busybox" "$work/bundle" >/dev/null
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
c = json.load(open(path))
c["process"]["args"] = ["true"]
c["process"]["terminal"] = False
json.dump(c, open(path, "w"))
PY

"$berth" daemon --root "$work/root" --run-root "$work/run" >"$work/daemon.log" 2>&1 &
daemon=$!
export BERTH_HOST="unix://$work/run/berth.sock"
until "$berth" version >/dev/null 2>&1; do sleep 0.05; done
"$berth" load -i "$work/busybox.tar" >/dev/null
echo "== run --rm busybox true ($(nproc) CPUs, $(uname -r), runc $(runc --version | head -1 | cut -d' ' -f3), crun $(crun --version | head -1 | cut -d' ' -f3))"
# The config Berth hands each runtime (docker's seccomp profile, masked paths, device rules, the
# hosts, hostname and resolv.conf binds; for crun the filter compiled, in an annotation), taken from
# a container Berth ran, over the same root filesystem: "RUNTIME run, berth's config" runs it alone.
for runtime in runc crun; do
  command -v "$runtime" >/dev/null || continue
  id=$("$berth" run -d --network none --runtime "$runtime" busybox sleep 300)
  mkdir -p "$work/same/$runtime/etc"
  cp "$work/run/oci/$runtime/${id:0:12}/bundle/config.json" "$work/same/$runtime/"
  for f in hosts hostname resolv.conf; do cp "$work/root/containers/$id/$f" "$work/same/$runtime/etc/$f"; done
  "$berth" rm -f "$id" >/dev/null
  python3 - "$work/same/$runtime" "$work/bundle/rootfs" "$work/root/containers/$id" <<'PY'
import json, sys
bundle, rootfs, container = sys.argv[1:]
c = json.load(open(bundle + "/config.json"))
c["root"]["path"] = rootfs
c["process"]["args"] = ["true"]
c["linux"]["cgroupsPath"] = "/berth-bench/" + bundle.rsplit("/", 1)[1]
for m in c["mounts"]:
    if m.get("source", "").startswith(container + "/"):
        m["source"] = bundle + "/etc/" + m["source"].rsplit("/", 1)[1]
json.dump(c, open(bundle + "/config.json", "w"))
PY
done

java -cp "$top/benchmarks/target/classes:$(cat "$top/benchmarks/target/classpath")" \
  io.berth.benchmarks.RunTrue "$rounds" "$work/harness" "$berth" "$work/bundle" "$work/same"

echo "== 50 containers sleep 300 with bin/berth run -d"
start=$(date +%s%N)
for i in $(seq 1 50); do "$berth" run -d --network none busybox sleep 300 >/dev/null; done
end=$(date +%s%N)
echo "total: $(( (end - start) / 1000000 )) ms, $(( (end - start) / 50000000 )) ms per container"
rss=()
for id in $("$berth" ps -q); do
  pid=$("$berth" inspect -f '{{.State.Pid}}' "$id")
  shim=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
  rss+=("$(awk '/^VmRSS:/ {print $2}' "/proc/$shim/status")")
done
printf '%s\n' "${rss[@]}" | sort -n | awk '{a[NR]=$1; s+=$1} END {printf "berth-shim RSS over %d shims: min %d kB, median %d kB, max %d kB, mean %.0f kB\n", NR, a[1], a[int((NR+1)/2)], a[NR], s/NR}'
echo "daemon RSS with 50 containers: $(awk '/^VmRSS:/ {print $2}' /proc/$daemon/status) kB"

# 50 `run -d` of a daemon of its own on ROOT and RUN_ROOT (busybox loaded, its code compiled by as
# many starts as the sections above made before theirs), then the daemon stopped.
berth50() { # ROOT RUN_ROOT TITLE
  "$berth" daemon --root "$1" --run-root "$2" >"$1.log" 2>&1 &
  daemon=$!
  export BERTH_HOST="unix://$2/berth.sock"
  until "$berth" version >/dev/null 2>&1; do sleep 0.05; done
  "$berth" load -i "$work/busybox.tar" >/dev/null
  for k in 1 2 3 4 5 6; do
    for i in $(seq 1 50); do "$berth" run -d --network none busybox sleep 300 >/dev/null; done
    "$berth" rm -f $("$berth" ps -q) >/dev/null
  done
  sleep 0.2
  echo "== 50 containers sleep 300 with bin/berth run -d, $3"
  start=$(date +%s%N)
  for i in $(seq 1 50); do "$berth" run -d --network none busybox sleep 300 >/dev/null; done
  end=$(date +%s%N)
  echo "total: $(( (end - start) / 1000000 )) ms, $(( (end - start) / 50000000 )) ms per container"
  "$berth" rm -f $("$berth" ps -q) >/dev/null
  kill "$daemon" && wait "$daemon" 2>/dev/null || true
  daemon=""
}

# crun's 50 `crun run -d` of the bundles in BUNDLES (b1 … b50) with its state in STATE, then deleted.
crun50() { # STATE BUNDLES TITLE
  sleep 0.2
  echo "== 50 containers sleep 300 with crun run -d, Berth's config, $3"
  start=$(date +%s%N)
  for i in $(seq 1 50); do crun --root "$1" run -d --bundle "$2/b$i" "x$i" >/dev/null; done
  end=$(date +%s%N)
  echo "total: $(( (end - start) / 1000000 )) ms, $(( (end - start) / 50000000 )) ms per container"
  for i in $(seq 1 50); do crun --root "$1" delete -f "x$i" >/dev/null 2>&1 || true; done
}

if [ -f "$work/same/crun/config.json" ]; then
  # crun's own: 50 × `crun run -d` of Berth's config (sleep 300), each container a bundle and a
  # cgroup of its own, as Berth's are.
  "$berth" rm -f $("$berth" ps -q) >/dev/null
  for i in $(seq 1 50); do
    mkdir -p "$work/crun50/b$i"
    python3 - "$work/same/crun/config.json" "$work/crun50/b$i/config.json" "$i" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["sleep", "300"]
c["linux"]["cgroupsPath"] = "/berth-bench/crun50-" + sys.argv[3]
json.dump(c, open(sys.argv[2], "w"))
PY
  done
  crun50 "$work/crun50/state" "$work/crun50" "state, bundles and root filesystem on the disk"
fi

# 3. The same 50 and 50 with everything on a tmpfs: Berth's root and run root (a second daemon,
#    busybox loaded into it), and crun's state, bundles and root filesystem (a copy). On this
#    machine's ext4 a mkdir or a file's creation costs 0.1-0.6 ms of kernel time; a detached start
#    makes about 25 of them for Berth (the container's layer, record, state and mount point) and
#    a few for crun (its state), so this separates the engine's own cost from the disk's.
# 4. As installed: what lasts on the disk, what lives while the host runs on a tmpfs. Berth's
#    root on the disk (as /var/lib/berth: layers, records) and its run root on the tmpfs (as
#    /run/berth: the runtime's state, mount points); crun's state on the tmpfs (as its default
#    /run/crun) and its bundles and root filesystem on the disk.
if [ -f "$work/same/crun/config.json" ]; then
  tfs="$work/tmpfs"
  mkdir -p "$tfs" && mount -t tmpfs tmpfs "$tfs"
  "$berth" rm -f $("$berth" ps -aq) >/dev/null 2>&1 || true
  kill "$daemon" && wait "$daemon" 2>/dev/null || true
  daemon=""
  # crun's 50 bundles again under DIR, with a copy of the root filesystem there.
  bundlesIn() { # DIR
    cp -a "$work/bundle/rootfs" "$1/rootfs"
    for i in $(seq 1 50); do
      mkdir -p "$1/crun50/b$i"
      python3 - "$work/crun50/b$i/config.json" "$1/crun50/b$i/config.json" "$1/rootfs" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[3]
json.dump(c, open(sys.argv[2], "w"))
PY
    done
  }
  berth50 "$tfs/root" "$tfs/run" "root and run root on a tmpfs"
  bundlesIn "$tfs"
  crun50 "$tfs/crun50/state" "$tfs/crun50" "state, bundles and root filesystem on a tmpfs"
  berth50 "$work/root4" "$tfs/run4" "root on the disk, run root on a tmpfs"
  crun50 "$tfs/crun4/state" "$work/crun50" "state on a tmpfs, bundles and root filesystem on the disk"
  # 5. As installed, on an ext4 with a journal. Where the disk's ext4 has none (/proc/fs/jbd2
  #    lists no journal for it), the kernel's inode allocator reads and skips every inode deleted in
  #    the last seconds (find_inode_bit, recently_deleted), so after the previous round's removals a
  #    directory or a file costs 0.1-1 ms, and an overlay mount (which makes its work directory and
  #    test files) 1.5-3 ms. A host's /var/lib is usually ext4 as mkfs.ext4 makes it, with a
  #    journal: a sparse 4 GiB image of one, through a loop device, holds Berth's root and crun's
  #    bundles and root filesystem; the run root and crun's state stay on the tmpfs.
  if command -v mkfs.ext4 >/dev/null; then
    ext="$work/ext4"
    truncate -s 4G "$work/ext4.img"
    mkfs.ext4 -q -F "$work/ext4.img"
    mkdir -p "$ext"
    mount -o loop "$work/ext4.img" "$ext"
    bundlesIn "$ext"
    berth50 "$ext/root" "$tfs/run5" "root on a journaled ext4, run root on a tmpfs"
    crun50 "$tfs/crun5/state" "$ext/crun50" "state on a tmpfs, bundles and root filesystem on a journaled ext4"
    umount "$ext" || umount -l "$ext"
  else
    echo "== no mkfs.ext4 (e2fsprogs): the journaled ext4 rows are left out"
  fi
  umount "$tfs"
fi
