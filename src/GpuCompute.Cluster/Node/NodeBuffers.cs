using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;
using GpuCompute.Backends;
using GpuCompute.Backends.Cpu;
using GpuCompute.Cluster.Contracts;
using GpuCompute.Cluster.Transport;
using GpuCompute.Factorizations;
using GpuCompute.Matrices;
using Orleans.Concurrency;

namespace GpuCompute.Cluster.Node;

/// <summary>
/// The buffers apps keep on this node for their task graphs (the tile copies of a node device, see
/// <c>App.NodeBuffer</c>), and the tile kernels run on them: each kernel is a whole tile operation (a POTRF, a TRSM, a
/// SYRK, an LU or QR panel, a GEMM) computed by the node's CPU device with the engine's own recursive kernels, one at
/// a time under <paramref name="gate"/> so the node keeps its thread budget.
/// </summary>
internal sealed class NodeBuffers(ComputeDevice? cpu, long budgetBytes, SemaphoreSlim gate)
{
    /// <summary>An app that has not touched its buffers for this long is taken for dead (its graph would have freed
    /// them) when another app needs the memory.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(Guid App, long Id), Array> buffers = new();
    private readonly ConcurrentDictionary<Guid, long> lastUse = new();
    private long heldBytes;

    /// <summary>Bytes held now (tests and reports).</summary>
    public long HeldBytes => Interlocked.Read(ref heldBytes);

    public void Allocate(Guid app, long id, string precision, long length)
    {
        int size = precision switch
        {
            "f32" => sizeof(float),
            "f64" => sizeof(double),
            _ => throw new ArgumentException($"A buffer holds f32 or f64, not '{precision}'.", nameof(precision)),
        };
        if (length < 0 || length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A buffer holds 0 to {Array.MaxLength} elements.");
        }

        long bytes = length * size;
        Touch(app);
        if (Interlocked.Add(ref heldBytes, bytes) > budgetBytes)
        {
            Interlocked.Add(ref heldBytes, -bytes);
            FreeAbandoned(app);
            if (Interlocked.Add(ref heldBytes, bytes) > budgetBytes)
            {
                Interlocked.Add(ref heldBytes, -bytes);
                throw new InsufficientMemoryException($"A buffer of {bytes} bytes does not fit the node's {budgetBytes} bytes ({HeldBytes} held).");
            }
        }

        Array array = size == sizeof(float) ? new float[length] : new double[length];
        if (!buffers.TryAdd((app, id), array))
        {
            Interlocked.Add(ref heldBytes, -bytes);
            throw new ArgumentException($"Buffer {id} of app {app} exists already.", nameof(id));
        }
    }

    public void Free(Guid app, long id)
    {
        if (buffers.TryRemove((app, id), out Array? array))
        {
            Interlocked.Add(ref heldBytes, -Bytes(array).Length);
        }
    }

    public void Write(Guid app, BufferChunk chunk)
    {
        byte[] bytes = chunk.Bytes.Value;
        Chunks.Verify(bytes, chunk.Checksum, $"A chunk of buffer {chunk.Buffer}");
        Span<byte> target = Bytes(Find(app, chunk.Buffer));
        if (chunk.Offset < 0 || chunk.Offset + bytes.Length > target.Length)
        {
            throw new ArgumentException($"{bytes.Length} bytes at {chunk.Offset} do not fit buffer {chunk.Buffer} of {target.Length} bytes.", nameof(chunk));
        }

        bytes.CopyTo(target[checked((int)chunk.Offset)..]);
    }

    public BufferChunk Read(Guid app, long id, long offset, int count)
    {
        Span<byte> source = Bytes(Find(app, id));
        if (offset < 0 || count < 0 || offset + count > source.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"{count} bytes at {offset} are not within buffer {id} of {source.Length} bytes.");
        }

