"""cuBLAS GEMM through PyTorch (TF32 off), the reference our GPU kernel is measured against in the same run.

Prints one JSON object: {"device": name, "results": [{"precision", "n", "seconds", "gflops"}]} with median times.
"""
import json
import statistics

import torch

torch.backends.cuda.matmul.allow_tf32 = False
results = []
for dtype, name in ((torch.float32, "f32"), (torch.float64, "f64")):
    for n in (2048, 4096, 8192):
        a = torch.rand(n, n, dtype=dtype, device="cuda") * 2 - 1
        b = torch.rand(n, n, dtype=dtype, device="cuda") * 2 - 1
        torch.matmul(a, b)
        torch.cuda.synchronize()
        times = []
        for _ in range(5):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            torch.matmul(a, b)
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end) / 1e3)
        seconds = statistics.median(times)
        results.append({"precision": name, "n": n, "seconds": seconds, "gflops": 2 * n**3 / seconds / 1e9})
print(json.dumps({"device": torch.cuda.get_device_name(0), "results": results}))
