using GpuCompute.Backends;
using GpuCompute.Matrices;
using GpuCompute.Tasks;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Factorizations;

/// <summary>
/// Tiles kept on a device that computes in its own memory (the emulator): the GEMM updates pinned there read the
/// copies earlier tasks left, the CPU's triangular tasks get the tiles written back, eviction under a tiny budget keeps
/// results right, and a device that fails either has its task re-run elsewhere or, when it held the only valid copy of
/// a tile, ends the graph with an exception naming that tile.
/// </summary>
public sealed class TileCopiesTests
{
    private const int Tile = 16;

    private static ComputeEngine Engine(long? budget = null, Dictionary<string, int>? faults = null)
    {
        var engine = new ComputeEngine(new ComputeEngineOptions
        {
            Devices = "cpu,ilgpu-cpu", PersistModels = false, DeviceMemoryBudgetBytes = budget, InjectFaults = faults,
        });
        engine.FactorTile = Tile;
        return engine;
    }

    /// <summary>The GEMM updates run only on the emulator; everything else only on the CPU.</summary>
    private static void GemmsOnTheEmulator(ComputeEngine engine) => Pin(engine, "gemm");

    /// <summary>Tasks whose names start with <paramref name="prefix"/> run only on the emulator, the others only on the CPU.</summary>
    private static void Pin(ComputeEngine engine, string prefix) =>
        engine.TaskPlacement = (task, device) => task.Name.StartsWith(prefix, StringComparison.Ordinal) == (device.Kind == DeviceKind.IlgpuCpu);

    private static double Residual(HostMatrix<double> a, HostMatrix<double> x, HostMatrix<double> b)
    {
        double worst = 0, scale = 0;
        for (int i = 0; i < a.Rows; i++)
        {
            for (int c = 0; c < b.Cols; c++)
            {
                double sum = 0;
                for (int p = 0; p < a.Cols; p++)
                {
                    sum += a[i, p] * x[p, c];
                }

                worst = Math.Max(worst, Math.Abs(sum - b[i, c]));
                scale = Math.Max(scale, Math.Abs(b[i, c]));
            }
        }

        return worst / scale;
    }

    private static HostMatrix<double> Copy(HostMatrix<double> m) => new([.. m.Data], m.Rows, m.Cols, m.Cols);

    [Test]
    public void Cholesky_GemmsOnTheEmulator_ReuseItsCopies_AndTheResultIsRight([Values(97, 112, 130)] int n)
    {
        using var engine = Engine();
        GemmsOnTheEmulator(engine);
        var (a, exact) = CholeskyTests.Spd<double>(n, 11);
        var report = engine.Cholesky(a);
        Assert.That(CholeskyTests.BackwardError(a, exact), Is.LessThan(1e-14));

        TileDirectory books = engine.LastTileDirectory!;
        int gemms = report.Trace.Count(r => r.Item.StartsWith("gemm", StringComparison.Ordinal));
        Assert.That(report.Trace.Where(r => r.Item.StartsWith("gemm", StringComparison.Ordinal)).Select(r => r.DeviceId), Is.All.EqualTo("ilgpu-cpu"));
        Assert.That(books.Hits, Is.GreaterThan(0), "a tile read by several updates is uploaded once");
        Assert.That(books.Uploads, Is.LessThan(3 * gemms), "fewer uploads than three operands per update");
        Assert.That(books.UsedBytes.Sum(), Is.Zero, "every copy is freed when the graph ends");
        Assert.That(report.Devices.Single(d => d.DeviceId == "ilgpu-cpu").BytesMoved, Is.GreaterThan(0), "the report counts the copies");
    }

    [Test]
    public void Cholesky_TinyBudget_EvictsLeastRecentlyUsed_AndTheResultIsRight()
    {
        const long Budget = 4L * Tile * Tile * sizeof(double); // four tiles: one update's three operands and one more
        using var engine = Engine(budget: Budget);
        GemmsOnTheEmulator(engine);
        var (a, exact) = CholeskyTests.Spd<double>(130, 12);
        engine.Cholesky(a);
        Assert.That(CholeskyTests.BackwardError(a, exact), Is.LessThan(1e-14));

        TileDirectory books = engine.LastTileDirectory!;
        Assert.That(books.Evictions, Is.GreaterThan(0));
        Assert.That(books.OverBudget, Is.Zero);
        Assert.That(books.PeakBytes.Max(), Is.LessThanOrEqualTo(Budget));
    }

