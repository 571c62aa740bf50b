#!/usr/bin/env bash
# Glass-to-glass latency of HLS playback in headless Chromium (io.lenswire.bench.GlassToGlassBench):
# a camera that stamps the wall clock into every frame as a bar code, the built-in player page in
# hls.js's low-latency mode (ll) and with ?lowLatency=0 (standard), the server's default 1 s
# segments and 200 ms parts. Arguments go to the program, e.g. --seconds 20 --runs 3
# (--players ll to skip the standard client, --segment-durations 1s,2s to set segment durations).
exec "$(dirname "$0")/java-bench.sh" 512m io.lenswire.bench.GlassToGlassBench \
    -Dlenswire.bench.clockserver=../scripts/bench/clock_rtsp_server.py -- "$@"
