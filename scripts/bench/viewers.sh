#!/usr/bin/env bash
# 500 concurrent HLS viewers of one camera on loopback (io.lenswire.bench.ViewersBench): playlist
# and newest-segment latency p50/p99/max, errors, and the JWT verification cost per request.
# Arguments go to the program, e.g. --viewers 500 --seconds 60 (--sessions 5 to share sessions).
exec "$(dirname "$0")/java-bench.sh" 1g io.lenswire.bench.ViewersBench -- "$@"
