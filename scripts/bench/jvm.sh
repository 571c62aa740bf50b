#!/usr/bin/env bash
# JVM fixed cost (issue 12): start-up, RSS, JIT/GC/process CPU after N cameras were added, for
# several sets of JVM options (interleaved rounds). Builds the jar when it is missing; arguments
# go to jvm_bench.py (see --help), e.g.
#   scripts/bench/jvm.sh --rounds 2 --set default= --set 'c1=-XX:TieredStopAtLevel=1' --json /tmp/jvm.json
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f processors/target/lenswire/lenswire.jar ] || ./mvnw -B -q -DskipTests package -pl processors
exec /usr/bin/python3 scripts/bench/jvm_bench.py "$@"
