namespace GpuCompute.Operations;

/// <summary>An element of a vector and its index, as returned by <see cref="ComputeEngine.Min{T}(Data.DeviceVector{T})"/> and
/// <see cref="ComputeEngine.Max{T}(Data.DeviceVector{T})"/>.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="Value">The element.</param>
/// <param name="Index">Its global index in the vector.</param>
public readonly record struct IndexedValue<T>(T Value, long Index);
