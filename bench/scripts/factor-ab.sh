#!/usr/bin/env bash
# Before and after, alternating in one run: the bench built in BEFORE (another checkout, e.g. a git worktree of the
# commit before a change) and the one in this checkout, three rounds of each factorization beside OpenBLAS.
#   git worktree add /tmp/before <commit> && (cd /tmp/before && dotnet build bench/GpuCompute.Bench -c Release)
#   BEFORE=/tmp/before KINDS="cholesky lu" SIZES=8192 bench/scripts/factor-ab.sh
set -euo pipefail
AFTER="$(cd "$(dirname "$0")/../.." && pwd)"
for round in 1 2 3; do
  for k in ${KINDS:-cholesky}; do
    for n in ${SIZES:-8192}; do
      for which in before after; do
        root=$([ "$which" = before ] && echo "${BEFORE:?set BEFORE to the other checkout}" || echo "$AFTER")
        dotnet "$root/bench/GpuCompute.Bench/bin/Release/net10.0/GpuCompute.Bench.dll" factor "$k" --size "$n" --devices cpu --openblas-coretype SkylakeX --repeat 3 --json |
          python3 -c "import json,sys; d=json.load(sys.stdin); print('$round', '$which', '$k', $n, round(d['gflops'],1), round(d['openblas_gflops'],1), round(d['ratio_to_openblas'],3), '%.2e' % d['backward_error'])"
      done
    done
  done
done
