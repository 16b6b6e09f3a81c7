#!/usr/bin/env bash
# The JMH comparisons measured interleaved (dev.holdfast.bench.PairedRatios): baseline and measured operation
# alternate in ~20 ms blocks, median of the per-round ratios. Use this on a busy or shared machine, where
# JMH's one-after-another runs let the load change between a benchmark and its baseline. About 2 minutes.
#   bench/ratios.sh            every pair
#   bench/ratios.sh 'bcrypt'   pairs whose name matches the regex
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  mvn -q -Pbench -DskipTests test-compile
fi
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -Dlogback.configurationFile=bench/logback.xml -cp "$cp" dev.holdfast.bench.PairedRatios "$@"
