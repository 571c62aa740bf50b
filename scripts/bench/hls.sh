#!/usr/bin/env bash
# HLS benchmarks (issue 4): N cameras with HLS through Lenswire vs N `ffmpeg -c copy -f hls`
# processes (CPU, RSS), and create-session -> first playable playlist vs a fresh ffmpeg.
# Part cpu measures two ways (--method quick|steady|both; steady = players poll every 2 s after a
# 180 s warm-up, issue 12) and draws docs/bench/hls-cpu-vs-n.svg (CPU vs N).
# Builds the jar when it is missing; arguments go to hls_bench.py (see --help), e.g.
#   scripts/bench/hls.sh --rounds 3 --json /tmp/hls-bench.json
#   scripts/bench/hls.sh --parts cpu --counts 1,10,25,50,100 --method both --rounds 3 --json /tmp/hls.json
#   scripts/bench/hls.sh --plot-only /tmp/hls.json      # tables and plot again, nothing measured
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f processors/target/lenswire/lenswire.jar ] || ./mvnw -B -q -DskipTests package -pl processors
exec /usr/bin/python3 scripts/bench/hls_bench.py "$@"
