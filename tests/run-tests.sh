#!/usr/bin/env bash
# Runs every test tier against what ./build.sh built, in order of what they need:
#   pure (no native code) → native (patched llama.cpp + TorchSharp + real GGUF) → end-to-end (the built ./llamajump).
# Full logs go to build/test-logs/<tier>.log; failures are echoed. The last line is "N passed, N failed, N skipped".
# Usage: tests/run-tests.sh [Release|Debug]
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFIGURATION="${1:-Release}"
LOGS="$ROOT/build/test-logs"
mkdir -p "$LOGS"

passed=0 failed=0 skipped=0
for tier in Pure Native EndToEnd; do
  exe="$ROOT/tests/$tier/bin/$CONFIGURATION/net10.0/LlamaJump.Tests.$tier"
  log="$LOGS/$tier.log"
  printf '\n==> test tier %s\n' "$tier" >&2
  if [[ ! -x "$exe" ]]; then
    echo "    not built: $exe (run ./build.sh)" >&2
    failed=$((failed + 1))
    continue
  fi
  start=$SECONDS
  (cd "$ROOT" && "$exe" -noColor -noLogo </dev/null) >"$log" 2>&1
  rc=$?
  summary="$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$log" | tail -1)"
  if [[ -z "$summary" ]]; then
    echo "    the $tier tier ended without a summary (exit code $rc); last lines of $log:" >&2
    tail -20 "$log" >&2
    failed=$((failed + 1))
    continue
  fi
  total=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$summary")
  errors=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$summary")
  fails=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$summary")
  skips=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$summary")
  notrun=$(sed -E 's/.*Not Run: ([0-9]+).*/\1/' <<<"$summary")
  tier_failed=$((fails + errors))
  tier_passed=$((total - fails - skips - notrun))
  if ((rc != 0 && tier_failed == 0)); then
    tier_failed=1 # the runner itself failed (e.g. a crash after the summary)
  fi
  passed=$((passed + tier_passed)) failed=$((failed + tier_failed)) skipped=$((skipped + skips))
  printf '    %d passed, %d failed, %d skipped in %ds (log: build/test-logs/%s.log)\n' \
    "$tier_passed" "$tier_failed" "$skips" $((SECONDS - start)) "$tier" >&2
  if ((tier_failed > 0)); then
    grep -E -A8 '\[FAIL\]' "$log" | grep -v -E '^\s+at |Stack Trace:' | head -60 >&2
  fi
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
