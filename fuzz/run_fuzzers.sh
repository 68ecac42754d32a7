#!/usr/bin/env bash
# Runs each fuzz target for a bounded time: `make fuzz` calls it after building the `fuzz`
# preset. Usage: fuzz/run_fuzzers.sh BUILD_DIR SECONDS TARGET...
# Each target starts from its seeds (fuzz/corpus/<target>, read only) and writes what it
# finds to BUILD_DIR/corpus/<target> (a scratch corpus that later runs start from too);
# a crash, timeout or out-of-memory leaves its input in BUILD_DIR/artifacts/<target>/ and
# fails the run once every target has had its turn.
set -uo pipefail
build="$1"; seconds="$2"; shift 2
root="$(cd "$(dirname "$0")/.." && pwd)"
# The targets' scratch files (fuzz/scratch_dir.h). A target that crashes cannot remove its
# directory; whatever is left is removed here once all have run (the input is in artifacts/).
export TMPDIR="$build/tmp"
mkdir -p "$TMPDIR"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
failed=()
for target in "$@"; do
  corpus="$build/corpus/$target"; artifacts="$build/artifacts/$target"; log="$build/logs/$target.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  dict="$root/fuzz/dict/${target#fuzz_}.dict"
  seeds="$root/fuzz/corpus/$target"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  [ -f "$dict" ] && args+=(-dict="$dict")
  [ -d "$seeds" ] || seeds=""
  echo "fuzz: $target for ${seconds}s (log: $log)"
  if "$build/bin/$target" "${args[@]}" "$corpus" $seeds >"$log" 2>&1; then
    grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1
  else
    echo "fuzz: $target FAILED; the input is in $artifacts/:"
    grep -E -m 5 'ERROR|runtime error|Test unit written|SUMMARY' "$log"
    failed+=("$target")
  fi
done
rm -rf "$TMPDIR"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#@} targets ran ${seconds}s without a crash, hang or out-of-memory"
