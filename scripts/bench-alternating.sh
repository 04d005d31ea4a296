#!/usr/bin/env bash
# Whole-command wall times of two or more commands run alternately (A B C A B C ...), so that
# the machine's drift falls on every command alike; prints each command's median, mean and
# the median of its per-round ratio to the first command.
# Usage: scripts/bench-alternating.sh ROUNDS "command A" "command B" ...
set -euo pipefail
rounds=$1; shift
declare -a cmds=("$@")
n=${#cmds[@]}
tmp=$(mktemp)
for _ in 1 2 3; do for c in "${cmds[@]}"; do bash -c "$c" >/dev/null 2>&1; done; done
for ((r = 0; r < rounds; r++)); do
  line=""
  for c in "${cmds[@]}"; do
    t0=$(date +%s%N); bash -c "$c" >/dev/null 2>&1; t1=$(date +%s%N)
    line+="$(( (t1 - t0) / 1000 )) "
  done
  echo "$line" >> "$tmp"
done
python3 - "$tmp" "$n" "${cmds[@]}" <<'PY'
import sys, statistics as st
rows = [list(map(int, l.split())) for l in open(sys.argv[1])]
n = int(sys.argv[2]); cmds = sys.argv[3:]
for k in range(n):
    t = [r[k] / 1000 for r in rows]
    ratio = [r[k] / r[0] for r in rows]
    print(f"{st.median(t):8.1f} ms median  {st.mean(t):8.1f} ms mean  ratio to first {st.median(ratio):.3f} (IQR {st.quantiles(ratio, n=4)[0]:.3f}-{st.quantiles(ratio, n=4)[2]:.3f})  {cmds[k]}")
PY
rm -f "$tmp"
