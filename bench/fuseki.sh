#!/usr/bin/env bash
# Fetch Apache Jena Fuseki (jena-fuseki-main, a library whose main class runs a server) and its
# dependencies through `mvn` into a folder of jars; tests/test_fuseki.py and `kg push` checks use it.
#   bash bench/fuseki.sh [DEST]     default DEST: ${KG_FUSEKI_LIB:-$HOME/.cache/edu-kg/fuseki-5.6.0}
# 5.6.0 is the newest release that runs on Java 17. Exits non-zero (and prints why) if mvn fails;
# callers treat that as "no Fuseki here" and the test skips.
set -euo pipefail
VERSION=5.6.0
DEST="${1:-${KG_FUSEKI_LIB:-$HOME/.cache/edu-kg/fuseki-$VERSION}}"
if [ -f "$DEST/.complete" ]; then echo "$DEST"; exit 0; fi
command -v mvn >/dev/null 2>&1 || { echo "fuseki.sh: mvn not found" >&2; exit 1; }
command -v java >/dev/null 2>&1 || { echo "fuseki.sh: java not found" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>edu-kg</groupId><artifactId>fuseki-deps</artifactId><version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.jena</groupId><artifactId>jena-fuseki-main</artifactId><version>$VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
mkdir -p "$DEST"
mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies -DoutputDirectory="$DEST" -DincludeScope=runtime \
  > "$work/mvn.log" 2>&1 || { tail -20 "$work/mvn.log" >&2; echo "fuseki.sh: mvn failed" >&2; exit 1; }
ls "$DEST"/jena-fuseki-main-*.jar >/dev/null
touch "$DEST/.complete"
echo "$DEST"
