using System.Diagnostics;
using System.Runtime.ExceptionServices;
using GpuCompute.Backends;
using GpuCompute.Diagnostics;

namespace GpuCompute.Data;

/// <summary>Runs one piece of work per device part at the same time, and reports a device that fails by name.</summary>
internal static class PartExecution
{
    /// <summary>
    /// Runs <paramref name="body"/> for every part of <paramref name="layout"/>, each on its own thread (one device
    /// each), and blocks until all are done. If any throws, rethrows after the others have finished (no part is left
    /// running, so the parts on healthy devices are complete): argument errors as they are, anything else as a
    /// <see cref="DeviceFailedException"/> naming the device and, when <paramref name="writes"/> says what a part
    /// writes, the data that was lost with it.
    /// </summary>
    public static void Run(DataLayout layout, string operation, Action<int> body, Func<int, string>? writes = null) =>
        Run(layout, operation, (p, _) => body(p), writes);

    /// <summary>As the other overloads, with each finished part's flops and bytes moved (for the engine's metrics).</summary>
    public static void Run(DataLayout layout, string operation, Action<int, CancellationToken> body, Func<int, string>? writes, Func<int, (double Flops, double Bytes)>? cost) =>
        RunTracked(layout, operation, body, writes, cost);

    /// <summary>As <see cref="Run(DataLayout, string, Action{int}, Func{int, string}?)"/>, handing each part the engine's
    /// lifetime token (cancelled by Dispose) for primitives that can stop early; an operation stopped that way ends with
    /// <see cref="ObjectDisposedException"/>.</summary>
    public static void Run(DataLayout layout, string operation, Action<int, CancellationToken> body, Func<int, string>? writes = null) =>
        RunTracked(layout, operation, body, writes, null);

    private static void RunTracked(DataLayout layout, string operation, Action<int, CancellationToken> body, Func<int, string>? writes, Func<int, (double Flops, double Bytes)>? cost)
    {
        // Registered with the engine, so that Dispose waits for the parts instead of freeing their devices under them.
        ComputeEngine engine = layout.Owner;
        CancellationToken stop = engine.BeginOperation(synchronous: true);
        try
        {
            using Activity? span = EngineTelemetry.Source.StartActivity(operation);
            span?.SetTag("gpucompute.parts", layout.Parts.Count);
            RunParts(layout, operation, p => Measured(layout, operation, p, stop, body, cost), writes);
        }
        catch (OperationCanceledException e) when (stop.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(ComputeEngine), $"The engine was disposed during {operation}, which stopped before finishing ({e.Message}).");
        }
        finally
        {
            engine.EndOperation(synchronous: true);
        }
    }

    /// <summary>One part, with its span and metrics.</summary>
    private static void Measured(DataLayout layout, string operation, int part, CancellationToken stop, Action<int, CancellationToken> body, Func<int, (double Flops, double Bytes)>? cost)
    {
        string device = layout.Parts[part].Device.Id;
        using Activity? span = EngineTelemetry.StartWorkItem(operation, device, layout.Parts[part].ToString());
        long start = Stopwatch.GetTimestamp();
        bool failed = true;
        try
        {
            body(part, stop);
            failed = false;
        }
        finally
        {
            (double flops, double bytes) = failed || cost is null ? (0, 0) : cost(part);
            EngineTelemetry.WorkItem(operation, device, Stopwatch.GetElapsedTime(start).TotalSeconds, flops, bytes, failed);
            span?.SetStatus(failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
        }
    }

    private static void RunParts(DataLayout layout, string operation, Action<int> body, Func<int, string>? writes)
    {
        int count = layout.Parts.Count;
        var failures = new Exception?[count];
        if (count == 1)
        {
            failures[0] = Guarded(layout, 0, operation, body, writes);
        }
        else if (count > 1)
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, p => failures[p] = Guarded(layout, p, operation, body, writes));
        }

        if (failures.FirstOrDefault(f => f is not null) is Exception first)
        {
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    private static Exception? Guarded(DataLayout layout, int part, string operation, Action<int> body, Func<int, string>? writes)
    {
        try
        {
            body(part);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or ObjectDisposedException or OutOfMemoryException or OperationCanceledException)
        {
            return e;
        }
        catch (Exception e)
        {
            return new DeviceFailedException(layout.Parts[part].Device.Id, operation, e, writes?.Invoke(part));
        }
    }
}
