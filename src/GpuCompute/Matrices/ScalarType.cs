using System.Numerics;

namespace GpuCompute.Matrices;

/// <summary>The element types the engine computes in (f32 and f64), and checks on them.</summary>
internal static class ScalarType
{
    /// <summary>Throws unless <typeparamref name="T"/> is <see cref="float"/> or <see cref="double"/>.</summary>
    public static void EnsureSupported<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException(
                $"GpuCompute computes in float (f32) and double (f64); {typeof(T).Name} is not supported.");
        }
    }

    /// <summary>The short name used in reports and the CLI: "f32" or "f64".</summary>
    public static string Name<T>() => typeof(T) == typeof(float) ? "f32" : "f64";

    /// <summary>Bytes per element.</summary>
    public static unsafe int Size<T>()
        where T : unmanaged => sizeof(T);
}