    [Test]
    public void CholeskySolve_GemmsOnTheEmulator_SolvesTheSystem()
    {
        using var engine = Engine();
        var (a, _) = CholeskyTests.Spd<double>(90, 13);
        var factor = Copy(a);
        engine.Cholesky(factor);
        var b = TestMatrices.Random<double>(90, 5, 14);
        var x = Copy(b);
        GemmsOnTheEmulator(engine);
        var report = engine.CholeskySolve(factor, x);
        Assert.That(report.Trace.Any(r => r.DeviceId == "ilgpu-cpu"), Is.True);
        Assert.That(Residual(a, x, b), Is.LessThan(1e-12));
    }

    [Test]
    public void LuAndSolve_GemmsOnTheEmulator_SolveTheSystem([Values(50, 81)] int n)
    {
        using var engine = Engine(budget: 5L * Tile * Tile * sizeof(double));
        GemmsOnTheEmulator(engine);
        var a = TestMatrices.Random<double>(n, n, 15);
        var lu = Copy(a);
        var pivots = new int[n];
        var report = engine.Lu(lu, pivots);
        Assert.That(report.Trace.Count(r => r.DeviceId == "ilgpu-cpu"), Is.GreaterThan(0));
        var b = TestMatrices.Random<double>(n, 3, 16);
        var x = Copy(b);
        engine.LuSolve(lu, pivots, x);
        Assert.That(Residual(a, x, b), Is.LessThan(1e-10));
    }

    [Test]
    public void Lu_PanelsOnTheEmulator_EverythingElseOnTheCpu_SolvesTheSystem([Values(50, 81)] int n)
    {
        // Each panel's tile column goes to the emulator and comes back for the CPU's interchanges, solves and updates.
        using var engine = Engine();
        Pin(engine, "panel");
        var a = TestMatrices.Random<double>(n, n, 25);
        var lu = Copy(a);
        var pivots = new int[n];
        var report = engine.Lu(lu, pivots);
        Assert.That(report.Trace.Where(r => r.Item.StartsWith("panel", StringComparison.Ordinal)).Select(r => r.DeviceId).Distinct(), Is.EqualTo(new[] { "ilgpu-cpu" }));
        var b = TestMatrices.Random<double>(n, 3, 26);
        var x = Copy(b);
        engine.LuSolve(lu, pivots, x);
        Assert.That(Residual(a, x, b), Is.LessThan(1e-10));
    }

    [Test]
    public void Qr_PanelsOnTheEmulator_EverythingElseOnTheCpu_SolvesLeastSquares([Values(50, 81)] int n)
    {
        // The panels write A's tiles and the reflectors V and T on the emulator; the CPU's updates read them back.
        using var engine = Engine();
        Pin(engine, "panel");
        var a = TestMatrices.Random<double>(n, n, 27);
        var b = TestMatrices.Random<double>(n, 2, 28);
        var x = engine.LeastSquares(a, b, out var report);
        Assert.That(report.Trace.Where(r => r.Item.StartsWith("panel", StringComparison.Ordinal)).Select(r => r.DeviceId).Distinct(), Is.EqualTo(new[] { "ilgpu-cpu" }));
        Assert.That(Residual(a, x, b), Is.LessThan(1e-10), "a square system's least-squares solution solves it");
    }

    [Test]
    public void EmulatorFailsOnItsFirstUpdate_BeforeHoldingAnyTileAlone_ItsTaskRunsOnTheCpu()
    {
        using var engine = Engine(faults: new Dictionary<string, int> { ["ilgpu-cpu"] = 0 });
        ComputeDevice emulator = engine.Devices.Single(d => d.Kind == DeviceKind.IlgpuCpu);
        engine.SeedTaskSpeed(emulator, 1e15); // looks fastest: it is handed the first update
        engine.SeedTaskSpeed(engine.Devices.Single(d => d.Kind == DeviceKind.Cpu), 1e9);
        var (a, exact) = CholeskyTests.Spd<double>(100, 17);
        var report = engine.Cholesky(a);
        Assert.That(report.Trace.Where(r => r.DeviceId == "ilgpu-cpu").Select(r => r.Failed), Is.EqualTo(new[] { true }));
        Assert.That(engine.LastTileDirectory!.Lost, Is.Empty);
        Assert.That(CholeskyTests.BackwardError(a, exact), Is.LessThan(1e-14));
    }

