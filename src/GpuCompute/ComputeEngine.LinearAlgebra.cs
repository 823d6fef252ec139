using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Matrices;
using GpuCompute.Operations;
using GpuCompute.Scheduling;

namespace GpuCompute;

/// <summary>Linear algebra on device-resident data: GEMV, transpose and batched GEMM.</summary>
public sealed partial class ComputeEngine
{
    /// <summary>
    /// Matrix–vector product y ← α·A·x + β·y, with A m × n, x of n elements and y of m elements. Each device holding
    /// rows of A computes the elements of y for those rows. Blocks until every device is done.
    /// </summary>
    /// <remarks>
    /// <para>x may have any layout: every device holding rows of A needs all of x, so a device that does not hold x
    /// whole gets a copy staged through the host (freed when the call returns); x on one device is used in place there.
    /// y must be split exactly like A's rows, so no part of y moves.</para>
    /// <para>With β = 0, y is only written, never read (NaN in y does not propagate). With α = 0, A and x are not read:
    /// y ← β·y, as in BLAS. On the CPU device each row is a
    /// vectorized dot product, rows in parallel over its threads; on ILGPU devices one group per row reduces the row
    /// through shared memory. Accumulation is in <typeparamref name="T"/>.</para>
    /// </remarks>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="alpha">α.</param>
    /// <param name="a">A, m × n.</param>
    /// <param name="x">x, n elements, any layout.</param>
    /// <param name="beta">β.</param>
    /// <param name="y">y, m elements, split like A's rows; overwritten with the result.</param>
    /// <exception cref="ArgumentException">The sizes do not match, y is not split like A's rows, y is x or A, or data
    /// belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The engine or an argument was disposed.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    /// <exception cref="DeviceFailedException">A device failed.</exception>
    public OperationReport Gemv<T>(T alpha, DeviceMatrix<T> a, DeviceVector<T> x, T beta, DeviceVector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemvOperation.Check(this, a, x, y);
        return T.IsZero(alpha) ? ScaleOnly(beta, y) : GemvOperation.Run(alpha, a, x, beta, y);
    }

    /// <summary>
    /// result ← Aᵀ: writes the transpose of the m × n matrix <paramref name="a"/> into the n × m matrix
    /// <paramref name="result"/>, which may have any row layout. Blocks until every device is done.
    /// </summary>
    /// <remarks>
    /// <para>Each device writes its own rows of result (columns of A). The block that a device's rows of result take
    /// from the rows of A on the same device is transposed in place there (a tiled shared-memory kernel on ILGPU
    /// devices, 32 × 32 cache blocks in parallel on the CPU device). Rows of A on another device travel through the
    /// host: a part on the CPU device is read where it is, a part on an ILGPU device is copied to the host once; the
    /// CPU device transposes from that image directly, an ILGPU device receives just its block (packed on the host,
    /// copied to a temporary freed afterwards) and transposes it. So with one device nothing moves, and across devices
    /// each element of A crosses the host at most once per device that needs it.</para>
    /// </remarks>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="a">A, m × n.</param>
    /// <param name="result">n × m, any row layout; overwritten. Must be a different matrix from <paramref name="a"/>.</param>
    /// <exception cref="ArgumentException">The shapes do not match, result is a, or data belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The engine or an argument was disposed.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    /// <exception cref="DeviceFailedException">A device failed.</exception>
    public OperationReport Transpose<T>(DeviceMatrix<T> a, DeviceMatrix<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TransposeOperation.Check(this, a, result);
        return TransposeOperation.Run(a, result);
    }

    /// <summary>
    /// Batched matrix product C_i ← α·A_i·B_i + β·C_i for every i, with A_i m × k, B_i k × n and C_i m × n. Each
    /// device multiplies the matrices it holds; nothing moves between devices. Blocks until every device is done.
    /// </summary>
    /// <remarks>
    /// <para>The three batches must have the same count and be split by the same matrix indices on the same devices
    /// (allocate them with one layout). With β = 0, C is only written, never read; with α = 0 (or k = 0), A and B are not
    /// read and C ← β·C, as in BLAS.</para>
    /// <para>On the CPU device each matrix runs through the packed SIMD GEMM on one thread, matrices in parallel over
    /// the device's threads. On ILGPU devices one thread computes each element of C: a kernel aimed at many small
    /// matrices (up to a few dozen rows and columns); for large matrices use <c>Multiply</c>, one product at a time.</para>
    /// </remarks>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="alpha">α.</param>
    /// <param name="a">The A matrices, each m × k.</param>
    /// <param name="b">The B matrices, each k × n.</param>
    /// <param name="beta">β.</param>
    /// <param name="c">The C matrices, each m × n; overwritten with the results.</param>
    /// <exception cref="ArgumentException">Counts or shapes do not match, the batches are split differently, C is A or
    /// B, or data belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The engine or an argument was disposed.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double.</exception>
    /// <exception cref="DeviceFailedException">A device failed.</exception>
    public OperationReport GemmBatched<T>(T alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, T beta, DeviceMatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchedGemmOperation.Check(this, a, b, c);
        return T.IsZero(alpha) || a.Columns == 0
            ? ScaleOnly(beta, new DeviceVector<T>(c.Storage))
            : BatchedGemmOperation.Run(alpha, a, b, beta, c);
    }

