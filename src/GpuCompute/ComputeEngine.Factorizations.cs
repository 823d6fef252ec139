using System.Diagnostics;
using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Factorizations;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tasks;

namespace GpuCompute;

/// <summary>Dense factorizations as task graphs across the engine's devices.</summary>
public sealed partial class ComputeEngine
{
    /// <summary>The tile order of the factorizations (tests set it small to get many tiles from small matrices).</summary>
    internal int FactorTile { get; set; } = TiledCholesky.DefaultTile;

    /// <summary>Where a graph's tasks may run besides their own rule (tests pin the GEMM updates to one device); null:
    /// anywhere their rule allows.</summary>
    internal Func<GraphTask, ComputeDevice, bool>? TaskPlacement { get; set; }

    /// <summary>The tile books of the last graph that kept device copies (tests read its statistics).</summary>
    internal TileDirectory? LastTileDirectory { get; private set; }

    /// <summary>Each device's task speed (flops per second per lane) as measured by earlier task graphs, so that a new
    /// graph starts from it instead of exploring a slow device again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ComputeDevice, double> taskSpeeds = new();

    /// <summary>
    /// Cholesky factorization A = L·Lᵀ of a symmetric positive definite matrix, in place: the lower triangle of
    /// <paramref name="a"/> is overwritten with L, the strict upper triangle is neither read nor written (LAPACK's
    /// <c>potrf</c> with the lower triangle). Blocks until done.
    /// </summary>
    /// <remarks>
    /// A tile algorithm: tasks on 384 × 384 tiles (POTRF on the diagonal, TRSM below it, SYRK and GEMM updates of the
    /// trailing matrix) are submitted in program order, their dependencies inferred from the tiles they read and write,
    /// and run as they become ready, highest critical-path priority first; POTRF and TRSM on the CPU device, the
    /// updates on any device. A device that fails is dropped and its task runs again on another that may run it.
    /// Accumulates in <typeparamref name="T"/>; the backward error ‖A − L·Lᵀ‖/‖A‖ is of order n·u.
    /// </remarks>
    /// <returns>What each device did, with one trace record per task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    /// <exception cref="ArgumentException">A is not square, or its lower triangle holds NaN or an infinity (named by
    /// position; A is then untouched).</exception>
    /// <exception cref="MatrixNotPositiveDefiniteException">A pivot is not positive; the exception names the column. A is
    /// then partly overwritten.</exception>
    /// <exception cref="DeviceFailedException">The devices that could run what was left failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> fired; A is partly overwritten.</exception>
    public OperationReport Cholesky<T>(HostMatrix<T> a, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ThrowIfDisposed();
        if (a.Rows != a.Cols)
        {
            throw new ArgumentException($"Cholesky needs a square matrix; A is {a.Rows} x {a.Cols}.", nameof(a));
        }

        ThrowIfNotFinite(a, lowerOnly: true, "A", nameof(a));
        return RunGraph<T>("cholesky", TiledCholesky.Factor(a, FactorTile), cancellation);
    }

    /// <summary>
    /// B ← A⁻¹·B from a Cholesky factor: solves L·Lᵀ·X = B, where <paramref name="factor"/>'s lower triangle holds L
    /// (as <see cref="Cholesky{T}(HostMatrix{T}, CancellationToken)"/> leaves it) and <paramref name="b"/> (n × r, any
    /// number of right-hand sides) is overwritten with X (LAPACK's <c>potrs</c>). Blocks until done.
    /// </summary>
    /// <exception cref="ArgumentNullException">A matrix is null.</exception>
    /// <exception cref="ArgumentException">The factor is not square, B's rows differ from its order, they share an
    /// array, L has a zero or non-finite diagonal, or either holds NaN or an infinity (named by position).</exception>
    /// <exception cref="DeviceFailedException">The devices that could run what was left failed.</exception>
    public OperationReport CholeskySolve<T>(HostMatrix<T> factor, HostMatrix<T> b, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(factor);
        ArgumentNullException.ThrowIfNull(b);
        ThrowIfDisposed();
        if (factor.Rows != factor.Cols)
        {
            throw new ArgumentException($"A Cholesky factor is square; this one is {factor.Rows} x {factor.Cols}.", nameof(factor));
        }

        if (b.Rows != factor.Rows)
        {
            throw new ArgumentException($"B has {b.Rows} rows but the factor is {factor.Rows} x {factor.Cols}: B needs one row per row of A.", nameof(b));
        }

        if (ReferenceEquals(factor.Data, b.Data))
        {
            throw new ArgumentException("B shares its array with the factor; B is overwritten, so it must not.", nameof(b));
        }

        ThrowIfNotFinite(factor, lowerOnly: true, "L", nameof(factor));
        ThrowIfNotFinite(b, lowerOnly: false, "B", nameof(b));
        for (int i = 0; i < factor.Rows; i++)
        {
            if (T.IsZero(factor[i, i]))
            {
                throw new ArgumentException($"L[{i}, {i}] is 0: the factor is singular, so A is not positive definite.", nameof(factor));
            }
        }

        // No right-hand sides: nothing to solve (an empty graph still reports, with no tasks).
        return RunGraph<T>("cholesky solve", b.Cols == 0 ? new TaskGraph() : TiledCholesky.Solve(factor, b, FactorTile), cancellation);
    }

