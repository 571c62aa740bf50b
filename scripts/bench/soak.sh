#!/usr/bin/env bash
# Soak run (io.lenswire.bench.SoakBench, not part of CI): 10 cameras, 20 HLS viewers, face
# analytics on 2 cameras for --minutes (30); RSS, heap, threads and FDs of the server every minute.
# Arguments go to the program, e.g. --minutes 30 --cameras 10 --viewers 20 --analytics 2.
exec "$(dirname "$0")/java-bench.sh" 512m io.lenswire.bench.SoakBench -- "$@"
