#!/usr/bin/env bash
# Runs each AFL target for SECONDS (default 600) on one core, one after the other.
#   cargo install cargo-afl && cargo afl build --release && ./run-afl.sh 600
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
mkdir -p out
for t in scenario set csv shard sweep_shard; do
  cargo afl fuzz -V "$seconds" -t 5000 -x dict.txt -i "corpus/$t" -o "out/$t" "target/release/$t" > "out-$t.log" 2>&1 || true
  echo "$t: $(grep -E 'saved_crashes|saved_hangs|execs_done|corpus_count' "out/$t/default/fuzzer_stats" | tr -s ' ' | tr '\n' ' ')"
done
