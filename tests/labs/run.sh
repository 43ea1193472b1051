#!/bin/sh
# run.sh - the labs suite of `make test` (tests/run.sh): run every command of the lab course in
# docs/labs/ against the build directory given and compare the output with the pages.
#   sh tests/labs/run.sh BUILD
set -u
build=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
exec python3 tests/labs/check.py "$build"
