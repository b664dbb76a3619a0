# Sourced by the scripts that measure this tree beside an earlier commit's build
# (compare-commits.sh, detached-ab.sh).

# worktree_build TOP COMMIT WORK: checks COMMIT of the repository TOP out in WORK/tree (a git
# worktree) and builds it there with a Maven local repository of its own (WORK/m2), so that
# neither build sees the other's snapshots; the log in WORK/build.log, its tail on a failure.
worktree_build() {
  git -C "$1" worktree prune
  git -C "$1" worktree add -q --detach "$3/tree" "$2"
  echo "building $2 in $3/tree..." >&2
  (cd "$3/tree" && mvn -B -q -DskipTests install -Dmaven.repo.local="$3/m2" >"$3/build.log" 2>&1) \
    || { tail -30 "$3/build.log" >&2; return 1; }
}

# worktree_remove TOP WORK: removes what worktree_build made.
worktree_remove() {
  git -C "$1" worktree remove --force "$2/tree" 2>/dev/null || true
  rm -rf "$2"
}
