#!/usr/bin/env bash
# scripts/gpu-check.sh — LlamaJump's patched llama.cpp on a GPU against the same build on the CPU, prepared here and
# run on a GPU machine that has no .NET SDK and no network (the C check program tools/GpuCheck/gpu_check.c says
# exactly what is compared and what passes).
#
#   scripts/gpu-check.sh prepare [--models a,b]   HERE (with .NET and a built ./llamajump): stages into build/gpu-check/
#                                                 a trimmed copy of the patched llama.cpp tree (build/native/llama.cpp;
#                                                 made by ./build.sh source when missing), stories260K, a quiet test
#                                                 model from `bench make-model`, and a jump for each trained with
#                                                 `llamajump dump` + `train`; prints the size and refuses over 64 MiB.
#                                                 About 2 minutes on 2 cores the first time, seconds when up to date.
#   scripts/gpu-check.sh --dry-run                ANY machine: checks the staged inputs and the tools, prints the plan
#                                                 (same as `run --dry-run`); exit 0, or one line and exit 2.
#   scripts/gpu-check.sh run [--out DIR]          ON THE GPU MACHINE (the repo root, build/gpu-check carried):
#                                                 builds libllama with -DGGML_CUDA=ON into build/gpu-check-build/cuda,
#                                                 compiles gpu_check against it and checks every staged model: hidden
#                                                 states of all blocks GPU vs CPU, exit blocks at a fixed λ, decode
#                                                 tokens/s full depth vs a fixed exit at L/2. Prints one summary table;
#                                                 --out DIR also writes summary.txt and the logs there. Not yet timed
#                                                 there; estimated on 16 cores: the CUDA build 3–5 minutes (one
#                                                 architecture), the checks under a minute. The build is incremental:
#                                                 run again at once on the still-warm machine and it resumes or skips
#                                                 the compile; GPU_CHECK_CUDA_FA=OFF shortens it.
#   scripts/gpu-check.sh run --cpu [--build]      HERE: the same program with the "GPU side" on the CPU too, against
#                                                 build/native/lib (or, with --build or without that library, the
#                                                 staged tree built CPU-only): every difference must be exactly 0;
#                                                 a short speed check (16 tokens, 1 round). Both models in under 20 s
#                                                 on 2 busy cores; --build adds the CPU compile (13 min on 2 busy cores).
#
# On the GPU machine, e.g. through the device tool, with carry ["build/gpu-check"]:
#   scripts/gpu-check.sh run --out "$OUT"
#
# Exit status: 0 every check passed; 1 a check failed (the table says which; logs name the details); 2 inputs missing
# or bad usage (one line); 3 a build or the check program failed to run.
#
# Environment:
#   GPU_CHECK_DIR=<dir>          staged inputs (default build/gpu-check)
#   GPU_CHECK_BUILD=<dir>        build outputs of run (default build/gpu-check-build; never carried)
#   GPU_CHECK_LLAMA_TREE=<dir>   patched llama.cpp tree for prepare (default build/native/llama.cpp); its .key beside
#                                it must name this checkout's native/patches
#   GPU_CHECK_LIB=<dir>          run --cpu: the CPU libllama to use (default build/native/lib)
#   GPU_CHECK_LIMIT_MIB=<n>      prepare: the size refused (default 64, what a device run carries with the working tree)
#   CMAKE_CUDA_ARCHITECTURES=<a> run: the CUDA architectures (default native: the GPU of the machine, one target)
#   GPU_CHECK_CUDA_FA=OFF        run: skip ggml's CUDA flash-attention kernels (faster build; attention then runs
#                                without FA on the GPU, unlike the default a user gets)
#   GPU_CHECK_ARGS="..."         run: extra options for every gpu_check call (e.g. --tokens 128, --flash-attn off)
#   CUDACXX=<nvcc>               run: the CUDA compiler (default: nvcc on PATH, else /usr/local/cuda/bin/nvcc)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

