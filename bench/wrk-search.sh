#!/usr/bin/env bash
# Load test of the public search page with wrk, against a baseline on the same server.
#
#   bash bench/wrk-search.sh [RECORDS] [SECONDS] [CONNECTIONS]
#
# Generates RECORDS fictional records (default 100000), imports them into a new store, starts
# `preventory serve` on loopback, then runs wrk for SECONDS (default 20) with CONNECTIONS
# (default 32) over a fixed rotation of search URLs (words, phrases, synonyms, filters, pages),
# and the same load against /healthz as the baseline (the server's per-request floor: routing,
# middleware, headers). Prints both and the ratio. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-100000}
seconds=${2:-20}
connections=${3:-32}
port=${PREVENTORY_BENCH_PORT:-18931}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --locked -q -p preventory
bin=target/release/preventory

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
echo "data: $records records from 'preventory gen --seed 42'"
"$bin" gen --count "$records" --seed 42 --out "$work/records" >/dev/null
start=$(date +%s.%N)
"$bin" --db "$work/store.db" import "$work/records" 2>/dev/null | tail -1
echo "import: $(echo "$(date +%s.%N) - $start" | bc) s"

start=$(date +%s.%N)
PREVENTORY_LOG=warn "$bin" --db "$work/store.db" serve --no-examples --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
echo "server ready (index built or opened) after $(echo "$(date +%s.%N) - $start" | bc) s"
curl -fsS "http://127.0.0.1:$port/search?q=programme" -o /dev/null

cat >"$work/search.lua" <<'LUA'
-- A fixed rotation of search pages: single words, several words, a phrase, synonyms,
-- typos, filters (OR within a facet, AND across) and later pages.
local paths = {
  "/search?q=programme",
  "/search?q=group+work+adults",
  "/search?q=%22relapse+prevention%22",
  "/search?q=child+pornography",
  "/search?q=indecent+images+of+children",
  "/search?q=worried+about+my+thoughts",
  "/search?q=helpline",
  "/search?q=progamme",
  "/search?q=family&target_group=communities_and_families",
  "/search?q=treatment&gender=male&prevention_level=tertiary",
  "/search?q=support&delivery=phone&delivery=online",
  "/search?age_group=young_people&rating=promising",
  "/search?q=internet&page=2",
  "/search?q=sex+offender&sort=rating",
  "/search?q=",
  "/search?q=harmful+sexual+behaviour&age_group=young_people",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA

run() {
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" 2>&1
}
echo
echo "== search pages ($seconds s, $connections connections, 2 threads)"
search_out=$(run -s "$work/search.lua" "http://127.0.0.1:$port")
echo "$search_out"
echo
echo "== baseline: /healthz on the same server"
base_out=$(run "http://127.0.0.1:$port/healthz")
echo "$base_out"

rps() { echo "$1" | awk '/Requests\/sec/{print $2}'; }
errors() { echo "$1" | awk '/Non-2xx|Socket errors/{print}'; }
s=$(rps "$search_out"); b=$(rps "$base_out")
echo
echo "search: $s requests/s; baseline /healthz: $b requests/s; search / baseline = $(echo "scale=3; $s / $b" | bc)"
echo "errors: search [$(errors "$search_out")] baseline [$(errors "$base_out")]"
echo "target >= 3000 requests/s with 0 errors: $(awk -v s="$s" 'BEGIN{print (s>=3000)?"met":"NOT met"}')"
