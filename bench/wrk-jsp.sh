#!/usr/bin/env bash
# The price of protection over HTTP: the same trivial JSP, open (/open/hello.jsp) and behind JwtAuthFilter with a
# valid HS256 bearer token (/protected/hello.jsp), in one web application (dev.holdfast.bench.JspRatioServer), in
# embedded Jetty 12 and Tomcat 10.1. Each round runs three loads in a rotating order: the open page, the open page
# sent the same Authorization header (the HTTP cost of carrying a token, which no filter can avoid), and the
# protected page. Two ratios per round, medians over rounds: protected/open and protected/open-with-token (the
# filter's own price).
#   bench/wrk-jsp.sh                      both containers
#   CONTAINERS=tomcat ROUNDS=9 bench/wrk-jsp.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-3s}"
ROUNDS="${ROUNDS:-8}"
WARMUP="${WARMUP:-6s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
CONTAINERS="${CONTAINERS:-jetty tomcat}"

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  mvn -q -Pbench -DskipTests test-compile
fi
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
rps_of() { awk '/^Requests\/sec:/ {print $2}' <<<"$1"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for container in $CONTAINERS; do
  port_file="target/jsp-ratio-$container.port"; token_file="target/jsp-ratio-$container.token"
  rm -f "$port_file" "$token_file"
  java -Dlogback.configurationFile=bench/logback.xml -cp "$cp" dev.holdfast.bench.JspRatioServer "$container" \
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
  [[ "$(curl -s "${open[@]}")" == "hello null" ]] || { echo "$container: open page wrong"; exit 1; }
  [[ "$(curl -s "${protected[@]}")" == "hello bench" ]] || { echo "$container: protected page wrong"; exit 1; }
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/protected/hello.jsp")" == 401 ]] || { echo "$container: no 401 without token"; exit 1; }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${open[@]}" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${protected[@]}" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${carrying[@]}" >/dev/null
  ratios=""; filter_ratios=""; opens=""; carries=""; prots=""
  order=(open carrying protected)
  for round in $(seq 1 "$ROUNDS"); do
    declare -A rps=()
    for i in 0 1 2; do
      which="${order[$(( (i + round) % 3 ))]}"
      case "$which" in
        open) args=("${open[@]}") ;;
        carrying) args=("${carrying[@]}") ;;
        protected) args=("${protected[@]}") ;;
      esac
      rps[$which]=$(rps_of "$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${args[@]}")")
    done
    o=${rps[open]}; c=${rps[carrying]}; p=${rps[protected]}
    r=$(awk -v p="$p" -v o="$o" 'BEGIN {printf "%.3f", p / o}')
    f=$(awk -v p="$p" -v c="$c" 'BEGIN {printf "%.3f", p / c}')
    echo "  $container round $round: open $o, open with token $c, protected $p req/s; protected/open $r, protected/open-with-token $f"
    ratios+="$r "; filter_ratios+="$f "; opens+="$o "; carries+="$c "; prots+="$p "
  done
  echo "$container: median req/s open $(median <<<"$opens"), open with token $(median <<<"$carries"), protected $(median <<<"$prots");" \
    "median protected/open $(median <<<"$ratios") (per-round: $ratios);" \
    "median protected/open-with-token $(median <<<"$filter_ratios") (per-round: $filter_ratios)"
  kill "$server"; wait "$server" 2>/dev/null || true
  trap - EXIT
done
