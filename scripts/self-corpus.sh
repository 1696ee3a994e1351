#!/usr/bin/env bash
# A corpus of a model's own text, for `llamajump dump --corpus`: N continuations sampled from the story openings
# `bench exit` generates from, one per line ("<opening> <continuation>"). Dumping it gives eval's offline λ curve on
# the distribution the online sweep measures (README, "The λ curve, offline and online"). Progress on stderr; an
# interrupted run resumes from FILE.partial, and FILE appears only when all N are written.
# Usage: scripts/self-corpus.sh --out FILE [--model stories260K.gguf] [--stories 300] [--tokens 160] [--temperature 0.8]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model=stories260K.gguf stories=300 tokens=160 temperature=0.8 out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="${2:-}"; shift 2 ;;
    --model) model="${2:-}"; shift 2 ;;
    --stories) stories="${2:-}"; shift 2 ;;
    --tokens) tokens="${2:-}"; shift 2 ;;
    --temperature) temperature="${2:-}"; shift 2 ;;
    *) echo "self-corpus: unknown argument '$1' (see the usage line in $0)" >&2; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "self-corpus: --out FILE is required" >&2; exit 2; }
[[ "$stories" =~ ^[1-9][0-9]*$ ]] || { echo "self-corpus: --stories must be a positive integer (got '$stories')" >&2; exit 2; }
[[ "$tokens" =~ ^[1-9][0-9]*$ ]] || { echo "self-corpus: --tokens must be a positive integer (got '$tokens')" >&2; exit 2; }
[[ "$temperature" =~ ^[0-9]+(\.[0-9]+)?$ && "$temperature" != 0 && ! "$temperature" =~ ^0\.0*$ ]] \
  || { echo "self-corpus: --temperature must be a positive number (got '$temperature')" >&2; exit 2; }

# the openings of bench exit (ExitBenchmark.DefaultPrompts)
openings=(
  "Once upon a time, there was a little girl named Lily."
  "One day, a boy named Tom went to the park with his dog."
  "The sun was shining and the birds were singing."
  "Mom said it was time to clean up the toys."
)
partial="$out.partial"
mkdir -p "$(dirname "$out")"
touch "$partial"
done_count=$(wc -l < "$partial")
for (( i = done_count; i < stories; i++ )); do
  opening="${openings[$(( i % ${#openings[@]} ))]}"
  # one line per story: the sampled text with its line breaks folded; seed i makes every story reproducible
  text=$("$root/llamajump" generate --model "$model" --prompt "$opening" --max-tokens "$tokens" \
    --temperature "$temperature" --seed "$(( i + 1 ))" 2>/dev/null | tr '\n' ' ') \
    || { echo "self-corpus: generate failed for story $(( i + 1 )); run it alone to see why: ./llamajump generate --model $model --prompt \"$opening\"" >&2; exit 1; }
  printf '%s%s\n' "$opening" "$text" >> "$partial"
  echo "self-corpus: $(( i + 1 ))/$stories stories" >&2
done
mv "$partial" "$out"
echo "self-corpus: wrote $stories stories to $out" >&2
