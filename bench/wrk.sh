#!/usr/bin/env bash
# HTTP load on the built WAR in embedded Jetty (docs/benchmarks.md). Each case is reported as requests/s and
# as a ratio to a static file served outside the filter, measured in the same round, seconds apart.
#   bench/wrk.sh                     build (mvn -Pbench package), start the server, run every case
#   BENCH_NO_BUILD=1 bench/wrk.sh    reuse target/ as it is
#   DURATION=5s ROUNDS=5 CONNECTIONS=8 bench/wrk.sh
# Needs PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres, database test): the server drops and
# creates the database holdfast_bench there. Only ever loads 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-4s}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
WARMUP="${WARMUP:-3s}"
LOGIN_DURATION="${LOGIN_DURATION:-6s}"

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
# the same token with the last character of its signature changed: well-formed, refused with 401
last=${token: -1}; [[ "$last" == A ]] && swap=B || swap=A
bad="${token%?}$swap"

cases=(static open-jsp protected-jsp invalid-token-401)
args_static=("$base/static/holdfast.css")
args_open_jsp=("$base/login.jsp")
args_protected_jsp=(-H "Authorization: Bearer $token" "$base/app/index.jsp")
args_invalid_token_401=(-H "Authorization: Bearer $bad" "$base/app/index.jsp")
expect_static=200; expect_open_jsp=200; expect_protected_jsp=200; expect_invalid_token_401=401

# each case hits the path it claims to, and is warmed up (JIT) without being reported
for name in "${cases[@]}"; do
  args="args_${name//-/_}[@]"; expect="expect_${name//-/_}"
  status=$(curl -s -o /dev/null -w '%{http_code}' "${!args}")
  [[ "$status" == "${!expect}" ]] || { echo "$name answered $status, expected ${!expect}"; exit 1; }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${!args}" >/dev/null
done

rps_of() { awk '/^Requests\/sec:/ {print $2}' <<<"$1"; }
non2xx_of() { awk '/Non-2xx or 3xx responses:/ {n = $5} END {print n + 0}' <<<"$1"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# Rounds: every case once per round, back to back; each ratio is taken against the static baseline of its
# own round and the median over the rounds is reported. Other load on the machine moves the cases of one
# round together, which the ratio mostly cancels.
declare -A all ratios
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds, against $base, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  declare -A this=()
  line="round $round (req/s):"
  for name in "${cases[@]}"; do
    args="args_${name//-/_}[@]"
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${!args}")
    this[$name]=$(rps_of "$out")
    all[$name]+="${this[$name]} "
    if [[ "$name" != invalid-token-401 && $(non2xx_of "$out") != 0 ]]; then
      echo "$name: $(non2xx_of "$out") responses were not 2xx/3xx"; exit 1
    fi
    line+=" $name ${this[$name]}"
  done
  for name in "${cases[@]}"; do
    ratios[$name]+="$(awk -v r="${this[$name]}" -v b="${this[static]}" 'BEGIN {printf "%.4f", r / b}') "
  done
  ratios[filter]+="$(awk -v p="${this[protected-jsp]}" -v o="${this[open-jsp]}" 'BEGIN {printf "%.4f", p / o}') "
  echo "$line"
done

echo
# 2 cores busy: machine time per request = 2 s / (requests per second)
printf '%-20s %12s %14s %22s\n' case "median req/s" "median ratio" "machine time/request"
for name in "${cases[@]}"; do
  r=$(median <<<"${all[$name]}")
  q=$(median <<<"${ratios[$name]}")
  awk -v n="$name" -v r="$r" -v q="$q" 'BEGIN {printf "%-20s %12.0f %13.3fx %19.1f us\n", n, r, q, 2e6 / r}'
done
q=$(median <<<"${ratios[filter]}")
o=$(median <<<"${all[open-jsp]}"); p=$(median <<<"${all[protected-jsp]}")
awk -v q="$q" -v o="$o" -v p="$p" 'BEGIN {printf "protected-jsp / open-jsp: %.3fx (filter + valid token: about %+.0f us of machine time per request)\n", q, 2e6 / p - 2e6 / o}'

out=$(wrk -t1 -c2 -d"$LOGIN_DURATION" --timeout 20s -s bench/login.lua "$base/auth/login")
login=$(rps_of "$out")
[[ $(non2xx_of "$out") == 0 ]] || { echo "login: $(non2xx_of "$out") responses were not 2xx/3xx"; exit 1; }
awk -v l="$login" -v p="$p" 'BEGIN {printf "login (POST /auth/login, bcrypt cost 12, wrk -t1 -c2): %.2f req/s, about %.0f ms of machine time each, %.0fx a protected page\n", l, 2e3 / l, p / l}'