    [Test]
    public void DeviceFailsHoldingTheOnlyCopyOfATile_TheGraphStops_NamingTheTile()
    {
        using var engine = Engine();
        ComputeDevice emulator = engine.Devices.Single(d => d.Kind == DeviceKind.IlgpuCpu);
        var a = TestMatrices.Random<double>(Tile, Tile, 18);
        var b = TestMatrices.Random<double>(Tile, Tile, 19);
        var c = new HostMatrix<double>(Tile, Tile);
        var tiles = new[] { a, b, c };
        var copies = new TileCopies<double>(h => tiles[h], h => "ABC"[h] + "(0, 0)");
        var graph = new TaskGraph { Copies = copies };
        bool OnEmulator(ComputeDevice d) => ReferenceEquals(d, emulator);

        // C ← A·B on the emulator (C's only valid copy stays there), then a task there that fails, then a CPU task
        // reading C after it: by then C is gone.
        graph.Add(new GraphTask("gemm", 2.0 * Tile * Tile * Tile, [(0, DataAccess.Read), (1, DataAccess.Read), (2, DataAccess.Write)], OnEmulator,
            (d, stop) => copies.Gemm(d, 1.0, 0, Transpose.None, 1, Transpose.None, 0.0, 2, stop), DeviceCopies: true));
        graph.Add(new GraphTask("fails", 1, [(0, DataAccess.ReadWrite)], OnEmulator,
            (_, _) => throw new InvalidOperationException("injected failure"), DeviceCopies: true));
        graph.Add(new GraphTask("reads C", 1, [(0, DataAccess.Read), (2, DataAccess.Read)], d => d.ComputesInHostMemory, (_, _) => { }));

        var error = Assert.Throws<DeviceFailedException>(() => engine.RunGraph<double>("test graph", graph, CancellationToken.None));
        Assert.That(error!.DeviceId, Is.EqualTo("ilgpu-cpu"));
        Assert.That(error.LostData, Does.Contain("C(0, 0)"));
        Assert.That(error.LostData, Does.Not.Contain("A(0, 0)"), "A was still valid in host memory");
        Assert.That(engine.LastTileDirectory!.UsedBytes.Sum(), Is.Zero, "the copies are freed on the way out");
    }

    [Test]
    public void EveryResultIsBackInHostMemory_WhenTheGraphEnds()
    {
        using var engine = Engine();
        ComputeDevice emulator = engine.Devices.Single(d => d.Kind == DeviceKind.IlgpuCpu);
        var a = TestMatrices.Random<double>(Tile, Tile + 3, 20);
        var b = TestMatrices.Random<double>(Tile + 3, Tile - 1, 21);
        var c = new HostMatrix<double>(Tile, Tile - 1);
        var tiles = new[] { a, b, c };
        var copies = new TileCopies<double>(h => tiles[h], h => $"{h}");
        var graph = new TaskGraph { Copies = copies };
        graph.Add(new GraphTask("gemm", 1, [(0, DataAccess.Read), (1, DataAccess.Read), (2, DataAccess.Write)], d => ReferenceEquals(d, emulator),
            (d, stop) => copies.Gemm(d, 1.0, 0, Transpose.None, 1, Transpose.None, 0.0, 2, stop), DeviceCopies: true));
        engine.RunGraph<double>("test graph", graph, CancellationToken.None);
        for (int i = 0; i < c.Rows; i++)
        {
            for (int j = 0; j < c.Cols; j++)
            {
                double sum = 0;
                for (int p = 0; p < a.Cols; p++)
                {
                    sum += a[i, p] * b[p, j];
                }

                Assert.That(c[i, j], Is.EqualTo(sum).Within(1e-12), $"C[{i}, {j}]");
            }
        }
    }
}
