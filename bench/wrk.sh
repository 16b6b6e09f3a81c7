#!/usr/bin/env bash
# HTTP load on the built WAR in embedded Jetty, each case reported as requests/s and as a ratio to a static
# file served outside the filter, all measured within the same minute or two (docs/benchmarks.md).
#   bench/wrk.sh               build (mvn -Pbench package), start the server, run every case
#   BENCH_NO_BUILD=1 bench/wrk.sh   reuse target/ as it is
#   DURATION=5s CONNECTIONS=8 bench/wrk.sh
# Needs PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres, database test): the server drops and
# creates the database holdfast_bench there. Only ever loads 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
LOGIN_DURATION="${LOGIN_DURATION:-5s}"
WARMUP="${WARMUP:-3s}"

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  mvn -q -Pbench -DskipTests package
fi

cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
port_file="target/bench-server.port"
rm -f "$port_file"
java -Dlogback.configurationFile=bench/logback.xml -cp "$cp" dev.holdfast.bench.BenchServer "$port_file" \
  > target/bench-server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  [[ -s "$port_file" ]] && break
  kill -0 "$server" 2>/dev/null || { echo "server died:"; cat target/bench-server.log; exit 1; }
  sleep 0.5
done
[[ -s "$port_file" ]] || { echo "server did not start in 60 s"; cat target/bench-server.log; exit 1; }
base="http://127.0.0.1:$(cat "$port_file")"

reply=$(curl -sS -H 'Content-Type: application/json' -H 'Accept: application/json' \
  -d '{"username":"bench","password":"bench-password-not-secret"}' "$base/auth/login")
token=$(sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p' <<<"$reply")
[[ -n "$token" ]] || { echo "login failed: $reply"; cat target/bench-server.log; exit 1; }
# the same token with its signature's last character changed: well-formed, refused (401)
last=${token: -1}; [[ "$last" == A ]] && swap=B || swap=A
bad="${token%?}$swap"

check() { # status of one request, to prove each case hits the path it claims to
  curl -s -o /dev/null -w '%{http_code}' "$@"
}
[[ $(check "$base/static/holdfast.css") == 200 ]] || { echo "static page not 200"; exit 1; }
[[ $(check "$base/login.jsp") == 200 ]] || { echo "login.jsp not 200"; exit 1; }
[[ $(check -H "Authorization: Bearer $token" "$base/app/index.jsp") == 200 ]] || { echo "protected JSP with token not 200"; exit 1; }
[[ $(check -H "Authorization: Bearer $bad" "$base/app/index.jsp") == 401 ]] || { echo "bad token not 401"; exit 1; }

declare -A rps
run() { # name, wrk arguments...
  local name=$1; shift
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$@")
  rps[$name]=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  local latency non2xx
  latency=$(awk '/^ +Latency/ {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  printf '%-22s %10s req/s  avg latency %-9s non-2xx/3xx: %s\n' "$name" "${rps[$name]}" "$latency" "${non2xx:-0}"
}

# JIT warm-up on every path, not reported: the first seconds of a fresh JVM measure the compiler
warm() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" >/dev/null; }
warm "$base/static/holdfast.css"
warm "$base/login.jsp"
warm -H "Authorization: Bearer $token" "$base/app/index.jsp"
warm -H "Authorization: Bearer $bad" "$base/app/index.jsp"

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION against $base, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
run static-before "$base/static/holdfast.css"
run open-jsp "$base/login.jsp"
run protected-jsp -H "Authorization: Bearer $token" "$base/app/index.jsp"
run invalid-token-401 -H "Authorization: Bearer $bad" "$base/app/index.jsp"
run static-after "$base/static/holdfast.css"
out=$(wrk -t1 -c2 -d"$LOGIN_DURATION" --timeout 20s -s bench/login.lua "$base/auth/login")
rps[login]=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
printf '%-22s %10s req/s  avg latency %-9s non-2xx/3xx: %s  (wrk -t1 -c2 -d%s)\n' login "${rps[login]}" \
  "$(awk '/^ +Latency/ {print $2}' <<<"$out")" "$(awk '/Non-2xx or 3xx responses:/ {print $5} END {}' <<<"$out" | grep . || echo 0)" "$LOGIN_DURATION"

baseline=$(awk -v a="${rps[static-before]}" -v b="${rps[static-after]}" 'BEGIN {printf "%.2f", (a + b) / 2}')
echo
echo "ratio to the static baseline (mean of before and after: $baseline req/s), and the time each request adds:"
for name in open-jsp protected-jsp invalid-token-401 login; do
  awk -v n="$name" -v r="${rps[$name]}" -v b="$baseline" \
    'BEGIN {printf "  %-20s %6.3f  (%+.1f us per request)\n", n, r / b, (1e6 / r - 1e6 / b)}'
done
awk -v p="${rps[protected-jsp]}" -v o="${rps[open-jsp]}" \
  'BEGIN {printf "  protected-jsp / open-jsp %6.3f  (%+.1f us per request: the filter, token included)\n", p / o, (1e6 / p - 1e6 / o)}'