stage="${GPU_CHECK_DIR:-build/gpu-check}"
build="${GPU_CHECK_BUILD:-build/gpu-check-build}"
limit_bytes=$((${GPU_CHECK_LIMIT_MIB:-64} * 1024 * 1024))
source_c="tools/GpuCheck/gpu_check.c"
jobs="$(nproc 2>/dev/null || echo 2)"

step() { printf '==> %s\n' "$*" >&2; }
fail() { local code="$1"; shift; printf 'gpu-check: error: %s\n' "$*" >&2; exit "$code"; }
warn() { printf 'gpu-check: warning: %s\n' "$*" >&2; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
bytes_of() { du -sb --apparent-size "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f s", b - a }'; }

# ---------------------------------------------------------------------------------------------------------------
# What is staged. One row per model in $stage/manifest.tsv (written last, so a half-staged folder has none):
#   name  model  jump  model_sha256  lambda  blocks  embd  model_bytes  jump_bytes     (paths relative to $stage)
# The models: stories260K (the shared real model) and a quiet random llama (a test model on which exits happen by
# construction: blocks 6–11 barely change the stream, a sharp head), 12 blocks × 512, Q8_0 weights (the GPU's
# quantised matmul path), stories260K's 512-token vocabulary so the file stays at 34 MB.
all_models="stories260K,quiet-12x512-q8_0"
quiet_shape=(--blocks 12 --embd 512 --ff 1024 --heads 8 --type q8_0 --quiet-after 5 --stream-rank 64 --head-scale 50 --seed 1)
stories_shared="../shared/models/gguf/stories260K.gguf"
# λ of the exit check per model: a value where the exits are spread over several blocks (measured on the CPU)
lambda_of() { case "$1" in stories260K) echo 0.5 ;; *) echo 0.9 ;; esac; }
# dump and training settings: small and quick; the jumps only have to be real jump files of their models
dump_args=(--train 300 --test 10 --seed 1)
train_args_of() {
  case "$1" in
    stories260K) echo "--epochs 20 --ojfa-only --no-joint --seed 1" ;;
    # a quiet model's jump is near the identity on its 64-coordinate stream: a rank that holds it, full batches
    *) echo "--rank 64 --batch 1000 --lr 0.01 --epochs 50 --patience 10 --ojfa-only --no-joint --seed 1" ;;
  esac
}

tree_parts=(CMakeLists.txt LICENSE cmake include src ggml/CMakeLists.txt ggml/cmake ggml/include ggml/src)
# ggml backends kept: the CPU (the reference side) and CUDA; every other backend folder is left out (all are off)
ggml_backends=(ggml-cpu ggml-cuda)

