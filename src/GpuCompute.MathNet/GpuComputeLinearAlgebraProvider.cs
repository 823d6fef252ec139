using System.Numerics;
using System.Numerics.Tensors;
using GpuCompute.Matrices;
using MathNet.Numerics.Providers.LinearAlgebra;
using EngineTranspose = GpuCompute.Matrices.Transpose;
using Transpose = MathNet.Numerics.Providers.LinearAlgebra.Transpose;

namespace GpuCompute.MathNetProvider;

/// <summary>
/// A MathNet.Numerics linear algebra provider backed by the GpuCompute engine: dense matrix products (and so
/// <c>Matrix * Matrix</c>, <c>Matrix * Vector</c>, <c>TransposeThisAndMultiply</c>, …) of float and double run on the
/// engine's devices; the Frobenius norm is a sum of squares instead of MathNet's A·Aᵀ; dot products and element-wise
/// array operations use SIMD code. Everything else (complex types, factorizations, SVD, eigen-decomposition, products
/// smaller than <see cref="MinEngineVolume"/> multiply-adds, and calls with inconsistent sizes, so that they get
/// MathNet's usual exceptions) is forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.
/// </summary>
/// <remarks>Install it with <see cref="GpuComputeProvider.Use"/> (one line). MathNet's dense storage is packed
/// column-major; a column-major r × c buffer is a row-major c × r matrix, so Cᵀ = op(B)ᵀ·op(A)ᵀ runs on the very same
/// arrays, without copies (except when C is also A or B, which is copied first). Thread-safe.</remarks>
public sealed partial class GpuComputeLinearAlgebraProvider : ILinearAlgebraProvider, IDisposable
{
    /// <summary>The default <see cref="MinEngineVolume"/>, measured (<c>bench mathnet --sizes 12,16,20,24,48</c>): from 24³
    /// every product ran 4× faster or more through the engine; at 16³ one ran 0.7×, within the noise of timing
    /// microsecond calls (two identical forwarded calls also differed 0.7× at 20³), so smaller products stay managed.</summary>
    public const long DefaultMinEngineVolume = 24 * 24 * 24;

    /// <summary>Array lengths below which the element-wise operations and the dot product stay with the managed
    /// provider (its loops are as fast there).</summary>
    private const int MinSimdLength = 64;

    private readonly ManagedLinearAlgebraProvider managed = ManagedLinearAlgebraProvider.Instance;
    private readonly ComputeEngineOptions? options;
    private readonly Lock gate = new();
    private ComputeEngine? engine;

