#!/bin/sh
# Runs Berth's whole test suite: installs the host packages the tests need, then builds and runs
# every unit test and integration test. Tests that need root or a kernel feature skip elsewhere
# with a reason; pass -Dberth.requirePrivileged=true (as CI does) to make such skips failures.
set -eu
cd "$(dirname "$0")"
scripts/install-test-deps.sh
exec mvn -B verify "$@"
