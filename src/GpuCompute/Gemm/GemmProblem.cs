using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Gemm;

/// <summary>A validated GEMM, C ← α·op(A)·op(B) + β·C, with op(A) of size M×K and op(B) of size K×N.</summary>
/// <remarks>Built only by <see cref="Create"/>, which checks every shape, so holders may trust them.</remarks>
internal sealed class GemmProblem<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static long lastId;

    private GemmProblem(T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c)
    {
        Alpha = alpha;
        A = a;
        OpA = opA;
        B = b;
        OpB = opB;
        Beta = beta;
        C = c;
        K = opA == Transpose.None ? a.Cols : a.Rows;
    }

    /// <summary>Unique per operation: devices may keep panels they staged for the same operation, never across.</summary>
    public long Id { get; } = Interlocked.Increment(ref lastId);

    public T Alpha { get; }

    public HostMatrix<T> A { get; }

    public Transpose OpA { get; }

    public HostMatrix<T> B { get; }

    public Transpose OpB { get; }

    public T Beta { get; }

    public HostMatrix<T> C { get; }

    public int M => C.Rows;

    public int N => C.Cols;

    public int K { get; }

    /// <summary>2·M·N·K.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>True when there is no product term (α = 0 or K = 0): C ← β·C, and A and B are never read.</summary>
    public bool ScalesOnly => K == 0 || T.IsZero(Alpha);

    /// <summary>Checks the operands and builds the problem, throwing before any work starts if they do not fit.</summary>
    public static GemmProblem<T> Create(
        T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        CheckOp(opA, nameof(opA));
        CheckOp(opB, nameof(opB));

        (int am, int ak) = opA == Transpose.None ? (a.Rows, a.Cols) : (a.Cols, a.Rows);
        (int bk, int bn) = opB == Transpose.None ? (b.Rows, b.Cols) : (b.Cols, b.Rows);
        // Built only when a check fails: validation runs on every call, small products included.
        string Shapes() =>
            $"op(A) is {am} x {ak} (A {a.Rows} x {a.Cols}, {opA}), op(B) is {bk} x {bn} (B {b.Rows} x {b.Cols}, {opB}), C is {c.Rows} x {c.Cols}";
        if (ak != bk)
        {
            throw new ArgumentException($"GEMM inner dimensions differ: {Shapes()}; op(A) columns must equal op(B) rows.", nameof(b));
        }

        if (c.Rows != am || c.Cols != bn)
        {
            throw new ArgumentException($"GEMM output has the wrong shape: {Shapes()}; C must be {am} x {bn}.", nameof(c));
        }

        if (Overlaps(c, a) || Overlaps(c, b))
        {
            throw new ArgumentException(
                $"C overlaps {(Overlaps(c, a) ? "A" : "B")} in memory; GEMM writes C while reading A and B, so C must not alias them.",
                nameof(c));
        }

        return new GemmProblem<T>(alpha, a, opA, b, opB, beta, c);
    }

    /// <summary>The part of A that tile <paramref name="tile"/> reads, in A's stored orientation.</summary>
    public HostMatrix<T> TileA(GemmTile tile) =>
        OpA == Transpose.None ? A.Slice(tile.Row, 0, tile.Rows, K) : A.Slice(0, tile.Row, K, tile.Rows);

    /// <summary>The part of B that tile <paramref name="tile"/> reads, in B's stored orientation.</summary>
    public HostMatrix<T> TileB(GemmTile tile) =>
        OpB == Transpose.None ? B.Slice(0, tile.Col, K, tile.Cols) : B.Slice(tile.Col, 0, tile.Cols, K);

    /// <summary>The block of C that tile <paramref name="tile"/> writes.</summary>
    public HostMatrix<T> TileC(GemmTile tile) => C.Slice(tile.Row, tile.Col, tile.Rows, tile.Cols);

    /// <summary>True when two matrices over the same array share at least one element (exact for strided views, so
    /// disjoint column blocks of one array do not count as overlapping).</summary>
    internal static bool Overlaps(HostMatrix<T> x, HostMatrix<T> y)
    {
        if (!ReferenceEquals(x.Data, y.Data) || x.Rows == 0 || x.Cols == 0 || y.Rows == 0 || y.Cols == 0)
        {
            return false;
        }

        // Each row of a view is the interval [offset + i·ld, offset + i·ld + cols). For one row [a, b) of the view with
        // fewer rows, the rows j of the other that intersect it satisfy two linear inequalities in j, so they form an
        // integer interval: the views overlap iff that interval is non-empty for some row. O(min(rows)), no enumeration.
        (HostMatrix<T> few, HostMatrix<T> many) = x.Rows <= y.Rows ? (x, y) : (y, x);
        long ld = many.LeadingDimension, origin = many.Offset, cols = many.Cols, last = many.Rows - 1;
        for (long i = 0; i < few.Rows; i++)
        {
            long a = few.Offset + (i * few.LeadingDimension), b = a + few.Cols;
            long lowest = Math.Max(0, FloorDiv(a - cols - origin, ld) + 1); // origin + j·ld + cols > a
            long highest = Math.Min(last, CeilDiv(b - origin, ld) - 1);      // origin + j·ld < b
            if (lowest <= highest)
            {
                return true;
            }
        }

        return false;

        static long FloorDiv(long p, long q) => (p / q) - ((p % q != 0 && (p < 0) != (q < 0)) ? 1 : 0);
        static long CeilDiv(long p, long q) => -FloorDiv(-p, q);
    }

    private static void CheckOp(Transpose op, string name)
    {
        if (op is not (Transpose.None or Transpose.Transposed))
        {
            throw new ArgumentOutOfRangeException(name, $"Unknown transpose operation {(int)op}.");
        }
    }
}
