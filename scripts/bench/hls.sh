#!/usr/bin/env bash
# HLS benchmarks (issue 4): N cameras with HLS through Lenswire vs N `ffmpeg -c copy -f hls`
# processes (CPU, RSS), and create-session -> first playable playlist vs a fresh ffmpeg.
# Builds the jar when it is missing; arguments go to hls_bench.py (see --help), e.g.
#   scripts/bench/hls.sh --rounds 3 --json /tmp/hls-bench.json
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f processors/target/lenswire.jar ] || ./mvnw -B -q -DskipTests package -pl processors
exec /usr/bin/python3 scripts/bench/hls_bench.py "$@"
