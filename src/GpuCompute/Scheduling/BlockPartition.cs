using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>
/// The adaptive policy's plan for a GEMM on host matrices: one block of C per device, sized so that every device
/// finishes at the same time counting its link, laid out as a column-based partition of small link-weighted perimeter
/// (Beaumont, Boudet, Rastello and Robert, IEEE TPDS 2001), then cut into tiles that the device streams in an order
/// that reuses its panels.
/// </summary>
/// <remarks>
/// Why blocks and not equal tiles: a device computing a × b of C over the full K must receive (a + b)·K elements of A
/// and B, so its bytes per flop fall as its block grows and becomes square. Equal tiles dealt out one by one scatter a
/// fast device's work over many tile rows and columns, and it re-reads panels it could have kept; a block per device
/// sends each panel once. Areas come from the same model as the communication bound (compute, and the block's panels
/// and C over the device's link, overlapped or not as the device does), refined for the aspect ratio each block
/// actually gets. Devices whose block would be under half a minimum tile are left without one (they only straggle);
/// they can still take orphaned or stolen tiles.
/// </remarks>
internal static class BlockPartition
{
    /// <summary>
    /// Tiles a device that overlaps transfers holds at once: one computing while the next two tiles' panels arrive.
    /// Measured in the simulator on the 12-device case of bench/RESULTS.md: two (double buffering) leave the link idle
    /// whenever a tile needs no new panel and reach 0.88 of the bound, three reach 0.93, four 0.93, eight 0.96.
    /// </summary>
    public const int StreamDepth = 3;

    /// <summary>
    /// The most of a streaming device's time its first tile's panels may take (nothing computes until they arrive):
    /// its tiles are made small enough for that. With equal tiles of about 1/8 of its block's edge, two GPUs beside a
    /// CPU lost 2 % of the run to it in the simulator.
    /// </summary>
    private const double StartupShare = 0.01;

    /// <summary>Rounds of re-sizing the blocks for the aspect ratios the layout gave them.</summary>
    private const int Refinements = 4;

    /// <summary>Plans C ← α·op(A)·op(B) + β·C of <paramref name="m"/> × <paramref name="n"/> × <paramref name="k"/> for <paramref name="models"/>.</summary>
    public static GemmPartition Plan(TilePlanner limits, int m, int n, int k, int elementSize, bool readsC, IReadOnlyList<DeviceModel> models)
    {
        if (models.Count == 0)
        {
            throw new ArgumentException("At least one device is needed.", nameof(models));
        }

        var shape = new Shape(m, n, k, elementSize, readsC ? 2 : 1);
        if (m == 0 || n == 0)
        {
            return Assemble(shape, models, new GemmTile?[models.Count], limits);
        }

        // Too small to split: one tile, on the device expected to finish it first.
        if (2.0 * m * n * k <= limits.SingleTileFlops)
        {
            var whole = new GemmTile(0, 0, m, n);
            int best = Enumerable.Range(0, models.Count).MinBy(d => models[d].Seconds(whole, k, shape.Bytes(m, n, models[d])));
            return Single(shape, models, best, limits);
        }

        if (models.Count == 1)
        {
            return Single(shape, models, 0, limits);
        }

        bool[] active = Enumerable.Repeat(true, models.Count).ToArray();
        double[] perimeter = Enumerable.Repeat(2.0, models.Count).ToArray();
        double[] startup = new double[models.Count];
        double smallest = 0.5 * limits.MinEdge * limits.MinEdge;
        while (true)
        {
            double[] areas = Areas(shape, models, active, perimeter, startup);
            int weakest = Enumerable.Range(0, models.Count).Where(d => active[d]).MinBy(d => areas[d]);
            if (areas[weakest] >= smallest || active.Count(a => a) == 1)
            {
                break;
            }

            active[weakest] = false;
        }

        if (active.Count(a => a) == 1)
        {
            return Single(shape, models, Array.IndexOf(active, true), limits);
        }

        GemmTile?[] blocks = Layout(shape, models, Areas(shape, models, active, perimeter, startup), limits);
        double makespan = Makespan(shape, models, blocks, limits);
        for (int round = 0; round < Refinements; round++)
        {
            for (int d = 0; d < models.Count; d++)
            {
                if (blocks[d] is GemmTile b)
                {
                    // The block's panel bytes per √area and K: its aspect ratio, and its re-reads when memory is short.
                    double area = (double)b.Rows * b.Cols;
                    double panels = Traffic(shape, models[d], b, limits) - (shape.PassesOverC * area * shape.ElementSize);
                    perimeter[d] = models[d].ComputesFromHost ? 2 : panels / (shape.K * shape.ElementSize * Math.Sqrt(area));
                    startup[d] = Startup(shape, models[d], b, limits);
                }
            }

            GemmTile?[] refined = Layout(shape, models, Areas(shape, models, active, perimeter, startup), limits);
            double time = Makespan(shape, models, refined, limits);
            if (time < makespan)
            {
                (blocks, makespan) = (refined, time);
            }
        }

        return Assemble(shape, models, blocks, limits);
    }

