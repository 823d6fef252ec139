#!/usr/bin/env bash
# Builds what the GPU machine runs (it has no .NET and no network): the bench CLI as one self-contained Linux x64
# file, plus the scripts below, in gpu-bundle/ at the repository root (ignored by git; name it in the device tool's
# carry list). Then, on the GPU machine: bash gpu-bundle/run.sh "$OUT"
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/gpu-bundle"
rm -rf "$out"
dotnet publish "$root/bench/GpuCompute.Bench/GpuCompute.Bench.csproj" -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:InvariantGlobalization=true -p:DebugType=none -p:PublishTrimmed=false -o "$out"
cp "$root/bench/gpu/run.sh" "$root/bench/gpu/cublas_reference.py" "$root/bench/gpu/summarize.py" "$out/"
ls -la "$out"
