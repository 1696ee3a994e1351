#!/usr/bin/env bash
# Dump → train → eval → early-exit sweep for a shelf of GGUF models, with one summary at the end: a thin wrapper of
# `llamajump pipeline` (see `./llamajump pipeline --help`). Builds first when the app is missing (./build.sh; the first
# native build takes 5–10 minutes on 2 cores), then passes every argument on. Steps whose outputs are up to date are
# skipped, so a rerun after an interruption resumes; the exit code is 0 only when every model succeeded.
# Usage: scripts/dump-and-train.sh [--models M1 M2 ...] [--corpus FILE] [--train 9000 --test 3000] [--out runs] [--force] ...
# Several machines: add --rpc host:port[,host:port…] to run each model over `llamajump rpc-server`s (its layers on
# their devices), or dump shards on n machines (`llamajump dump --shard i/n`), `llamajump dump-merge` them and train
# on one (README, "Beyond one machine").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$root/src/Cli/bin/${CONFIGURATION:-Release}/net10.0/llamajump"
if [[ ! -x "$app" || ! -e "$(dirname "$app")/libllama.so" ]]; then
  echo "dump-and-train: building llamajump (./build.sh)" >&2
  "$root/build.sh"
fi
exec "$root/llamajump" pipeline "$@"
