namespace GpuCompute.Data;

/// <summary>Argument checks for device-resident data, with messages that name the sizes.</summary>
internal static class DataGuard
{
    public static void SameLength(long actual, long expected, string parameter, string? what = null)
    {
        if (actual != expected)
        {
            throw new ArgumentException(
                $"{parameter} has {actual} elements but {what ?? "the device vector"} has {expected}.", parameter);
        }
    }

    /// <summary>Throws unless <paramref name="layout"/> belongs to <paramref name="engine"/> and is not disposed.</summary>
    public static void Owned(ComputeEngine engine, DataLayout layout, string parameter)
    {
        if (!ReferenceEquals(layout.Owner, engine))
        {
            throw new ArgumentException($"{parameter} belongs to another ComputeEngine; data can only be used with the engine that made it.", parameter);
        }
    }

    /// <summary>Throws unless the array belongs to <paramref name="engine"/> and is alive.</summary>
    public static void Usable<T>(ComputeEngine engine, DistributedArray<T> storage, string parameter)
        where T : unmanaged
    {
        Owned(engine, storage.Layout, parameter);
        if (storage.IsDisposed)
        {
            throw new ObjectDisposedException(parameter, $"{parameter} has been disposed.");
        }

        storage.ThrowIfUnusable();
    }

    /// <summary>Throws unless <paramref name="b"/>'s elements sit on the same devices at the same indices as <paramref name="a"/>'s.</summary>
    public static void SameLayout<TA, TB>(DistributedArray<TA> a, string aName, DistributedArray<TB> b, string bName)
        where TA : unmanaged
        where TB : unmanaged
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"{bName} has {b.Length} elements but {aName} has {a.Length}.", bName);
        }

        if (!LinesUp(a, b))
        {
            throw new ArgumentException(
                $"{bName} is split across devices differently from {aName} ({bName}: {b.Layout}; {aName}: {a.Layout}): " +
                $"make both with the same layout (the engine's Allocate/Upload calls take one).", bName);
        }
    }

    /// <summary>True when both arrays hold the same global elements on the same devices.</summary>
    public static bool LinesUp<TA, TB>(DistributedArray<TA> a, DistributedArray<TB> b)
        where TA : unmanaged
        where TB : unmanaged
    {
        if (a.Layout.Parts.Count != b.Layout.Parts.Count)
        {
            return false;
        }

        for (int p = 0; p < a.Layout.Parts.Count; p++)
        {
            if (a.Layout.Parts[p].Device != b.Layout.Parts[p].Device
                || a.FirstElement(p) != b.FirstElement(p)
                || a.Layout.Parts[p].Count * a.ItemSize != b.Layout.Parts[p].Count * b.ItemSize)
            {
                return false;
            }
        }

        return true;
    }
}
