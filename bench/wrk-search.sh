#!/usr/bin/env bash
# Load test of the public search page with wrk, against a baseline on the same server.
#
#   bash bench/wrk-search.sh [RECORDS] [SECONDS] [CONNECTIONS]
#
# Generates RECORDS fictional records (default 100000), imports them into a new store, starts
# `preventory serve` on loopback (building the search index: its time and peak RSS are
# printed), then runs wrk for SECONDS (default 20) with CONNECTIONS (default 32), each phase
# on a freshly started server:
#   1. popular: a fixed rotation of 16 search pages (words, phrases, synonyms, typos, filters,
#      pages, sorts) — what many people asking the same things looks like; after the first
#      round the result cache answers them;
#   2. broad: random searches over a million distinct pages, which the cache can rarely
#      answer — the cost of searching itself;
#   3. popular again with the result cache off (--search-cache 0);
#   4. /healthz, the baseline: the server's per-request floor (routing, middleware, headers);
#   5. the gap-map API over every pair of axes, with one connection (its latency), and
#      /healthz with one connection beside it.
# The cache's hits and misses are read from each server's log when it stops. Prints every
# figure and the ratios. Traffic stays on 127.0.0.1.
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


logs="$work/logs"
mkdir -p "$logs"
# start_server NAME [serve options…]: starts the server and waits until it answers.
start_server() {
  local name=$1
  shift
  PREVENTORY_LOG="warn,preventory::search_cache=info" "$bin" --db "$work/store.db" serve \
    --no-examples --addr "127.0.0.1:$port" "$@" >"$logs/$name.log" 2>&1 &
  server=$!
  for _ in $(seq 1 1200); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { cat "$logs/$name.log"; exit 1; }
    sleep 0.5
  done
  echo "server did not start"; exit 1
}
stop_server() {
  kill -INT "$server"
  wait "$server" 2>/dev/null || true
  server=""
}
cache_line() { grep -o 'hits=[0-9]* misses=[0-9]*' "$logs/$1.log" | tail -1; }
hit_rate() {
  cache_line "$1" | awk -F'[= ]' '{t=$2+$4; if (t>0) printf "%.1f%%", 100*$2/t; else print "n/a"}'
}

start=$(date +%s.%N)
start_server build
echo "server ready after $(echo "$(date +%s.%N) - $start" | bc) s (search index built from the store)"
echo "peak RSS while building the index: $(awk '/VmHWM/{printf "%d MiB", $2/1024}' /proc/$server/status); RSS now: $(awk '/VmRSS/{printf "%d MiB", $2/1024}' /proc/$server/status)"
stop_server

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

