#!/usr/bin/env bash
# Glass-to-glass latency of HLS playback in headless Chromium (io.lenswire.bench.GlassToGlassBench):
# a camera that stamps the wall clock into every frame as a bar code, the built-in player page,
# segment durations 2s and 1s. Arguments go to the program, e.g. --seconds 20 --runs 3.
exec "$(dirname "$0")/java-bench.sh" 512m io.lenswire.bench.GlassToGlassBench \
    -Dlenswire.bench.clockserver=../scripts/bench/clock_rtsp_server.py -- "$@"
