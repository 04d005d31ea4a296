#!/usr/bin/env bash
# The canonical scenario (600 patients, 10,000 trials, one-sided log-rank at 300 events) in
# peritrial (1 thread and every core), R rpact's getSimulationSurvival and numpy, on this
# machine in one go; prints each tool's seconds, power, the ratios to peritrial on one thread
# and the nanoseconds of one core per simulated and analysed patient.
# Needs: target/release/peritrial (cargo build --release), Rscript with rpact (Debian
# r-cran-rpact), python3 with numpy (pip install numpy). Usage: benches/compare/run.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
bin=target/release/peritrial
[ -x "$bin" ] || cargo build --release
cores=$(nproc)
patients=$((600 * 10000))
best() { sort -n | head -1; }
peritrial_time() {
  for _ in $(seq "$rounds"); do
    "$bin" run scenarios/two-arm-efs-logrank.toml --threads "$1" --quiet --format json \
      | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["timing"]["seconds"], v["endpoints"]["efs"]["power"])'
  done | sort -n | head -1
}
read -r p1 pow1 < <(peritrial_time 1)
read -r pn pown < <(peritrial_time "$cores")
rp=$(for _ in $(seq "$rounds"); do Rscript benches/compare/rpact.R; done | sort -k3 -n | head -1)
np=$(for _ in $(seq "$rounds"); do python3 benches/compare/numpy_sim.py; done | sort -k3 -n | head -1)
read -r _ rv rt rpow <<<"$rp"
read -r _ nv nt npow <<<"$np"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $cores cores; best of $rounds"
printf "%-36s %9s %8s %10s %14s\n" tool seconds power "x peritrial1" "ns/patient/core"
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
printf "%-36s %9.3f %8.4f %10.2f %14.1f\n" "peritrial $("$bin" --version | cut -d' ' -f2), 1 thread" "$p1" "$pow1" 1 "$(calc "$p1 * 1e9 / $patients")"
printf "%-36s %9.3f %8.4f %10.2f %14.1f\n" "peritrial, $cores threads" "$pn" "$pown" "$(calc "$pn / $p1")" "$(calc "$pn * $cores * 1e9 / $patients")"
printf "%-36s %9.3f %8.4f %10.2f %14.1f\n" "rpact $rv getSimulationSurvival" "$rt" "$rpow" "$(calc "$rt / $p1")" "$(calc "$rt * 1e9 / $patients")"
printf "%-36s %9.3f %8.4f %10.2f %14.1f\n" "numpy $nv (vectorised per trial)" "$nt" "$npow" "$(calc "$nt / $p1")" "$(calc "$nt * 1e9 / $patients")"
echo "speed-up of $cores threads over 1: $(calc "$p1 / $pn")"
