#!/usr/bin/env bash
# d1c set-up and jobs. Idempotent; works from a fresh clone on Debian 12.
#
#   utils/d1.sh demo            install packages, build, compile and run the bundled model
#   utils/d1.sh test            install packages, build, run every test
#   utils/d1.sh test-sanitized  the same in a separate ASan + UBSan build (clang)
#   utils/d1.sh fuzz [SECONDS]  that build's fuzz targets: the regression corpus,
#                               then each target for SECONDS (default 60)
#   utils/d1.sh bench           install, build, print the benchmark figures
#   utils/d1.sh format [--check] apply .clang-format to every C++ source (or check)
#
# BUILD_DIR (default: build, or build-san for test-sanitized and fuzz) picks
# the build directory. Arguments after SECONDS go to fuzz/run_fuzzers.py
# (--targets import,asm, --full-corpus, --ledger FILE; docs/fuzzing.md).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIT=/usr/lib/llvm-19/build/utils/lit/lit.py
PACKAGES=(
  cmake ninja-build g++ python3 git
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
  libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx python3-numpy python3-psutil
  libgtest-dev python3-torch python3-torchvision libonnx-testdata
  # utils/mesh_report.py's drawings.
  python3-matplotlib
  # LLVM 19's CMake package names these in LLVMSupport's link interface.
  libzstd-dev zlib1g-dev libxml2-dev libedit-dev libcurl4-openssl-dev libffi-dev
  # The sanitized build and the fuzz targets (libFuzzer).
  clang-19 libfuzzer-19-dev libclang-rt-19-dev
  # The format check (.clang-format).
  clang-format-19
)

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    [[ "$p" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    echo "== installing: ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

build() {
  local dir=$1; shift
  echo "== building in $dir"
  # A directory configured with another compiler (build-san was gcc's) is
  # configured afresh: CMake cannot switch compilers in place.
  local want="" arg cached
  for arg in "$@"; do
    [[ "$arg" == -DCMAKE_CXX_COMPILER=* ]] && want=${arg#*=}
  done
  if [[ -f "$dir/CMakeCache.txt" ]]; then
    cached=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$dir/CMakeCache.txt")
    if [[ "$(basename "${cached:-c++}")" != "$(basename "${want:-c++}")" ]]; then
      echo "== $dir was configured with ${cached:-the default compiler}: reconfiguring"
      rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
    fi
  fi
  cmake -G Ninja -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  ninja -C "$dir"
}

# ASan + UBSan with clang: fuzzer-no-link adds libFuzzer's coverage
# instrumentation, so the same objects serve the test suite and, linked
# with libFuzzer, the fuzz targets (fuzz/, D1_FUZZ on).
build_sanitized() {
  build "$1" -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DD1_SANITIZE=address,undefined,fuzzer-no-link -DCMAKE_BUILD_TYPE=RelWithDebInfo
}

run_tests() {
  local dir=$1 log clog
  log=$(mktemp)
  clog=$(mktemp)
  echo "== testing"
  set +e
  /usr/bin/python3 "$LIT" -sv --timeout 600 "$dir/test" "$dir/test/unit" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  echo "== ONNX conformance (utils/conformance.py)"
  /usr/bin/python3 "$ROOT/utils/conformance.py" "$dir" 2>&1 | tee "$clog"
  local cstatus=${PIPESTATUS[0]}
  set -e
  # One closing line: N passed, N failed (lit's counts plus the conformance
  # driver's; its expected failures count as neither).
  local passed failed
  passed=$(awk '/^ *(Passed|Expectedly Failed): /{s += $NF ~ /%/ ? $(NF-1) : $NF} END {print s+0}' "$log")
  failed=$(awk '/^ *(Failed|Unexpectedly Passed|Timed Out|Unresolved): /{s += $NF ~ /%/ ? $(NF-1) : $NF} END {print s+0}' "$log")
  passed=$((passed + $(awk '/^[0-9]+ passed, [0-9]+ failed/{p=$1} END {print p+0}' "$clog")))
  failed=$((failed + $(awk '/^[0-9]+ passed, [0-9]+ failed/{f=$3} END {print f+0}' "$clog")))
  ((cstatus == 0)) || grep -q '^[0-9]* passed, [0-9]* failed' "$clog" || failed=$((failed + 1))
  rm -f "$log" "$clog"
  echo "$passed passed, $failed failed"
  ((status == 0 && cstatus == 0))
}

demo() {
  local dir=$1 work model="$ROOT/examples/lenet"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  echo "== demo: compile a LeNet-style ONNX model for one D1 core and run it on the emulator"
  "$dir/bin/d1c" "$model/model.onnx" -o "$work/lenet.d1x"
  "$dir/bin/d1-run" "$work/lenet.d1x" --input "$model/test_data_set_0/input_0.pb" \
    --output-dir "$work/out" --stats-json "$work/stats.json" --quiet
  /usr/bin/python3 "$ROOT/examples/check_outputs.py" "$model/test_data_set_0" "$work/out" --atol 1e-4
  /usr/bin/python3 - "$work/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
roof = s["macs"] / 16
print(f"stats: {s['cycles']} cycles ({s['time_us']} us at {s['machine']['clock_mhz']} MHz), "
      f"{s['instructions']} instructions, {s['macs']} MACs "
      f"({100 * roof / s['cycles']:.0f}% of the fp32 roofline of 16 MAC/cycle), "
      f"DRAM {s['dram_read_bytes']} B read / {s['dram_write_bytes']} B written, "
      f"SRAM peak {s['sram_peak_bytes']} B")
PY
}

cmd=${1:-}
case "$cmd" in
  demo)
    install_packages
    build "${BUILD_DIR:-$ROOT/build}"
    demo "${BUILD_DIR:-$ROOT/build}" ;;
  test)
    install_packages
    build "${BUILD_DIR:-$ROOT/build}"
    run_tests "${BUILD_DIR:-$ROOT/build}" ;;
  test-sanitized)
    install_packages
    # allow_user_poisoning=0: LLVM's bump allocators poison a new slab in
    # our instrumented copies of their inline code and unpoison only in
    # those; MLIR's uniquer (uninstrumented libMLIR) hands out the rest of
    # such a slab, and ASan then reports our writes into it. Their
    # annotations are not ours to check; heap and stack checks stay.
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allow_user_poisoning=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    build_sanitized "${BUILD_DIR:-$ROOT/build-san}"
    run_tests "${BUILD_DIR:-$ROOT/build-san}" ;;
  fuzz)
    shift
    seconds=60
    if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
      seconds=$1
      shift
    fi
    install_packages
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allow_user_poisoning=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    build_sanitized "${BUILD_DIR:-$ROOT/build-san}"
    /usr/bin/python3 "$ROOT/fuzz/run_fuzzers.py" "${BUILD_DIR:-$ROOT/build-san}" --seconds "$seconds" "$@" ;;
  format)
    # Every C++ source in git, in .clang-format's style: --check (CI) only
    # reports, with clang-format's own file:line:col diagnostics.
    install_packages
    cd "$ROOT"
    if [[ "${2:-}" == --check ]]; then
      git ls-files '*.cpp' '*.h' | xargs clang-format-19 --dry-run -Werror
      echo "== format: $(git ls-files '*.cpp' '*.h' | wc -l) files in clang-format's style"
    else
      git ls-files '*.cpp' '*.h' | xargs clang-format-19 -i
    fi ;;
  bench)
    install_packages
    build "${BUILD_DIR:-$ROOT/build}"
    /usr/bin/python3 "$ROOT/bench/emulator_speed.py" "${BUILD_DIR:-$ROOT/build}" ;;
  *)
    sed -n '2,14p' "$0"
    exit 2 ;;
esac
