using ILGPU.Runtime;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>
/// The kernels loaded on one accelerator, by key (an entry point and its specialization): each kernel is compiled once
/// per device at first use and its typed launcher reused. Not thread-safe: the owning device calls it under its lock.
/// </summary>
internal sealed class IlgpuKernelCache(Accelerator accelerator)
{
    private readonly Dictionary<object, Delegate> kernels = [];

    public TLauncher Get<TLauncher>(object key, Func<Accelerator, TLauncher> load)
        where TLauncher : Delegate
    {
        if (!kernels.TryGetValue(key, out Delegate? launcher))
        {
            launcher = load(accelerator);
            kernels.Add(key, launcher);
        }

        return (TLauncher)launcher;
    }
}
