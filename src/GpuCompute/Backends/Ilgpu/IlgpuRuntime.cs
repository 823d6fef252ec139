using System.Reflection;
using System.Runtime.InteropServices;
using GpuCompute.Kernels.Gemm;
using GpuCompute.Kernels.Intrinsics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>Creates the ILGPU context and the <see cref="IlgpuDevice"/>s in it.</summary>
internal static class IlgpuRuntime
{
    private static int resolverRegistered;

    /// <summary>
    /// Creates a context with the CUDA and OpenCL backends, the CPU emulator (sized for
    /// <see cref="EmulatorTileConfig"/>) and ILGPU.Algorithms. Never throws for missing drivers: those backends just
    /// find no devices. The caller owns the context and disposes it after its devices.
    /// </summary>
    public static Context CreateContext()
    {
        RegisterNativeResolver();
        return Context.Create(builder => builder
            .Cuda()
            .OpenCL()
            .CPU(CreateEmulatorDescription())
            .EnableAlgorithms()
            .EnableKernelIntrinsics());
    }

    /// <summary>One device per CUDA and per OpenCL device of <paramref name="context"/> (none on a machine without).</summary>
    /// <param name="context">The context to find them in.</param>
    /// <param name="memoryBudgetBytes">Device memory one tile may use on each (null: three quarters of its memory).</param>
    public static IReadOnlyList<IlgpuDevice> DiscoverGpus(Context context, long? memoryBudgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var devices = new List<IlgpuDevice>();
        try
        {
            int index = 0;
            foreach (CudaDevice device in context.GetCudaDevices())
            {
                Accelerator accelerator = device.CreateAccelerator(context);
                devices.Add(IlgpuDevice.Create($"cuda:{index++}", DeviceKind.Cuda, accelerator, accelerator.MemorySize, memoryBudgetBytes));
            }

            index = 0;
            foreach (CLDevice device in context.GetCLDevices())
            {
                Accelerator accelerator = device.CreateAccelerator(context);
                devices.Add(IlgpuDevice.Create($"opencl:{index++}", DeviceKind.OpenCL, accelerator, accelerator.MemorySize, memoryBudgetBytes));
            }
        }
        catch
        {
            foreach (IlgpuDevice device in devices)
            {
                device.Dispose();
            }

            throw;
        }

        return devices;
    }

    /// <summary>The CPU emulator device, <c>ilgpu-cpu</c>: for correctness checks of the kernels, never for speed.</summary>
    public static IlgpuDevice CreateEmulator(Context context, long? memoryBudgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        CPUDevice device = context.GetCPUDevice(0);
        Accelerator accelerator = device.CreateAccelerator(context);
        return IlgpuDevice.Create("ilgpu-cpu", DeviceKind.IlgpuCpu, accelerator, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, memoryBudgetBytes);
    }

    /// <summary>
    /// A simulated device whose groups fit the emulator blocking: warps of <see cref="EmulatorTileConfig.ThreadsX"/>
    /// threads, <see cref="EmulatorTileConfig.ThreadsY"/> warps per group, two multiprocessors (two groups at once,
    /// one per core here; each simulated thread is an OS thread).
    /// </summary>
    private static CPUDevice CreateEmulatorDescription()
    {
        EmulatorTileConfig config = default;
        return new CPUDevice(config.ThreadsX, config.ThreadsY, numMultiprocessors: 2);
    }

    /// <summary>
    /// ILGPU imports the drivers as <c>cuda</c> and <c>OpenCL</c>, which resolve to the unversioned
    /// <c>libcuda.so</c> / <c>libOpenCL.so</c> that only development packages install; fall back to the versioned
    /// runtime names. Registered once per process; if another component already set a resolver for ILGPU, keep it.
    /// </summary>
    private static void RegisterNativeResolver()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref resolverRegistered, 1) != 0)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already registered for ILGPU's assembly (only one is allowed per assembly): use it.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        string? versioned = name switch
        {
            "cuda" => "libcuda.so.1",
            "OpenCL" => "libOpenCL.so.1",
            _ => null,
        };
        if (versioned is null)
        {
            return IntPtr.Zero; // Not ours: default probing.
        }

        // The unversioned name first (what ILGPU asks for), then the runtime's versioned one; if neither loads,
        // IntPtr.Zero lets default probing fail as ILGPU expects (it then reports the backend as unavailable).
        return NativeLibrary.TryLoad(name, assembly, searchPath, out IntPtr handle)
            || NativeLibrary.TryLoad(versioned, assembly, searchPath, out handle)
            ? handle
            : IntPtr.Zero;
    }
}
