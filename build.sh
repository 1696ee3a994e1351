#!/usr/bin/env bash
# build.sh — builds LlamaJump from a fresh clone and runs its tests.
#
#   ./build.sh          set-up + native backend + .NET solution; leaves ./llamajump runnable
#   ./build.sh test     the above, then every test tier (pure, native, end-to-end); ends with "N passed, N failed"
#   ./build.sh native   only the patched llama.cpp shared libraries
#   ./build.sh source   only the patched llama.cpp source tree, build/native/llama.cpp (what scripts/gpu-check.sh
#                       prepare stages for a GPU machine); `native` leaves it there too, unless its libraries were cached
#   ./build.sh baseline the same llama.cpp release with only the ABI patch (0001) in build/native/baseline-lib,
#                       for llamajump bench parity --baseline (not part of the build or the tests)
#   ./build.sh pack     native backend (if needed), then NuGet packages of the library layers (eng/Packages.slnf:
#                       Gguf, Models, Dumps, Interop with the native libraries, Engine, Shortcuts) into build/packages,
#                       a local folder feed (samples/EarlyExitStory restores from it); builds only those six projects
#   ./build.sh clean    removes build outputs (build/, bin/, obj/)
#
# The native step fetches llama.cpp release b10361 from the npm registry (node-llama-cpp@3.20.0 carries it as a
# git bundle), verifies the tarball's integrity hash, applies native/patches/NNNN-*.patch in order and builds only
# libllama + libggml with cmake. First build: about 10 minutes on 2 cores. The result is cached under
# build/native/, keyed on source hash + patch hashes + flags, so a second run takes seconds.
#
# Environment:
#   GGML_CUDA=1          build the CUDA backend of ggml (needs nvcc, the CUDA toolkit)
#   LLAMA_CPP_SRC=<dir>  use a local llama.cpp tree (same release as the patches) instead of the pinned download
#   LLAMAJUMP_TORCH=cuda reference libtorch CUDA 12.8 instead of the CPU libtorch (TorchSharp's CUDA switch; the
#                        libtorch-cuda-12.8-linux-x64 package must come from a NuGet source you configure). Then
#                        train/pipeline/demo --device auto (the default) or cuda compute on the GPU.
#   CONFIGURATION=Debug  .NET configuration (default Release)
#   VERSION_SUFFIX=<s>   pack: pre-release packages, 0.1.0-<s> (the version itself is in Directory.Build.props)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

NODE_LLAMA_CPP_VERSION="3.20.0"
NODE_LLAMA_CPP_INTEGRITY="sha512-KnET3ttADYLCobjMnMTLkWkLt87rPRDhNzTZgGOCt8m8yTmdQW2sfLNmulGBA9laFvcyRIMOsgQST8lunPmMgw=="
LLAMA_CPP_TAG="b10361"

CONFIGURATION="${CONFIGURATION:-Release}"
GGML_CUDA="${GGML_CUDA:-0}"
LLAMAJUMP_TORCH="${LLAMAJUMP_TORCH:-cpu}"
NATIVE_DIR="$ROOT/build/native"
NATIVE_LIB_DIR="$NATIVE_DIR/lib"
JOBS="$(nproc 2>/dev/null || echo 2)"

step() { printf '\n==> %s\n' "$*" >&2; }
fail() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }


