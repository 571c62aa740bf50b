#!/usr/bin/env bash
# Events and webhooks (io.lenswire.bench.EventsBench): face appears in an RTSP camera -> signed
# webhook received (p50/p95, split into analytics and delivery), then a burst of 1,000 events to
# three endpoints (two healthy, one answering 500): time to deliver, nothing lost, outbox depth,
# CPU and heap. Needs what the integration tests need (GStreamer test RTSP server, ffmpeg, the
# shared photos and YuNet model: LENSWIRE_SHARED, default ../shared next to the repository).
# Arguments go to the program, e.g. --runs 3 --events 50 --burst 1000.
shared=${LENSWIRE_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
exec "$(dirname "$0")/java-bench.sh" 512m io.lenswire.bench.EventsBench "-Dlenswire.shared=$shared" \
    -Dlenswire.it.start-seconds=300 -- "$@"
