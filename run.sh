#!/bin/sh
# Builds Berth and starts it in the foreground with its console (prompt 'berth> ').
# Run as root: the engine keeps its data in /var/lib/berth and its socket in /run/berth.
# Arguments go to bin/berth, e.g. ./run.sh --root /tmp/berth-root --run-root /tmp/berth-run
set -eu
cd "$(dirname "$0")"
scripts/install-build-deps.sh
mvn -B -q -DskipTests package
exec distribution/target/berth-*/bin/berth "$@"
