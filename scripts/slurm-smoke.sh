#!/usr/bin/env bash
# A real one-node Slurm cluster on localhost: installs Debian's slurm-wlm and munge when absent,
# starts munged, slurmctld and slurmd with a generated slurm.conf, submits the canonical
# scenario as a 4-task job array (examples/slurm/shards.sbatch) and the dependent merge
# (examples/slurm/merge.sbatch), waits, and checks that the merged report is the local run's
# byte for byte outside `timing` and `execution` (`peritrial run --from` re-runs it locally
# and says so). Then deletes one shard and damages another, checks that `peritrial missing`
# names exactly those, resubmits them as the array range it prints, merges again and checks
# again. Then a 3-point sweep over a 4-task array (merged = local, byte for byte) and a size
# search driven round by round (examples/slurm/size-driver.sh: each evaluation an array; the
# answer = the local search's). Stops the daemons it started. Usage: scripts/slurm-smoke.sh [PERITRIAL_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${1:-$root/target/release/peritrial}
[ -x "$bin" ] || cargo build --release
export PERITRIAL=$bin
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends slurm-wlm munge
fi
work=$(mktemp -d /tmp/peritrial-slurm.XXXXXX)
chmod 755 "$work"
node=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
user=$(id -un)
mkdir -p "$work"/{state,spool,munge,results,logs}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
# munge: a fresh key of our own, its socket in the work folder.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
socket="$work/munge/munge.socket"
munged --force --key-file="$work/munge/munge.key" --socket="$socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/logs/munged.log" --seed-file="$work/munge/seed"
sleep 1
pids+=("$(cat "$work/munge/munged.pid")")
cat > "$work/slurm.conf" <<CONF
ClusterName=peritrial-smoke
SlurmctldHost=$node(127.0.0.1)
SlurmUser=$user
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/logs/slurmctld.log
SlurmdLogFile=$work/logs/slurmd.log
SlurmctldPort=46817
SlurmdPort=46818
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=smoke Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -f "$SLURM_CONF"
for _ in $(seq 50); do [ -s "$work/slurmctld.pid" ] && break; sleep 0.2; done
pids+=("$(cat "$work/slurmctld.pid")")
slurmd -f "$SLURM_CONF"
for _ in $(seq 50); do [ -s "$work/slurmd.pid" ] && break; sleep 0.2; done
pids+=("$(cat "$work/slurmd.pid")")
for _ in $(seq 60); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  [ "$state" = "idle" ] && break
  sleep 1
done
echo "slurm: node $node is ${state:-unknown}"
sinfo
scenario=scenarios/two-arm-efs-logrank.toml
wait_for() {
  for _ in $(seq 300); do
    [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
    if squeue -h -j "$1" -o %r 2>/dev/null | grep -q PartitionConfig; then
      echo "jobs $1 cannot run on this partition" >&2; squeue; exit 1
    fi
    sleep 1
  done
  echo "jobs $1 did not finish" >&2; squeue; exit 1
}
submit_and_merge() {
  local array=$1
  # One CPU per task on this small node (the script asks for 4 on a real cluster).
  jid=$(sbatch --parsable --chdir="$root" --cpus-per-task=1 --output="$work/logs/%x-%A_%a.log" --array="$array" \
    examples/slurm/shards.sbatch "$scenario" "$work/results" 4)
  mid=$(sbatch --parsable --chdir="$root" --output="$work/logs/%x-%j.log" --dependency=afterok:"$jid" \
    examples/slurm/merge.sbatch "$work/results" 4 "$work/merged.json")
  echo "submitted array $jid ($array) and merge $mid"
  wait_for "$jid,$mid"
  sacct >/dev/null 2>&1 || true
  [ -s "$work/merged.json" ] || { cat "$work"/logs/*.log; echo "no merged report" >&2; exit 1; }
}
submit_and_merge 1-4%2
ls -l "$work/results"
"$bin" run --from "$work/merged.json" --quiet --format json --force --out "$work/local.json" 2>&1 | tee "$work/from.txt"
grep -q "identical" "$work/from.txt" || { echo "the merged report differs from the local run" >&2; exit 1; }
# Lose shard 2 and damage shard 4: `missing` names them; resubmitted, the merge is whole again.
rm "$work/results/shard-00002-of-00004.json" "$work/merged.json"
sed -i 's/"rejections": \([0-9]\)/"rejections": 1\1/' "$work/results/shard-00004-of-00004.json"
range=$("$bin" missing "$work/results" --shards 4 || true)
echo "missing: $range"
[ "$range" = "2,4" ] || { echo "expected missing 2,4, got '$range'" >&2; exit 1; }
submit_and_merge "$range"
"$bin" missing "$work/results" --shards 4
"$bin" run --from "$work/merged.json" --quiet --format json --force --out "$work/local.json" 2>&1 | tee "$work/from.txt"
grep -q "identical" "$work/from.txt" || { echo "the merged report differs from the local run after the resubmission" >&2; exit 1; }
# A sweep of 3 grid points over a 4-task array (a point's replicates split over shards): the
# merge equals the local sweep byte for byte.
vary=enrollment.sample_size=500,600,700
mkdir -p "$work/sweep"
sbatch --wait --chdir="$root" --cpus-per-task=1 --output="$work/logs/sweep-%A_%a.log" --array=1-4 \
  --wrap "$bin sweep $scenario --vary $vary --replicates 500 --format json --shard auto --shards 4 --out $work/sweep --quiet" >/dev/null
"$bin" missing "$work/sweep" --shards 4
"$bin" merge "$work"/sweep/shard-*-of-00004.json --format csv --out "$work/sweep.csv"
"$bin" sweep "$scenario" --vary "$vary" --replicates 500 --quiet --out "$work/sweep-local.csv"
cmp "$work/sweep.csv" "$work/sweep-local.csv" || { echo "the merged sweep differs from the local sweep" >&2; exit 1; }
echo "sweep: 3 points over 4 array tasks, merged = local"
# A size search driven round by round, each evaluation a 3-task array: the answer is the
# local search's.
SUBMIT="sbatch --wait --chdir=$root --cpus-per-task=1 --output=$work/logs/size-%A_%a.log" \
  examples/slurm/size-driver.sh "$scenario" efs 0.8 3 "$work/size" -- --replicates 400 > "$work/size.txt"
"$bin" size "$scenario" --endpoint efs --target-power 0.8 --replicates 400 --quiet > "$work/size-local.txt"
cmp "$work/size.txt" "$work/size-local.txt" || { echo "the driven search's answer differs from the local one" >&2; exit 1; }
echo "size: $(ls "$work"/size/round-*/merged.json | wc -l) rounds on the cluster, answer = local: $(head -c 60 "$work/size.txt")"
echo "slurm smoke test passed: 4-task array, dependent merge, resubmission of the missing shards, a sweep over an array, a size search driven round by round"
