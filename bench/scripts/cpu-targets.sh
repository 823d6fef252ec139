#!/usr/bin/env bash
# Every CPU-kernel target of the "CPU kernels that beat OpenBLAS" issue, measured the same way: each case ROUNDS times
# (default 3), the medians printed as the Markdown rows of bench/RESULTS.md. GEMM cases run `compare` (GpuCompute and
# OpenBLAS on its AVX-512 kernels, interleaved run by run, 2 threads unless the case says 1); memory-bound cases run `op`
# against the STREAM triad timed in the same process; the FMA peak (bench/fma-peak) is measured before and after.
# Build first: dotnet build bench/GpuCompute.Bench -c Release. PARTS picks sections: gemm ops single batched peak.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
B="dotnet $here/../GpuCompute.Bench/bin/Release/net10.0/GpuCompute.Bench.dll"
ROUNDS=${ROUNDS:-3}
PARTS=${PARTS:-"peak gemm single batched ops peak"}
median() { python3 -c "import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(round(statistics.median(v),3))" "$@"; }

peak() {
  gcc -O3 -funroll-loops -mavx512f -mfma -fopenmp "$here/../fma-peak/fma_peak.c" -o /tmp/fma_peak
  echo "FMA peak: $(/tmp/fma_peak 1) | $(/tmp/fma_peak 2)"
}

# rounds CMD ARGS...: runs CMD ROUNDS times (each printing one line of numbers) and prints each column's median.
rounds() {
  for _ in $(seq "$ROUNDS"); do "$@"; done |
    python3 -c "import statistics,sys; r=[l.split() for l in sys.stdin]; print(*(round(statistics.median(float(x[i]) for x in r),3) for i in range(len(r[0]))))"
}

# compare ARGS... -> "ours openblas ratio" medians over ROUNDS invocations
compare_once() {
  $B compare "$@" --repeat 5 --openblas-coretype SkylakeX --json |
    python3 -c "import json,sys; d=json.load(sys.stdin)['results']; print(d[0]['gflops'], d[1]['gflops'], d[0]['ratio_to_blas'])"
}
compare() { rounds compare_once "$@"; }

gemm() {
  echo "| shape | precision | GpuCompute GFLOP/s | OpenBLAS GFLOP/s | ratio |"
  echo "| --- | --- | --- | --- | --- |"
  for p in f32 f64; do
    for shape in "--size 1024" "--size 2048" "--size 4096" "--m 64 --n 20000 --k 512" "--m 20000 --n 64 --k 512" \
                 "--m 1000 --n 3000 --k 500"; do
      read -r g o r < <(compare $shape --precision $p)
      echo "| \`compare $shape\` | $p | $g | $o | $r |"
    done
  done
  echo
  echo "| C = α·op(A)·op(B) + β·C, 2000 × 2000 × 3000 | precision | GpuCompute GFLOP/s | OpenBLAS GFLOP/s | ratio |"
  echo "| --- | --- | --- | --- | --- |"
  for p in f32 f64; do
    for case in "" "--beta 1" "--beta 2" "--transa T" "--transb T" "--transa T --transb T" "--transa T --beta 1" \
                "--transb T --beta 2"; do
      read -r g o r < <(compare --m 2000 --n 2000 --k 3000 $case --precision $p)
      echo "| ${case:-plain} | $p | $g | $o | $r |"
    done
  done
}

# One thread at 2048³, each round between two one-thread FMA peaks (their mean is the round's peak): the host's speed
# drifts within minutes, so a peak from the start of the script would not describe the run.
single() {
  gcc -O3 -funroll-loops -mavx512f -mfma -fopenmp "$here/../fma-peak/fma_peak.c" -o /tmp/fma_peak
  echo "| one thread, 2048³ | GpuCompute GFLOP/s | OpenBLAS GFLOP/s | ratio | FMA peak | GpuCompute of peak | OpenBLAS of peak |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  for p in f32 f64; do
    local ours=() theirs=() ratios=() peaks=() mine=() blas=()
    for _ in $(seq "$ROUNDS"); do
      before=$(/tmp/fma_peak 1)
      read -r g o r < <(ROUNDS=1 compare --size 2048 --threads 1 --precision $p)
      after=$(/tmp/fma_peak 1)
      peak=$(python3 -c "import re,sys; f=[float(re.search(sys.argv[3]+r' ([0-9.]+)', x).group(1)) for x in sys.argv[1:3]]; print(sum(f)/2)" "$before" "$after" "$p")
      ours+=("$g"); theirs+=("$o"); ratios+=("$r"); peaks+=("$peak")
      mine+=("$(python3 -c "print($g/$peak)")"); blas+=("$(python3 -c "print($o/$peak)")")
    done
    echo "| $p | $(median "${ours[@]}") | $(median "${theirs[@]}") | $(median "${ratios[@]}") | $(median "${peaks[@]}") | $(median "${mine[@]}") | $(median "${blas[@]}") |"
  done
}

# op NAME ARGS... -> "gflops gbps fraction-of-triad" medians
op_once() {
  $B op "$@" --devices cpu --json |
    python3 -c "import json,sys; d=json.load(sys.stdin); print(d['gflops'], d.get('gbps') or 0, d.get('fraction_of_triad') or 0)"
}
op() { rounds op_once "$@"; }

batched() {
  echo "| batched 32³ × 10,000 | GFLOP/s | GB/s |"
  echo "| --- | --- | --- |"
  for p in f32 f64; do
    read -r g b _ < <(op batched-gemm --size 32 --batch 10000 --precision $p --repeat 15)
    echo "| $p | $g | $b |"
  done
}

ops() {
  echo "| operation | precision | GB/s | fraction of the triad |"
  echo "| --- | --- | --- | --- |"
  for p in f32 f64; do
    n=$([ $p = f32 ] && echo 134217728 || echo 67108864)
    for o in "transpose --size 8192" "gemv --size 8192" "dot --size $n" "nrm2 --size $n" "sum --size $n" "asum --size $n"; do
      read -r _ b f < <(op $o --precision $p --repeat 15)
      echo "| \`op $o\` | $p | $b | $f |"
    done
  done
}

for part in $PARTS; do
  "$part"
  echo
done
