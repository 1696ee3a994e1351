#!/usr/bin/env bash
# The paper's model shapes measured on this machine rather than extrapolated: a random-weight model of a preset (by
# default the Llama-2-7B shape in Q4_0, 3.8 GB) through make-model, dump, train, eval and bench exit, each timed, with
# its peak memory (VmHWM: /usr/bin/time's maximum resident set size); a table of all of it at the end, also written to
# DIR/summary.txt. Random weights: the speeds and memory are those of the real model of that shape and type, the
# precisions are not. Not run by CI (about 15 minutes for the 7B on 2 cores; the model is reused when it exists).
#
# Usage: scripts/bench-7b.sh [--summary] [PRESET [TYPE]]     PRESET: llama2-7b | phi3-mini | gpt2-xl, TYPE: a make-model
# --type; --summary reprints the table of a finished run without running anything.
# Environment: BENCH_DIR (default runs/bench-7b; the run goes to BENCH_DIR/PRESET-TYPE), SAMPLES (dumped sentences,
# default 100: 90 train, 10 test), TOKENS (per prompt in bench exit, default 24), REPEATS (default 1), CORPUS.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
summary_only=false
if [[ "${1:-}" == --summary ]]; then
  summary_only=true
  shift
fi
preset="${1:-llama2-7b}"
type="${2:-q4_0}"
dir="${BENCH_DIR:-$root/runs/bench-7b}/$preset-$type"
samples="${SAMPLES:-100}"
test_samples=$((samples / 10))
train_samples=$((samples - test_samples))
corpus="${CORPUS:-$root/../shared/data/wikitext-2/wiki.test.raw}"
model="$dir/model.gguf"
app="$root/llamajump"

if [[ ! -x /usr/bin/time ]]; then
  echo "bench-7b: error: /usr/bin/time is missing (Debian package 'time'); it measures each step's peak memory" >&2
  exit 2
fi
if (( test_samples < 1 )); then
  echo "bench-7b: error: SAMPLES must be at least 10 (one in ten is a test sample), not $samples" >&2
  exit 2
fi
mkdir -p "$dir"

# run NAME COMMAND...: stdout to DIR/NAME.out, stderr to DIR/NAME.err, "seconds kilobytes" to DIR/NAME.time
run() {
  local name="$1"
  shift
  echo "bench-7b: $name: $*" >&2
  if ! /usr/bin/time -f "%e %M" -o "$dir/$name.time" "$@" > "$dir/$name.out" 2> "$dir/$name.err"; then
    echo "bench-7b: error: $name failed; see $dir/$name.err" >&2
    tail -n 3 "$dir/$name.err" >&2
    exit 1
  fi
}
seconds() { cut -d' ' -f1 "$dir/$1.time"; }
peak_mib() { awk '{ printf "%.0f", $2 / 1024 }' "$dir/$1.time"; }

summary() {
  echo "bench-7b: $preset $type, $(nproc) cores, $(date -u +%Y-%m-%d)"
  grep -E '^(size|shape|types) ' "$dir/make-model.out" | sed 's/^/  /'
  printf '%-12s %10s %10s  %s\n' step seconds "peak MiB" result
  printf '%-12s %10s %10s  %s\n' make-model "$(seconds make-model)" "$(peak_mib make-model)" "$(head -n 1 "$dir/make-model.out")"
  printf '%-12s %10s %10s  %s\n' dump "$(seconds dump)" "$(peak_mib dump)" \
    "$(grep -E '^dump: wrote' "$dir/dump.err" | tail -n 1 | sed -E 's/^dump: //') ($(awk -v n="$samples" -v s="$(seconds dump)" 'BEGIN { printf "%.2f", n / s }') samples/s with the model load)"
  printf '%-12s %10s %10s  %s\n' train "$(seconds train)" "$(peak_mib train)" "$(grep -E '^wrote ' "$dir/train.out" "$dir/train.err" | head -n 1 | sed -E 's/^[^:]*://')"
  printf '%-12s %10s %10s  %s\n' eval "$(seconds eval)" "$(peak_mib eval)" "$(grep -E 'head throughput' "$dir/eval.err" | sed -E 's/^eval: //')"
  printf '%-12s %10s %10s  %s\n' bench-exit "$(seconds bench-exit)" "$(peak_mib bench-exit)" "generate at full depth and with exits, alternating:"
  grep -E '^(mode|full|exit|spec)\b' "$dir/bench-exit.out" | sed 's/^/  /'
}

if [[ "$summary_only" == false ]]; then
  run make-model "$app" bench make-model --preset "$preset" --type "$type" --out "$model"
  rm -rf "$dir/dump" # a dump that exists would resume instead of being measured
  run dump "$app" dump --model "$model" --corpus "$corpus" --out "$dir/dump" --train "$train_samples" --test "$test_samples"
  run train "$app" train --dump "$dir/dump" --out "$dir/jumps.gguf"
  rm -rf "$dir/eval"
  run eval "$app" eval --dump "$dir/dump" --jumps "$dir/jumps.gguf" --out "$dir/eval" --model "$model"
  run bench-exit "$app" bench exit --model "$model" --jumps "$dir/jumps.gguf" --tokens "${TOKENS:-24}" --repeats "${REPEATS:-1}" --lambdas ""
fi
summary | tee "$dir/summary.txt"
