namespace GpuCompute.Cluster.Contracts;

/// <summary>
/// Names a panel of a GEMM operand: rows <paramref name="First"/>… of op(A) (<paramref name="Operand"/> 'A', a
/// <paramref name="Rows"/> × <paramref name="Cols"/> block, all of K), columns <paramref name="First"/>… of op(B) ('B',
/// K × n), or a tile of C ('C' at row <paramref name="First"/> and column <paramref name="Column"/>, its initial value
/// when β ≠ 0), of operation <paramref name="Problem"/> of app
/// <paramref name="App"/>, stored row-major in <paramref name="Precision"/> (<c>f32</c> or <c>f64</c>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PanelKey(
    [property: Id(0)] Guid App,
    [property: Id(1)] long Problem,
    [property: Id(2)] char Operand,
    [property: Id(3)] int First,
    [property: Id(4)] int Rows,
    [property: Id(5)] int Cols,
    [property: Id(6)] string Precision,
    [property: Id(7)] int Column = 0)
{
    /// <summary>Bytes of one element.</summary>
    public int ElementBytes => Precision == "f32" ? sizeof(float) : sizeof(double);

    /// <summary>The panel's size in bytes.</summary>
    public long Bytes => (long)Rows * Cols * ElementBytes;

    /// <inheritdoc/>
    public override string ToString() => Operand == 'C'
        ? $"C[{First}, {Column}] of operation {Problem} ({Rows} x {Cols} {Precision})"
        : $"{Operand}[{First}..+{(Operand == 'B' ? Cols : Rows)}] of operation {Problem} ({Rows} x {Cols} {Precision})";
}
