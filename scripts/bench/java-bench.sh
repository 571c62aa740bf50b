#!/usr/bin/env bash
# Runs one Java benchmark program of integration-tests (package io.lenswire.bench) with the test
# class path: java-bench.sh HEAP MAIN_CLASS [JVM -D options...] -- [program arguments...].
# Builds the jar when it is missing and compiles the test classes first.
set -euo pipefail
cd "$(dirname "$0")/../.."
heap=$1 main=$2
shift 2
jvm=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ -f processors/target/lenswire/lenswire.jar ] || ./mvnw -B -q -DskipTests package -pl processors
# one reactor run: the test classes need processors' test jar (the LL-HLS playlist checker),
# which only a package in the same run resolves
./mvnw -B -q -pl integration-tests -am -DskipTests package dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cd integration-tests
exec java "-Xmx$heap" -cp "target/test-classes:$(cat target/bench-classpath.txt)" \
    -Dlenswire.jar=../processors/target/lenswire/lenswire.jar -Dlenswire.testbed=src/test/testbed \
    "${jvm[@]}" "$main" "$@"
