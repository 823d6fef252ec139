using GpuCompute.Kernels;

namespace GpuCompute.Tests.UserKernels;

/// <summary>y ← a·x + y, the smallest useful user kernel.</summary>
public readonly struct SaxpyKernel(float a, VectorView<float> x, VectorView<float> y) : IKernel1D
{
    public void Execute(long index) => y[index] = (a * x[index]) + y[index];
}
