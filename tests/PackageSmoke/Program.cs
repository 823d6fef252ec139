// Multiplies two random matrices on the engine's default devices and checks the product against MathNet's.
using GpuCompute;
using GpuCompute.Matrices;
using MathNet.Numerics.LinearAlgebra;

const int m = 129, n = 65, k = 257;
var random = new Random(3);
var a = Matrix<double>.Build.Dense(m, k, (_, _) => random.NextDouble() - 0.5);
var b = Matrix<double>.Build.Dense(k, n, (_, _) => random.NextDouble() - 0.5);
var expected = a * b;

using var engine = new ComputeEngine(new ComputeEngineOptions { PersistModels = false });
var hostA = new HostMatrix<double>(m, k);
var hostB = new HostMatrix<double>(k, n);
for (int i = 0; i < m; i++)
{
    for (int p = 0; p < k; p++)
    {
        hostA[i, p] = a[i, p];
    }
}

for (int p = 0; p < k; p++)
{
    for (int j = 0; j < n; j++)
    {
        hostB[p, j] = b[p, j];
    }
}

var c = engine.Multiply(hostA, hostB);
double worst = 0;
for (int i = 0; i < m; i++)
{
    for (int j = 0; j < n; j++)
    {
        worst = Math.Max(worst, Math.Abs(c[i, j] - expected[i, j]));
    }
}

// The same product through MathNet's own API, with the GpuCompute provider installed (minimum volume 0: always the engine).
var managed = a * b;
using (GpuCompute.MathNetProvider.GpuComputeProvider.Use(new ComputeEngineOptions { PersistModels = false }, minEngineVolume: 0))
{
    worst = Math.Max(worst, (a * b - managed).Enumerate().Max(Math.Abs));
}

Console.WriteLine($"GpuCompute {typeof(ComputeEngine).Assembly.GetName().Version} on {string.Join(", ", engine.Devices.Select(d => d.Id))}: {m}x{k}x{n} max |C - MathNet| = {worst:E2}");
var request = new GpuCompute.Client.JobRequest { Operation = "gemm", Operands = new Dictionary<string, GpuCompute.Client.OperandRef>() };
Console.WriteLine($"client contract: {request.Operation} {request.Precision}");
return worst < 1e-12 ? 0 : 1;