    /// <summary>
    /// Elements of C each active device should compute: the areas at the least time T at which they cover C, where a
    /// device's area at T is the largest block (of the given perimeter factor, 2 for a square) it can finish by T
    /// after its start-up (the seconds before its first tile can compute).
    /// </summary>
    internal static double[] Areas(Shape shape, IReadOnlyList<DeviceModel> models, bool[] active, double[] perimeter, double[] startup)
    {
        double total = (double)shape.M * shape.N;
        double AreaAt(int d, double t) => active[d] ? AreaBy(shape, models[d], perimeter[d], Math.Max(0, t - startup[d])) : 0;
        double Covered(double t) => Enumerable.Range(0, models.Count).Sum(d => AreaAt(d, t));
        double high = 1e-9;
        while (Covered(high) < total)
        {
            high *= 2;
        }

        double low = 0;
        for (int i = 0; i < 100 && high - low > high * 1e-9; i++)
        {
            double mid = (low + high) / 2;
            (low, high) = Covered(mid) >= total ? (low, mid) : (mid, high);
        }

        double[] areas = Enumerable.Range(0, models.Count).Select(d => AreaAt(d, high)).ToArray();
        double sum = areas.Sum();
        return areas.Select(a => a * total / sum).ToArray();
    }

    /// <summary>The largest block (rows + columns = <paramref name="perimeter"/>·√area) a device finishes by <paramref name="seconds"/>.</summary>
    private static double AreaBy(Shape shape, DeviceModel model, double perimeter, double seconds)
    {
        double total = (double)shape.M * shape.N;
        double flopsPerElement = 2.0 * shape.K;
        double rate = model.Gflops * 1e9;
        if (model.ComputesFromHost)
        {
            return Math.Min(total, seconds * rate / flopsPerElement);
        }

        // Bytes for area x²: (c·x² + p·K·x)·s, with c the passes over C (1, or 2 when β ≠ 0) and p the perimeter factor.
        double perByte = shape.ElementSize / model.BandwidthBytesPerSecond;
        double quadratic = shape.PassesOverC * perByte, linear = perimeter * shape.K * perByte;
        if (model.OverlapsTransfers)
        {
            double root = Root(quadratic, linear, seconds);
            return Math.Min(total, Math.Min(seconds * rate / flopsPerElement, root * root));
        }

        double side = Root(quadratic + (flopsPerElement / rate), linear, seconds);
        return Math.Min(total, side * side);
    }

    /// <summary>The positive x with a·x² + b·x = t.</summary>
    private static double Root(double a, double b, double t) => (-b + Math.Sqrt((b * b) + (4 * a * t))) / (2 * a);

