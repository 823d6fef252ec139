using GpuCompute.Backends.Ilgpu;
using GpuCompute.Kernels.Gemm;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using NUnit.Framework;

namespace GpuCompute.Tests.Kernels;

/// <summary>
/// The GEMM kernel launched directly on the CPU emulator (no <see cref="IlgpuDevice"/> staging): strided leading
/// dimensions as the kernel sees them, and β = 0 with a NaN-filled C on the device.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class GemmKernelEmulatorTests
{
    private Context? context;
    private Accelerator? accelerator;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArguments<float>>? kernel;

    [OneTimeSetUp]
    public void LoadKernel()
    {
        context = IlgpuRuntime.CreateContext();
        accelerator = context.GetCPUDevice(0).CreateAccelerator(context);
        kernel = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArguments<float>>(
            GemmKernel.Gemm<float, FloatScalar, EmulatorTileConfig>);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        accelerator?.Dispose();
        context?.Dispose();
    }

    [TestCase(Transpose.None, Transpose.None, 0.0)]
    [TestCase(Transpose.None, Transpose.Transposed, 0.0)]
    [TestCase(Transpose.Transposed, Transpose.None, 0.0)]
    [TestCase(Transpose.Transposed, Transpose.Transposed, 0.0)]
    [TestCase(Transpose.Transposed, Transpose.None, 0.5)]
    public void Gemm_StridedOperands_MatchesReferenceAndNeverReadsCWhenBetaIsZero(Transpose opA, Transpose opB, double beta)
    {
        const int m = 35, n = 30, k = 19, pad = 5;
        HostMatrix<float> a = opA == Transpose.None ? TestMatrices.Random<float>(m, k, 1, pad) : TestMatrices.Random<float>(k, m, 1, pad);
        HostMatrix<float> b = opB == Transpose.None ? TestMatrices.Random<float>(k, n, 2, pad) : TestMatrices.Random<float>(n, k, 2, pad);
        HostMatrix<float> c = TestMatrices.Random<float>(m, n, 3, pad);
        if (beta == 0)
        {
            c.Fill(float.NaN);
        }

        ReferenceGemm.Expected expected = ReferenceGemm.Compute(1.5f, a, opA, b, opB, (float)beta, c);

        // Upload whole arrays (views start at the matrices' offsets): the kernel sees the real leading dimensions.
        Accelerator device = accelerator!;
        using MemoryBuffer1D<float, Stride1D.Dense> da = device.Allocate1D(a.Data);
        using MemoryBuffer1D<float, Stride1D.Dense> db = device.Allocate1D(b.Data);
        using MemoryBuffer1D<float, Stride1D.Dense> dc = device.Allocate1D(c.Data);
        var args = new GemmArguments<float>(
            m, n, k, a.LeadingDimension, b.LeadingDimension, c.LeadingDimension,
            opA == Transpose.Transposed, opB == Transpose.Transposed, 1.5f, (float)beta);
        (int gx, int gy) = GemmKernel.GetGridSize<EmulatorTileConfig>(m, n);
        EmulatorTileConfig config = default;
        kernel!(
            new KernelConfig(new Index2D(gx, gy), new Index2D(config.ThreadsX, config.ThreadsY)),
            da.View.SubView(a.Offset, a.Data.Length - a.Offset),
            db.View.SubView(b.Offset, b.Data.Length - b.Offset),
            dc.View.SubView(c.Offset, c.Data.Length - c.Offset),
            args);
        device.Synchronize();
        dc.CopyToCPU(c.Data);

        expected.AssertMatches(c, $"kernel {opA}/{opB} beta {beta}");
    }
}
