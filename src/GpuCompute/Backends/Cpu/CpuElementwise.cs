using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using GpuCompute.Kernels.Elementwise;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// Element-wise operations on a CPU device part: chunks of <see cref="CpuChunks.Elements"/> elements on the device's
/// threads, each chunk one <see cref="TensorPrimitives"/> call for a built-in operator (the <c>typeof</c> tests fold
/// away in the JIT's specialization for the operator struct) or a scalar loop calling <c>Apply</c> for a user operator.
/// </summary>
internal static class CpuElementwise
{
    public static void Map<T, TOperator>(T[] x, T[] result, TOperator op, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T> =>
        CpuChunks.For(result.Length, threads, c =>
        {
            int start = CpuChunks.Start(c), length = CpuChunks.Length(c, result.Length);
            MapChunk(x.AsSpan(start, length), result.AsSpan(start, length), op);
        });

    public static void Zip<T, TOperator>(T[] x, T[] y, T[] result, TOperator op, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T> =>
        CpuChunks.For(result.Length, threads, c =>
        {
            int start = CpuChunks.Start(c), length = CpuChunks.Length(c, result.Length);
            ZipChunk(x.AsSpan(start, length), y.AsSpan(start, length), result.AsSpan(start, length), op);
        });

    public static void Zip<T, TOperator>(T[] x, T[] y, T[] z, T[] result, TOperator op, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, ITernaryOperator<T> =>
        CpuChunks.For(result.Length, threads, c =>
        {
            int start = CpuChunks.Start(c), length = CpuChunks.Length(c, result.Length);
            Zip3Chunk(x.AsSpan(start, length), y.AsSpan(start, length), z.AsSpan(start, length), result.AsSpan(start, length), op);
        });

    public static void Fill<T>(T value, T[] result, int threads)
        where T : unmanaged =>
        CpuChunks.For(result.Length, threads, c => result.AsSpan(CpuChunks.Start(c), CpuChunks.Length(c, result.Length)).Fill(value));

    public static void Copy<T>(T[] x, T[] result, int threads)
        where T : unmanaged =>
        CpuChunks.For(result.Length, threads, c =>
        {
            int start = CpuChunks.Start(c), length = CpuChunks.Length(c, result.Length);
            x.AsSpan(start, length).CopyTo(result.AsSpan(start, length));
        });

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapChunk<T, TOperator>(ReadOnlySpan<T> x, Span<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
    {
        if (typeof(TOperator) == typeof(ExpOperator))
        {
            TensorPrimitives.Exp(x, result);
        }
        else if (typeof(TOperator) == typeof(ReluOperator))
        {
            // IEEE 754-2019 maximum: NaN propagates, max(−0, +0) = +0, as ReluOperator.Apply does.
            TensorPrimitives.Max(x, T.Zero, result);
        }
        else if (typeof(TOperator) == typeof(ScaleOperator))
        {
            TensorPrimitives.Multiply(x, T.CreateTruncating(Unsafe.As<TOperator, ScaleOperator>(ref op).Alpha), result);
        }
        else
        {
            x = x[..result.Length];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = op.Apply(x[i]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ZipChunk<T, TOperator>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
    {
        if (typeof(TOperator) == typeof(AddOperator))
        {
            TensorPrimitives.Add(x, y, result);
        }
        else if (typeof(TOperator) == typeof(SubtractOperator))
        {
            TensorPrimitives.Subtract(x, y, result);
        }
        else if (typeof(TOperator) == typeof(MultiplyOperator))
        {
            TensorPrimitives.Multiply(x, y, result);
        }
        else if (typeof(TOperator) == typeof(AxpyOperator))
        {
            TensorPrimitives.FusedMultiplyAdd(x, T.CreateTruncating(Unsafe.As<TOperator, AxpyOperator>(ref op).Alpha), y, result);
        }
        else
        {
            x = x[..result.Length];
            y = y[..result.Length];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = op.Apply(x[i], y[i]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Zip3Chunk<T, TOperator>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, ITernaryOperator<T>
    {
        if (typeof(TOperator) == typeof(MultiplyAddOperator))
        {
            TensorPrimitives.FusedMultiplyAdd(x, y, z, result);
        }
        else
        {
            x = x[..result.Length];
            y = y[..result.Length];
            z = z[..result.Length];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = op.Apply(x[i], y[i], z[i]);
            }
        }
    }
}
