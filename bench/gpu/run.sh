#!/usr/bin/env bash
# Runs on the GPU machine, from the bundle made by bench/gpu/bundle.sh: lists devices, runs the GEMM correctness sweep
# on every CUDA device, times our GEMM and cuBLAS (PyTorch, TF32 off) at n = 2048, 4096, 8192 in f32 and f64 in the
# same run, runs and verifies every device-resident operation (`op`) on CUDA and CUDA+CPU, and prints a table last. Logs and JSON go to the folder given (default ./gpu-results).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-./gpu-results}
mkdir -p "$out"
bench="$here/GpuCompute.Bench"
export GPUCOMPUTE_DEVICES=${GPUCOMPUTE_DEVICES:-cuda}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.txt" 2>&1 || true
"$bench" devices > "$out/devices.txt" 2>&1
"$bench" verify --devices cuda > "$out/verify.txt" 2>&1; echo "verify exit $?" >> "$out/verify.txt"
for precision in f32 f64; do
  for n in 2048 4096 8192; do
    "$bench" gemm --size "$n" --precision "$precision" --devices cuda --repeat 5 --json > "$out/gemm-$precision-$n.json" 2> "$out/gemm-$precision-$n.err"
  done
done
"$bench" gemm --size 16384 --devices cuda,cpu --repeat 2 --json > "$out/gemm-f32-16384-cuda-cpu.json" 2> "$out/gemm-f32-16384-cuda-cpu.err"
# Device-resident operations: each verifies itself against a double reference (exit 1 if not); logs per op.
for op in axpy add relu exp dot sum asum nrm2 amax imax gemv transpose batched-gemm; do
  for devices in cuda cuda,cpu; do
    "$bench" op "$op" --devices "$devices" --json > "$out/op-$op-$devices.json" 2> "$out/op-$op-$devices.err"
    echo "op $op on $devices exit $?" >> "$out/ops.txt"
  done
done
python3 "$here/cublas_reference.py" > "$out/cublas.json" 2> "$out/cublas.err"
cat "$out/gpu.txt" "$out/devices.txt" "$out/verify.txt" "$out/ops.txt"
python3 "$here/summarize.py" "$out"
