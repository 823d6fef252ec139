#!/usr/bin/env bash
# A change measured against the build before it: `compare ARGS` (or `op ARGS` with OP=1) from the worktree BEFORE and
# from this checkout, alternating, ROUNDS times (default 3); prints each run and the medians (GFLOP/s, and the ratio to
# OpenBLAS for compare, the fraction of the triad for op). Build both first, e.g.
#   git worktree add /tmp/before HEAD~1 && (cd /tmp/before && dotnet build bench/GpuCompute.Bench -c Release)
#   dotnet build bench/GpuCompute.Bench -c Release
#   BEFORE=/tmp/before bench/scripts/compare-ab.sh --size 2048 --precision f32 --repeat 5
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
: "${BEFORE:?set BEFORE to the worktree of the build before}"
ROUNDS=${ROUNDS:-3}
out=$(mktemp)
for _ in $(seq "$ROUNDS"); do
  for side in before after; do
    root=$([ "$side" = before ] && echo "$BEFORE" || echo "$here")
    B="dotnet $root/bench/GpuCompute.Bench/bin/Release/net10.0/GpuCompute.Bench.dll"
    if [ "${OP:-0}" = 1 ]; then
      $B op "$@" --devices cpu --json |
        python3 -c "import json,sys; d=json.load(sys.stdin); print('$side', round(d['gflops'],1), round(d.get('fraction_of_triad') or 0,3))"
    else
      $B compare "$@" --openblas-coretype SkylakeX --json |
        python3 -c "import json,sys; d=json.load(sys.stdin)['results']; print('$side', round(d[0]['gflops'],1), round(d[0]['ratio_to_blas'],3))"
    fi
  done
done | tee "$out"
python3 - "$out" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for side in ("before", "after"):
    mine = [r for r in rows if r[0] == side]
    print(side, "median GFLOP/s", round(statistics.median(float(r[1]) for r in mine), 1),
          "median ratio", round(statistics.median(float(r[2]) for r in mine), 3))
EOF
rm -f "$out"
