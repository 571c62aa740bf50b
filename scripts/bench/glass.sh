#!/usr/bin/env bash
# Glass-to-glass latency of HLS playback in headless Chromium (io.lenswire.bench.GlassToGlassBench):
# a camera that stamps the wall clock into every frame as a bar code, the built-in player page,
# segment durations 2s and 1s. Arguments go to the program, e.g. --seconds 20 --runs 3.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f processors/target/lenswire.jar ] || ./mvnw -B -q -DskipTests package -pl processors
./mvnw -B -q -pl integration-tests -am -DskipTests test-compile
./mvnw -B -q -pl integration-tests -am dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cd integration-tests
exec java -Xmx512m -cp "target/test-classes:$(cat target/bench-classpath.txt)" \
    -Dlenswire.jar=../processors/target/lenswire.jar -Dlenswire.testbed=src/test/testbed \
    -Dlenswire.bench.clockserver=../scripts/bench/clock_rtsp_server.py \
    io.lenswire.bench.GlassToGlassBench "$@"
