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
# The report is written to a file and read after the run: a reader started in a pipe (python's
# start-up) would take a core from the run while it runs.
peritrial_once() {
  "$bin" run scenarios/two-arm-efs-logrank.toml --threads "$1" --quiet --format json >"$tmp/report.json"
  python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print(v["timing"]["seconds"], v["endpoints"]["efs"]["power"])' "$tmp/report.json"
}
# Round by round, each tool once per round, so that the machine's drift (these VMs' speed moves
# by 20-30% within minutes) reaches every tool alike; the best of each tool's rounds is kept.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$rounds"); do
  peritrial_once 1 >>"$tmp/1"
  peritrial_once "$cores" >>"$tmp/n"
  Rscript benches/compare/rpact.R >>"$tmp/r"
  python3 benches/compare/numpy_sim.py >>"$tmp/p"
done
read -r p1 pow1 < <(sort -n "$tmp/1" | head -1)
read -r pn pown < <(sort -n "$tmp/n" | head -1)
rp=$(sort -k3 -n "$tmp/r" | head -1)
np=$(sort -k3 -n "$tmp/p" | head -1)
read -r _ rv rt rpow <<<"$rp"
read -r _ nv nt npow <<<"$np"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $cores cores; best of $rounds rounds, the tools in turn"
printf "%-36s %9s %8s %10s %14s\n" tool seconds power "x peritrial1" "ns/patient/core"
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
printf "%-36s %9.3f %8.4f %10.2f %14.1f\n" "peritrial $("$bin" --version | cut -d' ' -f2), 1 thread" "$p1" "$pow1" 1 "$(calc "$p1 * 1e9 / $patients")"
printf "%-36s %9.3f %8.4f %10.2f %14.1f\n" "peritrial, $cores threads" "$pn" "$pown" "$(calc "$pn / $p1")" "$(calc "$pn * $cores * 1e9 / $patients")"
printf "%-36s %9.3f %8.4f %10.2f %14.1f\n" "rpact $rv getSimulationSurvival" "$rt" "$rpow" "$(calc "$rt / $p1")" "$(calc "$rt * 1e9 / $patients")"
printf "%-36s %9.3f %8.4f %10.2f %14.1f\n" "numpy $nv (vectorised per trial)" "$nt" "$npow" "$(calc "$nt / $p1")" "$(calc "$nt * 1e9 / $patients")"
echo "speed-up of $cores threads over 1: $(calc "$p1 / $pn")"
