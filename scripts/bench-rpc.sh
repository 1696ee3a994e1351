#!/usr/bin/env bash
# What llama.cpp's RPC protocol itself costs: decode (generate, full depth) and dump throughput of one model run
# locally and over two `llamajump rpc-server`s on this machine's loopback, alternating local / RPC for REPEATS rounds,
# printing the median tokens/s of each side and their ratio. On loopback the servers share this machine's cores, so
# the ratio is the protocol's cost (serialisation, the round trips per graph split), not a network's.
# Usage: scripts/bench-rpc.sh [MODEL] (default: build/bench/llama-24x1024-f16.gguf, made when missing);
#        REPEATS (default 3), TOKENS (generate, default 64), SAMPLES (dump, default 200).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$root/llamajump"
model="${1:-$root/build/bench/llama-24x1024-f16.gguf}"
repeats="${REPEATS:-3}" tokens="${TOKENS:-64}" samples="${SAMPLES:-200}"
corpus="$root/../shared/data/wikitext-2/wiki.test.raw"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

[[ -f "$model" ]] || "$app" bench make-model --out "$model"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
endpoints=()
for _ in 1 2; do
  port="$(free_port)"
  "$app" rpc-server --port "$port" >"$work/server-$port.log" 2>&1 &
  pids+=($!)
  endpoints+=("127.0.0.1:$port")
done
rpc="$(IFS=,; echo "${endpoints[*]}")"
for e in "${endpoints[@]}"; do
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/${e%:*}/${e#*:}") 2>/dev/null && break; sleep 0.1; done
done

# rate <stderr file> <pattern before " tokens/s">: the tokens/s a verb's summary line prints
rate() { grep -oE "[0-9.]+ tokens/s" "$1" | tail -1 | awk '{print $1}'; }
run() { # run <side> <kind> <round>
  local side="$1" kind="$2" round="$3" extra=()
  [[ "$side" == rpc ]] && extra=(--rpc "$rpc")
  if [[ "$kind" == decode ]]; then
    "$app" generate --model "$model" --prompt "The tower is 324 metres tall" --max-tokens "$tokens" "${extra[@]}" >/dev/null 2>"$work/$side-$kind-$round.err"
  else
    rm -rf "$work/dump-$side"
    "$app" dump --model "$model" --corpus "$corpus" --out "$work/dump-$side" --train "$samples" --test 0 "${extra[@]}" >/dev/null 2>"$work/$side-$kind-$round.err"
  fi
  rate "$work/$side-$kind-$round.err"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "bench rpc: $(basename "$model"), two rpc-servers on loopback ($rpc), $repeats alternating rounds"
for kind in decode dump; do
  local_rates=() rpc_rates=() ratios=()
  for round in $(seq "$repeats"); do
    l="$(run local "$kind" "$round")"; r="$(run rpc "$kind" "$round")"
    local_rates+=("$l"); rpc_rates+=("$r"); ratios+=("$(awk -v a="$r" -v b="$l" 'BEGIN {printf "%.3f", a / b}')")
  done
  printf '%-7s local %8.1f tokens/s   rpc %8.1f tokens/s   rpc ÷ local %s× (median of per-round ratios; rounds: %s)\n' "$kind" \
    "$(printf '%s\n' "${local_rates[@]}" | median)" "$(printf '%s\n' "${rpc_rates[@]}" | median)" \
    "$(printf '%s\n' "${ratios[@]}" | median)" "${ratios[*]}"
done