    /// <summary>
    /// Blocks for the given areas: devices sorted by area are grouped into full-height columns (or full-width rows,
    /// whichever is cheaper), the grouping chosen by dynamic programming to minimise the perimeters weighted by each
    /// device's seconds per byte; boundaries are rounded to multiples of 16 (a quarter of the minimum tile edge when that is smaller): coarser rounding
    /// cost a whole CPU beside two GPUs 4 % of its share in the simulator.
    /// </summary>
    private static GemmTile?[] Layout(Shape shape, IReadOnlyList<DeviceModel> models, double[] areas, TilePlanner limits)
    {
        int[] order = Enumerable.Range(0, models.Count).Where(d => areas[d] > 0).OrderByDescending(d => areas[d]).ThenBy(d => d).ToArray();
        double finite = models.Where(m => !m.ComputesFromHost).Select(m => 1 / m.BandwidthBytesPerSecond).DefaultIfEmpty(1e3).Min();
        double[] weight = models.Select(m => m.ComputesFromHost ? finite * 1e-3 : 1 / m.BandwidthBytesPerSecond).ToArray();
        int grain = Math.Clamp(limits.MinEdge / 4, 1, 16);

        (List<int[]> columns, double cost) = Columns(order, areas, weight, shape.M);
        (List<int[]> rows, double rowCost) = Columns(order, areas, weight, shape.N);
        var blocks = new GemmTile?[models.Count];
        bool byColumns = cost <= rowCost;
        int height = byColumns ? shape.M : shape.N, width = byColumns ? shape.N : shape.M;
        List<int[]> groups = byColumns ? columns : rows;
        double total = areas.Sum();
        double before = 0;
        int left = 0;
        foreach (int[] group in groups)
        {
            double groupArea = group.Sum(d => areas[d]);
            before += groupArea;
            int right = group == groups[^1] ? width : Round(width * before / total, grain, width);
            double inside = 0;
            int top = 0;
            foreach (int d in group)
            {
                inside += areas[d];
                int bottom = d == group[^1] ? height : Round(height * inside / groupArea, grain, height);
                if (right > left && bottom > top)
                {
                    blocks[d] = byColumns ? new GemmTile(top, left, bottom - top, right - left) : new GemmTile(left, top, right - left, bottom - top);
                }

                top = Math.Max(top, bottom);
            }

            left = Math.Max(left, right);
        }

        return blocks;

        static int Round(double x, int grain, int limit) => Math.Min(limit, (int)Math.Round(x / grain) * grain);
    }

    /// <summary>
    /// The grouping of <paramref name="order"/> (contiguous runs) into columns of full height <paramref name="height"/>
    /// with the least Σ weight·(column width + own height), and that cost.
    /// </summary>
    private static (List<int[]> Groups, double Cost) Columns(int[] order, double[] areas, double[] weight, int height)
    {
        int p = order.Length;
        double[] best = new double[p + 1];
        int[] from = new int[p + 1];
        for (int i = 1; i <= p; i++)
        {
            best[i] = double.PositiveInfinity;
            for (int j = 0; j < i; j++)
            {
                double width = 0;
                for (int x = j; x < i; x++)
                {
                    width += areas[order[x]];
                }

                width /= height;
                double cost = best[j];
                for (int x = j; x < i; x++)
                {
                    cost += weight[order[x]] * (width + (areas[order[x]] / width));
                }

                if (cost < best[i])
                {
                    (best[i], from[i]) = (cost, j);
                }
            }
        }

        var groups = new List<int[]>();
        for (int i = p; i > 0; i = from[i])
        {
            groups.Insert(0, order[from[i]..i]);
        }

        return (groups, best[p]);
    }

    /// <summary>The time the slowest device is expected to need for its block, start-up included.</summary>
    private static double Makespan(Shape shape, IReadOnlyList<DeviceModel> models, GemmTile?[] blocks, TilePlanner limits) =>
        Enumerable.Range(0, models.Count)
            .Where(d => blocks[d] is not null)
            .Max(d => Startup(shape, models[d], blocks[d]!.Value, limits)
                + models[d].Seconds(blocks[d]!.Value, shape.K, Traffic(shape, models[d], blocks[d]!.Value, limits)));

