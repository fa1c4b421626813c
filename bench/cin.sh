#!/usr/bin/env bash
# The children in need census at county scale: seed a county (casework seed),
# add ten years of children's cases (bench/cin_cases.sql, or the seed's own
# pathway data with BENCH_CIN_SQL=0), then time `casework returns cin --year
# 2025-26` writing the XML and running every validation rule. Prints the
# figures; docs/BENCHMARKS.md records a run. Beside each run, the references
# measured in the same run: the sqlite3 shell running the census's statements
# (bench/cin_read.sql) and xmllint checking the written XML against the schema.
#   bench/cin.sh [DATABASE]   # reuse DATABASE if it exists
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CASEWORK_BIN:-build/casework}
DB=${1:-bench/out/cin/casework.db}
mkdir -p "$(dirname "$DB")"
if [[ ! -f $DB ]]; then
  echo "== seeding a county into $DB"
  "$BIN" seed --profile county --seed 1 --database "$DB" | tail -2
  if [[ ${BENCH_CIN_SQL:-1} == 1 ]]; then
    echo "== ten years of children's cases (bench/cin_cases.sql)"
    start=$(date +%s.%N)
    sqlite3 "$DB" < bench/cin_cases.sql
    echo "   $(echo "$(date +%s.%N) - $start" | bc) s"
  fi
fi
echo "== database: $(sqlite3 "$DB" 'select count(*) from cases') cases, $(sqlite3 "$DB" 'select count(*) from case_steps') steps"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$BIN" returns cin --year 2025-26 --database "$DB" --out "$(dirname "$DB")/cin-2025-26.xml" \
    2> "$(dirname "$DB")/write.err" || true
  write=$(echo "$(date +%s.%N) - $start" | bc)
  start=$(date +%s.%N)
  "$BIN" returns cin --year 2025-26 --database "$DB" --check > "$(dirname "$DB")/check.out" \
    2> "$(dirname "$DB")/check.err" || true
  check=$(echo "$(date +%s.%N) - $start" | bc)
  echo "run $run: write (read + XML + schema validation) ${write} s; check (read + rules) ${check} s"
  sql=$(sqlite3 "$DB" < bench/cin_read.sql 2>&1 | awk '/^Run Time/ {t += $4} END {printf "%.3f", t}')
  start=$(date +%s.%N)
  xmllint --noout --schema config/returns/cin-2025-26.xsd "$(dirname "$DB")/cin-2025-26.xml" 2> /dev/null || true
  lint=$(echo "$(date +%s.%N) - $start" | bc)
  echo "  references: sqlite3 shell, the census's statements ${sql} s; xmllint --schema ${lint} s"
done
cat "$(dirname "$DB")/write.err" | grep -v '^ts='
tail -1 "$(dirname "$DB")/check.out"
echo "XML: $(stat -c %s "$(dirname "$DB")/cin-2025-26.xml") bytes"
