"""Prints the GPU run's table: our GEMM (host to host, through the engine) beside cuBLAS (device-resident), per size."""
import json
import pathlib
import sys

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "gpu-results")
try:
    cublas = {(r["precision"], r["n"]): r for r in json.loads((out / "cublas.json").read_text())["results"]}
except (OSError, ValueError, KeyError):
    cublas = {}
print(f"{'precision':>9} {'n':>6} {'ours GFLOP/s':>13} {'verified':>9} {'cuBLAS GFLOP/s':>15} {'ratio':>6}")
for precision in ("f32", "f64"):
    for n in (2048, 4096, 8192):
        try:
            ours = json.loads((out / f"gemm-{precision}-{n}.json").read_text())
            gflops, verified = ours["gflops"], ours["verified"]
        except (OSError, ValueError, KeyError):
            gflops, verified = float("nan"), "error"
        ref = cublas.get((precision, n), {}).get("gflops", float("nan"))
        print(f"{precision:>9} {n:>6} {gflops:>13.1f} {str(verified):>9} {ref:>15.1f} {gflops / ref:>6.2f}")
