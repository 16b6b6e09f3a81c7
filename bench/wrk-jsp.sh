#!/usr/bin/env bash
# The price of protection over HTTP: the same trivial JSP, open (/open/hello.jsp) and behind JwtAuthFilter with a
# valid HS256 bearer token (/protected/hello.jsp), in one web application (dev.holdfast.bench.JspRatioServer), in
# embedded Jetty 12 and Tomcat 10.1. Each round runs four loads in a rotating order: the open page; the open page
# sent the same Authorization header (the HTTP cost of carrying a token, which no filter can avoid); the page
# behind a filter that only wraps the request and names a user (/wrapped/hello.jsp, what any authentication
# filter costs before it does anything of its own); and the protected page. Three ratios per round, medians over
# rounds: protected/open, protected/open-with-token, protected/wrapped (Holdfast's own work).
#   bench/wrk-jsp.sh                      both containers, wrk and the container sharing both cores
#   PIN=1 bench/wrk-jsp.sh                the container on core 0, wrk (one thread) on core 1: the ratios then
#                                         measure the container's own work per request, not how the scheduler
#                                         shares two cores between it and wrk (steadier; what the docs quote)
#   CONTAINERS=tomcat ROUNDS=9 bench/wrk-jsp.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-3s}"
ROUNDS="${ROUNDS:-8}"
WARMUP="${WARMUP:-6s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
CONTAINERS="${CONTAINERS:-jetty tomcat}"
PIN="${PIN:-0}"
if [[ "$PIN" == 1 ]]; then
  THREADS=1
  on_server=(taskset -c 0)
  on_client=(taskset -c 1)
else
  on_server=()
  on_client=()
fi

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  mvn -q -Pbench -DskipTests test-compile
fi
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
rps_of() { awk '/^Requests\/sec:/ {print $2}' <<<"$1"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds, $([[ "$PIN" == 1 ]] && echo "container on core 0, wrk on core 1" || echo "unpinned"), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for container in $CONTAINERS; do
  port_file="target/jsp-ratio-$container.port"; token_file="target/jsp-ratio-$container.token"
  rm -f "$port_file" "$token_file"
  "${on_server[@]}" java -Dlogback.configurationFile=bench/logback.xml -cp "$cp" dev.holdfast.bench.JspRatioServer "$container" \
    "$port_file" "$token_file" > "target/jsp-ratio-$container.log" 2>&1 &
  server=$!
  trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    [[ -s "$port_file" ]] && break
    kill -0 "$server" 2>/dev/null || { echo "$container died:"; cat "target/jsp-ratio-$container.log"; exit 1; }
    sleep 0.5
  done
  base="http://127.0.0.1:$(cat "$port_file")"
  token=$(cat "$token_file")
  open=("$base/open/hello.jsp")
  protected=(-H "Authorization: Bearer $token" "$base/protected/hello.jsp")
  carrying=(-H "Authorization: Bearer $token" "$base/open/hello.jsp")
  wrapped=(-H "Authorization: Bearer $token" "$base/wrapped/hello.jsp")
  [[ "$(curl -s "${open[@]}")" == "hello null" ]] || { echo "$container: open page wrong"; exit 1; }
  [[ "$(curl -s "${protected[@]}")" == "hello bench" ]] || { echo "$container: protected page wrong"; exit 1; }
  [[ "$(curl -s "${wrapped[@]}")" == "hello bench" ]] || { echo "$container: wrapped page wrong"; exit 1; }
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/protected/hello.jsp")" == 401 ]] || { echo "$container: no 401 without token"; exit 1; }
  load() { "${on_client[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" "$@"; }
  for warm in open carrying wrapped protected; do
    declare -n warm_args="$warm"
    load -d"$WARMUP" "${warm_args[@]}" >/dev/null
  done
  ratios=""; filter_ratios=""; own_ratios=""; opens=""; carries=""; wraps=""; prots=""
  order=(open carrying wrapped protected)
  for round in $(seq 1 "$ROUNDS"); do
    declare -A rps=()
    for i in 0 1 2 3; do
      which="${order[$(( (i + round) % 4 ))]}"
      declare -n args="$which"
      rps[$which]=$(rps_of "$(load -d"$DURATION" "${args[@]}")")
    done
    o=${rps[open]}; c=${rps[carrying]}; w=${rps[wrapped]}; p=${rps[protected]}
    r=$(awk -v p="$p" -v o="$o" 'BEGIN {printf "%.3f", p / o}')
    f=$(awk -v p="$p" -v c="$c" 'BEGIN {printf "%.3f", p / c}')
    h=$(awk -v p="$p" -v w="$w" 'BEGIN {printf "%.3f", p / w}')
    echo "  $container round $round: open $o, open with token $c, wrapped $w, protected $p req/s;" \
      "protected/open $r, protected/open-with-token $f, protected/wrapped $h"
    ratios+="$r "; filter_ratios+="$f "; own_ratios+="$h "; opens+="$o "; carries+="$c "; wraps+="$w "; prots+="$p "
  done
  echo "$container: median req/s open $(median <<<"$opens"), open with token $(median <<<"$carries")," \
    "wrapped $(median <<<"$wraps"), protected $(median <<<"$prots");" \
    "median protected/open $(median <<<"$ratios") (per-round: $ratios);" \
    "median protected/open-with-token $(median <<<"$filter_ratios") (per-round: $filter_ratios);" \
    "median protected/wrapped $(median <<<"$own_ratios") (per-round: $own_ratios)"
  kill "$server"; wait "$server" 2>/dev/null || true
  trap - EXIT
done
