#!/usr/bin/env bash
# Benchmark casework against its reference limits, on one machine in one run:
#   bench/run.sh [tiny|district|county]        (default county)
#
# 1. builds casework and the two reference programs (bench/ref/),
# 2. seeds a fresh database with the profile (casework seed, seed 1) and
#    records the seeding time and database size,
# 3. starts the server (cold start to first answer is timed) and the bare
#    libmicrohttpd server, gets an API token (casework token create),
# 4. runs wrk (bench/wrk/*.lua) at 1, 16 and 64 connections against
#    GET /health, the bare server's 1 KB answer, and the mix signed-in users
#    make: open a person, search, open a tray (the worker whose caseload is
#    nearest 40), open a team's workload (the largest team, as its manager),
#    open a chronology, record a contact, complete a step (the front-door
#    decisions on the contacts just recorded), interleaved so both servers
#    see the same machine; each after a warm-up, RUNS times, the median kept,
# 5. runs raw SQLite primary-key lookups and FTS5 note queries on the seeded
#    database, and times synchronous 4 KB writes (dd oflag=dsync): the rate
#    at which this disk can make commits durable, which bounds every write,
# 6. writes OUT/results.md (the tables docs/BENCHMARKS.md quotes) and
#    OUT/raw.txt (every run, with the load average when it started).
# Exits non-zero if any run had errors or non-2xx answers (scripts/test.sh
# runs the tiny profile for that), never for being slow.
#
# Settings (environment): BENCH_SEED (1), BENCH_DURATION seconds per run
# (county/district 10, tiny 1, with no warm-up), BENCH_RUNS (3; tiny 1), BENCH_OUT
# (bench/out/PROFILE), BENCH_THREADS (the server's worker threads, 4),
# BENCH_REUSE (set: measure the database a previous run of this profile
# seeded in OUT, with its seed.txt, instead of seeding again; the benchmark's
# own writes stay in it), BENCH_QUIET_LOAD and BENCH_QUIET_WAIT: before measuring, wait up to WAIT
# seconds for the 1-minute load average to fall below LOAD (default: no wait;
# on a shared machine other work skews every figure).
# Needs scripts/setup.sh to have run (wrk, sqlite3, the build).
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${1:-county}
case $PROFILE in
tiny) DURATION=${BENCH_DURATION:-1} RUNS=${BENCH_RUNS:-1} WARM=0 LOOKUPS=200000 FTS=2000 ;;
district | county) DURATION=${BENCH_DURATION:-10} RUNS=${BENCH_RUNS:-3} WARM=2 LOOKUPS=1000000 FTS=20000 ;;
*)
  echo "usage: bench/run.sh [tiny|district|county]" >&2
  exit 2
  ;;
esac
SEED=${BENCH_SEED:-1}
THREADS=${BENCH_THREADS:-4}
OUT=${BENCH_OUT:-bench/out/$PROFILE}
DB=$OUT/casework.db
for tool in wrk sqlite3 curl cc node; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing: run scripts/setup.sh" >&2; exit 1; }
done
mkdir -p "$OUT"
[[ -n ${BENCH_REUSE:-} && -s $OUT/seed.txt ]] || rm -f "$DB" "$DB-wal" "$DB-shm"
rm -f "$OUT/raw.txt"
started=$(date +%s)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "== build"
[[ -f build/CMakeCache.txt ]] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
# shellcheck disable=SC2046
cc -O2 -Wall -o "$OUT/mhd_hello" bench/ref/mhd_hello.c $(pkg-config --cflags --libs libmicrohttpd) -lpthread
# shellcheck disable=SC2046
cc -O2 -Wall -o "$OUT/sqlite_pk" bench/ref/sqlite_pk.c $(pkg-config --cflags --libs sqlite3)
# shellcheck disable=SC2046
cc -O2 -Wall -o "$OUT/sqlite_fts" bench/ref/sqlite_fts.c $(pkg-config --cflags --libs sqlite3)

if [[ -n ${BENCH_REUSE:-} && -s $OUT/seed.txt ]]; then
  echo "== seed: reusing $DB (BENCH_REUSE)"
else
  echo "== seed ($PROFILE, seed $SEED)"
  ./build/casework seed --profile "$PROFILE" --seed "$SEED" --database "$DB" >"$OUT/seed.txt" 2>"$OUT/seed.log"
