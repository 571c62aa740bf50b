#!/bin/sh
# Ingest benchmark (see docs/benchmarks.md): builds the jar when it is missing, then runs
# scripts/bench/ingest_bench.py with the given options, e.g.
#   scripts/bench/ingest.sh --counts 1,10,25 --rounds 3 --json /tmp/ingest.json
set -eu
cd "$(dirname "$0")/../.."
if [ ! -f processors/target/lenswire/lenswire.jar ]; then
    ./mvnw -B -q -DskipTests package -pl processors
fi
exec /usr/bin/python3 scripts/bench/ingest_bench.py "$@"