# ---------------------------------------------------------------------------------------------------------------
ensure_tools() {
  local missing=()
  command -v cmake >/dev/null || missing+=(cmake)
  command -v g++ >/dev/null || missing+=(g++)
  command -v git >/dev/null || missing+=(git)
  command -v npm >/dev/null || missing+=(npm)
  command -v tmux >/dev/null || missing+=(tmux)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v rsync >/dev/null || missing+=(rsync)
  command -v readelf >/dev/null || missing+=(binutils)
  # DejaVu Sans for the evaluation plots (ScottPlot)
  [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
  # Debian's numpy lets the tests run the dump format's numpy snippet (src/Dumps/FORMAT.md) as a reader would
  [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c "import numpy" 2>/dev/null || missing+=(python3-numpy)
  if ((${#missing[@]})); then
    step "installing missing tools: ${missing[*]}"
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      fail "missing tools: ${missing[*]} (install them with your package manager)"
    fi
  fi
  command -v dotnet >/dev/null || fail "the .NET SDK 10 is required (dotnet not found on PATH)"
}

# ---------------------------------------------------------------------------------------------------------------
# Source: prints "<source key>" and leaves a pristine tree at $NATIVE_DIR/llama.cpp.src-<kind>
fetch_pinned_source() {
  local downloads="$ROOT/build/downloads" tgz
  tgz="$downloads/node-llama-cpp-$NODE_LLAMA_CPP_VERSION.tgz"
  mkdir -p "$downloads"
  if [[ ! -f "$tgz" ]]; then
    step "fetching llama.cpp $LLAMA_CPP_TAG (npm node-llama-cpp@$NODE_LLAMA_CPP_VERSION, 35 MB)"
    (cd "$downloads" && npm pack --silent "node-llama-cpp@$NODE_LLAMA_CPP_VERSION" >/dev/null) \
      || fail "npm pack node-llama-cpp@$NODE_LLAMA_CPP_VERSION failed (is the npm registry reachable?)"
  fi
  local actual
  actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [[ "$actual" != "$NODE_LLAMA_CPP_INTEGRITY" ]]; then
    rm -f "$tgz"
    fail "integrity check failed for node-llama-cpp-$NODE_LLAMA_CPP_VERSION.tgz (got $actual); removed it, run again"
  fi
  local pristine="$NATIVE_DIR/pristine-$LLAMA_CPP_TAG"
  if [[ ! -f "$pristine/.complete" ]]; then
    step "unpacking the llama.cpp $LLAMA_CPP_TAG git bundle"
    rm -rf "$pristine" "$NATIVE_DIR/unpack"
    mkdir -p "$NATIVE_DIR/unpack"
    tar -xzf "$tgz" -C "$NATIVE_DIR/unpack" package/llama/gitRelease.bundle package/llama/llama.cpp.info.json
    grep -q "\"$LLAMA_CPP_TAG\"" "$NATIVE_DIR/unpack/package/llama/llama.cpp.info.json" \
      || fail "the tarball does not carry llama.cpp $LLAMA_CPP_TAG"
    git clone -q "$NATIVE_DIR/unpack/package/llama/gitRelease.bundle" "$pristine" 2>/dev/null \
      || fail "could not unpack the llama.cpp git bundle"
    rm -rf "$NATIVE_DIR/unpack"
    touch "$pristine/.complete"
  fi
  PRISTINE_SRC="$pristine"
  SOURCE_KEY="npm:node-llama-cpp@$NODE_LLAMA_CPP_VERSION:$NODE_LLAMA_CPP_INTEGRITY"
}

local_source() {
  [[ -f "$LLAMA_CPP_SRC/include/llama.h" ]] || fail "LLAMA_CPP_SRC=$LLAMA_CPP_SRC is not a llama.cpp tree (no include/llama.h)"
  PRISTINE_SRC="$(cd "$LLAMA_CPP_SRC" && pwd)"
  # Content hash of what the build reads (git metadata excluded), so edits in the local tree invalidate the cache.
  SOURCE_KEY="local:$(cd "$PRISTINE_SRC" && find CMakeLists.txt cmake include src ggml common vendor -type f \
      -not -path '*/.git/*' -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | awk '{print $1}')"
}

# ---------------------------------------------------------------------------------------------------------------
patch_list() { find "$ROOT/native/patches" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | sort; }
# the ABI patch alone: what LLamaSharp 0.30.0 needs to call b10361 at all (the baseline of bench parity)
abi_patch_list() { patch_list | grep '/0001-'; }
patch_hashes() { local p; while IFS= read -r p; do sha256sum "$p" | awk '{print $1}'; done < <("${1:-patch_list}"); }

# Work tree = pristine copy + patches, rebuilt only when the source or a patch changed. Patches are applied in a
# staging copy which is then synced into the work tree by content, so files whose bytes did not change keep their
# modification times and cmake recompiles only what a patch change actually touched.
# prepare_tree [tree name] [staging name] [patch list function]: default build/native/llama.cpp with every patch.
prepare_tree() {
  local name="${1:-llama.cpp}" list="${3:-patch_list}"
  local tree="$NATIVE_DIR/$name" staging="$NATIVE_DIR/${2:-staging}" key_file="$NATIVE_DIR/$name.key" tree_key
  tree_key="$SOURCE_KEY $(patch_hashes "$list" | tr '\n' ' ')"
  if [[ -f "$key_file" && "$(cat "$key_file")" == "$tree_key" && -d "$tree" ]]; then
    TREE="$tree"; TREE_KEY="$tree_key"; return
  fi
  step "preparing the patched source tree ($name)"
  rm -f "$key_file"
  mkdir -p "$tree" "$staging"
  rsync -a --delete --exclude .git --exclude /build "$PRISTINE_SRC/" "$staging/"
  # staging is its own (empty) git repository: inside the LlamaJump checkout, `git apply` would otherwise resolve
  # paths against the outer repository and silently skip every file
  rm -rf "$staging/.git"
  git -C "$staging" init -q
  local p name
  while IFS= read -r p; do
    name="$(basename "$p")"
    if ! git -C "$staging" apply --check -p1 "$p" 2>"$NATIVE_DIR/patch-error.log"; then
      cat "$NATIVE_DIR/patch-error.log" >&2
      fail "patch $name does not apply to llama.cpp ($SOURCE_KEY)"
    fi
    git -C "$staging" apply -p1 "$p" || fail "patch $name failed to apply"
    git -C "$staging" apply --check -R -p1 "$p" 2>/dev/null || fail "patch $name did not take effect"
    echo "    applied $name" >&2
  done < <("$list")
  rsync -a --delete --checksum --exclude .git "$staging/" "$tree/"
  echo "$tree_key" >"$key_file"
  TREE="$tree"; TREE_KEY="$tree_key"
}

cmake_flags() {
  # GGML_RPC: ggml's RPC backend (libggml-rpc, models over `llamajump rpc-server`s); LLAMA_BUILD_TOOLS only so that
  # its server tool (tools/rpc) is a target: compile_libs builds that one target, no other tool
  local flags=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
    -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON -DGGML_RPC=ON)
  if [[ "$GGML_CUDA" == "1" ]]; then
    flags+=(-DGGML_CUDA=ON)
  fi
  printf '%s\n' "${flags[@]}"
}

build_native() {
  if [[ "$GGML_CUDA" == "1" ]]; then
    command -v nvcc >/dev/null || [[ -x /usr/local/cuda/bin/nvcc ]] \
      || fail "GGML_CUDA=1 needs the CUDA toolkit (nvcc not found on PATH or in /usr/local/cuda/bin)"
    [[ -x /usr/local/cuda/bin/nvcc ]] && export PATH="/usr/local/cuda/bin:$PATH"
  fi
  if [[ -n "${LLAMA_CPP_SRC:-}" ]]; then local_source; else fetch_pinned_source; fi
  local flavor="cpu"; [[ "$GGML_CUDA" == "1" ]] && flavor="cuda"
  mapfile -t flags < <(cmake_flags)
  local build_key
  build_key="$(printf '%s\n' "$SOURCE_KEY" "$(patch_hashes)" "${flags[@]}" | sha256sum | awk '{print $1}')"
  if [[ -f "$NATIVE_LIB_DIR/build.key" && "$(cat "$NATIVE_LIB_DIR/build.key")" == "$build_key" ]]; then
    step "native backend up to date ($flavor, key ${build_key:0:12})"
    return
  fi
  prepare_tree
  compile_libs "$TREE" "$flavor" "$NATIVE_LIB_DIR" "$build_key" "${flags[@]}"
  step "native backend ready in build/native/lib ($flavor)"
}

# compile_libs <source tree> <flavor> <output lib dir> <key> <cmake flags...>: configures and builds libllama +
# libggml (with its RPC backend) and ggml's rpc-server in build/native/cmake-<flavor>, then replaces <output lib dir>
# with the libraries, rpc-server, source.txt, flags.txt and build.key (written last, so a half-copied directory never
# looks up to date).
compile_libs() {
  local tree="$1" flavor="$2" out="$3" key="$4"; shift 4
  local cmake_dir="$NATIVE_DIR/cmake-$flavor"
  step "configuring llama.cpp ($flavor)"
  cmake -S "$tree" -B "$cmake_dir" "$@" >"$NATIVE_DIR/cmake-$flavor.configure.log" 2>&1 \
    || { tail -30 "$NATIVE_DIR/cmake-$flavor.configure.log" >&2; fail "cmake configure failed (log: build/native/cmake-$flavor.configure.log)"; }
  step "compiling libllama + libggml with $JOBS jobs (first time ~10 min; log: build/native/cmake-$flavor.build.log)"
  cmake --build "$cmake_dir" --target llama ggml ggml-rpc-server -j "$JOBS" >"$NATIVE_DIR/cmake-$flavor.build.log" 2>&1 \
    || { grep -E "error|Error" "$NATIVE_DIR/cmake-$flavor.build.log" | head -20 >&2; fail "native build failed (log: build/native/cmake-$flavor.build.log)"; }
  rm -rf "$out.tmp"
  mkdir -p "$out.tmp"
  cp -a "$cmake_dir"/bin/lib*.so* "$out.tmp/"
  cp -a "$cmake_dir/bin/ggml-rpc-server" "$out.tmp/rpc-server"
  for lib in libllama.so libggml.so libggml-base.so libggml-cpu.so libggml-rpc.so rpc-server; do
    [[ -e "$out.tmp/$lib" ]] || fail "native build did not produce $lib"
  done
  printf '%s\n' "$SOURCE_KEY" >"$out.tmp/source.txt"
  printf '%s\n' "$@" >"$out.tmp/flags.txt"
  echo "$key" >"$out.tmp/build.key"
  rm -rf "$out"
  mv "$out.tmp" "$out"
}

# The same release with only the ABI patch (0001: what LLamaSharp needs to call it), none of the hooks, same flags,
# in build/native/baseline-lib: the third side of `llamajump bench parity --baseline build/native/baseline-lib`,
# which separates what the hook patches (0002, 0003) cost from what changed upstream between the stock LLamaSharp
# backend's llama.cpp and ours. Not needed to build or test.
build_baseline() {
  if [[ -n "${LLAMA_CPP_SRC:-}" ]]; then local_source; else fetch_pinned_source; fi
  local flavor="baseline-cpu"; [[ "$GGML_CUDA" == "1" ]] && flavor="baseline-cuda"
  mapfile -t flags < <(cmake_flags)
  local out="$NATIVE_DIR/baseline-lib" key
  key="$(printf '%s\n' "$SOURCE_KEY" "$(patch_hashes abi_patch_list)" "${flags[@]}" | sha256sum | awk '{print $1}')"
  if [[ -f "$out/build.key" && "$(cat "$out/build.key")" == "$key" ]]; then
    step "baseline llama.cpp $LLAMA_CPP_TAG (ABI patch only) up to date in build/native/baseline-lib"
    return
  fi
  prepare_tree baseline-src baseline-staging abi_patch_list
  compile_libs "$TREE" "$flavor" "$out" "$key" "${flags[@]}"
  step "baseline llama.cpp $LLAMA_CPP_TAG (ABI patch only) ready in build/native/baseline-lib ($flavor)"
}

# The patched work tree alone (build/native/llama.cpp and its .key), without compiling.
prepare_source() {
  if [[ -n "${LLAMA_CPP_SRC:-}" ]]; then local_source; else fetch_pinned_source; fi
  prepare_tree
  step "patched llama.cpp $LLAMA_CPP_TAG source tree ready in build/native/llama.cpp"
}

# ---------------------------------------------------------------------------------------------------------------
check_torch_backend() {
  [[ "$LLAMAJUMP_TORCH" == "cpu" || "$LLAMAJUMP_TORCH" == "cuda" ]] \
    || fail "LLAMAJUMP_TORCH must be cpu or cuda (got '$LLAMAJUMP_TORCH')"
}

# explain_torch_restore <log>: a restore that could not find the CUDA libtorch becomes one line saying so, instead
# of the same NU1101 error repeated for every project.
explain_torch_restore() {
  if [[ "$LLAMAJUMP_TORCH" == "cuda" ]] && grep -q "NU1101.*libtorch-cuda" "$1"; then
    fail "LLAMAJUMP_TORCH=cuda: the CUDA libtorch package libtorch-cuda-12.8-linux-x64 could not be restored from your NuGet sources; add a source that serves it (NuGet.Config), or build without LLAMAJUMP_TORCH for the CPU libtorch (log: ${1#"$ROOT/"})"
  fi
}

build_dotnet() {
  step "building the .NET solution ($CONFIGURATION, torch $LLAMAJUMP_TORCH; log: build/dotnet-build.log)"
  mkdir -p "$ROOT/build"
  if ! dotnet build "$ROOT/LlamaJump.sln" -c "$CONFIGURATION" -p:TorchBackend="$LLAMAJUMP_TORCH" -nologo \
      >"$ROOT/build/dotnet-build.log" 2>&1; then
    explain_torch_restore "$ROOT/build/dotnet-build.log"
    grep -E ": (error|warning) " "$ROOT/build/dotnet-build.log" | sort -u | head -30 >&2
    fail "dotnet build failed (log: build/dotnet-build.log)"
  fi
  grep -E "LlamaJump: .*GLIBCXX" "$ROOT/build/dotnet-build.log" | sed -E 's/^ +//' | sort -u | head -1 >&2 || true
  [[ -x "$ROOT/src/Cli/bin/$CONFIGURATION/net10.0/llamajump" ]] || fail "dotnet build did not produce llamajump"
  step "done: ./llamajump is ready (try ./llamajump doctor)"
}

# ---------------------------------------------------------------------------------------------------------------
# The library packages. One `dotnet pack` over a solution filter, so only the six packable projects build.
pack_packages() {
  local out="$ROOT/build/packages"
  local extra=()
  [[ -n "${VERSION_SUFFIX:-}" ]] && extra+=("-p:VersionSuffix=$VERSION_SUFFIX")
  step "packing the library packages into build/packages${VERSION_SUFFIX:+ (suffix $VERSION_SUFFIX)} (log: build/dotnet-pack.log)"
  mkdir -p "$out"
  if ! dotnet pack "$ROOT/eng/Packages.slnf" -c "$CONFIGURATION" -p:TorchBackend="$LLAMAJUMP_TORCH" -o "$out" -nologo \
      "${extra[@]}" >"$ROOT/build/dotnet-pack.log" 2>&1; then
    explain_torch_restore "$ROOT/build/dotnet-pack.log"
    grep -E ": (error|warning) " "$ROOT/build/dotnet-pack.log" | sort -u | head -30 >&2
    fail "dotnet pack failed (log: build/dotnet-pack.log)"
  fi
  step "done: the LlamaJump.* packages are in build/packages (a folder feed: samples/EarlyExitStory/NuGet.Config)"
}

# ---------------------------------------------------------------------------------------------------------------
clean() {
  step "removing build outputs"
  rm -rf "$ROOT/build" "$ROOT/artifacts"
  find "$ROOT/src" "$ROOT/tests" "$ROOT/tools" -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
}

# a bad LLAMAJUMP_TORCH is refused before anything is built
[[ "${1:-all}" == "clean" ]] || check_torch_backend

case "${1:-all}" in
  all) ensure_tools; build_native; build_dotnet ;;
  native) ensure_tools; build_native ;;
  baseline) ensure_tools; build_baseline ;;
  source) ensure_tools; prepare_source ;;
  dotnet) build_dotnet ;;
  pack) ensure_tools; build_native; pack_packages ;;
  test) ensure_tools; build_native; build_dotnet; exec "$ROOT/tests/run-tests.sh" "$CONFIGURATION" ;;
  clean) clean ;;
  *) fail "unknown command '$1' (use: ./build.sh [all|native|source|baseline|dotnet|pack|test|clean])" ;;
esac