        byte[] bytes = source.Slice(checked((int)offset), count).ToArray();
        return new BufferChunk(id, offset, new Immutable<byte[]>(bytes), Chunks.Checksum(bytes));
    }

    public void Copy(Guid app, long source, long sourceOffset, long destination, long destinationOffset, long length)
    {
        Array from = Find(app, source), to = Find(app, destination);
        if (from.GetType() != to.GetType() || sourceOffset < 0 || destinationOffset < 0 || length < 0
            || sourceOffset + length > from.Length || destinationOffset + length > to.Length)
        {
            throw new ArgumentException($"Cannot copy {length} elements from {source}[{sourceOffset}] ({from.Length}) to {destination}[{destinationOffset}] ({to.Length}).");
        }

        Array.Copy(from, sourceOffset, to, destinationOffset, length);
    }

    public async Task<NodeKernelAnswer> RunAsync(Guid app, NodeKernelCall call)
    {
        ComputeDevice device = cpu ?? throw new NotSupportedException("This node has no CPU device to run tile kernels on: start it with 'cpu' among its devices.");
        Array[] arrays = [.. call.Buffers.Select(id => Find(app, id))];
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return call.Precision switch
            {
                "f32" => await Task.Run(() => Run(device, call, [.. arrays.Select(Typed<float>)])).ConfigureAwait(false),
                "f64" => await Task.Run(() => Run(device, call, [.. arrays.Select(Typed<double>)])).ConfigureAwait(false),
                _ => throw new ArgumentException($"A kernel runs on f32 or f64, not '{call.Precision}'.", nameof(call)),
            };
        }
        finally
        {
            gate.Release();
        }
    }

    private static NodeKernelAnswer Run<T>(ComputeDevice cpu, NodeKernelCall call, T[][] b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // One kernel at a time on the node (the gate): its GEMMs take all of the CPU device's threads.
        var target = new HostTiles<T>(cpu, default, wholeDevice: true);
        long[] n = call.Integers;
        HostMatrix<T> View(int buffer, long offset, long rows, long cols, long leading) =>
            new(b[buffer], checked((int)rows), checked((int)cols), checked((int)Math.Max(1, leading)), checked((int)offset));
        NodeKernelAnswer Done(int info = -1, int[]? pivots = null, double[]? values = null) => new(info, pivots ?? [], values ?? []);
        switch (call.Kind)
        {
            case NodeKernel.Gemm:
            {
                // a, lda, opA, b, ldb, opB, c, ldc, m, n, k
                Transpose opA = n[2] == 0 ? Transpose.None : Transpose.Transposed, opB = n[5] == 0 ? Transpose.None : Transpose.Transposed;
                long m = n[8], cols = n[9], k = n[10];
                HostMatrix<T> a = opA == Transpose.None ? View(0, n[0], m, k, n[1]) : View(0, n[0], k, m, n[1]);
                HostMatrix<T> bm = opB == Transpose.None ? View(1, n[3], k, cols, n[4]) : View(1, n[3], cols, k, n[4]);
                target.Gemm(T.CreateChecked(call.Scalars[0]), a, opA, bm, opB, T.CreateChecked(call.Scalars[1]), View(2, n[6], m, cols, n[7]));
                return Done();
            }

            case NodeKernel.Solve:
            {
                // order, vectors, mOffset, mRowStride, mColumnStride, bOffset, vectorStride, elementStride, backward, unit
                long order = n[0], vectors = n[1];
                if (n[6] != 1)
                {
                    throw new ArgumentException($"A node solves for B's columns (vector stride 1), not a vector stride of {n[6]}.", nameof(call));
                }

                bool transposed = order > 1 && n[3] == 1 && n[4] != 1;
                TriangularBlock.Shape shape = n[9] != 0 ? TriangularBlock.Shape.UnitLower
                    : n[8] == 0 ? TriangularBlock.Shape.Lower
                    : transposed ? TriangularBlock.Shape.LowerTransposed : TriangularBlock.Shape.Upper;
                HostMatrix<T> triangle = View(0, n[2], order, order, transposed ? n[4] : n[3]);
                TileRecursion<T, HostMatrix<T>, HostTiles<T>>.TrsmLeft(target, triangle, View(1, n[5], order, vectors, n[7]), shape);
                return Done();
            }

            case NodeKernel.SyrkLower:
                // order, depth, aOffset, aLeading, cOffset, cLeading
                TileRecursion<T, HostMatrix<T>, HostTiles<T>>.SyrkLower(target, View(0, n[2], n[0], n[1], n[3]), View(1, n[4], n[0], n[0], n[5]));
                return Done();

            case NodeKernel.Potrf:
                return Done(TileRecursion<T, HostMatrix<T>, HostTiles<T>>.Potrf(target, View(0, n[1], n[0], n[0], n[2])));

            case NodeKernel.LuPanel:
            {
                var pivots = new int[n[1]];
                int info = PanelLu<T, HostMatrix<T>, HostTiles<T>>.Factor(target, View(0, n[2], n[0], n[1], n[3]), pivots);
                return Done(info, pivots);
            }

            case NodeKernel.SwapRows:
            {
                // cols, count, first, origin, offset, leading, pivots…
                int count = (int)n[1], first = (int)n[2], origin = (int)n[3];
                int[] pivots = [.. n.Skip(6).Take(count).Select(p => checked((int)p))];
                int rows = Math.Max(first + count, pivots.Length == 0 ? 0 : pivots.Max() - origin + 1);
                RowInterchanges.Apply(View(0, n[4], rows, n[0], n[5]), pivots, first, origin);
                return Done();
            }

            case NodeKernel.QrPanel:
            {
                // rows, cols, then offset and leading of a, v, t
                long rows = n[0], cols = n[1];
                var tau = new T[cols];
                PanelQr<T, HostMatrix<T>, HostTiles<T>>.Factor(target, View(0, n[2], rows, cols, n[3]), View(1, n[4], rows, cols, n[5]), View(2, n[6], cols, cols, n[7]), tau);
                return Done(values: [.. tau.Select(double.CreateChecked)]);
            }

            case NodeKernel.Transpose:
                // rows, cols, source offset, source stride, destination offset, destination stride
                CpuTranspose.Run(b[0], n[2], n[3], b[1], n[4], n[5], n[0], n[1], threads: 1);
                return Done();

            case NodeKernel.Fill:
                Array.Fill(b[0], T.CreateChecked(call.Scalars[0]));
                return Done();

            default:
                throw new ArgumentException($"No node kernel {call.Kind}.", nameof(call));
        }
    }

    private Array Find(Guid app, long id)
    {
        Touch(app);
        return buffers.TryGetValue((app, id), out Array? array) ? array : throw new ArgumentException($"No buffer {id} of app {app} on this node.", nameof(id));
    }

    private void Touch(Guid app) => lastUse[app] = Environment.TickCount64;

    /// <summary>Frees the buffers of apps other than <paramref name="asking"/> idle for <see cref="AbandonedAfter"/>.</summary>
    private void FreeAbandoned(Guid asking)
    {
        long now = Environment.TickCount64;
        foreach (var (app, used) in lastUse)
        {
            if (app != asking && now - used > (long)AbandonedAfter.TotalMilliseconds && lastUse.TryRemove(app, out _))
            {
                foreach (var key in buffers.Keys.Where(k => k.App == app))
                {
                    Free(app, key.Id);
                }
            }
        }
    }

    private static T[] Typed<T>(Array array) => array as T[] ?? throw new ArgumentException($"A buffer of {array.GetType().GetElementType()!.Name} used as {typeof(T).Name}.");

    private static Span<byte> Bytes(Array array) =>
        array is float[] single ? MemoryMarshal.AsBytes(single.AsSpan()) : MemoryMarshal.AsBytes(((double[])array).AsSpan());
}
