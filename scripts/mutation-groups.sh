#!/usr/bin/env bash
# Runs the mutation study one module group at a time (each with its own incremental file
# under reports/), so a long study can be stopped and resumed per group. Usage:
#   scripts/mutation-groups.sh [group ...]
# groups: model data config npy theory neurons sparsify stats checks checks-ghi checks-jkl (default: all, in that order)
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A MODULE_GROUPS=(
  [model]='src/core/model.ts,src/kernels/reference.ts,src/core/optimizers.ts,src/core/rng.ts,src/core/noise.ts,src/core/init.ts'
  [data]='src/core/data.ts'
  [config]='src/core/config.ts'
  [npy]='src/io/npy.ts'
  [theory]='src/analysis/theory.ts,src/analysis/correlation.ts'
  [neurons]='src/analysis/neurons.ts,src/analysis/criterion.ts'
  [sparsify]='src/analysis/sparsify.ts'
  [stats]='src/reproduce/stats.ts'
  [checks]='src/reproduce/experiments/count-grid.ts,src/reproduce/experiments/a-sparsification.ts,src/reproduce/experiments/b-count-vs-m.ts,src/reproduce/experiments/e-noise.ts'
  [checks-ghi]='src/reproduce/experiments/g-cooccurrence.ts,src/reproduce/experiments/h-mechanisms.ts,src/reproduce/experiments/i-necessary.ts'
  [checks-jkl]='src/reproduce/experiments/j-duplication.ts,src/reproduce/experiments/k-race.ts,src/reproduce/experiments/l-slow-regularization.ts'
)
for g in "${@:-model data config npy theory neurons sparsify stats checks checks-ghi checks-jkl}"; do
  for g1 in $g; do
    echo "== mutation group $g1"
    npx stryker run --mutate "${MODULE_GROUPS[$g1]}" --incrementalFile "reports/stryker-incremental-$g1.json"
    cp reports/mutation/mutation.json "reports/mutation/$g1.json"
  done
done