patch_hashes() { find native/patches -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | sort | xargs -r sha256sum | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//'; }

# ---------------------------------------------------------------------------------------------------------------
prepare_tree() {
  local tree="${GPU_CHECK_LLAMA_TREE:-build/native/llama.cpp}" want key
  want="$(patch_hashes)"
  key_matches() { [[ -f "$tree.key" ]] && [[ "$(cut -d' ' -f2- "$tree.key" | sed 's/ *$//')" == "$want" ]]; }
  if [[ -z "${GPU_CHECK_LLAMA_TREE:-}" ]] && { [[ ! -f "$tree/include/llama-jump.h" ]] || ! key_matches; }; then
    step "the patched llama.cpp tree is missing or stale: ./build.sh source"
    ./build.sh source >&2 || fail 3 "./build.sh source failed"
  fi
  [[ -f "$tree/include/llama-jump.h" ]] || fail 2 "$tree is not a patched llama.cpp tree (no include/llama-jump.h); run ./build.sh source"
  key_matches || fail 2 "$tree.key does not name this checkout's native/patches (stale tree); run ./build.sh source"
  step "staging the trimmed llama.cpp tree from $tree"
  mkdir -p "$stage/llama.cpp/ggml/src"
  local part
  for part in "${tree_parts[@]}"; do
    [[ -e "$tree/$part" ]] || fail 2 "$tree/$part is missing"
  done
  rsync -a --delete --exclude .git "$tree/CMakeLists.txt" "$tree/LICENSE" "$tree/cmake" "$tree/include" "$tree/src" "$stage/llama.cpp/"
  rsync -a --delete "$tree/ggml/CMakeLists.txt" "$tree/ggml/cmake" "$tree/ggml/include" "$stage/llama.cpp/ggml/"
  local filters=()
  for part in "${ggml_backends[@]}"; do filters+=(--include "/$part/"); done
  rsync -a --delete "${filters[@]}" --exclude '/ggml-*/' "$tree/ggml/src/" "$stage/llama.cpp/ggml/src/"
  cat "$tree.key" >"$stage/source.txt"
}

# make_jump <name> <model file>: dump + train into $stage/models/<name>.jumps.gguf unless its .spec names the same
# model bytes and settings
make_jump() {
  local name="$1" model="$2" jump="$stage/models/$1.jumps.gguf" spec sha work
  sha="$(sha256sum "$model" | awk '{print $1}')"
  spec="$sha ${dump_args[*]} $(train_args_of "$name")"
  if [[ -f "$jump" && -f "$jump.spec" && "$(cat "$jump.spec")" == "$spec" ]]; then
    step "jump for $name up to date"
    return
  fi
  work="$stage.work/$name"
  rm -rf "$work" "$jump.spec"
  mkdir -p "$work"
  step "dumping $name (${dump_args[*]})"
  ./llamajump dump --model "$model" --corpus ../shared/data/wikitext-2/wiki.test.raw --out "$work/dump" "${dump_args[@]}" \
    >"$work/dump.log" 2>&1 || { tail -5 "$work/dump.log" >&2; fail 3 "llamajump dump failed for $name (log: $work/dump.log)"; }
  step "training the jump of $name ($(train_args_of "$name"))"
  # shellcheck disable=SC2046 # the settings are words
  ./llamajump train --dump "$work/dump" --out "$jump" $(train_args_of "$name") >"$work/train.log" 2>&1 \
    || { tail -5 "$work/train.log" >&2; fail 3 "llamajump train failed for $name (log: $work/train.log)"; }
  echo "$spec" >"$jump.spec"
  rm -rf "$work"
}

prepare() {
  local models="$all_models"
  while (($#)); do
    case "$1" in
      --models) [[ $# -ge 2 ]] || fail 2 "--models needs a value ($all_models)"; models="$2"; shift 2 ;;
      *) fail 2 "prepare: unknown option '$1' (use: prepare [--models $all_models])" ;;
    esac
  done
  [[ -x "src/Cli/bin/${CONFIGURATION:-Release}/net10.0/llamajump" ]] || fail 2 "prepare needs the built app (./llamajump); run ./build.sh first"
  # a private cache: train keeps each OJFA jump in the cache for its model, where generate and chat would then find
  # these quick jumps for stories260K
  export LLAMAJUMP_CACHE="$stage.work/cache"
  local started; started="$(now)"
  rm -f "$stage/manifest.tsv"
  mkdir -p "$stage/models"
  prepare_tree
  local rows=() name model jump
  IFS=',' read -r -a names <<<"$models"
  for name in "${names[@]}"; do
    case "$name" in
      stories260K)
        model="$stage/models/stories260K.gguf"
        [[ -f "$stories_shared" ]] || fail 2 "$stories_shared is missing (the shared models)"
        cmp -s "$stories_shared" "$model" 2>/dev/null || cp "$stories_shared" "$model"
        ;;
      quiet-12x512-q8_0)
        model="$stage/models/$name.gguf"
        step "making $name (bench make-model ${quiet_shape[*]})"
        ./llamajump bench make-model --out "$model" --vocab "$stories_shared" "${quiet_shape[@]}" >/dev/null 2>"$stage.make-model.log" \
          || { tail -3 "$stage.make-model.log" >&2; fail 3 "bench make-model failed for $name"; }
        rm -f "$stage.make-model.log"
        ;;
      *) fail 2 "--models: unknown model '$name' (known: $all_models)" ;;
    esac
    make_jump "$name" "$model"
    jump="$stage/models/$name.jumps.gguf"
    local info blocks embd
    info="$(./llamajump models --model "$model" --json)"
    blocks="$(grep -oE '"blocks": [0-9]+' <<<"$info" | grep -oE '[0-9]+$')"
    embd="$(grep -oE '"n_embd": [0-9]+' <<<"$info" | grep -oE '[0-9]+$')"
    rows+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$name" "models/$name.gguf" "models/$name.jumps.gguf" \
      "$(sha256sum "$model" | awk '{print $1}')" "$(lambda_of "$name")" "$blocks" "$embd" "$(bytes_of "$model")" "$(bytes_of "$jump")")")
  done
  # leave only what the manifest names
  local keep=() f
  for name in "${names[@]}"; do keep+=("$name.gguf" "$name.jumps.gguf" "$name.jumps.gguf.spec"); done
  for f in "$stage"/models/*; do
    [[ " ${keep[*]} " == *" $(basename "$f") "* ]] || rm -rf "$f"
  done
  rm -rf "$stage.work"

  local staged tree_bytes worktree=0 total
  staged="$(bytes_of "$stage")"
  tree_bytes="$(bytes_of "$stage/llama.cpp")"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    worktree="$(git ls-files -z -co --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')"
  fi
  total=$((staged + worktree))
  printf 'gpu-check: staged %s in %s (llama.cpp tree %s, %d models with jumps); with the working tree (%s) %s of the %d MiB a device run carries; prepared in %s\n' \
    "$(mib "$staged")" "$stage" "$(mib "$tree_bytes")" "${#names[@]}" "$(mib "$worktree")" "$(mib "$total")" $((limit_bytes / 1048576)) "$(since "$started")"
  if ((total > limit_bytes)); then
    fail 2 "$stage ($(mib "$staged")) and the working tree ($(mib "$worktree")) come to $(mib "$total"), over the $((limit_bytes / 1048576)) MiB a device run carries"
  fi
  {
    printf '# name\tmodel\tjump\tmodel_sha256\tlambda\tblocks\tembd\tmodel_bytes\tjump_bytes\n'
    printf '%s\n' "${rows[@]}"
  } >"$stage/manifest.tsv"
}

# ---------------------------------------------------------------------------------------------------------------
# check_inputs: every staged file there with its recorded size, the tree complete, the C source present.
check_inputs() {
  [[ -f "$stage/manifest.tsv" ]] || fail 2 "$stage/manifest.tsv is missing: nothing is staged (run scripts/gpu-check.sh prepare where .NET is, then carry $stage)"
  local f
  for f in CMakeLists.txt cmake/common.cmake include/llama.h include/llama-jump.h src/llama-jump-exit.cpp ggml/CMakeLists.txt \
      ggml/include/gguf.h ggml/src/CMakeLists.txt ggml/src/ggml-cpu/CMakeLists.txt ggml/src/ggml-cuda/CMakeLists.txt; do
    [[ -f "$stage/llama.cpp/$f" ]] || fail 2 "$stage/llama.cpp/$f is missing: the staged llama.cpp tree is incomplete (run prepare again)"
  done
  [[ -f "$source_c" ]] || fail 2 "$source_c is missing"
  local name model jump sha lambda blocks embd model_bytes jump_bytes n=0
  while IFS=$'\t' read -r name model jump sha lambda blocks embd model_bytes jump_bytes; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    n=$((n + 1))
    for f in "$model:$model_bytes" "$jump:$jump_bytes"; do
      local path="$stage/${f%:*}" size="${f##*:}"
      [[ -f "$path" ]] || fail 2 "$path is missing (named in $stage/manifest.tsv)"
      [[ "$(bytes_of "$path")" == "$size" ]] || fail 2 "$path has $(bytes_of "$path") bytes, the manifest says $size (incomplete copy?)"
    done
  done <"$stage/manifest.tsv"
  ((n > 0)) || fail 2 "$stage/manifest.tsv names no model"
}

find_nvcc() {
  if [[ -n "${CUDACXX:-}" ]]; then [[ -x "$CUDACXX" ]] && { echo "$CUDACXX"; return 0; }; return 1; fi
  command -v nvcc 2>/dev/null && return 0
  [[ -x /usr/local/cuda/bin/nvcc ]] && { echo /usr/local/cuda/bin/nvcc; return 0; }
  return 1
}

# cmake flags of the check's libllama: the library and ggml only (no common/, tools, tests, examples, server, app,
# RPC), one CUDA target, NCCL off; cuda=0 for the CPU-only build of the staged tree
cmake_flags() {
  local flags=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DLLAMA_BUILD_COMMON=OFF -DLLAMA_BUILD_TESTS=OFF
    -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF
    -DGGML_RPC=OFF -DGGML_CCACHE=OFF -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON)
  if [[ "$1" == 1 ]]; then
    flags+=(-DGGML_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=${CMAKE_CUDA_ARCHITECTURES:-native}" -DGGML_CUDA_NCCL=OFF
      -DGGML_CUDA_FA_ALL_QUANTS=OFF "-DGGML_CUDA_FA=${GPU_CHECK_CUDA_FA:-ON}")
    [[ -n "${CUDACXX_FOUND:-}" ]] && flags+=("-DCMAKE_CUDA_COMPILER=$CUDACXX_FOUND")
  fi
  command -v ninja >/dev/null && flags+=(-G Ninja)
  printf '%s\n' "${flags[@]}"
}

# build_lib <cuda 0|1> <dir>: configure + build libllama (and the ggml libraries it links) from the staged tree
build_lib() {
  local cuda="$1" dir="$2" flags
  mapfile -t flags < <(cmake_flags "$cuda")
  mkdir -p "$dir"
  step "configuring the staged llama.cpp ($([[ "$cuda" == 1 ]] && echo CUDA || echo CPU only); log: $dir/configure.log)"
  local t; t="$(now)"
  cmake -S "$stage/llama.cpp" -B "$dir" "${flags[@]}" >"$dir/configure.log" 2>&1 \
    || { tail -20 "$dir/configure.log" >&2; fail 3 "cmake configure failed (log: $dir/configure.log)"; }
  configure_time="$(since "$t")"
  step "compiling libllama with $jobs jobs (log: $dir/build.log)"
  t="$(now)"
  cmake --build "$dir" --target llama -j "$jobs" >"$dir/build.log" 2>&1 \
    || { grep -E "error" "$dir/build.log" | head -20 >&2; fail 3 "the libllama build failed (log: $dir/build.log)"; }
  build_time="$(since "$t")"
  [[ -f "$dir/bin/libllama.so" ]] || fail 3 "the build left no $dir/bin/libllama.so"
}

compile_check() { # compile_check <lib dir> <output>
  local lib="$1" out="$2"
  step "compiling $source_c against $lib"
  cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -I"$stage/llama.cpp/include" -I"$stage/llama.cpp/ggml/include" "$source_c" -o "$out" \
    -L"$lib" -lllama -lggml -lggml-base -lm -Wl,-rpath,"$(cd "$lib" && pwd)" 2>"$out.log" \
    || { cat "$out.log" >&2; fail 3 "could not compile $source_c"; }
}

plan() { # plan <mode: gpu|cpu> <lib source>
  local mode="$1" libsrc="$2" flags staged sub=cpu
  [[ "$mode" == gpu ]] && sub=cuda
  staged="$(bytes_of "$stage")"
  echo "gpu-check plan ($mode run; dry run: nothing is built or run)"
  echo "inputs   $stage: $(mib "$staged") (llama.cpp tree $(mib "$(bytes_of "$stage/llama.cpp")")); source $(cut -c1-60 "$stage/source.txt" 2>/dev/null)…"
  if [[ "$libsrc" == build ]]; then
    mapfile -t flags < <(cmake_flags "$([[ "$mode" == gpu ]] && echo 1 || echo 0)")
    echo "build    cmake -S $stage/llama.cpp -B $build/$sub ${flags[*]}"
    echo "         cmake --build $build/$sub --target llama -j $jobs"
    echo "         cc -O2 $source_c -o $build/$sub/gpu_check (llama.h, llama-jump.h, gguf.h; -lllama -lggml -lggml-base)"
  else
    echo "build    none: libllama from $libsrc; cc -O2 $source_c -o $build/$sub/gpu_check"
  fi
  local name model jump sha lambda blocks embd model_bytes jump_bytes
  while IFS=$'\t' read -r name model jump sha lambda blocks embd model_bytes jump_bytes; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    printf 'check    %-18s %s (%s, %s blocks × %s) with %s: hidden states of all %s blocks %s vs CPU, exit blocks at λ %s, tokens/s full vs exit at block %s\n' \
      "$name" "$model" "$(mib "$model_bytes")" "$blocks" "$embd" "$jump" "$blocks" "$([[ "$mode" == gpu ]] && echo GPU || echo CPU)" "$lambda" $((blocks / 2 - 1))
  done <"$stage/manifest.tsv"
}

run() {
  local cpu=0 dry=0 force_build=0 out=""
  while (($#)); do
    case "$1" in
      --cpu) cpu=1; shift ;;
      --build) force_build=1; shift ;;
      --dry-run) dry=1; shift ;;
      --out) [[ $# -ge 2 ]] || fail 2 "--out needs a folder"; out="$2"; shift 2 ;;
      *) fail 2 "run: unknown option '$1' (use: run [--cpu [--build]] [--out DIR] [--dry-run])" ;;
    esac
  done
  check_inputs
  local missing=() t
  for t in cmake cc; do command -v "$t" >/dev/null || missing+=("$t"); done
  ((${#missing[@]} == 0)) || fail 2 "missing tools: ${missing[*]}"
  CUDACXX_FOUND="$(find_nvcc || true)"
  local mode=gpu libsrc=build lib
  if ((cpu)); then
    mode=cpu
    lib="${GPU_CHECK_LIB:-build/native/lib}"
    if ((!force_build)) && [[ -f "$lib/libllama.so" ]]; then libsrc="$lib"; fi
  fi
  if ((dry)); then
    if [[ -z "$CUDACXX_FOUND" ]]; then
      warn "nvcc not found (PATH, /usr/local/cuda/bin, CUDACXX): run needs it, run --cpu does not"
    fi
    echo "tools    cmake $(cmake --version | head -1 | awk '{print $3}'), cc $(cc -dumpversion)$(command -v ninja >/dev/null && echo ", ninja $(ninja --version)")$([[ -n "$CUDACXX_FOUND" ]] && echo ", nvcc $("$CUDACXX_FOUND" --version | grep -oE 'release [0-9.]+' | awk '{print $2}')")"
    plan "$mode" "$libsrc"
    return 0
  fi
  if [[ "$mode" == gpu && -z "$CUDACXX_FOUND" ]]; then
    fail 2 "nvcc not found (PATH, /usr/local/cuda/bin, CUDACXX): a GPU run builds ggml's CUDA backend (use run --cpu to test without one)"
  fi
  # ggml looks for the toolkit (find_package(CUDAToolkit)) before it enables CUDA: put this nvcc first on PATH
  [[ -n "$CUDACXX_FOUND" ]] && export PATH="$(dirname "$CUDACXX_FOUND"):$PATH" CUDACXX="$CUDACXX_FOUND"
  local started dir="$build/$([[ "$mode" == gpu ]] && echo cuda || echo cpu)"
  started="$(now)"
  configure_time="-" build_time="-"
  if [[ "$libsrc" == build ]]; then
    build_lib "$([[ "$mode" == gpu ]] && echo 1 || echo 0)" "$dir"
    lib="$dir/bin"
  else
    lib="$libsrc"
    mkdir -p "$dir"
  fi
  compile_check "$lib" "$dir/gpu_check"

  local name model jump sha lambda blocks embd model_bytes jump_bytes rows=() failed=() device="" rc checks_started
  checks_started="$(now)"
  # shellcheck disable=SC2206 # extra options are words
  local extra=(${GPU_CHECK_ARGS:-}) mode_args=()
  # on the CPU the speed check only shows that it runs: a short one (GPU_CHECK_ARGS, read later, can lengthen it)
  ((cpu)) && mode_args=(--speed-tokens 16 --rounds 1)
  # llama.cpp's CPU workers wait in libgomp; a short spin before sleeping, as the app sets it (OpenMpWaiting.cs)
  [[ -n "${OMP_WAIT_POLICY:-}" ]] || export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-10000}"
  while IFS=$'\t' read -r name model jump sha lambda blocks embd model_bytes jump_bytes; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    step "checking $name"
    rc=0
    timeout 300 "$dir/gpu_check" --device "$mode" --name "$name" --model "$stage/$model" --jump "$stage/$jump" --model-sha256 "$sha" \
      --lambda "$lambda" "${mode_args[@]}" "${extra[@]}" >"$dir/check-$name.row" 2>"$dir/check-$name.log" </dev/null || rc=$?
    if [[ -s "$dir/check-$name.row" ]]; then
      rows+=("$(cat "$dir/check-$name.row")")
    else
      rows+=("$(printf '%-24s %s' "$name" "did not finish: $(tail -1 "$dir/check-$name.log")")")
    fi
    [[ -z "$device" ]] && device="$(grep -m1 -oE '^gpu_check: device .*' "$dir/check-$name.log" | sed 's/^gpu_check: device //' || true)"
    ((rc == 0)) || failed+=("$name (exit $rc)")
  done <"$stage/manifest.tsv"

  local summary="$dir/summary.txt"
  {
    echo "gpu-check summary: $mode run on $(uname -n), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "device   ${device:-CPU (both sides)}"
    if [[ "$libsrc" == build ]]; then
      echo "build    $([[ "$mode" == gpu ]] && echo "CUDA (nvcc $("$CUDACXX_FOUND" --version | grep -oE 'release [0-9.]+' | awk '{print $2}'), CMAKE_CUDA_ARCHITECTURES=${CMAKE_CUDA_ARCHITECTURES:-native}, FA kernels ${GPU_CHECK_CUDA_FA:-ON})" || echo "CPU only"), $jobs jobs: configure $configure_time, compile $build_time"
    else
      echo "build    none (libllama from $libsrc)"
    fi
    echo "source   $(cut -c1-60 "$stage/source.txt")…"
    echo "checks   $(since "$checks_started"); total $(since "$started")"
    echo
    "$dir/gpu_check" --table-header
    printf '%s\n' "${rows[@]}"
    echo
    if ((${#failed[@]} == 0)); then
      echo "verdict  ok: every check passed on ${#rows[@]} models"
    else
      echo "verdict  FAILED: ${failed[*]}; details in $dir/check-<model>.log"
    fi
  } >"$summary"
  cat "$summary"
  if [[ -n "$out" ]]; then
    mkdir -p "$out"
    cp "$summary" "$dir"/check-*.log "$out/"
    [[ -f "$dir/build.log" ]] && cat "$dir/configure.log" "$dir/build.log" >"$out/build.log"
  fi
  # the worst outcome decides: gpu_check could not run (3) over bad input (2) over a failed check (1)
  local code=0 f
  for f in "${failed[@]}"; do
    case "$f" in
      *"(exit 1)") ((code >= 1)) || code=1 ;;
      *"(exit 2)") ((code >= 2)) || code=2 ;;
      *) code=3 ;;
    esac
  done
  return "$code"
}

case "${1:-}" in
  prepare) shift; prepare "$@" ;;
  run) shift; run "$@" ;;
  --dry-run) shift; run --dry-run "$@" ;;
  *) fail 2 "unknown command '${1:-}' (use: scripts/gpu-check.sh prepare | --dry-run | run [--cpu [--build]] [--out DIR])" ;;
esac
