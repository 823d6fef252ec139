using System.Numerics;
using GpuCompute.Gemm;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;

namespace GpuCompute;

/// <summary>General matrix multiply across the engine's devices.</summary>
public sealed partial class ComputeEngine
{
    /// <summary>
    /// General matrix multiply, C ← α·op(A)·op(B) + β·C, split into tiles of C across the engine's devices.
    /// </summary>
    /// <remarks>
    /// op(A) is M×K, op(B) is K×N and C is M×N; any of M, N, K may be 0. With β = 0, C is not read (NaN in C does not
    /// propagate), as in BLAS. Blocks until C holds the result. Accumulates in <typeparamref name="T"/>. A, B and C may
    /// be views (<see cref="HostMatrix{T}.Slice"/>); C must not overlap A or B, and A and B are never modified. A device
    /// that fails is dropped and its tiles are computed by the others; the report names it.
    /// </remarks>
    /// <returns>What each device did and how long it took.</returns>
    /// <exception cref="ArgumentNullException">A matrix is null.</exception>
    /// <exception cref="ArgumentException">The shapes do not fit together, or C overlaps A or B.</exception>
    /// <exception cref="ObjectDisposedException">The engine has been disposed.</exception>
    /// <exception cref="Backends.GemmFailedException">Every device failed; C is then partly written.</exception>
    public GemmReport Gemm<T>(T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        var problem = GemmProblem<T>.Create(alpha, a, opA, b, opB, beta, c);
        CancellationToken stop = BeginOperation(synchronous: true);
        try
        {
            return scheduler.Run(problem, stop);
        }
        catch (Exception e) when (StoppedByDispose(e))
        {
            throw DisposedDuring(e);
        }
        finally
        {
            EndOperation(synchronous: true);
        }
    }

    /// <summary>C ← A·B (α = 1, β = 0, no transposes). See <see cref="Gemm{T}(T, HostMatrix{T}, Transpose, HostMatrix{T}, Transpose, T, HostMatrix{T})"/>.</summary>
    public GemmReport Gemm<T>(HostMatrix<T> a, HostMatrix<T> b, HostMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Gemm(T.One, a, Matrices.Transpose.None, b, Matrices.Transpose.None, T.Zero, c);

    /// <summary>
    /// C ← α·op(A)·op(B) + β·C without blocking the caller: the tiles run on the engine's worker threads and the task
    /// completes when the last tile's result is in host memory.
    /// </summary>
    /// <remarks>
    /// Same semantics as <see cref="Gemm{T}(T, HostMatrix{T}, Transpose, HostMatrix{T}, Transpose, T, HostMatrix{T})"/>;
    /// arguments are validated before the task is created. Cancellation stops every device before its next tile, and a
    /// long tile between its blocks (on the CPU device before every MC × KC block of A each thread packs, about 10 ms
    /// apart at 4000³ f64 here; on ILGPU devices
    /// between out-of-core chunks); C is then partly written. Progress is reported after each tile. Disposing the engine
    /// meanwhile ends the task with <see cref="ObjectDisposedException"/>.
    /// </remarks>
    /// <exception cref="OperationCanceledException">Through the task, when <paramref name="cancellation"/> fires first.</exception>
    public Task<GemmReport> GemmAsync<T>(
        T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c,
        IProgress<GemmProgress>? progress = null, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        var problem = GemmProblem<T>.Create(alpha, a, opA, b, opB, beta, c);
        return cancellation.IsCancellationRequested
            ? Task.FromCanceled<GemmReport>(cancellation)
            : RunAsync(problem, progress, cancellation);
    }

    private async Task<GemmReport> RunAsync<T>(GemmProblem<T> problem, IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CancellationToken stop = BeginOperation(synchronous: false);
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation, stop);
            return await scheduler.RunAsync(problem, progress, either.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested && StoppedByDispose(e))
        {
            throw DisposedDuring(e);
        }
        finally
        {
            EndOperation(synchronous: false);
        }
    }

    /// <summary>Returns a new matrix A·B.</summary>
    /// <exception cref="ArgumentException">A's columns differ from B's rows.</exception>
    public HostMatrix<T> Multiply<T>(HostMatrix<T> a, HostMatrix<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ThrowIfDisposed();
        if (a.Cols != b.Rows)
        {
            throw new ArgumentException($"Cannot multiply a {a.Rows} x {a.Cols} matrix by a {b.Rows} x {b.Cols} one: A's columns must equal B's rows.", nameof(b));
        }

        var c = new HostMatrix<T>(a.Rows, b.Cols);
        Gemm(a, b, c);
        return c;
    }
}
