#!/usr/bin/env bash
# Builds an AppCDS archive for Lenswire (optional: it only shortens start-up, see
# docs/operations.md "JVM settings for a long-running server").
#
#   scripts/cds-archive.sh [JAR] [DIR]     (defaults: processors/target/lenswire.jar, ./lenswire-cds)
#
# CDS cannot map classes out of the nested jars of a Spring Boot fat jar, so the jar is first
# extracted (java -Djarmode=tools ... extract: DIR/lenswire.jar with its dependencies in DIR/lib/),
# then one training start-up of that layout, ended by Spring once the context is refreshed
# (spring.context.exit=onRefresh), writes the classes it loaded to DIR/lenswire.jsa
# (-XX:ArchiveClassesAtExit, JDK 13+). The training run uses a throw-away data directory and no
# cameras. Run the server from the extracted layout with the same JDK:
#
#   java -XX:SharedArchiveFile=DIR/lenswire.jsa -jar DIR/lenswire.jar [--options]
#
# The archive belongs to that JDK build and to those exact jar files: rebuild it after every
# upgrade of the JDK or of Lenswire (a stale archive is not used: the JVM warns "Unable to use
# shared archive" and starts without it; a missing one is ignored silently).
set -euo pipefail
jar=${1:-processors/target/lenswire.jar}
dir=${2:-lenswire-cds}
java=${JAVA:-java}
[ -f "$jar" ] || { echo "no jar at $jar (build it: ./mvnw -B -q -DskipTests package)" >&2; exit 1; }
rm -rf "$dir"
"$java" -Djarmode=tools -jar "$jar" extract --destination "$dir"
train=$(mktemp -d)
trap 'rm -rf "$train"' EXIT
printf 'lenswire:\n  cameras: []\n' > "$train/train.yaml"
# warnings about classes CDS cannot archive (old class file versions, generated accessors) are expected
"$java" -XX:ArchiveClassesAtExit="$dir/lenswire.jsa" -Xlog:cds=error -Dspring.context.exit=onRefresh \
  -jar "$dir/$(basename "$jar")" --server.port=0 --lenswire.data-dir="$train/data" \
  --lenswire.security.api-keys[0]=cds-training-key-0123456789 \
  --spring.config.additional-location="file:$train/train.yaml" > "$train/train.log" 2>&1 \
  || { cat "$train/train.log" >&2; exit 1; }
echo "archive: $dir/lenswire.jsa ($(du -h "$dir/lenswire.jsa" | cut -f1)); run:"
echo "  java -XX:SharedArchiveFile=$dir/lenswire.jsa -jar $dir/$(basename "$jar")"
