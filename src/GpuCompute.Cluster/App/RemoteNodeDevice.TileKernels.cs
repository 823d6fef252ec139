using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuCompute.Backends;
using GpuCompute.Cluster.Contracts;
using GpuCompute.Cluster.Transport;
using GpuCompute.Kernels.Factorizations;
using GpuCompute.Kernels.LinearAlgebra;
using Orleans.Concurrency;

namespace GpuCompute.Cluster.App;

/// <summary>
/// The node as a device of task graphs: tile copies in buffers the app keeps on the node (<see cref="NodeBuffer{T}"/>),
/// moved in checksummed chunks, and the tile kernels run there. A node's base kernels are whole tile operations
/// (<see cref="TileBaseOrder"/> has no limit), which the node computes with the engine's own recursive kernels on its
/// CPU device, so a tile task is one call (a right-hand TRSM three: a transpose there and back around the solve).
/// </summary>
internal sealed partial class RemoteNodeDevice
{
    private long nextBuffer;

    internal override bool RunsTileKernels => true;

    internal override int TileBaseOrder => int.MaxValue;

    /// <summary>Chunks travel in calls of their own while a kernel runs on the node.</summary>
    internal override bool OverlapsTransfers => true;

    internal override DeviceBuffer<T> Allocate<T>(long length)
    {
        long id = Interlocked.Increment(ref nextBuffer);
        Wait(Call(() => grain.AllocateBuffer(app, id, Precision<T>(), length), CancellationToken.None), $"allocating buffer {id} ({length} elements)");
        return new NodeBuffer<T>(this, id, length);
    }

    /// <summary>Elements from <paramref name="offset"/> of <paramref name="buffer"/> ← <paramref name="source"/>,
    /// <see cref="InFlight"/> chunks at a time.</summary>
    internal void WriteBuffer<T>(NodeBuffer<T> buffer, ReadOnlySpan<T> source, long offset)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(source);
        long start = offset * Unsafe.SizeOf<T>();
        var pending = new List<Task>(InFlight);
        for (int done = 0; done < bytes.Length; done += ChunkBytes)
        {
            byte[] piece = bytes.Slice(done, Math.Min(ChunkBytes, bytes.Length - done)).ToArray();
            var chunk = new BufferChunk(buffer.Id, start + done, new Immutable<byte[]>(piece), Chunks.Checksum(piece));
            pending.Add(Call(() => grain.WriteBuffer(app, chunk), CancellationToken.None));
            if (pending.Count == InFlight)
            {
                Wait(Task.WhenAll(pending), $"writing buffer {buffer.Id}");
                pending.Clear();
            }
        }

