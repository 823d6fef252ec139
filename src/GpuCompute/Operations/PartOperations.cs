using System.Numerics;
using GpuCompute.Devices;
using GpuCompute.Devices.Ilgpu;
using GpuCompute.Kernels.Elementwise;

namespace GpuCompute.Operations;

/// <summary>Runs one element-wise operation or reduction on one device part, by the kind of memory the part lives in:
/// host memory (the CPU device's SIMD code) or accelerator memory (ILGPU kernels).</summary>
internal static class PartOperations
{
    public static void Map<T, TOperator>(DeviceMemory<T> x, DeviceMemory<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
    {
        switch (result)
        {
            case HostMemory<T> host:
                CpuElementwise.Map(Host(x), host.Array, op, Threads(host));
                break;
            case AcceleratorMemory<T> gpu:
                IlgpuElementwise.Map(gpu.Owner, x.View, gpu.View, op);
                break;
            default:
                throw Unsupported(result);
        }
    }

    public static void Zip<T, TOperator>(DeviceMemory<T> x, DeviceMemory<T> y, DeviceMemory<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
    {
        switch (result)
        {
            case HostMemory<T> host:
                CpuElementwise.Zip(Host(x), Host(y), host.Array, op, Threads(host));
                break;
            case AcceleratorMemory<T> gpu:
                IlgpuElementwise.Zip(gpu.Owner, x.View, y.View, gpu.View, op);
                break;
            default:
                throw Unsupported(result);
        }
    }

    public static void Zip<T, TOperator>(DeviceMemory<T> x, DeviceMemory<T> y, DeviceMemory<T> z, DeviceMemory<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, ITernaryOperator<T>
    {
        switch (result)
        {
            case HostMemory<T> host:
                CpuElementwise.Zip(Host(x), Host(y), Host(z), host.Array, op, Threads(host));
                break;
            case AcceleratorMemory<T> gpu:
                IlgpuElementwise.Zip(gpu.Owner, x.View, y.View, z.View, gpu.View, op);
                break;
            default:
                throw Unsupported(result);
        }
    }

    public static void Fill<T>(T value, DeviceMemory<T> result)
        where T : unmanaged
    {
        switch (result)
        {
            case HostMemory<T> host:
                CpuElementwise.Fill(value, host.Array, Threads(host));
                break;
            case AcceleratorMemory<T> gpu:
                IlgpuElementwise.Fill(gpu.Owner, value, gpu.View);
                break;
            default:
                throw Unsupported(result);
        }
    }

    public static void Copy<T>(DeviceMemory<T> x, DeviceMemory<T> result)
        where T : unmanaged
    {
        if (ReferenceEquals(x, result))
        {
            return;
        }

        if (result is HostMemory<T> host)
        {
            CpuElementwise.Copy(Host(x), host.Array, Threads(host));
        }
        else
        {
            x.CopyWithinDevice(0, result, 0, result.Length);
        }
    }

    public static double Reduce<T>(ReductionKind kind, DeviceMemory<T> x, DeviceMemory<T>? y, double scale)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        x switch
        {
            HostMemory<T> host => CpuReductions.Reduce(kind, host.Array, y is null ? null : Host(y), T.CreateTruncating(scale), Threads(host)),
            AcceleratorMemory<T> gpu => IlgpuReductions.Reduce(kind, gpu, (AcceleratorMemory<T>?)y, scale),
            _ => throw Unsupported(x),
        };

    public static (T Value, long Index) Extreme<T>(DeviceMemory<T> x, bool max)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        x switch
        {
            HostMemory<T> host => CpuReductions.Extreme(host.Array, max, Threads(host)),
            AcceleratorMemory<T> gpu => IlgpuReductions.Extreme(gpu, max),
            _ => throw Unsupported(x),
        };

    private static T[] Host<T>(DeviceMemory<T> memory)
        where T : unmanaged => ((HostMemory<T>)memory).Array;

    private static int Threads<T>(HostMemory<T> memory)
        where T : unmanaged => ((CpuDevice)memory.Device.DataDevice).Threads;

    private static NotSupportedException Unsupported<T>(DeviceMemory<T> memory)
        where T : unmanaged => new($"Device {memory.Device.Id} cannot run element-wise operations.");
}