fi
cat "$OUT/seed.txt"
MAX_ID=$(sqlite3 "$DB" "SELECT MAX(id) FROM people")
STEP=$(( MAX_ID / 2000 > 1 ? MAX_ID / 2000 : 1 ))
# A sample of seeded people the search script turns into queries.
sqlite3 -separator $'\t' "$DB" "SELECT p.forenames, p.surname, COALESCE(p.dob, ''),
  COALESCE(p.nhs_number, ''), COALESCE((SELECT a.postcode FROM addresses a WHERE a.person_id = p.id
  AND a.to_date IS NULL ORDER BY a.id DESC LIMIT 1), '') FROM people p WHERE p.id % $STEP = 0" >"$OUT/people.tsv"
USER_NAME=$(sqlite3 "$DB" "SELECT username FROM users WHERE role = 'practitioner' ORDER BY id LIMIT 1")
TOKEN=$(./build/casework token create "$USER_NAME" bench --database "$DB")
# The worker whose open cases are nearest 40 (their tray; they also record
# contacts and decide them), and the largest team holding open cases (the
# front door's team holds none) with its manager.
read -r TRAY_USER TRAY_CASES < <(sqlite3 -separator ' ' "$DB" "SELECT u.username, COUNT(c.id)
  FROM users u JOIN cases c ON c.allocated_user_id = u.id AND c.status = 'open'
  WHERE u.role = 'practitioner' GROUP BY u.id ORDER BY ABS(COUNT(c.id) - 40), u.id LIMIT 1")
read -r TEAM_ID TEAM_SIZE MANAGER < <(sqlite3 -separator ' ' "$DB" "SELECT t.id,
  (SELECT COUNT(*) FROM user_teams x WHERE x.team_id = t.id), (SELECT u.username FROM users u
  JOIN user_teams m ON m.user_id = u.id WHERE m.team_id = t.id AND u.role = 'manager' LIMIT 1)
  FROM teams t WHERE EXISTS (SELECT 1 FROM cases c WHERE c.allocated_team_id = t.id
  AND c.status = 'open') ORDER BY 2 DESC, t.id LIMIT 1")
TRAY_TOKEN=$(./build/casework token create "$TRAY_USER" bench --database "$DB")
MANAGER_TOKEN=$(./build/casework token create "$MANAGER" bench --database "$DB")
echo "tray: $TRAY_USER ($TRAY_CASES open cases); workload: team $TEAM_ID ($TEAM_SIZE members), $MANAGER"
# People whose cases the manager's team holds (person reads and chronologies:
# need-to-know lets the manager open those without a reason), and children on
# the as-of day (contacts).
sqlite3 "$DB" "SELECT DISTINCT person_id FROM cases WHERE allocated_team_id = $TEAM_ID
  OR allocated_user_id IN (SELECT user_id FROM user_teams WHERE team_id = $TEAM_ID)
  LIMIT 5000" >"$OUT/case_people.txt"
sqlite3 "$DB" "SELECT id FROM people WHERE dob > date('now', '-17 years') AND dod IS NULL
  AND merged_into IS NULL ORDER BY id LIMIT 5000" >"$OUT/children.txt"
node bench/stepbody.mjs config children >"$OUT/step_body.json"
SEEDED_STEP=$(sqlite3 "$DB" "SELECT COALESCE(MAX(id), 0) FROM case_steps")
export BENCH_TOKEN=$TOKEN BENCH_MAX_ID=$MAX_ID BENCH_PEOPLE=$OUT/people.tsv \
  BENCH_TRAY_TOKEN=$TRAY_TOKEN BENCH_MANAGER_TOKEN=$MANAGER_TOKEN BENCH_TEAM_ID=$TEAM_ID \
  BENCH_CASE_PEOPLE=$OUT/case_people.txt BENCH_CHILDREN=$OUT/children.txt \
  BENCH_STEP_BODY=$OUT/step_body.json BENCH_STEPS=$OUT/steps.txt \
  BENCH_SOURCE=$(awk -F'\t' '!/^#/ && NF {print $1; exit}' config/codes/referral_source.txt)

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

echo "== start"
PORT=$(free_port)
t0=$(now_ms)
./build/casework serve --database "$DB" --listen "127.0.0.1:$PORT" --threads "$THREADS" \
  >"$OUT/serve.out" 2>"$OUT/serve.log" &
SERVER=$!
pids+=("$SERVER")
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; do
  kill -0 "$SERVER" 2>/dev/null || { echo "bench: the server exited" >&2; cat "$OUT/serve.log" >&2; exit 1; }
  sleep 0.005
done
COLD_MS=$(( $(now_ms) - t0 ))
RSS_START=$(rss_kb "$SERVER" VmRSS)
HELLO_PORT=$(free_port)
"$OUT/mhd_hello" "$HELLO_PORT" >/dev/null &
pids+=("$!")
until curl -sf -o /dev/null "http://127.0.0.1:$HELLO_PORT/"; do sleep 0.005; done
echo "cold start to first answer: $COLD_MS ms; RSS $RSS_START kB"

# measure NAME URL SCRIPT CONNECTIONS: a warm-up, then RUNS runs into raw.txt.
measure() {
  local name=$1 url=$2 script=$3 c=$4 t=2
  ((c > 1)) || t=1
  export BENCH_THREADS_WRK=$t
  [[ $name == step ]] && open_steps
  ((WARM == 0)) || wrk -t$t -c"$c" -d"${WARM}s" -s "$script" "$url" >/dev/null
  for ((r = 1; r <= RUNS; r++)); do
    local load line
    load=$(cut -d' ' -f1 /proc/loadavg)
    [[ $name == step ]] && open_steps
    line=$(wrk -t$t -c"$c" -d"${DURATION}s" -s "$script" "$url" | grep '^RESULT')
    echo "$name c=$c run=$r load=$load ${line#RESULT }" | tee -a "$OUT/raw.txt"
  done
}

# The front-door steps of the contacts the benchmark recorded that are still
# open: what the step script completes, each once.
# Requests still in flight when the last wrk ended finish first (the count
# holds still for half a second), or a step would be completed twice.
open_steps() {
  local q="SELECT COUNT(*) FROM case_steps WHERE id > $SEEDED_STEP AND status = 'open'" a b
  a=$(sqlite3 "$DB" "$q")
  while sleep 0.5 && b=$(sqlite3 "$DB" "$q") && [[ $a != "$b" ]]; do a=$b; done
  sqlite3 "$DB" "SELECT id FROM case_steps WHERE id > $SEEDED_STEP AND status = 'open'
    AND step = 'contact' ORDER BY id" >"$OUT/steps.txt"
  [[ -s $OUT/steps.txt ]] || echo 0 >"$OUT/steps.txt"
}

if [[ -n ${BENCH_QUIET_LOAD:-} ]]; then
  waited=0
  while awk -v l="$BENCH_QUIET_LOAD" '{exit !($1 >= l)}' /proc/loadavg && ((waited < ${BENCH_QUIET_WAIT:-600})); do
    sleep 10
    waited=$((waited + 10))
  done
  echo "waited ${waited}s for a quiet machine; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
fi

echo "== wrk: ${DURATION}s x $RUNS runs at 1, 16, 64 connections"
BASE=http://127.0.0.1:$PORT
for c in 1 16 64; do
  measure mhd_hello "http://127.0.0.1:$HELLO_PORT/" bench/wrk/plain.lua "$c"
  measure health "$BASE/health" bench/wrk/plain.lua "$c"
  measure person "$BASE" bench/wrk/person.lua "$c"
  measure search "$BASE" bench/wrk/search.lua "$c"
  measure tray "$BASE" bench/wrk/tray.lua "$c"
  measure workload "$BASE" bench/wrk/workload.lua "$c"
  measure chronology "$BASE" bench/wrk/chronology.lua "$c"
  measure contact "$BASE" bench/wrk/contact.lua "$c"
  measure step "$BASE" bench/wrk/step.lua "$c"
done
RSS_END=$(rss_kb "$SERVER" VmRSS)
RSS_PEAK=$(rss_kb "$SERVER" VmHWM)
kill "$SERVER"
wait "$SERVER" || true

echo "== sqlite primary-key lookups ($LOOKUPS, one thread)"
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"
$PIN "$OUT/sqlite_pk" "$DB" "$LOOKUPS" | tee "$OUT/sqlite_pk.txt"
echo "== sqlite FTS5 note queries ($FTS, one thread)"
$PIN "$OUT/sqlite_fts" "$DB" "$FTS" | tee "$OUT/sqlite_fts.txt"
echo "== synchronous 4 KB writes (dd oflag=dsync, 1000)"
DSYNC_S=$(dd if=/dev/zero of="$OUT/dsync.probe" bs=4k count=1000 oflag=dsync 2>&1 | awk '/copied/ {print $(NF-3)}')
rm -f "$OUT/dsync.probe"
DSYNC=$(awk -v s="$DSYNC_S" 'BEGIN {printf "%.0f", 1000 / s}')
echo "$DSYNC durable writes/s"

echo "== results"
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
field() { grep "^$1 c=$2 " "$OUT/raw.txt" | tr ' ' '\n' | awk -F= -v k="$3" '$1 == k {print $2}'; }
med() { field "$1" "$2" "$3" | median; }
sum() { field "$1" "$2" "$3" | awk '{s += $1} END {print s + 0}'; }
PK_AUTO=$(awk -F'per_second=' '/mode=autocommit/ {print $2}' "$OUT/sqlite_pk.txt")
PK_TXN=$(awk -F'per_second=' '/mode=txn1000/ {print $2}' "$OUT/sqlite_pk.txt")
{
  echo "Profile $PROFILE, seed $SEED; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo '+changes');"
  echo "$(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM;"
  echo "SQLite $(pkg-config --modversion sqlite3), libmicrohttpd $(pkg-config --modversion libmicrohttpd), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2);"
  echo "server threads $THREADS; wrk ${DURATION}s x $RUNS runs (median), ${WARM}s warm-up; load average at the start of each run in raw.txt."
  echo
  sed -n '1,2p' "$OUT/seed.txt"
  echo
  echo "| what | connections | requests/s | p50 ms | p99 ms | errors | limit | ratio |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
  for c in 1 16 64; do
    hello=$(med mhd_hello "$c" rps)
    for name in mhd_hello health person search tray workload chronology contact step; do
      rps=$(med "$name" "$c" rps)
      p50=$(med "$name" "$c" p50_us)
      p99=$(med "$name" "$c" p99_us)
      case $name in
      mhd_hello) limit="reference (bare libmicrohttpd, 1 KB)" ratio="1.00" ;;
      health) limit="bare libmicrohttpd $(printf %.0f "$hello")/s" ratio=$(awk -v a="$rps" -v b="$hello" 'BEGIN {printf "%.2f", a / b}') ;;
      person) limit="bare libmicrohttpd $(printf %.0f "$hello")/s (target 0.25; p99 20 ms)" ratio=$(awk -v a="$rps" -v b="$hello" 'BEGIN {printf "%.3f", a / b}') ;;
      search) limit="p99 under 20 ms" ratio=$(awk -v a="$p99" 'BEGIN {printf "%.2f", a / 20000}') ;;
      tray) limit="p99 under 50 ms" ratio=$(awk -v a="$p99" 'BEGIN {printf "%.2f", a / 50000}') ;;
      contact) limit="p99 under 50 ms, no errors" ratio=$(awk -v a="$p99" 'BEGIN {printf "%.2f", a / 50000}') ;;
      step) limit="durable writes $DSYNC/s" ratio=$(awk -v a="$rps" -v b="$DSYNC" 'BEGIN {printf "%.2f", a / b}') ;;
      *) limit="bare libmicrohttpd $(printf %.0f "$hello")/s" ratio=$(awk -v a="$rps" -v b="$hello" 'BEGIN {printf "%.3f", a / b}') ;;
      esac
      printf "| %s | %s | %.0f | %.2f | %.2f | %s | %s | %s |\n" "$name" "$c" "$rps" \
        "$(awk -v v="$p50" 'BEGIN {print v / 1000}')" "$(awk -v v="$p99" 'BEGIN {print v / 1000}')" \
        "$(sum "$name" "$c" errors)" "$limit" "$ratio"
    done
  done
  echo
  echo "SQLite primary-key lookups on the seeded people table (one thread${PIN:+, pinned to CPU 0}):"
  echo "$PK_AUTO/s autocommit, $PK_TXN/s with 1,000 per transaction (person reads at 1 connection:"
  echo "$(awk -v a="$(med person 1 rps)" -v b="$PK_AUTO" 'BEGIN {printf "%.4f", a / b}') of autocommit)."
  echo "SQLite FTS5 on the seeded notes (one thread): $(awk '/mode=unranked/ {sub("per_second=", "", $4); sub("mean_ms=", "", $5); print $4 "/s, " $5 " ms each"}' "$OUT/sqlite_fts.txt") for the first 20 matches;"
  echo "$(awk '/mode=ranked/ {sub("mean_ms=", "", $5); print $5}' "$OUT/sqlite_fts.txt") ms each for the best 20 by rank."
  echo "Synchronous 4 KB writes (dd oflag=dsync): $DSYNC/s; a person read is one durable commit."
  echo "Tray: $TRAY_USER with $TRAY_CASES open cases; workload: team $TEAM_ID with $TEAM_SIZE members."
  echo "Server: cold start to first answer $COLD_MS ms; RSS $RSS_START kB after start,"
  echo "$RSS_END kB after the runs (peak $RSS_PEAK kB)."
  echo "Whole run: $(( $(date +%s) - started )) s."
} >"$OUT/results.md"
cat "$OUT/results.md"
# The harness is broken if any request failed: a socket error, a timeout, or
# an answer that was not 2xx/3xx.
bad=$(awk '{for (i = 1; i <= NF; i++) if ($i ~ /^errors=/) {split($i, kv, "="); s += kv[2]}} END {print s + 0}' "$OUT/raw.txt")
if ((bad > 0)); then
  echo "bench: $bad requests failed (errors= in $OUT/raw.txt)" >&2
  grep -v ' errors=0 ' "$OUT/raw.txt" >&2 || true
  exit 1
fi