    /// <summary>
    /// LU factorization with partial pivoting, A = P·L·U, in place (LAPACK's <c>getrf</c>): L (unit lower, its unit
    /// diagonal not stored) below the diagonal of <paramref name="a"/>, U on and above it; <paramref name="pivots"/>[i]
    /// receives the row interchanged with row i, in order (LAPACK's ipiv − 1). Blocks until done.
    /// </summary>
    /// <remarks>A tile algorithm as a task graph, like <see cref="Cholesky{T}(HostMatrix{T}, CancellationToken)"/>:
    /// each step factors the tile column below the diagonal as one panel (recursive, pivoting over all its rows) on the
    /// CPU device, applies its interchanges to the other tile columns and solves for U's tile row, and updates the
    /// trailing tiles by GEMM on any device. Accumulates in <typeparamref name="T"/>.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A is not square, <paramref name="pivots"/> has not n elements, or A holds
    /// NaN or an infinity (named by position; A is then untouched).</exception>
    /// <exception cref="MatrixSingularException">A pivot is exactly zero; the exception names the column. A is then
    /// partly overwritten.</exception>
    /// <exception cref="DeviceFailedException">The devices that could run what was left failed.</exception>
    /// <exception cref="NotSupportedException">The engine has no CPU device (the panels run there).</exception>
    public OperationReport Lu<T>(HostMatrix<T> a, int[] pivots, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(pivots);
        ThrowIfDisposed();
        if (a.Rows != a.Cols)
        {
            throw new ArgumentException($"LU needs a square matrix; A is {a.Rows} x {a.Cols}.", nameof(a));
        }

        if (pivots.Length != a.Rows)
        {
            throw new ArgumentException($"The pivots array has {pivots.Length} elements; A is {a.Rows} x {a.Cols}, so it needs {a.Rows}.", nameof(pivots));
        }

        ThrowIfNotFinite(a, lowerOnly: false, "A", nameof(a));
        return RunGraph<T>("lu", TiledLu.Factor(a, pivots, FactorTile), cancellation);
    }

    /// <summary>B ← A⁻¹·B from an LU factorization (<paramref name="factor"/> and <paramref name="pivots"/> as
    /// <see cref="Lu{T}(HostMatrix{T}, int[], CancellationToken)"/> leaves them; LAPACK's <c>getrs</c>), for any number
    /// of right-hand sides. Blocks until done.</summary>
    /// <exception cref="ArgumentException">The factor is not square, B's rows or the pivots' count differ from its
    /// order, a pivot is out of range, B shares the factor's array, U has a zero or non-finite diagonal, or B holds NaN
    /// or an infinity.</exception>
    public OperationReport LuSolve<T>(HostMatrix<T> factor, int[] pivots, HostMatrix<T> b, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLuFactor(factor, pivots);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Rows != factor.Rows)
        {
            throw new ArgumentException($"B has {b.Rows} rows but the factor is {factor.Rows} x {factor.Cols}: B needs one row per row of A.", nameof(b));
        }

        if (ReferenceEquals(factor.Data, b.Data))
        {
            throw new ArgumentException("B shares its array with the factor; B is overwritten, so it must not.", nameof(b));
        }

