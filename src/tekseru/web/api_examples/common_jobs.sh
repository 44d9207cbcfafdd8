#!/bin/sh
# The common jobs through the API with curl: sign in, import subjects and evidence, assess, draft the
# semi-annual list, read the results. Needs curl and python3 (to read JSON answers).
#   TEKSERU_URL=http://127.0.0.1:8000 TEKSERU_USER=planner TEKSERU_PASSWORD=... \
#   SUBJECTS=subjects.csv EVIDENCE=evidence.csv HALF_YEAR=2027-H1 sh common_jobs.sh
set -eu
API="${TEKSERU_URL:-http://127.0.0.1:8000}/api/v1"
JAR="$(mktemp)"
trap 'rm -f "$JAR"' EXIT
field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

# 1. Sign in: the session cookie goes to the jar; every change sends the CSRF token back.
TOKEN="$(curl -sSf -c "$JAR" -H 'Content-Type: application/json' \
  -d "{\"username\": \"$TEKSERU_USER\", \"password\": \"$TEKSERU_PASSWORD\"}" \
  "$API/auth/login" | field '["csrf_token"]')"

# Jobs run in the background: wait until one has ended and say how.
wait_for() {
  while :; do
    STATUS="$(curl -sSf -b "$JAR" "$API/jobs/$1" | field '["status"]')"
    case "$STATUS" in queued|running|cancelling) sleep 1 ;; *) echo "job $1: $STATUS"; break ;; esac
  done
  [ "$STATUS" = finished ]
}

# 2. Import the registry, then the evidence (CSV or XLSX; a workbook of several sheets takes -F sheet=...).
JOB="$(curl -sSf -b "$JAR" -H "X-CSRF-Token: $TOKEN" \
  -F kind=import_subjects -F "file=@$SUBJECTS" "$API/imports" | field '["id"]')"
wait_for "$JOB"
JOB="$(curl -sSf -b "$JAR" -H "X-CSRF-Token: $TOKEN" \
  -F kind=import_evidence -F "file=@$EVIDENCE" "$API/imports" | field '["id"]')"
wait_for "$JOB"

# 3. Assess every subject (as of today; {"as_of": "2027-01-01"} for another day).
JOB="$(curl -sSf -b "$JAR" -H "X-CSRF-Token: $TOKEN" -H 'Content-Type: application/json' \
  -d '{}' "$API/assessments" | field '["id"]')"
wait_for "$JOB"
RUN="$(curl -sSf -b "$JAR" "$API/jobs/$JOB" | field '["result"]["run_id"]')"

# 4. Draft the semi-annual list from the latest assessment.
curl -sSf -b "$JAR" -H "X-CSRF-Token: $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"half_year\": \"$HALF_YEAR\"}" "$API/plans" | field '["id"]' | sed 's/^/list /'

# 5. Read the results: the ten highest first (equal scores in the list's order), then every row as CSV.
curl -sSf -b "$JAR" "$API/assessments/$RUN/results?sort=score&per_page=10" \
  | python3 -c 'import json, sys; [print(r["bin"], r["score"], r["risk_class"]) for r in json.load(sys.stdin)["items"]]'
curl -sSf -b "$JAR" -o results.csv "$API/exports/results/$RUN?format=csv&lang=ru"
