#!/usr/bin/env bash
# Runs the JMH benchmarks (src/bench/java) and prints each result's ratio to its baseline, from the same run.
#   bench/jmh.sh                         every benchmark, short settings (about 4 minutes on 2 cores)
#   bench/jmh.sh TokenVerifierBenchmark  only those matching the regex; any further JMH option may follow
# Builds with the bench profile first unless BENCH_NO_BUILD=1. JMH holds a machine-wide lock file:
# -Djmh.ignoreLock=true lets this run alongside another.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  mvn -q -Pbench -DskipTests test-compile
fi
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
exec java -Djmh.ignoreLock=true -Dlogback.configurationFile=bench/logback.xml -cp "$cp" \
  dev.holdfast.bench.RatioReport "${@:-.*Benchmark.*}"