        ThrowIfNotFinite(b, lowerOnly: false, "B", nameof(b));
        return RunGraph<T>("lu solve", b.Cols == 0 ? new TaskGraph() : TiledLu.Solve(factor, pivots, b, FactorTile), cancellation);
    }

    /// <summary>det(A) from its LU factorization: the product of U's diagonal, negated once per interchange.</summary>
    /// <exception cref="ArgumentException">The factor or pivots are not a factorization's (see <see cref="LuSolve{T}(HostMatrix{T}, int[], HostMatrix{T}, CancellationToken)"/>).</exception>
    public static T LuDeterminant<T>(HostMatrix<T> factor, int[] pivots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(factor);
        ArgumentNullException.ThrowIfNull(pivots);
        if (factor.Rows != factor.Cols || pivots.Length != factor.Rows)
        {
            throw new ArgumentException($"An LU factor is square with one pivot per row; this one is {factor.Rows} x {factor.Cols} with {pivots.Length} pivots.", nameof(factor));
        }

        T det = T.One;
        for (int i = 0; i < factor.Rows; i++)
        {
            det *= pivots[i] == i ? factor[i, i] : -factor[i, i];
        }

        return det;
    }

    /// <summary>A⁻¹ as a new matrix, by LU with partial pivoting and a solve against the identity (A is not
    /// modified). Blocks until done.</summary>
    /// <exception cref="MatrixSingularException">A is exactly singular; the exception names the zero pivot.</exception>
    public HostMatrix<T> Inverse<T>(HostMatrix<T> a, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Cols)
        {
            throw new ArgumentException($"Only a square matrix has an inverse; A is {a.Rows} x {a.Cols}.", nameof(a));
        }

        int n = a.Rows;
        var lu = new HostMatrix<T>(n, n);
        for (int i = 0; i < n; i++)
        {
            a.Row(i).CopyTo(lu.Row(i));
        }

        var pivots = new int[n];
        Lu(lu, pivots, cancellation);
        var inverse = new HostMatrix<T>(n, n);
        for (int i = 0; i < n; i++)
        {
            inverse[i, i] = T.One;
        }

        LuSolve(lu, pivots, inverse, cancellation);
        return inverse;
    }

    private void CheckLuFactor<T>(HostMatrix<T> factor, int[] pivots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(factor);
        ArgumentNullException.ThrowIfNull(pivots);
        ThrowIfDisposed();
        if (factor.Rows != factor.Cols)
        {
            throw new ArgumentException($"An LU factor is square; this one is {factor.Rows} x {factor.Cols}.", nameof(factor));
        }

        if (pivots.Length != factor.Rows)
        {
            throw new ArgumentException($"The pivots array has {pivots.Length} elements; the factor is {factor.Rows} x {factor.Cols}, so it needs {factor.Rows}.", nameof(pivots));
        }

        for (int i = 0; i < pivots.Length; i++)
        {
            if (pivots[i] < i || pivots[i] >= factor.Rows)
            {
                throw new ArgumentException($"pivots[{i}] is {pivots[i]}: row i is interchanged with a row from i to {factor.Rows - 1}.", nameof(pivots));
            }

            if (!T.IsFinite(factor[i, i]) || T.IsZero(factor[i, i]))
            {
                throw new ArgumentException($"U[{i}, {i}] is {factor[i, i]}: the factor is singular or not finite.", nameof(factor));
            }
        }
    }

    /// <summary>
    /// Householder QR, A = Q·R, in place (LAPACK's <c>geqrf</c>): R on and above the diagonal of <paramref name="a"/>
    /// (m × n, m ≥ n), the Householder vectors below it (their unit first elements not stored), and
    /// <paramref name="tau"/>[j] the scalar of reflector j (H_j = I − τ_j·v_j·v_jᵀ, Q = H₀···H_{n−1}). Blocks until done.
    /// </summary>
    /// <remarks>A tile algorithm as a task graph: each step factors the tile column below the diagonal as one panel
    /// on the CPU device and updates every tile column to its right with the panel's block reflector (three GEMMs, on
    /// any device). Accumulates in <typeparamref name="T"/>.</remarks>
    /// <exception cref="ArgumentException">A has fewer rows than columns, <paramref name="tau"/> has not n elements, or
    /// A holds NaN or an infinity (named by position).</exception>
    public OperationReport Qr<T>(HostMatrix<T> a, T[] tau, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckQr(a, tau);
        return RunGraph<T>("qr", new TiledQr<T>(a, tau, FactorTile).Factor(), cancellation);
    }

    /// <summary>
    /// The least-squares solution X (n × r) of min ‖A·X − B‖_F for A (m × n, m ≥ n, full rank) and B (m × r), by
    /// Householder QR (A and B are not modified; LAPACK's <c>gels</c>). Blocks until done.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit (A's rows must equal B's, m ≥ n), either holds NaN or
    /// an infinity, or A is rank-deficient (a zero on R's diagonal, named).</exception>
    public HostMatrix<T> LeastSquares<T>(HostMatrix<T> a, HostMatrix<T> b, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LeastSquares(a, b, out _, cancellation);

    /// <summary>The least-squares solution, with what each device did (the factorization, Qᵀ·B and the triangular
    /// solve, as one report). See <see cref="LeastSquares{T}(HostMatrix{T}, HostMatrix{T}, CancellationToken)"/>.</summary>
    public HostMatrix<T> LeastSquares<T>(HostMatrix<T> a, HostMatrix<T> b, out OperationReport report, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Rows != a.Rows)
        {
            throw new ArgumentException($"B has {b.Rows} rows but A is {a.Rows} x {a.Cols}: B needs one row per row of A.", nameof(b));
        }

        ThrowIfNotFinite(b, lowerOnly: false, "B", nameof(b));
        var (qr, tiled, factored) = FactorCopy(a, cancellation);
        int n = a.Cols;
        var c = Copy(b);
        var applied = RunGraph<T>("qr apply", tiled.ApplyQTransposed(c), cancellation);
        for (int j = 0; j < n; j++)
        {
            if (T.IsZero(qr[j, j]))
            {
                throw new ArgumentException($"A is rank-deficient: R[{j}, {j}] is 0, so the least-squares solution is not unique.", nameof(a));
            }
        }

        var x = Copy(c.Slice(0, 0, n, c.Cols));
        var r = qr.Slice(0, 0, n, n);
        var copies = new TileCopies<T>(h => h == 0 ? x : r, h => h == 0 ? "X" : "R"); // one solve on whole matrices, on any device
        var graph = new TaskGraph { Copies = copies };
        graph.Add(new GraphTask("trsm-r", (double)n * n * x.Cols, [(1, DataAccess.Read), (0, DataAccess.ReadWrite)], TileKernels.CanRun,
            (device, stop) => copies.TrsmLeft(device, 1, 0, TriangularBlock.Shape.Upper, stop), DeviceCopies: true));
        var solved = RunGraph<T>("qr solve", x.Cols == 0 ? new TaskGraph() : graph, cancellation);
        report = factored.Then(applied).Then(solved);
        return x;
    }

    /// <summary>R (n × n, upper) and Q's first n columns (m × n) of A, A not modified: for verification.</summary>
    internal (HostMatrix<T> R, HostMatrix<T> Q) QrExplicit<T>(HostMatrix<T> a, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (qr, tiled, _) = FactorCopy(a, cancellation);
        var q = new HostMatrix<T>(a.Rows, a.Cols);
        RunGraph<T>("qr form q", tiled.FormQ(q), cancellation);
        var r = new HostMatrix<T>(a.Cols, a.Cols);
        for (int i = 0; i < a.Cols; i++)
        {
            for (int j = i; j < a.Cols; j++)
            {
                r[i, j] = qr[i, j];
            }
        }

        return (r, q);
    }

    private (HostMatrix<T> Qr, TiledQr<T> Tiled, OperationReport Report) FactorCopy<T>(HostMatrix<T> a, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        var qr = Copy(a);
        var tau = new T[a.Cols];
        CheckQr(qr, tau);
        var tiled = new TiledQr<T>(qr, tau, FactorTile);
        var report = RunGraph<T>("qr", tiled.Factor(), cancellation);
        return (qr, tiled, report);
    }

    private void CheckQr<T>(HostMatrix<T> a, T[] tau)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(tau);
        ThrowIfDisposed();
        if (a.Rows < a.Cols)
        {
            throw new ArgumentException($"QR here needs at least as many rows as columns; A is {a.Rows} x {a.Cols}.", nameof(a));
        }

        if (tau.Length != a.Cols)
        {
            throw new ArgumentException($"tau has {tau.Length} elements; A is {a.Rows} x {a.Cols}, so it needs {a.Cols}.", nameof(tau));
        }

        ThrowIfNotFinite(a, lowerOnly: false, "A", nameof(a));
    }

    private static HostMatrix<T> Copy<T>(HostMatrix<T> m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var copy = new HostMatrix<T>(m.Rows, m.Cols);
        for (int i = 0; i < m.Rows && m.Cols > 0; i++)
        {
            m.Row(i).CopyTo(copy.Row(i));
        }

        return copy;
    }

    /// <summary>The devices and precisions whose tile GEMM kernel a graph already compiled.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(ComputeDevice, Type), byte> tileGemmCompiled = new();

    /// <summary>Has each device that computes in its own memory and may run one of the graph's tasks on its copies
    /// compile its GEMM kernel first (a 1 × 1 product), so the first task it takes does not pay for the compiler while
    /// the graph waits for it (the emulator's first update took 0.22 s that way, eight times the whole graph).</summary>
    private void CompileTileGemm<T>(TaskGraph graph)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (ComputeDevice device in Devices.Where(d => !d.ComputesInHostMemory && graph.Tasks.Any(t => t.DeviceCopies && t.CanRun(d))))
        {
            if (!tileGemmCompiled.TryAdd((device, typeof(T)), 0))
            {
                continue; // compiled for an earlier graph: the kernel cache has it
            }

            try
            {
                using DeviceBuffer<T> a = device.Allocate<T>(1), b = device.Allocate<T>(1), c = device.Allocate<T>(1);
                device.Gemm(new DeviceGemm<T>(T.One, a, 0, 1, Matrices.Transpose.None, b, 0, 1, Matrices.Transpose.None, T.Zero, c, 0, 1, 1, 1, 1), CancellationToken.None);
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException or ObjectDisposedException))
            {
                // A device that cannot even do this fails again on its first task, where the executor drops it and
                // the task runs elsewhere.
            }
        }
    }

    /// <summary>Starts later graphs from <paramref name="flopsPerSecond"/> per lane for <paramref name="device"/>, as if
    /// an earlier graph had measured it (tests steer tasks to a device this way).</summary>
    internal void SeedTaskSpeed(ComputeDevice device, double flopsPerSecond) => taskSpeeds[device] = flopsPerSecond;

    /// <summary>Runs a task graph on the engine's devices through the executor and reports it.</summary>
    internal OperationReport RunGraph<T>(string operation, TaskGraph graph, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TaskPlacement is { } placement)
        {
            graph.Restrict(placement);
        }

        // A device that holds no device-resident data (a cluster node) still takes tasks when it runs the tile kernels
        // on tile copies of its own.
        graph.Restrict((task, device) => device.HoldsData || device.RunsTileKernels);

        if (graph.Tasks.FirstOrDefault(t => !Devices.Any(t.CanRun)) is { } orphan)
        {
            throw new NotSupportedException(
                $"{operation} has tasks that only the CPU device runs ({orphan.Name}), and the engine has only {string.Join(", ", Devices.Select(d => d.Id))}: add 'cpu' to its devices.");
        }

        CancellationToken stop = BeginOperation(synchronous: true);
        IReadOnlyList<ComputeDevice> running = Devices; // one list for the whole graph, even if a node joins meanwhile
        long start = Stopwatch.GetTimestamp();
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation, stop);
            var plan = new TaskGraphPlan(operation, graph, running);
            ITileCopies? copies = graph.Copies;
            copies?.Start(running, TileBudget);
            CompileTileGemm<T>(graph);
            LastTileDirectory = copies?.Directory ?? LastTileDirectory;
            var dispatcher = new TaskGraphDispatcher(
                graph, plan.Devices, [.. plan.Devices.Select(TaskSpeed<T>)], transferSeconds: copies is null ? null : TransferEstimate<T>(graph, plan.Devices, copies),
                policy: Policy, seed: randomSeed) { Prefetch = plan.Prefetch };
            var executor = new WorkExecutor(plan, dispatcher, graph.Tasks.Count, cancellation: either.Token);
            IReadOnlyList<WorkRecord> records;
            bool flushed = false;
            try
            {
                records = executor.Run();
                copies?.Flush(writeBack: true); // every result back in host memory before the caller sees it
                flushed = true;
            }
            finally
            {
                if (!flushed)
                {
                    copies?.Flush(writeBack: false); // failed or cancelled: free the copies; A is partly overwritten anyway
                }

                for (int w = 0; w < plan.Devices.Count; w++)
                {
                    if (dispatcher.Speeds[w] > 0)
                    {
                        taskSpeeds[plan.Devices[w]] = dispatcher.Speeds[w];
                    }
                }
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            // Lanes of one device (the CPU's threads) are reported as that device; the trace names the lane.
            int Lane(int worker) => Enumerable.Range(0, worker).Count(w => ReferenceEquals(plan.Devices[w], plan.Devices[worker]));
            var trace = records.Select(r => new WorkItemRecord(
                plan.Devices[r.Device].Id, plan.Devices[r.Device].TaskLanes > 1 ? $"{plan.Describe(r.Item)} [lane {Lane(r.Device)}]" : plan.Describe(r.Item),
                r.StartSeconds, r.EndSeconds, r.Bytes, r.Failed)).ToArray();
            var shares = running.Select(device =>
            {
                var mine = records.Where(r => ReferenceEquals(plan.Devices[r.Device], device) && !r.Failed).ToArray();
                string? error = Enumerable.Range(0, plan.Devices.Count).Where(w => ReferenceEquals(plan.Devices[w], device)).Select(w => executor.Failures[w]?.Message).FirstOrDefault(m => m is not null);
                return new DeviceShare(
                    device.Id, device.Name, device.Kind, mine.Length, mine.Sum(r => r.EndSeconds - r.StartSeconds), mine.Sum(r => plan.Flops(r.Item)),
                    mine.Sum(r => r.Bytes), error);
            }).ToArray();
            return new OperationReport(operation, seconds, shares, trace);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested && StoppedByDispose(e))
        {
            throw DisposedDuring(e);
        }
        finally
        {
            EndOperation(synchronous: true);
        }
    }

    /// <summary>A worker's speed to start a graph from: what earlier graphs measured, else (when there are devices to
    /// choose between) the device's GEMM model shared among its lanes, else 0 (the dispatcher then measures it on its
    /// first task).</summary>
    private double TaskSpeed<T>(ComputeDevice device)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (taskSpeeds.TryGetValue(device, out double known) || Devices.Count == 1)
        {
            return known;
        }

        try
        {
            return calibrator.Model<T>(device).Gflops * 1e9 / Math.Max(1, device.TaskLanes);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            return 0; // a device that fails to calibrate is measured (or dropped) by its first task instead
        }
    }

    /// <summary>The device memory a graph's tile copies may use on <paramref name="device"/>: the budget its tiles
    /// have (<see cref="ComputeEngineOptions.DeviceMemoryBudgetBytes"/>, by default three quarters of its memory).</summary>
    private static long TileBudget(ComputeDevice device) => device.TileBudgetBytes;

    /// <summary>The seconds to bring a task's missing tiles to a worker, by its device's measured transfer bandwidth
    /// (none for devices that compute in host memory, and for the emulator, whose copies are memcpy and which is not
    /// calibrated for this).</summary>
    private Func<int, int, double> TransferEstimate<T>(TaskGraph graph, IReadOnlyList<ComputeDevice> workers, ITileCopies copies)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bandwidth = workers.Select(w =>
        {
            if (w.ComputesInHostMemory || w.Kind == DeviceKind.IlgpuCpu)
            {
                return double.PositiveInfinity;
            }

            try
            {
                return calibrator.Model<T>(w).BandwidthBytesPerSecond;
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                return double.PositiveInfinity;
            }
        }).ToArray();
        return (task, worker) => double.IsPositiveInfinity(bandwidth[worker])
            ? 0
            : copies.Directory.MissingBytes(graph.Tasks[task].Accesses, copies.Location(workers[worker])) / bandwidth[worker];
    }

    private static void ThrowIfNotFinite<T>(HostMatrix<T> m, bool lowerOnly, string name, string parameter)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m.Rows && m.Cols > 0; i++)
        {
            ReadOnlySpan<T> row = m.Row(i);
            int end = lowerOnly ? Math.Min(i + 1, m.Cols) : m.Cols;
            for (int j = 0; j < end; j++)
            {
                if (!T.IsFinite(row[j]))
                {
                    throw new ArgumentException($"{name}[{i}, {j}] is {row[j]}: the input must be finite (nothing was computed).", parameter);
                }
            }
        }
    }
}