        Wait(Task.WhenAll(pending), $"writing buffer {buffer.Id}");
        Interlocked.Add(ref bytesMoved, bytes.Length);
    }

    /// <summary><paramref name="destination"/> ← elements from <paramref name="offset"/> of <paramref name="buffer"/>,
    /// each chunk checked against its checksum.</summary>
    internal void ReadBuffer<T>(NodeBuffer<T> buffer, long offset, Span<T> destination)
        where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        long start = offset * Unsafe.SizeOf<T>();
        for (int done = 0; done < bytes.Length;)
        {
            // Up to InFlight chunks asked for at once, then taken in order.
            var asked = new List<(int At, Task<BufferChunk> Chunk)>(InFlight);
            for (int at = done; at < bytes.Length && asked.Count < InFlight; at += ChunkBytes)
            {
                int count = Math.Min(ChunkBytes, bytes.Length - at);
                long from = start + at;
                asked.Add((at, Call(() => grain.ReadBuffer(app, buffer.Id, from, count), CancellationToken.None)));
            }

            foreach (var (at, task) in asked)
            {
                BufferChunk chunk = Wait(task, $"reading buffer {buffer.Id}");
                byte[] piece = chunk.Bytes.Value;
                Chunks.Verify(piece, chunk.Checksum, $"Bytes {chunk.Offset} of buffer {buffer.Id} from node {info.Name}");
                piece.CopyTo(bytes[at..]);
                done = at + piece.Length;
            }
        }

        Interlocked.Add(ref bytesMoved, bytes.Length);
    }

    internal void CopyBuffer<T>(NodeBuffer<T> source, long sourceOffset, NodeBuffer<T> destination, long destinationOffset, long length)
        where T : unmanaged =>
        Wait(Call(() => grain.CopyBuffer(app, source.Id, sourceOffset, destination.Id, destinationOffset, length), CancellationToken.None), $"copying buffer {source.Id}");

    /// <summary>Frees a buffer on the node, without waiting (a node that died has freed it already).</summary>
    internal void FreeBuffer(long id) => _ = grain.FreeBuffer(app, id).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);

    internal override void Gemm<T>(DeviceGemm<T> gemm, CancellationToken cancellation) =>
        Kernel<T>(
            NodeKernel.Gemm,
            [BufferId(gemm.A), BufferId(gemm.B), BufferId(gemm.C)],
            [
                gemm.OffsetA, gemm.LeadingA, gemm.OpA == Matrices.Transpose.None ? 0 : 1,
                gemm.OffsetB, gemm.LeadingB, gemm.OpB == Matrices.Transpose.None ? 0 : 1,
                gemm.OffsetC, gemm.LeadingC, gemm.M, gemm.N, gemm.K,
            ],
            [double.CreateChecked(gemm.Alpha), double.CreateChecked(gemm.Beta)],
            cancellation);

    internal override void TriangularSolve<T>(DeviceBuffer<T> m, DeviceBuffer<T> b, TriangularSolveArguments args) =>
        Kernel<T>(
            NodeKernel.Solve,
            [BufferId(m), BufferId(b)],
            [
                args.Order, args.Vectors, args.MOffset, args.MRowStride, args.MColumnStride, args.BOffset, args.VectorStride,
                args.ElementStride, args.Backward, args.UnitDiagonal,
            ],
            [],
            CancellationToken.None);

    internal override void SyrkLower<T>(DeviceBuffer<T> a, DeviceBuffer<T> c, SyrkArguments args) =>
        Kernel<T>(NodeKernel.SyrkLower, [BufferId(a), BufferId(c)], [args.Order, args.Depth, args.AOffset, args.ALeading, args.COffset, args.CLeading], [], CancellationToken.None);

    internal override int Potrf<T>(DeviceBuffer<T> a, PotrfArguments args) =>
        Kernel<T>(NodeKernel.Potrf, [BufferId(a)], [args.Order, args.Offset, args.Leading], [], CancellationToken.None).Info;

    internal override int LuColumns<T>(DeviceBuffer<T> a, PanelArguments args, Span<int> pivots)
    {
        NodeKernelAnswer answer = Kernel<T>(NodeKernel.LuPanel, [BufferId(a)], [args.Rows, args.Cols, args.Offset, args.Leading], [], CancellationToken.None);
        answer.Pivots.AsSpan().CopyTo(pivots);
        return answer.Info;
    }

    internal override void SwapRows<T>(DeviceBuffer<T> a, ReadOnlySpan<int> pivots, RowSwapArguments args)
    {
        long[] integers = [args.Cols, args.Count, args.First, args.Origin, args.Offset, args.Leading, .. pivots[..args.Count].ToArray().Select(p => (long)p)];
        Kernel<T>(NodeKernel.SwapRows, [BufferId(a)], integers, [], CancellationToken.None);
    }

    internal override void QrColumns<T>(DeviceBuffer<T> a, DeviceBuffer<T> v, DeviceBuffer<T> t, QrPanelArguments args, Span<T> tau)
    {
        NodeKernelAnswer answer = Kernel<T>(
            NodeKernel.QrPanel,
            [BufferId(a), BufferId(v), BufferId(t)],
            [args.A.Rows, args.A.Cols, args.A.Offset, args.A.Leading, args.V.Offset, args.V.Leading, args.T.Offset, args.T.Leading],
            [],
            CancellationToken.None);
        for (int j = 0; j < answer.Values.Length; j++)
        {
            tau[j] = T.CreateChecked(answer.Values[j]);
        }
    }

    internal override void Transpose<T>(DeviceBuffer<T> source, DeviceBuffer<T> destination, TransposeArguments block) =>
        Kernel<T>(
            NodeKernel.Transpose,
            [BufferId(source), BufferId(destination)],
            [block.Rows, block.Columns, block.SourceOffset, block.SourceStride, block.DestinationOffset, block.DestinationStride],
            [],
            CancellationToken.None);

    internal override void Fill<T>(T value, DeviceBuffer<T> result) =>
        Kernel<T>(NodeKernel.Fill, [BufferId(result)], [], [Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)], CancellationToken.None);

    private NodeKernelAnswer Kernel<T>(NodeKernel kind, long[] buffers, long[] integers, double[] scalars, CancellationToken cancellation)
    {
        var call = new NodeKernelCall(kind, Precision<T>(), buffers, integers, scalars);
        return Wait(Call(() => grain.RunKernel(app, call), cancellation, repeatable: false), $"running {kind}");
    }

    private long BufferId<T>(DeviceBuffer<T> buffer)
        where T : unmanaged =>
        buffer is NodeBuffer<T> mine && ReferenceEquals(mine.Device, this)
            ? mine.Id
            : throw new ArgumentException($"A buffer of {buffer.Device.Id} given to node {info.Name}.", nameof(buffer));

    private static string Precision<T>() =>
        typeof(T) == typeof(float) ? "f32" : typeof(T) == typeof(double) ? "f64" : throw new NotSupportedException($"Nodes hold f32 or f64, not {typeof(T).Name}.");

    /// <summary>Waits for a call; a failure that is not the caller's (bad arguments, cancellation) is the node's,
    /// reported as an <see cref="IOException"/> naming it, so a task graph treats the node as failed.</summary>
    private void Wait(Task task, string what) => Wait(Wrap(task), what);

    private TResult Wait<TResult>(Task<TResult> task, string what)
    {
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not (OperationCanceledException or ArgumentException or InvalidDataException))
        {
            throw new IOException($"Node {info.Name} ({silo}) failed {what}: {e.Message}", e);
        }
    }

    private static async Task<bool> Wrap(Task task)
    {
        await task.ConfigureAwait(false);
        return true;
    }
}
