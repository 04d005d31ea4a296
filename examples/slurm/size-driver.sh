#!/usr/bin/env bash
# A `peritrial size` search on Slurm, round by round: `size --next FILE` says which evaluation
# the search needs (a value and a number of trials) from its checkpoint and writes that
# evaluation's effective scenario to FILE; it runs as a sharded array (`run FILE --shard auto`),
# `missing` resubmits failed shards, `merge` puts it together and `size --record` adds it to the
# checkpoint (after checking that the merged report is that evaluation's run). When the search needs nothing more,
# `size --resume` prints the answer an uninterrupted search on one machine gives.
#
#   examples/slurm/size-driver.sh SCENARIO ENDPOINT TARGET_POWER [SHARDS] [WORKDIR] [-- SIZE FLAGS…]
#
# e.g. examples/slurm/size-driver.sh scenarios/two-arm-efs-logrank.toml efs 0.9 32 size-work
# Flags after `--` (--vary, --replicates, --seed, --set …) go to every `size` call; the runs
# read the evaluation's scenario, which has them applied. Every path given to the shell that
# Slurm's --wrap starts is quoted (a folder named `wk$(…)` is a name, not a command). Failed
# shards are resubmitted at most MAX_RESUBMITS times (default 3) per round, and the search at
# most MAX_ROUNDS rounds (default 60; a search needs 33 evaluations at most): beyond, the
# driver stops with exit 1 and says where.
set -euo pipefail
scenario=$1 endpoint=$2 target=$3 shards=${4:-16} work=${5:-size-work}
shift $(( $# < 5 ? $# : 5 ))
[ "${1:-}" = "--" ] && shift
extra=("$@")
peritrial=${PERITRIAL:-peritrial}
submit=${SUBMIT:-sbatch --wait}
mkdir -p "$work"
ck=$work/size-checkpoint.json
size() { "$peritrial" size "$scenario" --endpoint "$endpoint" --target-power "$target" "${extra[@]}" --quiet "$@"; }
max_resubmits=${MAX_RESUBMITS:-3}
max_rounds=${MAX_ROUNDS:-60}
round=0
while :; do
  round=$((round + 1))
  if [ "$round" -gt "$max_rounds" ]; then
    echo "size-driver: more than $max_rounds rounds: stopping (the checkpoint $ck holds what was recorded)" >&2
    exit 1
  fi
  dir=$work/round-$round
  mkdir -p "$dir"
  next=$(size --checkpoint "$ck" --next "$dir/scenario.toml")
  [ "$next" = done ] && break
  read -r _ set trials <<<"$next"
  # One command line for the job's shell, every word quoted for it.
  run=$(printf '%q ' "$peritrial" run "$dir/scenario.toml" --shard auto --shards "$shards" --format json --out "$dir" --quiet)
  $submit --array=1-"$shards" --wrap "$run" >/dev/null || true
  tries=0
  while bad=$("$peritrial" missing "$dir" --shards "$shards" --quiet); [ -n "$bad" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt "$max_resubmits" ]; then
      echo "size-driver: round $round: shards $bad still failing after $max_resubmits resubmissions: stopping (see $dir)" >&2
      exit 1
    fi
    $submit --array="$bad" --wrap "$run" >/dev/null || true
  done
  "$peritrial" merge "$dir"/shard-*-of-*.json --format json --out "$dir/merged.json" --force
  size --checkpoint "$ck" --record "$dir/merged.json"
  echo "round $round: $set with $trials trials recorded" >&2
done
size --resume "$ck"
