#!/bin/bash
# Start latency and shim memory of this tree beside an earlier commit's, in the same session:
# builds COMMIT in a git worktree (with a Maven local repository of its own, so neither build
# sees the other's snapshots), then runs benchmarks/run-true.sh of each, alternating, PAIRS times
# (the earlier commit first in odd pairs, this tree first in even ones), and prints each run's
# figures. Machine state changes from day to day far more than a change moves these figures;
# only runs of one session compare.
# Usage: benchmarks/compare-commits.sh COMMIT [ROUNDS] [PAIRS]
#   (after `mvn install` of this tree; as root; needs what run-true.sh needs: runc, crun, umoci)
set -euo pipefail
commit=$1
rounds=${2:-200}
pairs=${3:-1}
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/benchmarks/worktree.sh"
work=/var/tmp/berth-bench-compare
rm -rf "$work"
cleanup() {
  worktree_remove "$top" "$work"
}
trap cleanup EXIT
worktree_build "$top" "$commit" "$work"
run() {
  echo "=== $1 ($2 rounds)"
  "$3/benchmarks/run-true.sh" "$2" | grep -E 'berth engine|bin/berth run --rm|--runtime (runc|crun)  |^(runc|crun) run|total:|RSS'
}
for p in $(seq 1 "$pairs"); do
  if [ $((p % 2)) -eq 1 ]; then
    run "$commit" "$rounds" "$work/tree"; run "this tree" "$rounds" "$top"
  else
    run "this tree" "$rounds" "$top"; run "$commit" "$rounds" "$work/tree"
  fi
done
