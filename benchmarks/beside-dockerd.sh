# Sourced by the benchmarks that run Berth beside dockerd (Debian's docker.io) in the same run:
# both daemons on private roots under $work (the caller sets it; it is emptied first and removed
# at exit), busybox loaded into both, every container removed and both daemons stopped at exit.
# Gives: $berth (bin/berth, with BERTH_HOST exported), docker_ (docker on the private socket),
# median, ratio, now_ms, run_true_ms, cost_row. $needs lists other commands the caller needs. The caller's `set -euo pipefail` applies.
# Optional: $dockerd_args, more arguments for dockerd (e.g. "--storage-driver vfs"; later ones win over
# the defaults "--iptables=false --bridge=none"); $extra_cleanup, a command run at exit after both daemons stopped; $berth_storage, the
# storage driver Berth unpacks images into and runs on (defaultStorage, set in a copy of the distribution);
# $berth_config, more "key = value" lines of conf/berth.engine.cfg for that copy (e.g. "usernsRemap = default").
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
berth_home=$(ls -d "$top"/distribution/target/berth-*/ | head -1)
berth_home=${berth_home%/}
rm -rf "$work"; mkdir -p "$work"
if [ -n "${berth_storage:-}" ] || [ -n "${berth_config:-}" ]; then
  cp -a "$berth_home" "$work/berth-dist"
  berth_home="$work/berth-dist"
  [ -n "${berth_storage:-}" ] && sed -i "s/^defaultStorage *=.*/defaultStorage = $berth_storage/" "$berth_home/conf/berth.engine.cfg"
  [ -n "${berth_config:-}" ] && printf '%s\n' "$berth_config" >>"$berth_home/conf/berth.engine.cfg"
fi
berth="$berth_home/bin/berth"
berth_pid=""; docker_pid=""
docker_() { docker -H "unix://$work/docker.sock" "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# run_true_ms ENGINE [OPTIONS...]: milliseconds of one `run --rm --network none OPTIONS busybox true` on
# berth, berth-vfs (--storage-driver vfs), berth-runc (--runtime runc) or docker.
run_true_ms() {
  local engine=$1 start end
  shift
  start=$(now_ms)
  case "$engine" in
    berth) "$berth" run --rm --network none "$@" busybox true ;;
    berth-vfs) "$berth" run --rm --network none "$@" --storage-driver vfs busybox true ;;
    berth-runc) "$berth" run --rm --network none "$@" --runtime runc busybox true ;;
    docker) docker_ run --rm --network none "$@" busybox true ;;
  esac
  end=$(now_ms)
  echo $((end - start))
}
# cost_row NAME "TIMES WITH" "TIMES WITHOUT": a table row of both medians and their difference (ms).
cost_row() {
  local with without
  with=$(echo $2 | tr ' ' '\n' | median)
  without=$(echo $3 | tr ' ' '\n' | median)
  printf '| %s | %s | %s | %s |\n' "$1" "$with" "$without" "$(python3 -c "print($with - $without)")"
}
ratio() { python3 -c "print('%.2f' % ($1/$2))"; }
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
  umount -R -l "$work/docker-root" 2>/dev/null || true
  ${extra_cleanup:-true}
  rm -rf "$work"
}
trap cleanup EXIT
for tool in ${needs:-} dockerd docker; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install ${needs:-} docker.io)" >&2; exit 1; }
done

fixtures="$top/test-fixtures/target/classes:$(cat "$top/benchmarks/target/classpath")"
java -cp "$fixtures" io.berth.testing.BusyboxImage docker-archive "$work/busybox.tar" busybox:latest

export BERTH_HOST="unix://$work/berth-run/berth.sock"
"$berth" daemon --root "$work/berth-root" --run-root "$work/berth-run" >"$work/berth.log" 2>&1 &
berth_pid=$!
dockerd --data-root "$work/docker-root" --exec-root "$work/docker-exec" -H "unix://$work/docker.sock" \
  --pidfile "$work/docker.pid" --iptables=false --bridge=none ${dockerd_args:-} >"$work/dockerd.log" 2>&1 &
docker_pid=$!
until "$berth" version >/dev/null 2>&1; do sleep 0.05; done
until docker_ version >/dev/null 2>&1; do sleep 0.05; done
"$berth" load -i "$work/busybox.tar" >/dev/null
docker_ load -i "$work/busybox.tar" >/dev/null
