using MathNet.Numerics.Providers.LinearAlgebra;

namespace GpuCompute.MathNetProvider;

/// <summary>Installs the GpuCompute provider for MathNet.Numerics in one line.</summary>
public static class GpuComputeProvider
{
    /// <summary>
    /// Makes every MathNet linear algebra call in the process use a <see cref="GpuComputeLinearAlgebraProvider"/>:
    /// <c>GpuComputeProvider.Use();</c>. Returns it (dispose it, or call <c>Control.UseManaged()</c>, to go back).
    /// </summary>
    /// <param name="options">The engine's options; null for the defaults (every CPU and GPU device).</param>
    /// <param name="minEngineVolume">Products with fewer multiply-adds go to MathNet's managed provider.</param>
    public static GpuComputeLinearAlgebraProvider Use(ComputeEngineOptions? options = null, long minEngineVolume = GpuComputeLinearAlgebraProvider.DefaultMinEngineVolume)
    {
        var provider = new GpuComputeLinearAlgebraProvider(options, minEngineVolume);
        LinearAlgebraControl.Provider = provider;
        return provider;
    }
}
