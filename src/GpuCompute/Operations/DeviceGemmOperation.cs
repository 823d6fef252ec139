using System.Diagnostics;
using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Gemm;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;

namespace GpuCompute.Operations;

/// <summary>
/// C ← α·op(A)·op(B) + β·C on device-resident matrices (arguments validated by the engine): each device computes the
/// rows of C it holds, where they are. Its rows of op(A) and all of op(B) are used in place when they live on that
/// device and copied there otherwise (device to device where the backend can, else through host memory), freed when
/// the part is done.
/// </summary>
internal static class DeviceGemmOperation
{
    /// <summary>Throws unless op(A) (M × K), op(B) (K × N) and C (M × N) fit, C is neither A nor B, every dimension fits
    /// 32 bits, and all are of this engine and alive; returns M, K and N.</summary>
    public static (long M, long K, long N) Check<T>(ComputeEngine engine, DeviceMatrix<T> a, Transpose opA, DeviceMatrix<T> b, Transpose opB, DeviceMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        engine.ThrowIfDisposed();
        ScalarType.EnsureSupported<T>();
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        DataGuard.Usable(engine, a.Storage, nameof(a));
        DataGuard.Usable(engine, b.Storage, nameof(b));
        DataGuard.Usable(engine, c.Storage, nameof(c));
        if (opA is not (Matrices.Transpose.None or Matrices.Transpose.Transposed) || opB is not (Matrices.Transpose.None or Matrices.Transpose.Transposed))
        {
            throw new ArgumentOutOfRangeException(nameof(opA), $"Unknown transpose operation ({(int)opA}, {(int)opB}).");
        }

        (long am, long ak) = opA == Matrices.Transpose.None ? (a.Rows, a.Columns) : (a.Columns, a.Rows);
        (long bk, long bn) = opB == Matrices.Transpose.None ? (b.Rows, b.Columns) : (b.Columns, b.Rows);
        string Shapes() =>
            $"op(A) is {am} x {ak} (A {a.Rows} x {a.Columns}, {opA}), op(B) is {bk} x {bn} (B {b.Rows} x {b.Columns}, {opB}), C is {c.Rows} x {c.Columns}";
        if (ak != bk)
        {
            throw new ArgumentException($"GEMM inner dimensions differ: {Shapes()}; op(A) columns must equal op(B) rows.", nameof(b));
        }

        if (c.Rows != am || c.Columns != bn)
        {
            throw new ArgumentException($"GEMM output has the wrong shape: {Shapes()}; C must be {am} x {bn}.", nameof(c));
        }

        if (ReferenceEquals(c.Storage, a.Storage) || ReferenceEquals(c.Storage, b.Storage))
        {
            throw new ArgumentException($"C must not share memory with {(ReferenceEquals(c.Storage, a.Storage) ? "A" : "B")}: GEMM reads A and B while it writes C.", nameof(c));
        }

        if (am > int.MaxValue || bn > int.MaxValue || ak > int.MaxValue)
        {
            throw new NotSupportedException($"GEMM dimensions are at most {int.MaxValue}; {Shapes()}.");
        }

        return (am, ak, bn);
    }

    public static GemmReport Run<T>(
        T alpha, DeviceMatrix<T> a, Transpose opA, DeviceMatrix<T> b, Transpose opB, T beta, DeviceMatrix<T> c, SchedulingPolicy policy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var run = new Parts<T>(alpha, a, opA, b, opB, beta, c);
        PartExecution.Run(c.Layout, "a device-resident GEMM", run.Compute, run.Lost, run.Cost);
        return run.Report(policy);
    }

    public static async Task<GemmReport> RunAsync<T>(
        T alpha, DeviceMatrix<T> a, Transpose opA, DeviceMatrix<T> b, Transpose opB, T beta, DeviceMatrix<T> c, SchedulingPolicy policy,
        IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var run = new Parts<T>(alpha, a, opA, b, opB, beta, c);
        await PartExecution.RunAsync(c.Layout, "a device-resident GEMM", run.Compute, run.Lost, run.Cost, progress, cancellation).ConfigureAwait(false);
        return run.Report(policy);
    }

