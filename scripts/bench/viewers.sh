#!/usr/bin/env bash
# 500 concurrent HLS viewers of one camera on loopback (io.lenswire.bench.ViewersBench): playlist
# and newest-segment latency p50/p99/max, errors, and the JWT verification cost per request.
# --mode ll: Low-Latency HLS viewers doing blocking reloads for the preload-hinted part and then
# fetching it (as hls.js's low-latency mode): answer lag behind the part's first answer
# p50/p95/p99, request -> answer, the server's thread count, errors.
# Arguments go to the program, e.g. --viewers 500 --seconds 60 (--sessions 5 to share sessions),
# --mode ll --viewers 500 --seconds 60 (--client nio: all viewers on one selector thread, a
# client that leaves the server more of the machine than a thread per viewer).
exec "$(dirname "$0")/java-bench.sh" 1g io.lenswire.bench.ViewersBench -- "$@"
