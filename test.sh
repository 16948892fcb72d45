#!/usr/bin/env bash
# Runs every test of the solution (Release build, as users run it) and ends with one summary line.
#   ./test.sh           everything (what CI runs)
#   ./test.sh --fast    the unit tier only: no test that starts processes, Azurite or a browser (tests marked
#                       [Trait("Tier", "Cluster")] or [Trait("Tier", "Browser")]), for daily work
# Further arguments go to dotnet test (e.g. --filter "FullyQualifiedName~Tokenizer").
set -uo pipefail
if [ "${1:-}" = --fast ]; then
  shift
  set -- --filter "Tier!=Cluster&Tier!=Browser" "$@"
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
log="$(mktemp)"
dotnet test EmbedSweeps.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# dotnet test prints one "Passed!/Failed! - Failed: F, Passed: P, Skipped: S, …" line per test project.
summary=$(grep -E "^(Passed|Failed)!" "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
rm -f "$log"
echo
echo "tests: ${summary:-0 passed, 0 failed}"
exit "$status"
