#!/usr/bin/env bash
# Three rounds of every factorization beside OpenBLAS's LAPACK (AVX-512 kernels), 2 threads each, one JSON line each
# summarised as: round kind n GpuCompute-GFLOP/s OpenBLAS-GFLOP/s ratio backward-error. Build first:
#   dotnet build bench/GpuCompute.Bench -c Release
# KINDS and SIZES override the defaults.
set -euo pipefail
B="dotnet $(dirname "$0")/../GpuCompute.Bench/bin/Release/net10.0/GpuCompute.Bench.dll"
for round in 1 2 3; do
  for k in ${KINDS:-cholesky lu qr}; do
    for n in ${SIZES:-4096 8192}; do
      $B factor "$k" --size "$n" --devices cpu --openblas-coretype SkylakeX --repeat 3 --json |
        python3 -c "import json,sys; d=json.load(sys.stdin); print('$round', '$k', $n, round(d['gflops'],1), round(d['openblas_gflops'],1), round(d['ratio_to_openblas'],3), '%.2e' % d['backward_error'])"
    done
  done
done
