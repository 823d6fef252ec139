using System.Numerics;
using GpuCompute.Gemm;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>Runs GEMM tiles of one precision on one accelerator; owns that precision's kernel and device buffers.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal interface IGemmRunner<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Device memory one tile's operands may use; larger tiles stream through in blocks (out-of-core).</summary>
    long BudgetBytes { get; set; }

    /// <summary>Loads (first call only) and compiles the kernel, without running it.</summary>
    void Warm();

    /// <summary>Computes <paramref name="tile"/> of <paramref name="problem"/>; blocks until C is back in host memory.
    /// Checks <paramref name="cancellation"/> between out-of-core blocks and chunks of K.</summary>
    void Run(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation);

    /// <summary>Computes a GEMM whose operands already live on this accelerator; blocks until C is complete.</summary>
    void RunOnDevice(DeviceGemm<T> gemm);
}
