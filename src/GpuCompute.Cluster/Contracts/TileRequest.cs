namespace GpuCompute.Cluster.Contracts;

/// <summary>C_tile ← α·A·B + β·C₀ from panels the node holds: <paramref name="A"/> (m × K), <paramref name="B"/>
/// (K × n) and, when β ≠ 0, <paramref name="C"/> (m × n); α and β as doubles (exact for f32 too).</summary>
[GenerateSerializer, Immutable]
public sealed record TileRequest(
    [property: Id(0)] PanelKey A,
    [property: Id(1)] PanelKey B,
    [property: Id(2)] PanelKey? C,
    [property: Id(3)] double Alpha,
    [property: Id(4)] double Beta,
    [property: Id(5)] int ChunkBytes);

/// <summary>What <see cref="INodeGrain.Start"/> answers: the panels it lacks (nothing started), or the result's id; and
/// what <see cref="INodeGrain.Wait"/> answers once the tile is computed: its chunk count and the seconds the node's
/// engine took.</summary>
[GenerateSerializer, Immutable]
public sealed record TileAnswer(
    [property: Id(0)] IReadOnlyList<PanelKey> Missing,
    [property: Id(1)] Guid Result,
    [property: Id(2)] int Chunks,
    [property: Id(3)] double ComputeSeconds);