    /// <summary>
    /// Seconds before a device that overlaps transfers can start computing: its first tile's panels must arrive first
    /// (later tiles' panels arrive while it computes). Nothing for a device that computes from host memory; for one
    /// that copies in turn, its transfers are already counted in full.
    /// </summary>
    private static double Startup(Shape shape, DeviceModel model, GemmTile block, TilePlanner limits)
    {
        if (!model.OverlapsTransfers || model.ComputesFromHost)
        {
            return 0;
        }

        // The first tile is the grid's top-left one (Cut's first in either order).
        (int rows, int cols) = Grid(shape, model, block, limits);
        return model.TransferSeconds((double)((block.Rows / rows) + (block.Cols / cols)) * shape.K * shape.ElementSize);
    }

    /// <summary>
    /// Everything on one device: a streaming device gets its block cut for streaming; any other, the uniform
    /// planner's tiles for one device (the whole product up to 2·MaxEdge³ flops: splitting only re-packs panels).
    /// </summary>
    private static GemmPartition Single(Shape shape, IReadOnlyList<DeviceModel> models, int device, TilePlanner limits)
    {
        var blocks = new GemmTile?[models.Count];
        blocks[device] = new GemmTile(0, 0, shape.M, shape.N);
        if (models[device].OverlapsTransfers && !models[device].ComputesFromHost && 2.0 * shape.M * shape.N * shape.K > limits.SingleTileFlops)
        {
            return Assemble(shape, models, blocks, limits);
        }

        IReadOnlyList<GemmTile> tiles = limits.Plan(shape.M, shape.N, shape.K, 1);
        var queues = Enumerable.Range(0, models.Count).Select(d => d == device ? Enumerable.Range(0, tiles.Count).ToArray() : []).ToArray();
        return new GemmPartition(new GemmWorkload(tiles, shape.K, shape.ElementSize, shape.PassesOverC == 2), queues, blocks);
    }

    /// <summary>Cuts each block into tiles and queues them on its device in an order that reuses panels.</summary>
    private static GemmPartition Assemble(Shape shape, IReadOnlyList<DeviceModel> models, GemmTile?[] blocks, TilePlanner limits)
    {
        var tiles = new List<GemmTile>();
        var queues = new int[models.Count][];
        for (int d = 0; d < models.Count; d++)
        {
            GemmTile[] mine = blocks[d] is GemmTile block ? Cut(shape, models[d], block, limits) : [];
            queues[d] = Enumerable.Range(tiles.Count, mine.Length).ToArray();
            tiles.AddRange(mine);
        }

        return new GemmPartition(new GemmWorkload(tiles, shape.K, shape.ElementSize, shape.PassesOverC == 2), queues, blocks);
    }

