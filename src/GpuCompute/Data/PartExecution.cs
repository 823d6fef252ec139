using System.Runtime.ExceptionServices;
using GpuCompute.Backends;

namespace GpuCompute.Data;

/// <summary>Runs one piece of work per device part at the same time, and reports a device that fails by name.</summary>
internal static class PartExecution
{
    /// <summary>
    /// Runs <paramref name="body"/> for every part of <paramref name="layout"/>, each on its own thread (one device
    /// each), and blocks until all are done. If any throws, rethrows after the others have finished (no part is left
    /// running): argument errors as they are, anything else as a <see cref="DeviceFailedException"/> naming the device.
    /// </summary>
    public static void Run(DataLayout layout, string operation, Action<int> body)
    {
        // Registered with the engine, so that Dispose waits for the parts instead of freeing their devices under them.
        ComputeEngine engine = layout.Owner;
        engine.BeginOperation(synchronous: true);
        try
        {
            RunParts(layout, operation, body);
        }
        finally
        {
            engine.EndOperation(synchronous: true);
        }
    }

    private static void RunParts(DataLayout layout, string operation, Action<int> body)
    {
        int count = layout.Parts.Count;
        var failures = new Exception?[count];
        if (count == 1)
        {
            failures[0] = Guarded(layout, 0, operation, body);
        }
        else if (count > 1)
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, p => failures[p] = Guarded(layout, p, operation, body));
        }

        if (failures.FirstOrDefault(f => f is not null) is Exception first)
        {
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    private static Exception? Guarded(DataLayout layout, int part, string operation, Action<int> body)
    {
        try
        {
            body(part);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or ObjectDisposedException or OutOfMemoryException)
        {
            return e;
        }
        catch (Exception e)
        {
            return new DeviceFailedException(layout.Parts[part].Device.Id, operation, e);
        }
    }
}
