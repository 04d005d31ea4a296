#!/usr/bin/env bash
# The run-time estimate against the measured time, for every shipped scenario (BENCHMARKS.md,
# "Run-time estimates"). Usage: scripts/estimate-accuracy.sh [BINARY] [REPLICATES]
# BINARY defaults to target/ci/peritrial; REPLICATES to each scenario's own. Prints one
# Markdown row per scenario: estimate (s), measured (s), ratio.
set -euo pipefail
bin=${1:-target/ci/peritrial}
reps=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| scenario | replicates | estimate (s) | measured (s) | estimate / measured |"
echo "|---|---:|---:|---:|---:|"
for f in scenarios/*.toml; do
  name=$(basename "$f" .toml)
  args=("$f" --format json --out "$tmp/$name.json")
  [[ -n "$reps" ]] && args+=(--replicates "$reps")
  # Not --quiet and not --force: the estimate is printed first on stderr.
  "$bin" run "${args[@]}" 2> "$tmp/$name.err" > /dev/null || { echo "| $name | failed | | | |"; continue; }
  python3 - "$tmp/$name.json" "$tmp/$name.err" "$name" <<'PY'
import json, re, sys
report = json.load(open(sys.argv[1]))
err = open(sys.argv[2]).read()
m = re.search(r"about ([0-9.]+) (s|min|h) for (\d+) virtual trials", err)
measured = report["timing"]["seconds"]
if not m:
    print(f"| {sys.argv[3]} | {report['replicates']} | (none: too few replicates to estimate) | {measured:.2f} | |")
else:
    e = float(m.group(1)) * {"s": 1, "min": 60, "h": 3600}[m.group(2)]
    print(f"| {sys.argv[3]} | {report['replicates']} | {e:.1f} | {measured:.2f} | {e / measured:.2f} |")
PY
done
