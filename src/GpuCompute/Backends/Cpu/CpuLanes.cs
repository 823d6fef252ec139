using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// The SIMD operations the CPU reduction cores, GEMV and the batched GEMM kernels need, over one vector width
/// (<see cref="Lanes512{T}"/> or <see cref="Lanes256{T}"/>), so that each core is written once and the JIT specializes
/// it per width and element type (float or double).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <typeparam name="TV">The vector type, <see cref="Vector512{T}"/> or <see cref="Vector256{T}"/>.</typeparam>
internal interface ILanes<T, TV>
    where T : unmanaged
    where TV : struct
{
    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Doubles that <see cref="StoreWidened"/> writes.</summary>
    static abstract int WidenedCount { get; }

    static abstract TV Zero { get; }

    /// <summary>0, 1, …, Count − 1 in the lanes.</summary>
    static abstract TV Indices { get; }

    static abstract TV Create(T value);

    static abstract TV Load(ref T source, nuint offset);

    static abstract void Store(TV value, ref T destination);

    /// <summary>Lanes 0 … <paramref name="count"/> − 1 set (all of them when count ≥ <see cref="Count"/>): the mask of
    /// a partial last vector.</summary>
    static abstract TV FirstLanes(int count);

    /// <summary>The lanes of <paramref name="mask"/> read from <paramref name="source"/>, zero elsewhere; memory under
    /// the other lanes is not touched (no fault past the end of an array).</summary>
    static abstract unsafe TV MaskLoad(T* source, TV mask);

    /// <summary>Writes the lanes of <paramref name="mask"/> only; memory under the other lanes is not touched.</summary>
    static abstract unsafe void MaskStore(T* destination, TV mask, TV value);

    static abstract TV Add(TV a, TV b);

    static abstract TV Multiply(TV a, TV b);

    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    static abstract TV Abs(TV a);

    /// <summary>The hardware maximum (no NaN rule: callers track NaN on their own).</summary>
    static abstract TV MaxNative(TV a, TV b);

    static abstract TV LessThan(TV a, TV b);

    static abstract TV GreaterThan(TV a, TV b);

    static abstract TV IsNaN(TV a);

    static abstract TV Or(TV a, TV b);

    /// <summary>Lanes of <paramref name="a"/> where <paramref name="mask"/> is set, of <paramref name="b"/> elsewhere.</summary>
    static abstract TV Select(TV mask, TV a, TV b);

    static abstract bool Any(TV mask);

    /// <summary>Adds the lanes in pairs in double (exact for float: the sum of two floats fits a double unless their
    /// exponents lie 29 or more apart, and then rounds once in double) and stores <see cref="WidenedCount"/> doubles.</summary>
    static abstract void StoreWidened(TV value, ref double destination);
}

/// <summary>AVX-512 lanes: 16 floats or 8 doubles.</summary>
internal readonly struct Lanes512<T> : ILanes<T, Vector512<T>>
    where T : unmanaged
{
    public static int Count => Vector512<T>.Count;

    public static int WidenedCount => 8;

    public static Vector512<T> Zero => Vector512<T>.Zero;

    public static Vector512<T> Indices => Vector512<T>.Indices;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Create(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FirstLanes(int count) => typeof(T) == typeof(float)
        ? Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).As<int, T>()
        : Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)count)).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<T> MaskLoad(T* source, Vector512<T> mask) => typeof(T) == typeof(float)
        ? Avx512F.MaskLoad((float*)source, mask.AsSingle(), Vector512<float>.Zero).As<float, T>()
        : Avx512F.MaskLoad((double*)source, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void MaskStore(T* destination, Vector512<T> mask, Vector512<T> value)
    {
        if (typeof(T) == typeof(float))
        {
            Avx512F.MaskStore((float*)destination, mask.AsSingle(), value.AsSingle());
        }
        else
        {
            Avx512F.MaskStore((double*)destination, mask.AsDouble(), value.AsDouble());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs(Vector512<T> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MaxNative(Vector512<T> a, Vector512<T> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThan(Vector512<T> a, Vector512<T> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThan(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> IsNaN(Vector512<T> a) => Vector512.IsNaN(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Or(Vector512<T> a, Vector512<T> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Select(Vector512<T> mask, Vector512<T> a, Vector512<T> b) => Vector512.ConditionalSelect(mask, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Vector512<T> mask) => mask != Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWidened(Vector512<T> value, ref double destination)
    {
        Vector512<double> wide = typeof(T) == typeof(float)
            ? Vector512.WidenLower(value.AsSingle()) + Vector512.WidenUpper(value.AsSingle())
            : value.AsDouble();
        wide.StoreUnsafe(ref destination);
    }
}

/// <summary>AVX2 lanes: 8 floats or 4 doubles.</summary>
internal readonly struct Lanes256<T> : ILanes<T, Vector256<T>>
    where T : unmanaged
{
    public static int Count => Vector256<T>.Count;

    public static int WidenedCount => 4;

    public static Vector256<T> Zero => Vector256<T>.Zero;

    public static Vector256<T> Indices => Vector256<T>.Indices;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Create(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FirstLanes(int count) => typeof(T) == typeof(float)
        ? Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).As<int, T>()
        : Vector256.LessThan(Vector256<long>.Indices, Vector256.Create((long)count)).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<T> MaskLoad(T* source, Vector256<T> mask) => typeof(T) == typeof(float)
        ? Avx.MaskLoad((float*)source, mask.AsSingle()).As<float, T>()
        : Avx.MaskLoad((double*)source, mask.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void MaskStore(T* destination, Vector256<T> mask, Vector256<T> value)
    {
        if (typeof(T) == typeof(float))
        {
            Avx.MaskStore((float*)destination, mask.AsSingle(), value.AsSingle());
        }
        else
        {
            Avx.MaskStore((double*)destination, mask.AsDouble(), value.AsDouble());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (!Fma.IsSupported)
        {
            return (a * b) + c;
        }

        return typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs(Vector256<T> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MaxNative(Vector256<T> a, Vector256<T> b) => Vector256.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThan(Vector256<T> a, Vector256<T> b) => Vector256.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThan(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> IsNaN(Vector256<T> a) => Vector256.IsNaN(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Or(Vector256<T> a, Vector256<T> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Select(Vector256<T> mask, Vector256<T> a, Vector256<T> b) => Vector256.ConditionalSelect(mask, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Vector256<T> mask) => mask != Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWidened(Vector256<T> value, ref double destination)
    {
        Vector256<double> wide = typeof(T) == typeof(float)
            ? Vector256.WidenLower(value.AsSingle()) + Vector256.WidenUpper(value.AsSingle())
            : value.AsDouble();
        wide.StoreUnsafe(ref destination);
    }
}