    /// <summary>
    /// The tiles of one device's block, in its order. When the block's panels fit in the device's memory, edges aim at
    /// <see cref="TilePlanner.TilesPerDevice"/> tiles within the planner's edges (on a streaming device, small enough
    /// that the first tile's panels take at most <see cref="StartupShare"/> of its time) and go in growing squares:
    /// each new shell needs one new A panel and one new B panel for 2L + 1 tiles, so transfers spread over the run.
    /// When they do not fit, every panel the cache dropped comes again and bytes per flop fall with the tile edge, so
    /// tiles take the largest edge and go in a snake over rows, reusing the A panel along a row and, at each turn, the
    /// B panels just used (a tile larger than memory streams through in chunks of K, as out-of-core tiles do).
    /// </summary>
    private static GemmTile[] Cut(Shape shape, DeviceModel model, GemmTile block, TilePlanner limits)
    {
        bool fits = PanelsFit(shape, model, block);
        (int rows, int cols) = Grid(shape, model, block, limits);
        GemmTile At(int i, int j)
        {
            int top = block.Rows * i / rows, left = block.Cols * j / cols;
            return new GemmTile(block.Row + top, block.Col + left, (block.Rows * (i + 1) / rows) - top, (block.Cols * (j + 1) / cols) - left);
        }

        var order = new List<GemmTile>(rows * cols);
        if (fits)
        {
            for (int shell = 0; shell < Math.Max(rows, cols); shell++)
            {
                for (int t = 0; t <= shell; t++)
                {
                    if (shell < rows && t < cols)
                    {
                        order.Add(At(shell, t));
                    }

                    if (t < shell && t < rows && shell < cols)
                    {
                        order.Add(At(t, shell));
                    }
                }
            }
        }
        else
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    order.Add(At(i, i % 2 == 0 ? j : cols - 1 - j));
                }
            }
        }

        return order.ToArray();
    }

    /// <summary>How many tile rows and columns <see cref="Cut"/> makes of <paramref name="block"/> (its edge rule).</summary>
    private static (int Rows, int Cols) Grid(Shape shape, DeviceModel model, GemmTile block, TilePlanner limits)
    {
        bool fits = PanelsFit(shape, model, block);
        double edge = fits ? Math.Sqrt((double)block.Rows * block.Cols / limits.TilesPerDevice) : limits.MaxEdge;
        if (fits && model.OverlapsTransfers && !model.ComputesFromHost)
        {
            // First tile e × e: 2·e·K·s bytes before anything computes, against the block's 2·rows·cols·K flops.
            double seconds = block.Flops(shape.K) / (model.Gflops * 1e9);
            edge = Math.Min(edge, StartupShare * seconds * model.BandwidthBytesPerSecond / (2.0 * shape.K * shape.ElementSize));

            // ... but at most 16 times the tiles asked for: past that, per-tile costs the model does not see dominate.
            edge = Math.Max(edge, Math.Sqrt((double)block.Rows * block.Cols / (16.0 * limits.TilesPerDevice)));
        }

        edge = Math.Clamp(edge, limits.MinEdge, limits.MaxEdge);
        return (Math.Max(1, (int)Math.Round(block.Rows / edge)), Math.Max(1, (int)Math.Round(block.Cols / edge)));
    }

    /// <summary>True when every panel of A and B the block reads fits in the device's memory at once.</summary>
    private static bool PanelsFit(Shape shape, DeviceModel model, GemmTile block) =>
        (double)(block.Rows + block.Cols) * shape.K * shape.ElementSize <= model.MemoryBytes;

    /// <summary>
    /// Bytes a device moves for its block as <see cref="Cut"/> tiles it: each panel once when they all fit; otherwise
    /// the snake's traffic, with as many B panels kept between rows as the memory left beside one A panel holds.
    /// </summary>
    private static double Traffic(Shape shape, DeviceModel model, GemmTile block, TilePlanner limits)
    {
        if (model.ComputesFromHost)
        {
            return 0;
        }

        double c = (double)shape.PassesOverC * block.Rows * block.Cols * shape.ElementSize;
        if (PanelsFit(shape, model, block))
        {
            return shape.Bytes(block.Rows, block.Cols);
        }

        (int rows, int cols) = Grid(shape, model, block, limits);
        double panelA = (double)block.Rows / rows * shape.K * shape.ElementSize, panelB = (double)block.Cols / cols * shape.K * shape.ElementSize;
        if (panelA + panelB > model.MemoryBytes)
        {
            return c + ((double)rows * cols * (panelA + panelB));
        }

        double kept = Math.Min(cols, Math.Floor((model.MemoryBytes - panelA) / panelB));
        return c + (rows * panelA) + (cols * panelB) + ((rows - 1) * (cols - kept) * panelB);
    }

    /// <summary>The product's sizes: M, N, K, bytes per element, and 1 or 2 passes over C (written; read too when β ≠ 0).</summary>
    internal readonly record struct Shape(int M, int N, int K, int ElementSize, int PassesOverC)
    {
        /// <summary>Bytes a rows × cols block moves: its panels of A and B, and C.</summary>
        public double Bytes(double rows, double cols) => ((PassesOverC * rows * cols) + ((rows + cols) * K)) * ElementSize;

        /// <summary>Bytes a rows × cols block moves over <paramref name="model"/>'s link (none when it computes from host memory).</summary>
        public double Bytes(double rows, double cols, DeviceModel model) => model.ComputesFromHost ? 0 : Bytes(rows, cols);
    }
}
