#!/usr/bin/env bash
# 500 concurrent HLS viewers of one camera on loopback (io.lenswire.bench.ViewersBench): playlist
# and newest-segment latency p50/p99/max, errors, and the JWT verification cost per request.
# Arguments go to the program, e.g. --viewers 500 --seconds 60 (--sessions 5 to share sessions).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f processors/target/lenswire.jar ] || ./mvnw -B -q -DskipTests package -pl processors
./mvnw -B -q -pl integration-tests -am -DskipTests test-compile
./mvnw -B -q -pl integration-tests -am dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cd integration-tests
exec java -Xmx1g -cp "target/test-classes:$(cat target/bench-classpath.txt)" \
    -Dlenswire.jar=../processors/target/lenswire.jar -Dlenswire.testbed=src/test/testbed \
    io.lenswire.bench.ViewersBench "$@"