    /// <summary>Creates the provider; its engine (on <paramref name="options"/>' devices) is made at first use.</summary>
    /// <param name="options">The engine's options; null for the defaults (every CPU and GPU device).</param>
    /// <param name="minEngineVolume">Products with fewer multiply-adds (m·n·k) go to the managed provider.</param>
    public GpuComputeLinearAlgebraProvider(ComputeEngineOptions? options = null, long minEngineVolume = DefaultMinEngineVolume)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minEngineVolume);
        this.options = options;
        MinEngineVolume = minEngineVolume;
    }

    /// <summary>Products with fewer multiply-adds than this run in MathNet's managed provider.</summary>
    public long MinEngineVolume { get; }

    /// <summary>The engine the products run on (made at first use).</summary>
    public ComputeEngine Engine
    {
        get
        {
            lock (gate)
            {
                return engine ??= new ComputeEngine(options);
            }
        }
    }

    /// <inheritdoc/>
    public bool IsAvailable() => true;

    /// <inheritdoc/>
    /// <remarks>MathNet calls this again on threading changes: it is cheap (the engine is kept).</remarks>
    public void InitializeVerify() => managed.InitializeVerify();

    /// <inheritdoc/>
    /// <remarks>Leaves the provider usable; the engine is released by <see cref="Dispose"/>.</remarks>
    public void FreeResources() => managed.FreeResources();

    /// <summary>Releases the engine (and its devices).</summary>
    public void Dispose()
    {
        lock (gate)
        {
            engine?.Dispose();
            engine = null;
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"GpuCompute (dense float/double products of at least {MinEngineVolume} multiply-adds on the engine's devices; the rest: {managed})";

    /// <inheritdoc/>
    public void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result) =>
        MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1f, x, rowsX, columnsX, y, rowsY, columnsY, 0f, result);

    /// <inheritdoc/>
    public void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY, double[] result) =>
        MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, x, rowsX, columnsX, y, rowsY, columnsY, 0.0, result);

    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(
        Transpose transposeA, Transpose transposeB, float alpha, float[] a, int rowsA, int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c)
    {
        if (!OnEngine(transposeA, transposeB, a, rowsA, columnsA, b, rowsB, columnsB, c))
        {
            managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
            return;
        }

        Multiply(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    }

    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(
        Transpose transposeA, Transpose transposeB, double alpha, double[] a, int rowsA, int columnsA, double[] b, int rowsB, int columnsB, double beta, double[] c)
    {
        if (!OnEngine(transposeA, transposeB, a, rowsA, columnsA, b, rowsB, columnsB, c))
        {
            managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
            return;
        }

        Multiply(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    }

    /// <inheritdoc/>
    public float DotProduct(float[] x, float[] y) =>
        x is not null && y is not null && x.Length == y.Length && x.Length >= MinSimdLength ? TensorPrimitives.Dot<float>(x, y) : managed.DotProduct(x, y);

    /// <inheritdoc/>
    public double DotProduct(double[] x, double[] y) =>
        x is not null && y is not null && x.Length == y.Length && x.Length >= MinSimdLength ? TensorPrimitives.Dot<double>(x, y) : managed.DotProduct(x, y);

    /// <inheritdoc/>
    public void AddArrays(float[] x, float[] y, float[] result)
    {
        if (Elementwise(x, y, result))
        {
            TensorPrimitives.Add<float>(x, y, result);
            return;
        }

        managed.AddArrays(x, y, result);
    }

    /// <inheritdoc/>
    public void AddArrays(double[] x, double[] y, double[] result)
    {
        if (Elementwise(x, y, result))
        {
            TensorPrimitives.Add<double>(x, y, result);
            return;
        }

        managed.AddArrays(x, y, result);
    }

    /// <inheritdoc/>
    public void SubtractArrays(float[] x, float[] y, float[] result)
    {
        if (Elementwise(x, y, result))
        {
            TensorPrimitives.Subtract<float>(x, y, result);
            return;
        }

        managed.SubtractArrays(x, y, result);
    }

    /// <inheritdoc/>
    public void SubtractArrays(double[] x, double[] y, double[] result)
    {
        if (Elementwise(x, y, result))
        {
            TensorPrimitives.Subtract<double>(x, y, result);
            return;
        }

        managed.SubtractArrays(x, y, result);
    }

    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(float[] x, float[] y, float[] result)
    {
        if (Elementwise(x, y, result))
        {
            TensorPrimitives.Multiply<float>(x, y, result);
            return;
        }

        managed.PointWiseMultiplyArrays(x, y, result);
    }

    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(double[] x, double[] y, double[] result)
    {
        if (Elementwise(x, y, result))
        {
            TensorPrimitives.Multiply<double>(x, y, result);
            return;
        }

        managed.PointWiseMultiplyArrays(x, y, result);
    }

    /// <inheritdoc/>
    /// <remarks>The Frobenius norm is √(Σ a²) in one pass (compensated, in double); the other norms are the managed
    /// provider's.</remarks>
    public double MatrixNorm(Norm norm, int rows, int columns, float[] matrix) =>
        norm == Norm.FrobeniusNorm && matrix is not null && matrix.Length == (long)rows * columns ? Frobenius<float>(matrix) : managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc/>
    /// <remarks>The Frobenius norm is √(Σ a²) in one pass (compensated, in double); the other norms are the managed
    /// provider's.</remarks>
    public double MatrixNorm(Norm norm, int rows, int columns, double[] matrix) =>
        norm == Norm.FrobeniusNorm && matrix is not null && matrix.Length == (long)rows * columns ? Frobenius<double>(matrix) : managed.MatrixNorm(norm, rows, columns, matrix);

    /// <summary>True when the product is consistent (else the managed provider raises MathNet's exceptions) and large
    /// enough for the engine.</summary>
    private bool OnEngine<T>(Transpose transposeA, Transpose transposeB, T[] a, int rowsA, int columnsA, T[] b, int rowsB, int columnsB, T[] c)
    {
        if (a is null || b is null || c is null || rowsA < 0 || columnsA < 0 || rowsB < 0 || columnsB < 0)
        {
            return false;
        }

        (long m, long k) = transposeA == Transpose.DontTranspose ? (rowsA, columnsA) : (columnsA, rowsA);
        (long k2, long n) = transposeB == Transpose.DontTranspose ? (rowsB, columnsB) : (columnsB, rowsB);
        return k == k2 && a.Length == (long)rowsA * columnsA && b.Length == (long)rowsB * columnsB && c.Length == m * n && m * n * k >= MinEngineVolume;
    }

    /// <summary>
    /// C ← α·op(A)·op(B) + β·C on column-major arrays, as the row-major product Cᵀ ← α·op(B)ᵀ·op(A)ᵀ + β·Cᵀ of the same
    /// arrays read as their transposes. A C that is also A or B gets its input copied first (the engine rejects overlap).
    /// </summary>
    private void Multiply<T>(Transpose transposeA, Transpose transposeB, T alpha, T[] a, int rowsA, int columnsA, T[] b, int rowsB, int columnsB, T beta, T[] c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int m, int n) = (transposeA == Transpose.DontTranspose ? rowsA : columnsA, transposeB == Transpose.DontTranspose ? columnsB : rowsB);
        T[] left = ReferenceEquals(a, c) ? (T[])a.Clone() : a, right = ReferenceEquals(b, c) ? (T[])b.Clone() : b;
        var aT = new HostMatrix<T>(left, columnsA, rowsA, Math.Max(1, rowsA));
        var bT = new HostMatrix<T>(right, columnsB, rowsB, Math.Max(1, rowsB));
        var cT = new HostMatrix<T>(c, n, m, Math.Max(1, m));
        Engine.Gemm(alpha, bT, Op(transposeB), aT, Op(transposeA), beta, cT);

        // Conjugate-transposing a real matrix is transposing it.
        static EngineTranspose Op(Transpose op) => op == Transpose.DontTranspose ? EngineTranspose.None : EngineTranspose.Transposed;
    }

    private static bool Elementwise<T>(T[] x, T[] y, T[] result) =>
        x is not null && y is not null && result is not null && x.Length == y.Length && y.Length == result.Length && x.Length >= MinSimdLength;

    private static double Frobenius<T>(T[] matrix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0, carry = 0;
        foreach (T element in matrix)
        {
            double v = double.CreateTruncating(element), term = v * v, total = sum + term;
            carry += Math.Abs(sum) >= term ? (sum - total) + term : (term - total) + sum;
            sum = total;
        }

        return Math.Sqrt(sum + carry);
    }
}