    /// <summary>
    /// C_i ← α·A_i·B_i + β·C_i without blocking the caller: each device's matrices run on a worker thread of that device
    /// and the task completes when the last is done. Same semantics and checks as
    /// <see cref="GemmBatched{T}(T, DeviceMatrixBatch{T}, DeviceMatrixBatch{T}, T, DeviceMatrixBatch{T})"/> (arguments
    /// validated before the task is created); cancellation stops devices that have not started their part; progress is
    /// reported after each device's part; disposing the engine meanwhile ends the task with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public Task<OperationReport> GemmBatchedAsync<T>(
        T alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, T beta, DeviceMatrixBatch<T> c,
        IProgress<GemmProgress>? progress = null, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchedGemmOperation.Check(this, a, b, c);
        return cancellation.IsCancellationRequested ? Task.FromCanceled<OperationReport>(cancellation)
            : T.IsZero(alpha) || a.Columns == 0 ? Task.FromResult(ScaleOnly(beta, new DeviceVector<T>(c.Storage)))
            : BatchedGemmOperation.RunAsync(alpha, a, b, beta, c, progress, cancellation);
    }


    /// <summary>
    /// General matrix multiply on device-resident matrices, C ← α·op(A)·op(B) + β·C, computed where C's rows live:
    /// each device computes its rows of C, so a chain of operations on device data (GEMM → bias and ReLU → GEMM)
    /// never returns to the host. Blocks until every device is done.
    /// </summary>
    /// <remarks>
    /// <para>op(A) is M × K, op(B) is K × N, C is M × N; any of them may be empty. A device uses its rows of op(A) and
    /// all of op(B) in place when they live on it, and otherwise gets a copy (device to device where the backend can,
    /// else through host memory) that is freed when its part is done; the report counts those bytes. So one device,
    /// or operands laid out like C with B on every device that holds C, moves nothing.</para>
    /// <para>BLAS semantics: β = 0 never reads C, α = 0 (or K = 0) never reads A or B. On the CPU device the packed
    /// SIMD GEMM runs on the parts' memory; on ILGPU devices the tiled GEMM kernel runs on the device buffers directly.
    /// Accumulates in <typeparamref name="T"/>.</para>
    /// </remarks>
    /// <returns>Each device's share: its rows of C (one item), time, flops and bytes moved to it.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit together, C is A or B, or data belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The engine or an argument was disposed.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float or double, or a dimension exceeds 2³¹ − 1.</exception>
    /// <exception cref="DeviceFailedException">A device failed; its rows of C are lost, the other devices' rows are complete.</exception>
    public GemmReport Gemm<T>(T alpha, DeviceMatrix<T> a, Transpose opA, DeviceMatrix<T> b, Transpose opB, T beta, DeviceMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        CheckDeviceGemm(alpha, a, opA, b, opB, beta, c) is GemmReport trivial ? trivial : DeviceGemmOperation.Run(alpha, a, opA, b, opB, beta, c, Policy);

    /// <summary>
    /// C ← α·op(A)·op(B) + β·C on device-resident matrices without blocking the caller: each device's rows of C run on a
    /// worker thread of that device, and the task completes when the last is done.
    /// </summary>
    /// <remarks>Same semantics as <see cref="Gemm{T}(T, DeviceMatrix{T}, Transpose, DeviceMatrix{T}, Transpose, T, DeviceMatrix{T})"/>;
    /// arguments are validated before the task is created. Cancellation stops a device before its part, and the CPU
    /// device inside it (before each MC × KC block); C is then partly written. Progress is reported after each device's
    /// part. Disposing the engine meanwhile ends the task with <see cref="ObjectDisposedException"/>.</remarks>
    public Task<GemmReport> GemmAsync<T>(
        T alpha, DeviceMatrix<T> a, Transpose opA, DeviceMatrix<T> b, Transpose opB, T beta, DeviceMatrix<T> c,
        IProgress<GemmProgress>? progress = null, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        CheckDeviceGemm(alpha, a, opA, b, opB, beta, c) is GemmReport trivial ? Task.FromResult(trivial)
        : cancellation.IsCancellationRequested ? Task.FromCanceled<GemmReport>(cancellation)
        : DeviceGemmOperation.RunAsync(alpha, a, opA, b, opB, beta, c, Policy, progress, cancellation);

    /// <summary>Validates a device-resident GEMM; for one without a product term (α = 0, an empty dimension) it also
    /// computes C ← β·C and returns its report, else returns null.</summary>
    private GemmReport? CheckDeviceGemm<T>(T alpha, DeviceMatrix<T> a, Transpose opA, DeviceMatrix<T> b, Transpose opB, T beta, DeviceMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (long am, long ak, long bn) = DeviceGemmOperation.Check(this, a, opA, b, opB, c);
        if (T.IsZero(alpha) || ak == 0 || am == 0 || bn == 0)
        {
            ScaleOnly(beta, new DeviceVector<T>(c.Storage));
            return new GemmReport((int)am, (int)bn, (int)ak, ScalarType.Name<T>(), Policy, 0, Devices.Select(d => new DeviceShare(d.Id, d.Name, d.Kind, 0, 0, 0, 0, null)).ToArray(), []);
        }

        return null;
    }

    /// <summary>C ← A·B on device-resident matrices. See <see cref="Gemm{T}(T, DeviceMatrix{T}, Transpose, DeviceMatrix{T}, Transpose, T, DeviceMatrix{T})"/>.</summary>
    public GemmReport Gemm<T>(DeviceMatrix<T> a, DeviceMatrix<T> b, DeviceMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Gemm(T.One, a, Matrices.Transpose.None, b, Matrices.Transpose.None, T.Zero, c);

    /// <summary>
    /// The result of a product with no product term (α = 0, or an empty inner dimension): y ← β·y, without reading the
    /// factors, as BLAS defines it. β = 0 writes zeros (NaN in y does not survive), β = 1 leaves y untouched.
    /// </summary>
    private OperationReport ScaleOnly<T>(T beta, DeviceVector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        T.IsZero(beta) ? Fill(T.Zero, y)
        : beta != T.One ? Scale(beta, y, y)
        : PartExecution.Nothing(y.Layout, "a product with α = 0 and β = 1");
}
