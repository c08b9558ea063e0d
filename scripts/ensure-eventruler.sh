#!/usr/bin/env bash
# Builds the Event Ruler test peer (test/eventruler: EventBridge's open-source pattern matcher behind a small
# CLI the tests call), once per change of its sources. Needs Java 17 and Maven; the first build fetches
# event-ruler 1.8.1 and the Maven plugins from Maven Central, later builds work offline.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=test/eventruler
jar=$dir/target/eventruler-peer.jar
stamp=$dir/target/.sources.sha256
want=$(cat "$dir/pom.xml" $(find "$dir/src" -type f | sort) | sha256sum | cut -d' ' -f1)
# Test files running in parallel may ask at once: one builds, the others wait and then find it built.
if command -v flock > /dev/null; then
  exec 9> "${TMPDIR:-/tmp}/secnotify-eventruler-$(pwd | sha256sum | cut -c1-12).lock"
  flock 9
fi
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$jar" ] && [ -d "$dir/target/lib" ]; then
  exit 0
fi
command -v java > /dev/null || { echo "Java 17 is needed for the Event Ruler tests (java not found)" >&2; exit 1; }
command -v mvn > /dev/null || { echo "Maven is needed for the Event Ruler tests (mvn not found)" >&2; exit 1; }
echo "Building the Event Ruler test peer in $dir ..." >&2
mvn -q -B -f "$dir/pom.xml" package
echo "$want" > "$stamp"
