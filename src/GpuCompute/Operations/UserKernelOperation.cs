using GpuCompute.Data;
using GpuCompute.Kernels;
using GpuCompute.Scheduling;

namespace GpuCompute.Operations;

/// <summary>
/// User-kernel launches (arguments checked, then every part bound before any device starts, then the parts run
/// through the executor, each on the device that holds it); the temporaries that binding made (halo and whole-vector
/// copies) are freed after the launch.
/// </summary>
internal static class UserKernelOperation
{
    /// <summary>ILGPU emits its launchers into a dynamic assembly named ILGPURuntime, which must be able to see the kernel type.</summary>
    internal static bool IlgpuCanSee(Type kernel) =>
        kernel.IsVisible || kernel.Assembly.GetCustomAttributes(typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute), false)
            .Cast<System.Runtime.CompilerServices.InternalsVisibleToAttribute>().Any(a => a.AssemblyName.Split(',')[0].Trim() == "ILGPURuntime");

    public static OperationReport Launch<TKernel>(ComputeEngine engine, DataLayout range, Func<KernelBinding, TKernel> bind, string what, Action<KernelBinding, TKernel> run)
        where TKernel : struct
    {
        Validate<TKernel>(engine, range, bind);
        (KernelBinding[] bindings, TKernel[] kernels, List<IDisposable> temporaries) = Bind(engine, range, bind);
        try
        {
            return PartExecution.Run(range, what, p => run(bindings[p], kernels[p]), p => range.DescribePart(p, "indices", "the launch's range (whatever the kernel wrote for them)"));
        }
        finally
        {
            temporaries.ForEach(t => t.Dispose());
        }
    }

    public static void Validate<TKernel>(ComputeEngine engine, DataLayout range, Func<KernelBinding, TKernel> bind)
        where TKernel : struct
    {
        engine.ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(bind);
        DataGuard.Owned(engine, range, nameof(range));
        if (range.Parts.Any(p => p.Device.CompilesKernels) && !IlgpuCanSee(typeof(TKernel)))
        {
            throw new ArgumentException(
                $"ILGPU cannot compile the kernel {typeof(TKernel).FullName}: make it public (and any type enclosing it), or declare " +
                "[assembly: InternalsVisibleTo(\"ILGPURuntime\")] in its assembly.", nameof(bind));
        }
    }

    public static async Task<OperationReport> LaunchAsync<TKernel>(
        ComputeEngine engine, DataLayout range, Func<KernelBinding, TKernel> bind, string what, Action<KernelBinding, TKernel> run, IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where TKernel : struct
    {
        (KernelBinding[] bindings, TKernel[] kernels, List<IDisposable> temporaries) = Bind(engine, range, bind);
        try
        {
            return await PartExecution.RunAsync(
                range, what, (p, _) => run(bindings[p], kernels[p]), p => range.DescribePart(p, "indices", "the launch's range (whatever the kernel wrote for them)"), null, progress, cancellation)
                .ConfigureAwait(false);
        }
        finally
        {
            temporaries.ForEach(t => t.Dispose());
        }
    }

    /// <summary>Binds every part first, so that argument errors surface before any device starts; the temporaries
    /// (halo and whole-vector copies) are freed by the caller after the launch.</summary>
    private static (KernelBinding[] Bindings, TKernel[] Kernels, List<IDisposable> Temporaries) Bind<TKernel>(ComputeEngine engine, DataLayout range, Func<KernelBinding, TKernel> bind)
        where TKernel : struct
    {
        var temporaries = new List<IDisposable>();
        try
        {
            var bindings = new KernelBinding[range.Parts.Count];
            var kernels = new TKernel[range.Parts.Count];
            for (int p = 0; p < bindings.Length; p++)
            {
                bindings[p] = new KernelBinding(engine, range, p, temporaries);
                kernels[p] = bind(bindings[p]);
            }

            return (bindings, kernels, temporaries);
        }
        catch
        {
            temporaries.ForEach(t => t.Dispose());
            throw;
        }
    }
}