# A broad mix: random searches drawn from 120 words (one to three of them, sometimes quoted
# or misspelt), 0–3 filters, pages 1–5 and every sort: over a million distinct pages, so
# almost none repeats within a run and the result cache can rarely answer.
cat >"$work/broad.lua" <<'LUA'
local words = {
  "sessions","participants","years","prevention","people","online","group","evaluation",
  "children","thoughts","service","programme","course","completed","young","worried",
  "supervision","strategies","staff","situations","sexual","school","safety","professionals",
  "medication","manage","lessons","information","individual","helpline","health","feelings",
  "delivery","community","child","advice","weeks","warning","video","venues","trauma",
  "supports","support","strong","solving","social","skills","signs","sentence","secure",
  "safeguarding","risky","review","relationships","referral","recognise","questionnaires",
  "quarterly","quality","qualified","psychologist","provides","problem","probation","prison",
  "practical","positive","population","platform","places","partners","outcomes","organisation",
  "offered","networks","monthly","mental","managing","links","intervention","intensity",
  "helplines","healthy","harming","groups","girls","future","fulfilling","families","therapy",
  "treatment","counselling","relapse","internet","images","anonymous","confidential",
  "parents","carers","teachers","police","court","custody","community","awareness","training",
  "workshop","toolkit","website","chat","email","phone","remote","offending","behaviour",
  "harmful","boundaries","consent","empathy","coping","shame","disclosure","victims","abuse",
  "grooming","material","offence",
}
local filters = {
  "target_group=potential_offenders","target_group=communities_and_families",
  "target_group=children_and_young_people","target_group=situations_and_places",
  "prevention_level=primary","prevention_level=secondary","prevention_level=tertiary",
  "age_group=children","age_group=young_people","age_group=young_adults","age_group=adults",
  "gender=male","gender=female","delivery=phone","delivery=online","delivery=group_work",
  "delivery=individual_work","rating=effective","rating=promising","rating=prudent",
  "rating=pioneering","language=en","language=de","country=GB","country=DE",
}
local sorts = {"relevance","title","rating","recent"}
local function pick(t) return t[math.random(#t)] end
-- Each wrk thread gets its own seed, or both would ask for the same pages.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", 1000 * threads + os.time())
end
function init(args)
  math.randomseed(seed or 1)
end
request = function()
  local n = math.random(3)
  local q = {}
  for k = 1, n do q[k] = pick(words) end
  local text = table.concat(q, "+")
  local r = math.random(10)
  if r == 1 and n > 1 then text = "%22" .. text .. "%22" end
  if r == 2 then text = string.sub(text, 1, -2) .. "x" end
  local path = "/search?q=" .. text
  for _ = 1, math.random(0, 3) do path = path .. "&" .. pick(filters) end
  local page = math.random(5)
  if page > 1 then path = path .. "&page=" .. page end
  return wrk.format("GET", path .. "&sort=" .. pick(sorts))
end
LUA

run() {
  wrk -t"${WRK_THREADS:-2}" -c"${WRK_CONNECTIONS:-$connections}" -d"${seconds}s" --latency "$@" 2>&1
}
rps() { echo "$1" | awk '/Requests\/sec/{print $2}'; }
p50() { echo "$1" | awk '$1=="50%"{print $2}'; }
p99() { echo "$1" | awk '$1=="99%"{print $2}'; }
errors() { echo "$1" | awk '/Non-2xx|Socket errors/{print}'; }
phase() { # NAME LUA-OR-PATH [serve options…]
  local name=$1 what=$2
  shift 2
  start_server "$name" "$@"
  if [[ $what == *.lua ]]; then
    out=$(run -s "$what" "http://127.0.0.1:$port")
  else
    out=$(run "http://127.0.0.1:$port$what")
  fi
  stop_server
  echo "$out" >"$logs/$name.wrk"
  printf '%-26s %9s req/s  p50 %8s  p99 %8s  cache hits %6s  errors [%s]\n' "$name" \
    "$(rps "$out")" "$(p50 "$out")" "$(p99 "$out")" "$(hit_rate "$name")" "$(errors "$out")"
}

echo
echo "== $seconds s per phase, $connections connections, 2 wrk threads, on the server's 2 cores"
phase popular "$work/search.lua"
phase broad "$work/broad.lua"
phase popular-no-cache "$work/search.lua" --search-cache 0
phase healthz /healthz
# The gap-map API (issue 5): one connection, so the latency is the time to answer one map
# (every pair of axes, with and without filters and words); /healthz the same way as baseline.
cat >"$work/gapmap.lua" <<'LUA'
local axes = {"target_group","prevention_level","age_group","gender","delivery","subgroup",
  "country","language","rating","evidence_level"}
local extra = {"", "&gender=female", "&prevention_level=secondary&prevention_level=tertiary",
  "&q=programme"}
local paths = {}
for _, r in ipairs(axes) do
  for _, c in ipairs(axes) do
    if r ~= c then
      for _, e in ipairs(extra) do
        paths[#paths + 1] = "/api/v1/gap-map?rows=" .. r .. "&cols=" .. c .. e
      end
    end
  end
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
WRK_THREADS=1 WRK_CONNECTIONS=1 phase gap-map-1-connection "$work/gapmap.lua"
WRK_THREADS=1 WRK_CONNECTIONS=1 phase healthz-1-connection /healthz
echo "gap-map API: p99 $(p99 "$(cat "$logs/gap-map-1-connection.wrk")") with one connection (target <= 50 ms); /healthz p99 $(p99 "$(cat "$logs/healthz-1-connection.wrk")")"
echo
b=$(rps "$(cat "$logs/healthz.wrk")")
for name in popular broad popular-no-cache; do
  r=$(rps "$(cat "$logs/$name.wrk")")
  echo "$name: $r requests/s = $(echo "scale=3; $r / $b" | bc) of /healthz; target >= 3000 with 0 errors: $(awk -v s="$r" 'BEGIN{print (s>=3000)?"met":"NOT met"}')"
done
