#!/bin/bash
# What user-namespace remapping costs: Berth with `usernsRemap = default` beside dockerd with
# `--userns-remap=default` (Debian's docker.io 20.10, private socket and data root,
# --iptables=false --bridge=none), in the same run.
#  1. Per container: `run --rm --network none busybox true`, remapped and with `--userns=host`,
#     alternating round by round after a warm-up round not counted, on Berth's native runtime
#     (overlay and vfs), Berth with runc (overlay), and dockerd (overlay2); the cost is the
#     difference of the medians.
#  2. At first use of an image: the first `run --rm --network none busybox true` after
#     `rmi busybox` and `load`, remapped and not, alternating; on overlay the layers are id-mapped
#     at mount (nothing per image), on vfs the engine makes a copy of the image with the mapped
#     ids once per range (docker's vfs and overlay2 both copy and chown the layers per range: its
#     remapped daemon keeps a root of its own, where images are unpacked anew).
# Conditions: as root, after `mvn package`; docker.io installed; nothing else running on the engines.
# The users berth and dockremap (with ranges in /etc/subuid and /etc/subgid) are made if missing,
# by Berth and dockerd, and removed at exit if they were.
# Usage: benchmarks/userns.sh [ROUNDS] [FIRST-USE-ROUNDS]
set -euo pipefail
rounds=${1:-30}
first_rounds=${2:-10}
work=/var/tmp/berth-bench-userns
had_users=$(cut -d: -f1 /etc/passwd | grep -xE 'berth|dockremap' || true)
remove_users() {
  for u in berth dockremap; do
    if ! grep -qx "$u" <<<"$had_users" && id "$u" >/dev/null 2>&1; then
      userdel "$u" || true
      sed -i "/^$u:/d" /etc/subuid /etc/subgid
      getent group "$u" >/dev/null && groupdel "$u" 2>/dev/null || true
    fi
  done
}
extra_cleanup=remove_users
berth_config="usernsRemap = default"
dockerd_args="--userns-remap=default"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/beside-dockerd.sh"
# conf/ is read by FileInstall once the daemon runs: wait for the setting to be in effect.
for _ in $(seq 100); do
  [ "$("$berth" info --format '{{.UsernsRemap}}')" = default ] && break
  sleep 0.1
done
[ "$("$berth" info --format '{{.UsernsRemap}}')" = default ] || { echo "Berth does not remap ids" >&2; exit 1; }
one() { # ENGINE MODE: one run, in milliseconds (MODE: remap or host)
  if [ "$2" = host ]; then run_true_ms "$1" --userns=host; else run_true_ms "$1"; fi
}
declare -A ms
for round in $(seq 0 "$rounds"); do
  for e in berth berth-vfs berth-runc docker; do
    for m in remap host; do
      t=$(one $e $m)
      [ "$round" -gt 0 ] && ms[$e-$m]+=" $t"
    done
  done
done
echo "== per container: run --rm --network none busybox true, $rounds rounds ($(nproc) CPUs, $(uname -r)), medians in ms"
printf '| engine | remapped | --userns=host | cost of remapping |\n|---|---|---|---|\n'
for e in berth berth-vfs berth-runc docker; do
  cost_row "$e" "${ms[$e-remap]}" "${ms[$e-host]}"
done
declare -A first
for round in $(seq 1 "$first_rounds"); do
  for e in berth berth-vfs docker; do
    for m in remap host; do
      if [ "$e" = docker ]; then
        docker_ rmi busybox >/dev/null; docker_ load -i "$work/busybox.tar" >/dev/null
      else
        "$berth" rmi busybox >/dev/null; "$berth" load -i "$work/busybox.tar" >/dev/null
      fi
      first[$e-$m]+=" $(one $e $m)"
    done
  done
done
echo "== first run after rmi + load, $first_rounds rounds, medians in ms"
printf '| engine | remapped | --userns=host | cost at first use |\n|---|---|---|---|\n'
for e in berth berth-vfs docker; do
  cost_row "$e" "${first[$e-remap]}" "${first[$e-host]}"
done