    /// <summary>One product's parts (one per part of C) and what each did, for the report.</summary>
    private sealed class Parts<T>(T alpha, DeviceMatrix<T> a, Transpose opA, DeviceMatrix<T> b, Transpose opB, T beta, DeviceMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly long start = Stopwatch.GetTimestamp();
        private readonly DeviceShare?[] shares = new DeviceShare?[c.Layout.Parts.Count];
        private readonly TileRecord[] trace = new TileRecord[c.Layout.Parts.Count];

        private long N => c.Columns;

        private long K => opA == Transpose.None ? a.Columns : a.Rows;

        public string Lost(int p) => c.Layout.DescribePart(p, "rows", "C");

        public (double Flops, double Bytes) Cost(int p) => (shares[p]!.Flops, shares[p]!.BytesMoved);

        public void Compute(int p, CancellationToken stop)
        {
            long n = N, k = K;
            LayoutPart part = c.Layout.Parts[p];
            ComputeDevice device = part.Device;
            double begin = Stopwatch.GetElapsedTime(start).TotalSeconds;
            (Borrowed<T> left, long offsetA, long movedA) = RowsOfOpA(a, opA, part, k);
            using Borrowed<T> leftLoan = left;
            using Borrowed<T> right = b.Storage.Whole(device);
            device.Gemm(
                new DeviceGemm<T>(
                    alpha, left.Buffer, offsetA, a.Columns, opA,
                    right.Buffer, 0, b.Columns, opB,
                    beta, c.Storage.Part(p), 0, n, part.Count, n, k),
                stop);
            double end = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double flops = 2.0 * part.Count * n * k;
            double bytes = (double)(movedA + ElsewhereThan(b.Storage, device)) * ScalarType.Size<T>();
            shares[p] = new DeviceShare(device.Id, device.Name, device.Kind, 1, end - begin, flops, bytes, null);
            trace[p] = new TileRecord(device.Id, new GemmTile((int)part.First, 0, (int)part.Count, (int)n), begin, end, bytes, Failed: false);
        }

        public GemmReport Report(SchedulingPolicy policy)
        {
            DeviceShare[] all = a.Layout.Owner.Devices
                .Select(d => shares.FirstOrDefault(s => s?.DeviceId == d.Id) ?? new DeviceShare(d.Id, d.Name, d.Kind, 0, 0, 0, 0, null))
                .ToArray();
            return new GemmReport((int)c.Rows, (int)N, (int)K, ScalarType.Name<T>(), policy, Stopwatch.GetElapsedTime(start).TotalSeconds, all, trace);
        }
    }

    /// <summary>
    /// op(A)'s rows for C's part, with the offset of its first element and the elements that had to cross from other
    /// devices: with op = none, A's rows [first, end) (in place when one part of A on the device holds them all, else
    /// gathered); transposed, A's columns [first, end), which span every row of A (in place when A lives wholly on the
    /// device, else all of A is copied there).
    /// </summary>
    private static (Borrowed<T> Loan, long Offset, long Moved) RowsOfOpA<T>(DeviceMatrix<T> a, Transpose opA, LayoutPart part, long k)
        where T : unmanaged
    {
        if (opA == Transpose.Transposed)
        {
            return (a.Storage.Whole(part.Device), part.First, ElsewhereThan(a.Storage, part.Device));
        }

        for (int i = 0; i < a.Layout.Parts.Count; i++)
        {
            LayoutPart home = a.Layout.Parts[i];
            if (home.Device == part.Device && home.First <= part.First && part.End <= home.End)
            {
                return (new Borrowed<T>(a.Storage.Part(i), owned: false), (part.First - home.First) * k, 0);
            }
        }

        return (new Borrowed<T>(a.Storage.Gather(part.Device, part.First * k, part.Count * k), owned: true), 0, part.Count * k);
    }

    /// <summary>Elements of <paramref name="array"/> held by devices other than <paramref name="device"/>.</summary>
    private static long ElsewhereThan<T>(DistributedArray<T> array, ComputeDevice device)
        where T : unmanaged =>
        array.Layout.Parts.Where(p => p.Device != device).Sum(p => p.Count) * array.ItemSize;
}
